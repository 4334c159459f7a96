import { hostname } from 'node:os';
import { z } from 'zod';
import { resourceOptionsFromEnv, type ResourceOptions } from '../resources/resources.options';
import { SILENT_AFTER_MS } from './live-view';

/** Where the monitor's resolved options are injected. */
export const MONITOR_OPTIONS = Symbol('MONITOR_OPTIONS');

const MonitorSettings = z.object({
  instance: z.string().min(1).default(`${hostname()}-${process.pid}`),
  /** Silence after which an instance is taken for dead. */
  silentAfterMs: z.coerce.number().int().positive().default(SILENT_AFTER_MS),
  /** How often the monitor says it is alive, as every service does. */
  vitalsMs: z.coerce.number().int().positive().default(5_000),
  /** How often the allocation rules run; 0 turns adaptive allocation off. */
  adaptEveryMs: z.coerce.number().int().nonnegative().default(10_000),
});

export type MonitorOptions = z.infer<typeof MonitorSettings> & { resources: ResourceOptions };

/** Reads `FANOUT_MONITOR_*` and `FANOUT_RESOURCES`. */
export function monitorOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): MonitorOptions {
  const read = (name: string) => env[`FANOUT_MONITOR_${name}`];
  return {
    ...MonitorSettings.parse({
      instance: read('INSTANCE') ?? env['FANOUT_INSTANCE'],
      silentAfterMs: read('SILENT_AFTER_MS'),
      vitalsMs: read('VITALS_MS'),
      adaptEveryMs: read('ADAPT_EVERY_MS'),
    }),
    resources: resourceOptionsFromEnv(env),
  };
}
