import { afterEach, describe, expect, it } from 'vitest';
import { findNatsServer, startNatsCluster, type NatsCluster } from './mod.ts';
import { metaLeader } from './monitor.ts';
import { alive, readInfo, refuses } from './probes.ts';

let cluster: NatsCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

describe.skipIf(!findNatsServer())('startNatsCluster', () => {
  it(
    'forms a 3-node JetStream cluster that keeps answering when a node dies',
    { timeout: 30_000 },
    async () => {
      cluster = await startNatsCluster(3);
      const { servers, urls } = cluster;
      expect(new Set(urls).size).toBe(3);
      const names = servers.map((_, i) => `n${i + 1}`);
      const leader = await cluster.waitForLeader();
      expect(names).toContain(leader);
      for (const server of servers) {
        expect(await readInfo(server.port)).toMatchObject({ port: server.port, jetstream: true });
        expect(await metaLeader(server.monitorUrl as string)).toBeTypeOf('string');
      }

      // A follower, not the leader: re-electing takes ~6 s on 2.9, and this file stays fast.
      const victim = servers.find((_, i) => names[i] !== leader) as (typeof servers)[number];
      const { port, pid, storeDir } = victim;
      await victim.kill();
      expect(await refuses(port)).toBe(true);
      expect(alive(pid as number)).toBe(false);
      const survivors = servers.filter((s) => s !== victim);
      for (const s of survivors) expect((await readInfo(s.port))['port']).toBe(s.port);
      // Usually still `leader`, but a loaded machine can miss a heartbeat and re-elect.
      const victimName = names[servers.indexOf(victim)];
      expect(names.filter((n) => n !== victimName)).toContain(await cluster.waitForLeader());

      await victim.restart();
      expect([victim.port, victim.storeDir]).toEqual([port, storeDir]);
      // The restarted node is running again, so this needs it to agree on the leader too.
      expect(names).toContain(await cluster.waitForLeader());
      expect(await metaLeader(victim.monitorUrl as string)).toBeTypeOf('string');
    },
  );

  it('rejects a size that is not a positive integer', async () => {
    await expect(startNatsCluster(0)).rejects.toThrow('size must be a positive integer');
  });
});
