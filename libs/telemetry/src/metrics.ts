import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds from a fraction of a millisecond to minutes: tool calls range that wide. */
const BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];

/** Sets one gauge's value for one set of labels, when a source is read at a scrape. */
export type GaugeSetter = (name: GaugeName, labels: Record<string, string>, value: number) => void;

/**
 * Fanout's Prometheus metrics, one registry per process (every service of a `fanout up`
 * shares it). Labels are bounded: tools and priorities are fixed sets, statuses and
 * outcomes are small enums; no workflow or task id ever becomes a label.
 */
export class FanoutMetrics {
  readonly registry = new Registry();
  readonly tasks = new Counter({
    name: 'fanout_tasks_total',
    help: 'Task attempts a worker ended, by tool and how they ended.',
    labelNames: ['tool', 'status'] as const,
    registers: [this.registry],
  });
  readonly queueSeconds = new Histogram({
    name: 'fanout_task_queue_seconds',
    help: 'From an attempt dispatched to a worker starting it.',
    labelNames: ['tool', 'priority'] as const,
    buckets: BUCKETS,
    registers: [this.registry],
  });
  readonly runSeconds = new Histogram({
    name: 'fanout_task_run_seconds',
    help: 'How long an attempt ran on its worker.',
    labelNames: ['tool'] as const,
    buckets: BUCKETS,
    registers: [this.registry],
  });
  readonly commands = new Counter({
    name: 'fanout_commands_total',
    help: 'Commands of the bus a service handled, by command and outcome.',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly readers: Array<() => Promise<void>> = [];

  constructor() {
    this.gauge('fanout_queue_depth', 'Attempts waiting on a tool queue, by priority.', [
      'tool',
      'priority',
    ] as const);
    this.gauge(
      'fanout_queue_oldest_age_seconds',
      'Age of the oldest attempt waiting on a tool queue.',
      ['tool'] as const,
    );
    this.gauge('fanout_pool_slots', 'Slots of a worker pool, busy or free.', [
      'tool',
      'state',
    ] as const);
    this.gauge('fanout_workflows', 'Workflows this process owns, by status.', ['status'] as const);
    this.gauge(
      'fanout_nats_connected',
      'Whether each NATS connection of the process is up (1) or not (0).',
      ['service'] as const,
    );
  }

  /**
   * Adds a source of gauge values, read at every scrape: a worker's pools and queues, an
   * orchestrator's workflows, a connection's state. A source that fails is skipped for that
   * scrape (its gauges then show nothing), never failing the others.
   */
  collect(source: (set: GaugeSetter) => void | Promise<void>): void {
    const set: GaugeSetter = (name, labels, value) =>
      (this.registry.getSingleMetric(name) as Gauge<string>).set(labels, value);
    this.readers.push(async () => source(set));
  }

  /** The metrics in Prometheus's text format, every source read first. */
  async text(): Promise<string> {
    for (const metric of GAUGES) (this.registry.getSingleMetric(metric) as Gauge<string>).reset();
    await Promise.all(this.readers.map((read) => read().catch(() => undefined)));
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private gauge(name: GaugeName, help: string, labelNames: readonly string[]): void {
    new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}

/** The gauges whose values are read from their sources at each scrape. */
const GAUGES = [
  'fanout_queue_depth',
  'fanout_queue_oldest_age_seconds',
  'fanout_pool_slots',
  'fanout_workflows',
  'fanout_nats_connected',
] as const;
export type GaugeName = (typeof GAUGES)[number];
