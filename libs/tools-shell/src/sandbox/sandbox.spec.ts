import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToEnd } from '../runner/run-command';
import { bashRun, processesMarked, tempWorkspace } from '../testing/fixtures';
import { sharedCgroups } from '../tool/defaults';
import { commandEnv } from './environment';
import { probeBubblewrap } from './probe-bubblewrap';
import type { Sandbox } from './resolve-sandbox';

/**
 * These run commands straight through the runner, with no validator in front: the
 * sandbox must hold on its own for commands the policy would have refused.
 */
const probe = await probeBubblewrap();
const SANDBOX: Sandbox = { kind: 'bubblewrap', bwrap: probe.ok ? probe.path : 'bwrap' };
const skipReason = probe.ok ? undefined : `bubblewrap cannot run here: ${probe.reason}`;
if (skipReason) console.warn(`sandbox tests skipped — ${skipReason}`);

/** Root is exempt from RLIMIT_NPROC: only a pids cgroup holds a fork bomb then. */
const processCapHolds = process.getuid?.() !== 0 || sharedCgroups() !== undefined;
const bombSkip =
  skipReason ??
  (processCapHolds
    ? undefined
    : 'running as root with no writable pids cgroup: nothing would stop a fork bomb');

const workspace = tempWorkspace();
afterAll(() => workspace.cleanup());

function marked() {
  const id = randomUUID();
  return { marker: `FANOUT_TEST_MARK=${id}`, env: { ...commandEnv({}), FANOUT_TEST_MARK: id } };
}

