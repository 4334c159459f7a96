import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext, LoggerService, LogLevel } from '@nestjs/common';
import {
  JetStreamExceptionFilter,
  JetStreamServer,
  natsConfigFromEnv,
  topologyFromEnv,
} from '@fanout/messaging';
import { limitHeapGrowth } from './orchestrator/heap-growth';
import { OrchestratorModule } from './orchestrator/orchestrator.module';
import { orchestratorOptionsFromEnv } from './orchestrator/orchestrator.options';
import { WorkflowRunner } from './orchestrator/runner/workflow-runner';
import type { FanoutMetrics } from '@fanout/telemetry';
import { WORKER_KIND_NAMES, type WorkerKind } from './workers/worker-kind-names';

/** The name of one of Fanout's services. */
export type ServiceName = 'orchestrator' | WorkerKind | 'gateway' | 'monitor';

/**
 * Every service Fanout has, in the order they are best started: the orchestrator first,
 * the gateway (the dashboard and its API) last.
 */
export const SERVICE_NAMES: readonly ServiceName[] = [
  'orchestrator',
  ...WORKER_KIND_NAMES,
  'gateway',
  'monitor',
];

/** How a service is booted; everything defaults to this process's environment, as in a container. */
export interface BootOptions {
  /**
   * The settings the service reads (`NATS_URL`, `FANOUT_SUBJECT_PREFIX`,
   * `FANOUT_EVENT_RETENTION`, `FANOUT_STREAM_REPLICAS`, `FANOUT_ORCHESTRATOR_*`, a worker's
   * tool settings, …), read once here and passed down. Default: `process.env`.
   */
  env?: NodeJS.ProcessEnv;
  /** Where the service logs. Default: Nest's console logger at error, warn and log. */
  logger?: LoggerService | LogLevel[] | false;
  /** The process's Prometheus metrics, when it serves them (`runServices`). */
  metrics?: FanoutMetrics;
}

/** Whether `name` is one of {@link SERVICE_NAMES}, for checking what a user typed. */
export function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}

/**
 * Boots one service in this process and resolves once it is taking work. The same call
 * runs a service's container (`apps/<name>/src/main.ts`), `fanout up` and the embedded
 * mode of `fanout run`; `close()` on the result drains it.
 */
export async function bootService(
  name: ServiceName,
  options: BootOptions = {},
): Promise<INestApplicationContext> {
  const logger = options.logger ?? ['error', 'warn', 'log'];
  const env = options.env ?? process.env;
  const nats = natsConfigFromEnv(env);
  const topology = topologyFromEnv(env);
  if (name === 'orchestrator') {
    limitHeapGrowth();
    const orchestrator = orchestratorOptionsFromEnv(env);
    const built: { runner?: WorkflowRunner } = {};
    const server = new JetStreamServer({
      service: 'orchestrator',
      commands: { concurrency: orchestrator.concurrency, durablePrefix: 'orchestrator' },
      config: nats,
      // Commands are taken only after listen(), by which time the runner exists.
      onInvalidCommand: async (invalid) => built.runner?.reject(invalid),
      ...(options.metrics
        ? {
            onCommandSettled: (command, outcome) =>
              options.metrics?.commands.inc({ command, outcome }),
          }
        : {}),
    });
    const app = await NestFactory.createMicroservice(
      OrchestratorModule.forRoot({ nats, orchestrator, topology }),
      { strategy: server, logger },
    );
    const runner = app.get(WorkflowRunner);
    built.runner = runner;
    options.metrics?.collect((set) => {
      for (const [status, count] of Object.entries(runner.ownedByStatus())) {
        set('fanout_workflows', { status }, count);
      }
    });
    app.useGlobalFilters(new JetStreamExceptionFilter());
    await app.listen();
    return app;
  }
  // The other services are imported when booted: a process loads only the code (and the
  // packages: the web's parser, the model client, tree-sitter…) of what it runs, which keeps
  // an orchestrator's resident memory to its own.
  if (name === 'gateway') {
    const { GatewayModule } = await import('./gateway/gateway.module');
    const { gatewayOptionsFromEnv } = await import('./gateway/gateway.options');
    const module = GatewayModule.forRoot(env, gatewayOptionsFromEnv(env));
    const app = await NestFactory.createApplicationContext(module, { logger });
    return app.init();
  }
  if (name === 'monitor') {
    const { MonitorModule } = await import('./monitor/monitor.module');
    const { monitorOptionsFromEnv } = await import('./monitor/monitor.options');
    const monitor = monitorOptionsFromEnv(env);
    return NestFactory.createApplicationContext(
      MonitorModule.forRoot({ monitor, nats, topology }),
      {
        logger,
      },
    );
  }
  return bootWorker(name, env, nats, topology, logger, options.metrics);
}

/** Boots one kind of worker, its tools built over the settings in `env`. */
async function bootWorker(
  name: WorkerKind,
  env: NodeJS.ProcessEnv,
  nats: ReturnType<typeof natsConfigFromEnv>,
  topology: ReturnType<typeof topologyFromEnv>,
  logger: LoggerService | LogLevel[] | false,
  metrics: FanoutMetrics | undefined,
): Promise<INestApplicationContext> {
  const [{ WORKER_KINDS }, { WorkerServiceModule }, capacity, shares, resources] =
    await Promise.all([
      import('./workers/worker-kinds'),
      import('./workers/worker-service.module'),
      import('./resources/host-capacity'),
      import('./resources/pool-shares'),
      import('./resources/resources.options'),
    ]);
  const kind = WORKER_KINDS[name];
  const built = kind.build(env); // the one read of the tools' settings
  const pools = shares.derivePools(
    kind.defaultPools,
    resources.resourceOptionsFromEnv(env),
    capacity.machineCapacity(),
    capacity.readCgroupLimits(),
  );
  const module = WorkerServiceModule.forRoot(name, { ...built, nats, topology, pools }, metrics);
  return NestFactory.createApplicationContext(module, {
    logger,
  });
}
