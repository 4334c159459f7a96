import { RpcException } from '@nestjs/microservices';
import { subjects } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { failureOf, payloadHead, retryableOf } from './failure';
import { resolveCommandOptions } from './jetstream.options';
import { commandPattern, durableName, rpcSubject } from './patterns';

describe('what a handler threw, as the transport reads it', () => {
  it('takes retryable from a tagged Error, a FanoutError object, and says nothing for anything else', () => {
    expect(retryableOf(Object.assign(new Error('x'), { retryable: false }))).toBe(false);
    expect(retryableOf({ code: 'BUSY', message: 'later', retryable: true })).toBe(true);
    expect(retryableOf(new Error('plain'))).toBeUndefined();
    expect(retryableOf('a string')).toBeUndefined();
    expect(retryableOf({ status: 'error', message: 'Internal server error' })).toBeUndefined();
  });

  it('keeps a FanoutError given to an RpcException as it is, cause included', () => {
    const wire = {
      code: 'DENIED_BY_POLICY',
      message: 'rm -rf',
      retryable: false,
      cause: { code: 'X', message: 'y', retryable: false },
    };
    expect(failureOf(new RpcException(wire).getError())).toEqual(wire);
  });

  it("rebuilds Nest's stand-in object from its message instead of printing [object Object]", () => {
    expect(failureOf({ status: 'error', message: 'Internal server error' })).toEqual({
      code: 'INTERNAL',
      message: 'Internal server error',
      retryable: false,
    });
  });

  it('cuts an error record payload to its first 4 KB', () => {
    const head = payloadHead(new TextEncoder().encode('a'.repeat(5_000)));
    expect(head).toHaveLength(4_096);
  });
});

describe('transport patterns', () => {
  const names = subjects('acme');

  it('maps <service>.<method> to the rpc subject, a method with dots included', () => {
    expect(rpcSubject(names, 'orchestrator.status')).toBe('acme.rpc.orchestrator.status');
    expect(rpcSubject(names, 'resources.pool.limits')).toBe('acme.rpc.resources.pool.limits');
  });

  it('refuses a request pattern without a method, or with a wildcard, naming the pattern', () => {
    expect(() => rpcSubject(names, 'status')).toThrow(
      "request pattern 'status' must be '<service>.<method>'",
    );
    expect(() => rpcSubject(names, 'svc.*')).toThrow("request pattern 'svc.*'");
  });

  it('accepts only command names for @EventPattern, listing them when it refuses', () => {
    expect(commandPattern('task.call')).toBe('task.call');
    expect(() => commandPattern('task.called')).toThrow(
      "@EventPattern('task.called') is not a command of the bus; the commands are workflow.submit, workflow.cancel, task.call, task.report",
    );
  });

  it('names one durable per command and priority, the same in every replica', () => {
    expect(durableName('cmd', 'workflow.submit', 0)).toBe('cmd_workflow_submit_p0');
  });
});

describe('command consumer options', () => {
  it('fills in the design defaults', () => {
    expect(resolveCommandOptions()).toEqual({
      concurrency: 8,
      ackWaitMs: 15_000,
      heartbeatMs: 5_000,
      maxDeliver: 5,
      backoffMs: [1_000, 5_000, 15_000],
      prefetch: 8,
      durablePrefix: 'cmd',
    });
  });

  it("prefetches as many commands per level as the handler's concurrency unless told otherwise", () => {
    expect(resolveCommandOptions({ concurrency: 32 }).prefetch).toBe(32);
    expect(resolveCommandOptions({ concurrency: 32, prefetch: 4 }).prefetch).toBe(4);
  });

  it('refuses a heartbeat that is not shorter than ackWait, and every other bad value, all at once', () => {
    expect(() =>
      resolveCommandOptions({ ackWaitMs: 1_000, heartbeatMs: 1_000, concurrency: 0 }),
    ).toThrow(
      'invalid JetStream command options: concurrency must be a positive integer, got 0; heartbeatMs (1000) must be below ackWaitMs (1000), or held messages would be redelivered',
    );
  });
});
