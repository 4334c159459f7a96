import { describe, expect, it } from 'vitest';
import { familyOfService, LiveView, SILENT_AFTER_MS } from './live-view';

const T0 = 1_700_000_000_000;
const beat = (instance: string, at: number, state: 'ready' | 'draining' = 'ready') => ({
  service: 'codebase-worker',
  instance,
  at,
  state,
});
const load = (instance: string, at: number, busy = 3) => ({
  service: 'codebase-worker',
  instance,
  at,
  pools: [{ pool: 'code.grep', size: 32, busy }],
  cpuPercent: 40,
  rssBytes: 100,
  eventLoopDelayMs: { p50: 1, p99: 2 },
});

describe('the live view of instances', () => {
  it('keeps each instance with its pools and load, and its family', () => {
    const view = new LiveView();
    view.heartbeat(beat('a', T0), T0);
    view.snapshot(load('a', T0), T0);
    expect(view.list()).toEqual([
      expect.objectContaining({
        instance: 'a',
        family: 'codebase',
        status: 'ready',
        pools: [{ pool: 'code.grep', size: 32, busy: 3 }],
        cpuPercent: 40,
      }),
    ]);
  });

  it(`announces an instance silent for ${SILENT_AFTER_MS / 1000} s once, and its return`, () => {
    const view = new LiveView();
    view.heartbeat(beat('a', T0), T0);
    expect(view.sweep(T0 + SILENT_AFTER_MS - 1)).toEqual([]);
    const silent = view.sweep(T0 + SILENT_AFTER_MS);
    expect(silent).toEqual([
      expect.objectContaining({ kind: 'instance-silent', instance: 'a', family: 'codebase' }),
    ]);
    expect(view.sweep(T0 + 2 * SILENT_AFTER_MS)).toEqual([]);
    expect(view.list()[0]?.status).toBe('silent');
    const later = T0 + 3 * SILENT_AFTER_MS;
    expect(view.heartbeat(beat('a', later), later)).toEqual([
      expect.objectContaining({ kind: 'instance-back', instance: 'a' }),
    ]);
    expect(view.list()[0]?.status).toBe('ready');
  });

  it('takes an instance that drained and went quiet as stopped, not failed', () => {
    const view = new LiveView();
    view.heartbeat(beat('a', T0, 'draining'), T0);
    expect(view.sweep(T0 + SILENT_AFTER_MS)).toEqual([
      expect.objectContaining({ kind: 'instance-stopped' }),
    ]);
  });

  it('lists but does not announce an instance first heard of long dead', () => {
    const view = new LiveView();
    const now = T0 + 10 * 60_000;
    expect(view.snapshot(load('old', T0), now)).toEqual([]);
    expect(view.sweep(now)).toEqual([]);
    expect(view.list()).toEqual([expect.objectContaining({ instance: 'old', status: 'silent' })]);
  });

  it('ignores a message older than what it knows', () => {
    const view = new LiveView();
    view.snapshot(load('a', T0 + 5_000, 7), T0 + 5_000);
    view.snapshot(load('a', T0, 1), T0 + 5_000);
    expect(view.list()[0]?.pools[0]?.busy).toBe(7);
  });

  it('lists alive instances first', () => {
    const view = new LiveView();
    view.heartbeat(beat('z', T0), T0);
    view.heartbeat(beat('b', T0 + SILENT_AFTER_MS), T0 + SILENT_AFTER_MS);
    view.sweep(T0 + SILENT_AFTER_MS);
    expect(view.list().map((v) => v.instance)).toEqual(['b', 'z']);
  });

  it('counts each worker kind against its family, the rest as coordination', () => {
    expect(familyOfService('web-worker')).toBe('web');
    expect(familyOfService('bash-worker')).toBe('bash');
    expect(familyOfService('agent-worker')).toBe('coordination');
    expect(familyOfService('orchestrator')).toBe('coordination');
  });
});
