import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { FanoutClient } from '@fanout/client';
import { ErrorCode, ROLES, subjects } from '@fanout/contracts';
import {
  CommandBus,
  connectNats,
  ErrorChannel,
  natsConfigFromEnv,
  permissionDenied,
} from '@fanout/messaging';
import {
  findNatsServer,
  runFanout,
  startFanout,
  startNats,
  startService,
  type NatsServer,
  type ServiceProcess,
} from '@fanout/testing';
import { readAuthEnv } from '@fanout/nats-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PREFIX = `secure${process.pid}`;
/** Every role but `client` is a service, and each runs here on its own credentials. */
const SERVICES = ROLES.filter((role) => role !== 'client');

/** A small repository whose facts the test knows, for `fanout ask`. */
const REPO: Record<string, string> = {
  'src/total.ts':
    'export function computeTotal(xs: number[]) {\n  return xs.reduce((a, b) => a + b, 0);\n}\n',
  'src/checkout.ts':
    "import { computeTotal } from './total';\n\nexport const total = computeTotal([1, 2]);\n",
};

/**
 * The bus with authentication on: `fanout auth init` writes the server's accounts and one
 * set of credentials per role; nats-server runs with them; every service runs as a process
 * on its own role's credentials. What each role must do works; what it must not is refused
 * by the server (or, for a report it does not hold, by the orchestrator), and each refusal
 * names the subject and the credentials.
 */
