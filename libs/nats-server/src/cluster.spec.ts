import { afterEach, describe, expect, it } from 'vitest';
import { findNatsServer, startNatsCluster, type NatsCluster } from './mod.ts';
import { getJson, metaLeader } from './monitor.ts';
import { alive, readInfo, refuses } from './probes.ts';

let cluster: NatsCluster | undefined;

/** How many route connections a node has right now, from its `/routez`. */
async function routes(monitorUrl: string): Promise<number | undefined> {
  const reply = await getJson(`${monitorUrl}/routez`);
  return reply?.body['num_routes'] as number | undefined;
}
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

  it(
    'cuts the leader off from the others and heals it: the other two elect a leader of their own, then all three agree again',
    { timeout: 60_000 },
    async () => {
      cluster = await startNatsCluster(3);
      const { servers } = cluster;
      const names = servers.map((_, i) => `n${i + 1}`);
      for (const s of servers)
        await expect.poll(() => routes(s.monitorUrl!), { timeout: 20_000 }).toBe(2);
      const leader = await cluster.waitForLeader();
      const cut = names.indexOf(leader);
      const isolated = servers[cut]!;

      cluster.partition(cut);
      // Every route of the node went through the links we cut: none was made around them.
      await expect.poll(() => routes(isolated.monitorUrl!), { timeout: 10_000 }).toBe(0);
      for (const s of servers.filter((s) => s !== isolated))
        await expect.poll(() => routes(s.monitorUrl!), { timeout: 10_000 }).toBe(1);
      // The node is still up, but alone it cannot lead: the others elect one of themselves.
      expect(await readInfo(isolated.port)).toMatchObject({ port: isolated.port });
      expect(names.filter((n) => n !== leader)).toContain(await cluster.waitForLeader(30_000));

      cluster.heal();
      for (const s of servers)
        await expect.poll(() => routes(s.monitorUrl!), { timeout: 20_000 }).toBe(2);
      // Whoever leads now (the healed node may win an election again), all three say so.
      const after = await cluster.waitForLeader(30_000);
      expect(names).toContain(after);
      expect(await metaLeader(isolated.monitorUrl!)).toBe(after);
    },
  );

  it('rejects a partition of a node it does not have', { timeout: 30_000 }, async () => {
    cluster = await startNatsCluster(3);
    expect(() => cluster!.partition(3)).toThrow(
      'partition(3): no such node; the cluster has nodes 0 to 2',
    );
  });

  it('rejects a size that is not a positive integer', async () => {
    await expect(startNatsCluster(0)).rejects.toThrow('size must be a positive integer');
  });
});
