import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findNatsServer, startNats, startNatsCluster, type NatsServer } from './mod.ts';
import { getJson } from './monitor.ts';
import { alive, readInfo, refuses, request } from './probes.ts';

const started: NatsServer[] = [];
const start = async (...args: Parameters<typeof startNats>) => {
  const server = await startNats(...args);
  started.push(server);
  return server;
};
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

const noBinary = !findNatsServer() || !!process.env['NATS_URL'];

describe.skipIf(noBinary)('startNats with a nats-server binary', () => {
  it('answers on a loopback port with JetStream on and a monitor that says ok', async () => {
    const nats = await start();
    expect(nats.url).toBe(`nats://127.0.0.1:${nats.port}`);
    expect(nats.canKill).toBe(true);
    const info = await readInfo(nats.port);
    expect(info).toMatchObject({ port: nats.port, jetstream: true, max_payload: 1024 * 1024 });
    expect((await getJson(`${nats.monitorUrl}/healthz`))?.body).toEqual({ status: 'ok' });
    expect(existsSync(nats.storeDir ?? '')).toBe(true);
    expect(nats.logs().join('\n')).toContain('Server is ready');
  });

  it('applies maxPayload and can leave JetStream off', async () => {
    const nats = await start({ jetstream: false, maxPayload: 4 * 1024 * 1024 });
    const info = await readInfo(nats.port);
    expect(info['max_payload']).toBe(4 * 1024 * 1024);
    expect(info['jetstream']).toBeFalsy();
    expect(nats.storeDir).toBeUndefined();
  });

  it('kill() crashes the process; restart() brings it back on the same port with its streams', async () => {
    const nats = await start();
    const { port, storeDir, pid } = nats;
    const created = await request(
      port,
      '$JS.API.STREAM.CREATE.ORDERS',
      '{"name":"ORDERS","subjects":["orders.>"]}',
    );
    expect(JSON.parse(created)).not.toHaveProperty('error');

    await nats.kill();
    expect(await refuses(port)).toBe(true);
    expect(alive(pid as number)).toBe(false);
    expect(nats.pid).toBeUndefined();
    expect(existsSync(storeDir as string)).toBe(true);

    await nats.restart();
    expect(nats.port).toBe(port);
    expect(nats.storeDir).toBe(storeDir);
    expect(nats.pid).not.toBe(pid);
    expect((await readInfo(port))['port']).toBe(port);
    expect((await getJson(`${nats.monitorUrl}/jsz`))?.body['streams']).toBe(1);
  });

  it('restart() says so when another process took the port meanwhile', async () => {
    const nats = await start();
    await nats.kill();
    const squatter = createServer().listen(nats.port, '127.0.0.1');
    await once(squatter, 'listening');
    try {
      await expect(nats.restart()).rejects.toThrow(
        new RegExp(
          `${nats.url} .* exited with code 1 before it was ready[\\s\\S]*address already in use`,
        ),
      );
    } finally {
      squatter.close();
    }
    await nats.restart();
    expect((await readInfo(nats.port))['port']).toBe(nats.port);
  });

  it('restart() of a running server shuts it down cleanly first', async () => {
    const nats = await start();
    const { port, pid } = nats;
    await nats.restart();
    expect(alive(pid as number)).toBe(false);
    expect((await readInfo(port))['port']).toBe(port);
    expect(nats.logs().join('\n')).toMatch(/Server Exiting[\s\S]*SIGTERM sent; nats-server exited/);
  });

  it('stop() ends the process and deletes the store; `await using` does the same', async () => {
    const nats = await start();
    const { port, storeDir, pid } = nats;
    await nats.stop();
    await nats.stop(); // idempotent
    expect(await refuses(port)).toBe(true);
    expect(alive(pid as number)).toBe(false);
    expect(existsSync(storeDir as string)).toBe(false);
    await expect(nats.restart()).rejects.toThrow(/was stopped/);

    let scoped: string | undefined;
    {
      await using disposable = await startNats();
      scoped = disposable.storeDir;
      expect(existsSync(scoped as string)).toBe(true);
    }
    expect(existsSync(scoped as string)).toBe(false);
  });

  it('a server that cannot start fails with its own log lines', async () => {
    await expect(startNats({ args: ['--no_such_flag'] })).rejects.toThrow(
      /exited with code \d+ before it was ready[\s\S]*no_such_flag/,
    );
  });

  it('kills its servers when the test process dies, by exit or by SIGKILL', async () => {
    const lib = fileURLToPath(new URL('./mod.ts', import.meta.url));
    // A test process in miniature: starts a server, reports it, and exits when told to.
    const script = `import { startNats } from ${JSON.stringify(lib)};
      const nats = await startNats();
      console.log(JSON.stringify({ pid: nats.pid, storeDir: nats.storeDir }));
      process.stdin.once('data', () => process.exit(0));`;
    const orphan = async () => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const server = JSON.parse(line.toString()) as { pid: number; storeDir: string };
      expect(alive(server.pid)).toBe(true);
      return { child, server, exited: once(child, 'exit') };
    };
    const gone = async (pid: number) => {
      for (let i = 0; i < 100 && alive(pid); i++) await sleep(20);
      return !alive(pid);
    };

    const exiting = await orphan();
    exiting.child.stdin?.write('exit\n');
    await exiting.exited;
    expect(await gone(exiting.server.pid)).toBe(true);
    expect(existsSync(exiting.server.storeDir)).toBe(false);

    const crashing = await orphan();
    crashing.child.kill('SIGKILL');
    await crashing.exited;
    expect(await gone(crashing.server.pid)).toBe(true);
    for (let i = 0; i < 50 && existsSync(crashing.server.storeDir); i++) await sleep(20);
    expect(existsSync(crashing.server.storeDir)).toBe(false);
  });
});

describe('startNats with NATS_URL set', () => {
  const saved = process.env['NATS_URL'];
  afterEach(() => {
    if (saved === undefined) delete process.env['NATS_URL'];
    else process.env['NATS_URL'] = saved;
  });

  it('uses that server, spawns nothing and refuses to kill it', async () => {
    process.env['NATS_URL'] = 'nats://127.0.0.1:4999';
    const nats = await startNats();
    expect(nats).toMatchObject({
      url: 'nats://127.0.0.1:4999',
      port: 4999,
      canKill: false,
      pid: undefined,
    });
    await expect(nats.kill()).rejects.toThrow('NATS_URL is set: the server is not ours to kill');
    await expect(nats.restart()).rejects.toThrow('NATS_URL is set: the server is not ours to kill');
    await nats.stop();
  });

  it.skipIf(noBinary)('leaves the server it names running on stop()', async () => {
    const real = await start();
    process.env['NATS_URL'] = real.url;
    {
      await using nats = await startNats();
      expect(nats.url).toBe(real.url);
      expect(nats.canKill).toBe(false);
    }
    expect((await readInfo(real.port))['port']).toBe(real.port);
  });
});

describe('without a usable nats-server', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('says what is wrong with a NATS_SERVER_BIN that is not a binary', async () => {
    delete process.env['NATS_URL'];
    process.env['NATS_SERVER_BIN'] = '/nonexistent/nats-server';
    expect(findNatsServer()).toBeUndefined();
    await expect(startNats()).rejects.toThrow(
      'NATS_SERVER_BIN=/nonexistent/nats-server is not an executable file',
    );
    await expect(startNatsCluster()).rejects.toThrow('startNatsCluster needs a nats-server binary');
  });
});
