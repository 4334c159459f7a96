import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, type Broadcast, type Subjects } from '@fanout/contracts';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BarrierTimeoutError, RemoteError } from '../errors';
import { testConnection, uniquePrefix } from '../testing/fixtures';
import { ERROR_HEADER } from './rpc-wire';
import { arrive, barrier } from './barrier';
import { Broadcaster } from './broadcast';
import { call, endpoint, serve } from './request-response';

const add = endpoint(
  'calculator',
  'add',
  z.object({ a: z.number(), b: z.number() }),
  z.object({ sum: z.number() }),
);

describe('primitives on a real nats-server', () => {
  let nats: NatsServer;
  let connection: NatsConnection;
  let names: Subjects;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    await nats?.stop();
  });
  beforeEach(async () => {
    connection = await testConnection(nats.url);
    names = subjects(uniquePrefix('prims'));
  });
  afterEach(async () => {
    await connection.close();
  });

  describe('barrier', () => {
    it('resolves once every participant arrived, whether before or after the barrier started', async () => {
      const early = arrive(connection, 'phase-1', 'glob', { names }); // no barrier yet: retries
      const waiting = barrier(connection, 'phase-1', ['glob', 'grep', 'read'], 5_000, { names });
      await expect(early).resolves.toEqual({ arrived: 1, of: 3 });
      await expect(arrive(connection, 'phase-1', 'grep', { names })).resolves.toEqual({
        arrived: 2,
        of: 3,
      });
      await arrive(connection, 'phase-1', 'read', { names });
      await expect(waiting).resolves.toBeUndefined();
    });

    it('rejects on timeout naming who is missing', async () => {
      const waiting = barrier(connection, 'phase-2', ['glob', 'grep', 'read'], 300, { names });
      await arrive(connection, 'phase-2', 'grep', { names });
      await expect(waiting).rejects.toBeInstanceOf(BarrierTimeoutError);
      await expect(waiting).rejects.toThrow('missing: glob, read');
    });

    it('refuses an arrival from someone not on the list', async () => {
      const waiting = barrier(connection, 'phase-3', ['glob'], 2_000, { names });
      await expect(arrive(connection, 'phase-3', 'intruder', { names })).rejects.toMatchObject({
        code: 'UNKNOWN_PARTICIPANT',
      });
      await arrive(connection, 'phase-3', 'glob', { names });
      await waiting;
    });
  });

  describe('broadcast', () => {
    it('reaches every subscriber', async () => {
      const broadcaster = new Broadcaster(connection, names);
      const listeners = await Promise.all([broadcaster.subscribe(), broadcaster.subscribe()]);
      await broadcaster.publish({ kind: 'limits', pools: { grep: 12 } });
      const heard = await Promise.all(
        listeners.map(async (listener) => {
          for await (const message of listener) return message;
          return undefined;
        }),
      );
      expect(heard).toEqual<Broadcast[]>([
        { kind: 'limits', pools: { grep: 12 } },
        { kind: 'limits', pools: { grep: 12 } },
      ]);
    });
  });

  describe('request-response', () => {
    it('answers with the validated result', async () => {
      const responder = await serve(connection, add, async ({ a, b }) => ({ sum: a + b }), {
        names,
      });
      try {
        await expect(call(connection, add, { a: 2, b: 3 }, { names })).resolves.toEqual({ sum: 5 });
      } finally {
        await responder.stop();
      }
    });

    it('returns the handler’s error as a FanoutError, cause chain and all', async () => {
      const responder = await serve(
        connection,
        add,
        async () => {
          throw Object.assign(new Error('overflow', { cause: new Error('too big') }), {
            code: 'OVERFLOW',
            retryable: false,
          });
        },
        { names },
      );
      try {
        const failing = call(connection, add, { a: 1, b: 1 }, { names });
        await expect(failing).rejects.toBeInstanceOf(RemoteError);
        await expect(failing).rejects.toMatchObject({
          code: 'OVERFLOW',
          retryable: false,
          error: { message: 'overflow', cause: { message: 'too big' } },
        });
      } finally {
        await responder.stop();
      }
    });

    it('answers an invalid request with INVALID_MESSAGE instead of running the handler', async () => {
      let ran = false;
      const responder = await serve(connection, add, async () => ((ran = true), { sum: 0 }), {
        names,
      });
      try {
        const subject = names.rpc('calculator', 'add');
        const reply = await connection.request(subject, '{"a":"two"}', { timeout: 2_000 });
        expect(reply.headers?.get(ERROR_HEADER)).toBe('INVALID_MESSAGE');
        expect(reply.json()).toMatchObject({
          code: 'INVALID_MESSAGE',
          message: expect.stringMatching(/a: /),
        });
        expect(ran).toBe(false);
      } finally {
        await responder.stop();
      }
    });

    it('fails with TIMEOUT when the responder is too slow and NO_RESPONDERS when there is none', async () => {
      await expect(call(connection, add, { a: 1, b: 1 }, { names })).rejects.toMatchObject({
        code: 'NO_RESPONDERS',
        retryable: true,
      });
      let release!: () => void;
      const stuck = new Promise<void>((resolve) => (release = resolve));
      const responder = await serve(connection, add, async () => (await stuck, { sum: 0 }), {
        names,
      });
      try {
        await expect(
          call(connection, add, { a: 1, b: 1 }, { names, timeoutMs: 200 }),
        ).rejects.toMatchObject({
          code: 'TIMEOUT',
          message: expect.stringContaining('within 200 ms'),
        });
      } finally {
        release();
        await responder.stop();
      }
    });
  });
});