describe.skipIf(!findNatsServer() || process.env['NATS_URL'])(
  'a secured bus',
  { timeout: 180_000 },
  () => {
    let dir: string;
    let repo: string;
    let nats: NatsServer;
    let site: Server;
    let siteUrl: string;
    const services: ServiceProcess[] = [];
    /** Each role's env file, read once `fanout auth init` has written them. */
    const envFiles = new Map<string, Record<string, string>>();
    const roleEnv = (role: string) => ({ ...envFiles.get(role), NATS_URL: nats.url });
    const connectAs = (role: string) => connectNats(natsConfigFromEnv(roleEnv(role)));

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'fanout-auth-'));
      repo = mkdtempSync(join(tmpdir(), 'fanout-auth-repo-'));
      for (const [path, text] of Object.entries(REPO)) {
        mkdirSync(dirname(join(repo, path)), { recursive: true });
        writeFileSync(join(repo, path), text);
      }
      const init = await runFanout(['auth', 'init', '--out', dir, '--prefix', PREFIX]);
      expect(init.code, init.stderr).toBe(0);
      for (const role of ROLES) envFiles.set(role, await readAuthEnv(dir, role));
      nats = await startNats({ include: join(dir, 'nats-server.conf') });
      site = createServer((_, response) => {
        response.setHeader('content-type', 'text/html');
        response.end('<title>a page</title>');
      });
      await new Promise<void>((done) => site.listen(0, '127.0.0.1', done));
      siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
      for (const name of SERVICES) {
        const env: Record<string, string> = { ...roleEnv(name), FANOUT_UI_PORT: '0' };
        if (name === 'web-worker') env['FANOUT_WEB_ALLOW'] = '127.0.0.1/32';
        // The orchestrator makes the streams the others wait for: start it first.
        const service = startService(nats.url, PREFIX, name, { env });
        services.push(service);
        if (name === 'orchestrator') await service.ready(60_000);
      }
      await Promise.all(services.map((service) => service.ready(90_000)));
    }, 240_000);

    afterAll(async () => {
      await Promise.all(services.map((service) => service.stop('SIGTERM')));
      await nats?.stop();
      site?.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(repo, { recursive: true, force: true });
    });

    it('writes the server config, and per role its creds and an env file naming them', async () => {
      const config = readFileSync(join(dir, 'nats-server.conf'), 'utf8');
      expect(config).toMatch(/^operator: /m);
      expect(config).toMatch(/^resolver: MEMORY/m);
      for (const role of [...SERVICES, 'client']) {
        const env = await readAuthEnv(dir, role);
        expect(env['NATS_CREDS']).toBe(join(dir, `${role}.creds`));
        expect(readFileSync(env['NATS_CREDS']!, 'utf8')).toMatch(
          /BEGIN NATS USER JWT[\s\S]*BEGIN USER NKEY SEED/,
        );
        expect(env['FANOUT_SUBJECT_PREFIX']).toBe(PREFIX);
      }
    });

    it('runs a whole workflow with every service on its own credentials', async () => {
      const file = join(dir, 'workflow.yaml');
      writeFileSync(
        file,
        [
          'name: secured',
          'phases:',
          '  - id: a',
          '    tasks:',
          `      - { id: find, tool: code.glob, input: { root: ${JSON.stringify(repo)}, patterns: ['**/*.ts'] } }`,
          `      - { id: search, tool: code.grep, input: { root: ${JSON.stringify(repo)}, pattern: computeTotal } }`,
          "      - { id: shell, tool: bash.exec, input: { command: 'echo secured' } }",
          `      - { id: page, tool: web.fetch, input: { url: ${JSON.stringify(siteUrl)} } }`,
          '  - id: b',
          '    dependsOn: [a]',
          '    tasks:',
          `      - { id: read, tool: code.read, forEach: '\${{ a.find.files }}', input: { root: ${JSON.stringify(repo)}, path: '\${{ item }}' } }`,
        ].join('\n'),
      );
      const client = roleEnv('client');
      const run = await runFanout(['run', file, '--nats', nats.url, '--json'], client);
      expect(run.code, run.stderr).toBe(0);
      const document = JSON.parse(run.stdout) as { summary: { status: string } };
      expect(document.summary.status).toBe('succeeded');

      // The master and a specialist: agent tasks, child workflows, stored results, validation.
      const ask = await runFanout(
        [
          'ask',
          'where is computeTotal defined',
          '--root',
          repo,
          '--specialists',
          'codebase',
          '--nats',
          nats.url,
          '--json',
        ],
        client,
      );
      expect(ask.code, ask.stderr).toBe(0);
      expect(JSON.parse(ask.stdout)).toMatchObject({ status: 'succeeded' });

      // The client asks the monitor; the gateway reads workflows for the dashboard.
      const resources = await runFanout(['resources', '--json', '--nats', nats.url], client);
      expect(resources.code, resources.stderr).toBe(0);
      expect(JSON.parse(resources.stdout).instances.length).toBeGreaterThanOrEqual(4);

      for (const service of services)
        expect(service.output()).not.toMatch(/permission denied|Permissions Violation/i);
    });

    describe('refuses what a role may not do, naming the subject and the credentials', () => {
      const names = subjects(PREFIX);
      let bash: NatsConnection;
      let client: NatsConnection;
      beforeAll(async () => {
        bash = await connectAs('bash-worker');
        client = await connectAs('client');
      });
      afterAll(async () => {
        await bash?.close();
        await client?.close();
      });

      /** The refusal `act` fails with, as every Fanout process explains it. */
      async function refusal(role: string, act: () => Promise<unknown>) {
        const error = await act().then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(error, `${role} was allowed`).toBeDefined();
        const refused = permissionDenied(error, natsConfigFromEnv(roleEnv(role)));
        expect(refused, String(error)).toBeDefined();
        expect(refused!.message).toContain(join(dir, `${role}.creds`));
        return refused!;
      }

      it('a bash worker submits a workflow', async () => {
        const refused = await refusal('bash-worker', () =>
          jetstream(bash).publish(names.command('workflow.submit', 2), '{}'),
        );
        expect(refused.subject).toBe(names.command('workflow.submit', 2));
        expect(refused.code).toBe('PERMISSION_DENIED');
      });

      it('a bash worker deletes a stream', async () => {
        const jsm = await jetstreamManager(bash);
        const refused = await refusal('bash-worker', () => jsm.streams.delete(names.streams.tasks));
        expect(refused.subject).toBe(`$JS.API.STREAM.DELETE.${names.streams.tasks}`);
      });

      it("a bash worker pulls the codebase worker's queue", async () => {
        const js = jetstream(bash);
        const refused = await refusal('bash-worker', async () => {
          const consumer = await js.consumers.get(
            names.streams.tasks,
            names.taskDurable('code.read', 2),
          );
          await consumer.next({ expires: 2_000 });
        });
        expect(refused.subject).toContain(names.taskDurable('code.read', 2));
      });

      it('a client appends an event to a workflow log', async () => {
        const subject = names.event('wf-forged', 'results', 'WorkflowCompleted');
        const refused = await refusal('client', () => jetstream(client).publish(subject, '{}'));
        expect(refused.subject).toBe(subject);
      });

      it('a client sends a task report', async () => {
        const refused = await refusal('client', () =>
          jetstream(client).publish(names.command('task.report', 2), '{}'),
        );
        expect(refused.subject).toBe(names.command('task.report', 2));
      });

      it('a bash worker forges a report for a running task it does not hold: recorded, never acted on', async () => {
        const fanout = await FanoutClient.connect({ natsUrl: nats.url, env: roleEnv('client') });
        try {
          const handle = await fanout.submit({
            name: 'held',
            phases: [
              {
                id: 'a',
                tasks: [
                  { id: 'slow', tool: 'bash.exec', input: { command: 'sleep 2; echo real' } },
                ],
              },
            ],
          });
          for await (const event of handle.events()) if (event.type === 'TaskDispatched') break;
          // The server lets a worker report (it must, on its own tasks): what gives a forged
          // report away is the claim of the attempt, which only its envelope carries.
          await new CommandBus(bash, names).publish({
            type: 'task.report',
            commandId: `forged-${handle.id}`,
            workflowId: handle.id,
            taskId: 'a/slow',
            attempt: 1,
            worker: 'forger',
            at: Date.now(),
            outcome: { kind: 'succeeded', result: { stdout: 'forged\n' }, durationMs: 1 },
          });
          expect((await handle.wait({ timeoutMs: 60_000 })).status).toBe('succeeded');
          expect((await handle.result('a/slow'))?.result).toMatchObject({ stdout: 'real\n' });
          const history = await handle.history();
          expect(history.filter((event) => event.type === 'TaskSucceeded')).toHaveLength(1);
          const errors = new ErrorChannel(client, names);
          const notHeld = async () =>
            (await errors.read({ service: 'orchestrator' }))
              .map((stored) => stored.record)
              .filter(
                (record) =>
                  record.error.code === ErrorCode.ReportNotHeld && record.workflowId === handle.id,
              );
          await expect.poll(notHeld, { timeout: 30_000 }).toHaveLength(1);
          expect((await notHeld())[0]!.error.message).toContain(
            `on ${handle.id}/a/slow attempt 1 (worker forger)`,
          );
        } finally {
          await fanout.close();
        }
      });

      it("the CLI on a bash worker's credentials submits: exit 3, the subject and the creds named", async () => {
        const file = join(dir, 'tiny.yaml');
        writeFileSync(
          file,
          'name: tiny\nphases:\n  - id: a\n    tasks:\n      - { id: t, tool: bash.exec, input: { command: "true" } }\n',
        );
        const submit = await runFanout(
          ['submit', file, '--nats', nats.url],
          roleEnv('bash-worker'),
        );
        expect(submit.code).toBe(3);
        expect(submit.stderr).toContain(
          `permission denied: publish to "${names.command('workflow.submit', 2)}" is not allowed for credentials ${join(dir, 'bash-worker.creds')} (NATS_CREDS)`,
        );
      });

      it('a connection without credentials', async () => {
        const error = await connect({ servers: nats.url }).then(
          (connection) => connection.close().then(() => undefined),
          (error: unknown) => error,
        );
        expect(String(error)).toMatch(/Authorization Violation/);
      });
    });
  },
);

