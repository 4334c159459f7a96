import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTelemetry, type Telemetry } from '@fanout/telemetry';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noopTool } from './noop-tool';
import {
  connectTo,
  dispatch,
  envelope,
  freshNames,
  memoryLogger,
  ReportLog,
  startWorker,
} from './testing/fixtures';
import type { Connection } from './transport-types';

describe('a worker in a trace', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry;
  let nats: NatsServer;
  let connection: Connection;
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'worker-trace-test', exporter, env: {} });
    nats = await startNats();
    connection = await connectTo(nats.url);
  });
  afterAll(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
    await connection?.close();
    await nats?.stop();
    await telemetry.shutdown();
  });

  it('runs an attempt in a span that continues the span the envelope was published in', async () => {
    const names = await freshNames(connection, 'traced');
    const reports = await ReportLog.open(connection, names);
    cleanup.push(() => reports.stop());
    await startWorker(
      {
        connection,
        names,
        service: 'traced-worker',
        tools: { noop: noopTool },
        pools: { noop: 2 },
        logger: memoryLogger(),
      },
      cleanup,
    );

    const dispatcher = trace.getTracer('test').startSpan('task phase/task-1');
    await context.with(trace.setSpan(context.active(), dispatcher), () =>
      dispatch(connection, names, envelope(1)),
    );
    dispatcher.end();

    const subject = names.task('noop', 2);
    const named = (name: string) => exporter.getFinishedSpans().find((span) => span.name === name);
    await expect.poll(() => named(`process ${subject}`), { timeout: 10_000 }).toBeDefined();
    const run = named(`process ${subject}`)!;
    const publish = named(`publish ${subject}`)!;
    expect(run.spanContext().traceId).toBe(dispatcher.spanContext().traceId);
    // The envelope went out in a producer span under the dispatcher's; the run hangs from it.
    expect(publish.parentSpanContext?.spanId).toBe(dispatcher.spanContext().spanId);
    expect(run.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    expect(run.attributes).toMatchObject({
      'messaging.system': 'nats',
      'fanout.task_id': 'phase/task-1',
      'fanout.disposition': 'acked',
    });
  });
});
