import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subjects, type WorkflowEvent } from '@fanout/contracts';
import {
  CommandBus,
  connectNats,
  ensureTopology,
  EventStream,
  natsConfigFromEnv,
} from '@fanout/messaging';
import {
  runFanout as fanout,
  startNats,
  startServices,
  type NatsServer,
  type Services,
} from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PREFIX = `cli${process.pid}`;
const EXAMPLE = 'examples/explore-this-repo.yaml';
const UNREACHABLE = 'nats://127.0.0.1:1';

describe('the fanout command against real services', () => {
  let nats: NatsServer;
  let services: Services | undefined;
  let connection: Awaited<ReturnType<typeof connectNats>>;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    nats = await startNats();
    connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
    await ensureTopology(connection, { prefix: PREFIX });
    services = await startServices(nats.url, PREFIX, [
      'orchestrator',
      'codebase-worker',
      'bash-worker',
      'monitor',
    ]);
    dir = await mkdtemp(join(tmpdir(), 'fanout-cli-'));
    env = { NATS_URL: nats.url, FANOUT_SUBJECT_PREFIX: PREFIX };
  });
  afterAll(async () => {
    await services?.stop();
    await connection?.close();
    await nats?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('validate exits 2 on a bad file and prints every error with its line, no stack', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      'phases:\n  - id: a\n    tasks:\n      - id: x\n        tool: code.nope\n',
    );
    const run = await fanout(['validate', bad], { NATS_URL: UNREACHABLE });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /bad\.yaml:5:\d+: phases\[0\]\.tasks\[0\]\.tool: unknown tool "code\.nope"/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('validate accepts the example with no NATS at all', async () => {
    const run = await fanout(['validate', EXAMPLE], { NATS_URL: UNREACHABLE });
    expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/valid/) });
  });

  it('runs the example to completion; --json prints one document matching --out', async () => {
    const out = join(dir, 'explore.json');
    const run = await fanout(['run', EXAMPLE, '--json', '--out', out], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document.summary).toMatchObject({ status: 'succeeded', counts: { failed: 0 } });
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(document);
    const succeeded = document.summary.tasks
      .filter((task: { status: string }) => task.status === 'succeeded')
      .map((task: { taskId: string }) => task.taskId);
    expect(Object.keys(document.results).sort()).toEqual(succeeded.sort());
    expect(document.results['find/readme-lines']).toMatchObject({ exitCode: 0 });
    expect(document.results['read/each/0']).toMatchObject({ content: expect.any(String) });
  });

  it('exits 1 when a task of the workflow fails, with the failure in the summary', async () => {
    const failing = join(dir, 'failing.yaml');
    await writeFile(
      failing,
      'phases:\n  - id: a\n    tasks:\n      - id: r\n        tool: code.read\n        input: { root: ".", path: no-such-file.txt }\n',
    );
    const run = await fanout(['run', failing], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\nPHASE .*\na +1 +0 +1 +0 +0\n/);
    expect(run.stdout).toMatch(/failed \(1\):\n.*\na\/r\s+code\.read\s+failed\s+\d+\s+\d+\s+\w+: /);
  });

  it('a degraded workflow exits 0, and 1 with --strict', async () => {
    const degraded = join(dir, 'degraded.yaml');
    await writeFile(
      degraded,
      [
        'phases:',
        '  - id: a',
        '    barrier: { policy: degrade, timeoutMs: 10000 }',
        '    tasks:',
        '      - { id: ok, tool: code.read, input: { root: ".", path: README.md, endLine: 1 } }',
        '      - { id: gone, tool: code.read, input: { root: ".", path: no-such-file.txt } }',
        '',
      ].join('\n'),
    );
    const lenient = await fanout(['run', degraded, '--json'], env);
    expect(lenient.code).toBe(0);
    expect(JSON.parse(lenient.stdout).summary).toMatchObject({
      status: 'degraded',
      phases: [{ phaseId: 'a', missing: ['a/gone'] }],
    });
    const strict = await fanout(['run', degraded, '--strict', '--verbose'], env);
    expect(strict.code).toBe(1);
    // --verbose: the whole table, the task that succeeded as well.
    expect(strict.stdout).toMatch(/\na\/ok +code\.read +succeeded/);
  });

  it('call --json prints exactly one document with the tool, status, result and error', async () => {
    const input = JSON.stringify({ root: '.', path: 'README.md', endLine: 1 });
    const run = await fanout(['call', 'code.read', '--input', input, '--json'], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      tool: 'code.read',
      status: 'succeeded',
      result: { content: '# Fanout\n' },
      error: null,
    });
  });

  it('resources --json prints one document: the matrix in percent, instances, queues, decisions', async () => {
    await expect
      .poll(
        async () => {
          const run = await fanout(['resources', '--json'], env);
          expect(run.code).toBe(0);
          expect(run.stdout.trim().split('\n')).toHaveLength(1);
          return JSON.parse(run.stdout);
        },
        { timeout: 15_000, interval: 500 },
      )
      .toMatchObject({
        matrix: {
          web: { cpu: 20, memory: 25, io: 10, network: 60, storage: 15 },
          codebase: { cpu: 40, memory: 50, io: 70, network: 5, storage: 60 },
          bash: { cpu: 30, memory: 15, io: 15, network: 20, storage: 20 },
          coordination: { cpu: 10, memory: 10, io: 5, network: 15, storage: 5 },
        },
        instances: expect.arrayContaining([
          expect.objectContaining({ service: 'codebase-worker', family: 'codebase' }),
          expect.objectContaining({ service: 'orchestrator', family: 'coordination' }),
        ]),
        queues: expect.arrayContaining([{ tool: 'bash.exec', priority: 4, waiting: 0 }]),
        decisions: expect.any(Array),
      });
    const table = await fanout(['resources'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^MATRIX/);
    expect(table.stdout).toMatch(/codebase-worker/);
  });

  it('resources exits 3 when no monitor answers', async () => {
    const run = await fanout(['resources', '--json'], {
      ...env,
      FANOUT_SUBJECT_PREFIX: 'nomonitor',
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/no monitor answers/);
  });

  it('exits 3 without a stack trace when NATS is unreachable', async () => {
    const run = await fanout(['submit', EXAMPLE, '--nats', UNREACHABLE]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/cannot reach NATS/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('watch follows a workflow someone else submitted on the command bus until it completes', async () => {
    const names = subjects(PREFIX);
    await new CommandBus(connection, names).publish({
      type: 'workflow.submit',
      commandId: 'raw-submit-1',
      workflowId: 'raw-1',
      workflow: {
        phases: [{ id: 'a', tasks: [{ id: 'ls', tool: 'bash.exec', input: { command: 'ls' } }] }],
      },
    });
    const subscription = await new EventStream(connection, names).subscribe(
      { workflowId: 'raw-1' },
      'all',
    );
    let completed: WorkflowEvent | undefined;
    for await (const stored of subscription) {
      if (stored.event.type === 'WorkflowCompleted') {
        completed = stored.event;
        break;
      }
    }
    expect(completed).toMatchObject({ status: 'succeeded' });
    const watched = await fanout(['watch', 'raw-1'], env);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/WorkflowCompleted succeeded/);
  });
});

describe('the fanout command against a NATS server with JetStream where no Fanout has run', () => {
  let nats: NatsServer;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    await nats?.stop();
  });

  const input = JSON.stringify({ root: '.', path: 'README.md' });
  it.each([
    ['submit', EXAMPLE],
    ['cancel', 'wf-1'],
    ['watch', 'wf-1'],
    ['status', 'wf-1'],
    ['dlq', 'list'],
    ['dlq', 'retry', '1'],
    ['call', 'code.read', '--input', input],
    ['run', EXAMPLE],
  ])('%s %s says the streams are missing, exit 3, no stack', async (...args) => {
    const run = await fanout(args, { NATS_URL: nats.url, FANOUT_SUBJECT_PREFIX: 'nofanout' });
    expect(run.stderr).toBe(
      'fanout: no Fanout streams on this NATS server under this subject prefix: are the services running here (fanout up), with the same --prefix?\n',
    );
    expect(run.code).toBe(3);
  });
});