describe.skipIf(!findNatsServer())('--secure', { timeout: 180_000 }, () => {
  const embedded = { NATS_URL: undefined, FANOUT_SUBJECT_PREFIX: undefined };

  it('fanout up --secure runs its own server with auth on; clients get in with client.env only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fanout-up-secure-'));
    const up = startFanout(
      ['up', '--secure', '--out', dir, '--only', 'orchestrator,codebase-worker'],
      /fanout: a client: /,
      embedded,
    );
    try {
      await up.ready(90_000);
      const url = /export NATS_URL=(\S+)/.exec(up.output())![1]!;
      const input = JSON.stringify({ root: '.', path: 'package.json', maxBytes: 100 });
      const call = ['call', 'code.read', '--input', input, '--json', '--nats', url];
      const client = { ...embedded, ...(await readAuthEnv(join(dir, 'auth'), 'client')) };
      const allowed = await runFanout(call, client);
      expect(allowed.code, allowed.stderr).toBe(0);
      expect(JSON.parse(allowed.stdout)).toMatchObject({ status: 'succeeded' });
      const anonymous = await runFanout(call, embedded);
      expect(anonymous.code).toBe(3);
      expect(anonymous.stderr).toMatch(/Authorization Violation/);
    } finally {
      expect(await up.stop('SIGTERM')).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fanout call --secure runs an embedded Fanout on credentials, and --secure with --nats is refused', async () => {
    const input = JSON.stringify({ command: 'echo secured' });
    const call = await runFanout(
      ['call', 'bash.exec', '--input', input, '--json', '--secure'],
      embedded,
    );
    expect(call.code, call.stderr).toBe(0);
    expect(JSON.parse(call.stdout)).toMatchObject({
      status: 'succeeded',
      result: { stdout: 'secured\n' },
    });
    const refused = await runFanout(
      ['call', 'bash.exec', '--input', input, '--secure', '--nats', 'nats://127.0.0.1:1'],
      embedded,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--secure starts an embedded Fanout/);
  });
});
