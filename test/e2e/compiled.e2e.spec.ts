import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  startNats,
  startProcess,
  workspaceRoot,
  type NatsServer,
  type ServiceProcess,
} from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PREFIX = `compiled${process.pid}`;

/** Runs a compiled `fanout` (plain node, no tsx) to its end. */
function runCompiledCli(main: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [main, ...args], {
    cwd: workspaceRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
}

/**
 * The build as a container runs it: `scripts/build.mjs` bundles the apps, and the
 * orchestrator, the bash worker and the agent worker then run as
 * `node dist/apps/<name>/main.js` against a real nats-server, with the compiled `fanout`
 * calling a tool and an agent through them. The bash worker
 * is the one that needs files beside its bundle (its launcher and default policy), and the
 * orchestrator is the NestJS microservice with controllers and injected providers, which
 * must boot without the decorator metadata esbuild does not emit.
 */
describe('the compiled build', () => {
  // Inside the repository, so the bundles' imports find its node_modules as in the image.
  mkdirSync(join(workspaceRoot, 'dist'), { recursive: true });
  const out = mkdtempSync(join(workspaceRoot, 'dist', 'e2e-'));
  const main = (app: string) => join(out, 'apps', app, 'main.js');
  let nats: NatsServer;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    await promisify(execFile)(
      process.execPath,
      ['scripts/build.mjs', '--outdir', out, 'orchestrator', 'bash-worker', 'agent-worker', 'cli'],
      { cwd: workspaceRoot },
    );
    nats = await startNats();
  });
  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await nats?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('bundles our code alone: no tsx, no TypeScript, every package left to node_modules', () => {
    const files = readdirSync(join(out, 'apps/orchestrator'), {
      recursive: true,
      encoding: 'utf8',
    });
    const code = files
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(join(out, 'apps/orchestrator', file), 'utf8'))
      .join('\n');
    expect(code).not.toMatch(/from ["']tsx/);
    expect(code).not.toMatch(/from ["']@fanout\//);
    expect(code).toMatch(/from ["']@nestjs\/core["']/);
    // The launcher bash.exec starts is beside the file that was bundled with it.
    const bash = readdirSync(join(out, 'apps/bash-worker'), { recursive: true, encoding: 'utf8' });
    expect(bash.filter((file) => file.endsWith('launcher.pl'))).toHaveLength(1);
  });

  it('boots the orchestrator, the bash and the agent worker with plain node, serves calls, drains to exit 0', async () => {
    const env = { NATS_URL: nats.url, FANOUT_SUBJECT_PREFIX: PREFIX };
    const orchestrator = startProcess(
      'orchestrator',
      [main('orchestrator')],
      /microservice successfully started/,
      env,
    );
    const bash = startProcess('bash-worker', [main('bash-worker')], /is taking tasks/, env);
    const agents = startProcess('agent-worker', [main('agent-worker')], /is taking tasks/, env);
    services.push(orchestrator, bash, agents);
    await Promise.all([orchestrator.ready(), bash.ready(), agents.ready()]);

    const input = JSON.stringify({ command: 'echo compiled | tr a-z A-Z' });
    const call = await runCompiledCli(
      main('cli'),
      ['call', 'bash.exec', '--input', input, '--json'],
      env,
    );
    expect(call.code, call.stderr).toBe(0);
    expect(JSON.parse(call.stdout)).toMatchObject({
      tool: 'bash.exec',
      status: 'succeeded',
      result: { exitCode: 0, stdout: 'COMPILED\n' },
    });

    // An agent whose child workflow runs a command: the agent worker's bundle plans, the
    // orchestrator runs the child, the bash worker the command.
    const plan = {
      phases: [{ id: 'run', tasks: [{ id: 'echo', tool: 'bash.exec', input: JSON.parse(input) }] }],
    };
    const agent = await runCompiledCli(
      main('cli'),
      [
        'call',
        'agent.run',
        '--input',
        JSON.stringify({ specialist: 'plan', goal: 'echo through a child', plan }),
        '--json',
      ],
      env,
    );
    expect(agent.code, agent.stderr + agent.stdout).toBe(0);
    expect(JSON.parse(agent.stdout)).toMatchObject({ tool: 'agent.run', status: 'succeeded' });
    expect(JSON.stringify(JSON.parse(agent.stdout).result)).toContain('COMPILED');

    expect(await agents.stop('SIGTERM')).toBe(0);
    expect(await bash.stop('SIGTERM')).toBe(0);
    expect(await orchestrator.stop('SIGTERM')).toBe(0);
    expect(bash.output()).toMatch(/stopped: 2 tasks reported/);
  });
});
