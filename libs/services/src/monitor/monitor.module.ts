import { Module, type DynamicModule } from '@nestjs/common';
import { MessagingModule, type NatsConfig, type TopologyInput } from '@fanout/messaging';
import { MONITOR_OPTIONS, type MonitorOptions } from './monitor.options';
import { ResourceMonitor } from './resource-monitor';

/** The monitor service: the metrics bus and heartbeats in, the live view and `fanout resources` out. */
@Module({})
export class MonitorModule {
  static forRoot(options: {
    monitor: MonitorOptions;
    nats?: NatsConfig;
    topology?: TopologyInput;
  }): DynamicModule {
    return {
      module: MonitorModule,
      imports: [
        MessagingModule.forRoot({
          ...(options.nats ? { config: options.nats } : {}),
          ...(options.topology ? { topology: options.topology } : {}),
        }),
      ],
      providers: [{ provide: MONITOR_OPTIONS, useValue: options.monitor }, ResourceMonitor],
    };
  }
}