describe.skipIf(skipReason)('the bubblewrap sandbox, with the validator bypassed', () => {
  const run = (script: string, more: Parameters<typeof bashRun>[3] = {}) =>
    bashRun(script, workspace.dir, SANDBOX, more);

  it('lets the command write its workspace and nothing outside it', async () => {
    const name = `fanout-${randomUUID()}`;
    const result = await runToEnd(
      run(
        `for dir in /etc /usr /var /home /opt; do echo x > "$dir/${name}" || echo "refused $dir"; done 2>/dev/null; echo inside > ${name}`,
      ),
    );
    for (const dir of ['/etc', '/usr', '/var', '/home', '/opt']) {
      expect(result.stdout).toContain(`refused ${dir}`);
      expect(existsSync(join(dir, name))).toBe(false);
    }
    expect(readFileSync(join(workspace.dir, name), 'utf8')).toBe('inside\n');
  });

  it("gives the command a scratch home: what it writes there never reaches the worker's", async () => {
    const name = `fanout-${randomUUID()}`;
    const result = await runToEnd(
      run(`echo x > /root/${name} && cat /root/${name}`, {
        env: { ...commandEnv({}), HOME: '/root' },
      }),
    );
    expect(result.stdout).toBe('x\n');
    expect(existsSync(join('/root', name))).toBe(false);
  });

  it('gives the command a private /tmp', async () => {
    const name = `/tmp/fanout-${randomUUID()}`;
    const result = await runToEnd(run(`echo x > ${name} && cat ${name}`));
    expect(result.stdout).toBe('x\n');
    expect(existsSync(name)).toBe(false);
  });

  it('cannot write to a disk device: its /dev has none, and `> /dev/sda` only makes a file there', async () => {
    const result = await runToEnd(
      run('ls /dev; echo x > /dev/sda; test -b /dev/sda || echo not-a-device'),
    );
    expect(result.stdout).not.toMatch(/^(sd|nvme|vd|xvd|hd|mmcblk)/m);
    expect(result.stdout).toContain('not-a-device');
  });

  describe('with a TCP listener on loopback', () => {
    let server: Server;
    let port = 0;
    let connections = 0;
    beforeAll(async () => {
      server = createServer((socket) => {
        connections += 1;
        socket.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('cannot connect with network off', async () => {
      connections = 0;
      const result = await runToEnd(run(`exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected`));
      expect(result.stdout).not.toContain('connected');
      expect(result.exitCode).not.toBe(0);
      expect(connections).toBe(0);
    });

    it('connects when the call asks for the network (the test can see a connection)', async () => {
      connections = 0;
      const result = await runToEnd(
        run(`exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected`, { network: true }),
      );
      expect(result.stdout).toBe('connected\n');
      expect(connections).toBe(1);
    });
  });

  it('sees none of the worker environment beyond the allow-list', async () => {
    process.env['FANOUT_TEST_SECRET'] = 'hunter2';
    try {
      const result = await runToEnd(run('env', { env: commandEnv({ GIVEN: 'yes' }) }));
      const names = result.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('=')[0]);
      expect(names.sort()).toEqual(expect.arrayContaining(['GIVEN', 'HOME', 'PATH']));
      expect(result.stdout).not.toContain('hunter2');
      for (const name of names)
        expect(['GIVEN', 'HOME', 'LANG', 'PATH', 'TERM', 'PWD', 'SHLVL', '_', 'OLDPWD']).toContain(
          name,
        );
    } finally {
      delete process.env['FANOUT_TEST_SECRET'];
    }
  });

  it("hides the worker's home and credentials, and holds no capabilities", async () => {
    const result = await runToEnd(
      run(
        'ls -A "$HOME" | wc -l; test -e /etc/ssh/ssh_host_ed25519_key && echo hostkey; grep CapEff /proc/self/status',
        {
          env: { ...commandEnv({}), HOME: '/root' },
        },
      ),
    );
    expect(result.stdout).toBe('0\nCapEff:\t0000000000000000\n');
  });

  it('kills a background process that tries to outlive its command, even one that left the group', async () => {
    const { marker, env } = marked();
    const result = await runToEnd(
      run(
        'setsid sleep 60 & nohup sleep 60 >/dev/null 2>&1 & (setsid bash -c "sleep 60 &" &); echo started',
        { env },
      ),
    );
    expect(result.stdout).toBe('started\n');
    expect(processesMarked(marker)).toEqual([]);
  });

  it('kills on timeout with SIGKILL when the command ignores SIGTERM', async () => {
    const { marker, env } = marked();
    const result = await runToEnd(
      run('trap "" TERM; sleep 60', { timeoutMs: 300, killGraceMs: 300, env }),
    );
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
    expect(processesMarked(marker)).toEqual([]);
  });

  it('gives a command its SIGTERM grace on timeout', async () => {
    const result = await runToEnd(
      run('trap "echo got-term; exit 0" TERM; sleep 60 & wait', {
        timeoutMs: 300,
        killGraceMs: 5_000,
      }),
    );
    expect(result).toMatchObject({ timedOut: true, stdout: 'got-term\n' });
  });

  it('cuts output over the cap and flags it', async () => {
    const result = await runToEnd(run('yes fanout | head -c 500000', { maxOutputBytes: 4096 }));
    expect(result).toMatchObject({ truncated: true, exitCode: 0 });
    expect(result.stdout.length).toBe(4096);
  });

  describe.skipIf(bombSkip)('a fork bomb', () => {
    it('first: the process cap refuses forks past the limit', async () => {
      const result = await runToEnd(
        run('for i in $(seq 40); do sleep 1 & done 2>&1; wait', {
          limits: { processes: 16 },
          timeoutMs: 1_500,
          killGraceMs: 100,
        }),
      );
      expect(result.stdout + result.stderr).toMatch(/fork|Resource temporarily unavailable/);
    });

    it('is held by the process cap and ended by the timeout, leaving nothing behind', async () => {
      const { marker, env } = marked();
      const limit = 64;
      let peak = 0;
      const sampling = setInterval(
        () => (peak = Math.max(peak, processesMarked(marker).length)),
        50,
      );
      try {
        const result = await runToEnd(
          run(':(){ :|:& };:; sleep 30', {
            env,
            limits: { processes: limit },
            timeoutMs: 2_000,
            killGraceMs: 500,
          }),
        );
        expect(result.timedOut).toBe(true);
        expect(result.durationMs).toBeLessThan(15_000);
      } finally {
        clearInterval(sampling);
      }
      expect(peak).toBeGreaterThan(1);
      expect(peak).toBeLessThanOrEqual(limit);
      expect(processesMarked(marker)).toEqual([]);
    });
  });
});
