import { DEFAULT_MATRIX } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { resourcesText } from './resources';

const NOW = 1_700_000_000_000;

describe('fanout resources as text', () => {
  it('shows the shares beside what live instances use, queues with work, and decisions', () => {
    const text = resourcesText(
      {
        at: NOW,
        matrix: DEFAULT_MATRIX,
        instances: [
          {
            service: 'codebase-worker',
            instance: 'c1',
            family: 'codebase',
            status: 'ready',
            lastSeenAt: NOW - 2_000,
            pools: [{ pool: 'code.grep', size: 32, busy: 30 }],
            cpuPercent: 75,
            rssBytes: 200 * 2 ** 20,
            io: { readBytesPerSec: 12 * 1024, writeBytesPerSec: 3 * 1024 },
          },
          {
            service: 'web-worker',
            instance: 'w1',
            family: 'web',
            status: 'silent',
            lastSeenAt: NOW - 20_000,
            pools: [],
          },
        ],
        queues: [
          { tool: 'code.grep', priority: 4, waiting: 12, oldestAgeMs: 9_000 },
          { tool: 'code.grep', priority: 0, waiting: 0 },
        ],
        decisions: [
          {
            at: NOW - 1_000,
            kind: 'instance-silent',
            service: 'web-worker',
            instance: 'w1',
            reason: 'no heartbeat or load for 15 s',
          },
        ],
      },
      NOW,
    );
    expect(text).toMatch(/codebase\s+40%\s+50%\s+70%\s+5%\s+60%\s+1\s+75%\s+200 MB/);
    expect(text).toMatch(/c1\s+ready.*12\/3 kB\/s\s+-/);
    expect(text).toMatch(/web\s+20%\s+25%\s+10%\s+60%\s+15%\s+0\s+0%/);
    expect(text).toContain('INSTANCES (1 live of 2)');
    expect(text).toMatch(/code\.grep\s+p4\s+12\s+9s/);
    expect(text).not.toMatch(/code\.grep\s+p0/);
    expect(text).toContain('instance-silent web-worker/w1: no heartbeat or load for 15 s');
  });
});
