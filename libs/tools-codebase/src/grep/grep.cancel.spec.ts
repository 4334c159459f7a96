import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { glob } from '../glob/glob';
import { drain } from '@fanout/testing';
import { context, params, rejection } from '../testing/fixtures';
import { grep } from './grep';

/** A tree big enough that rg is still busy when the test aborts: /usr holds gigabytes. */
const HUGE = existsSync('/usr/lib')
  ? '/usr'
  : new URL('../../../../node_modules', import.meta.url).pathname;

/** Pids of this process's children named `rg`. */
function ripgrepChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'rg' && ppid === process.pid) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until rg runs, so the abort lands on a search in progress. */
async function runningRipgrep(): Promise<number> {
  for (let i = 0; i < 200; i += 1) {
    const [pid] = ripgrepChildren();
    if (pid !== undefined) return pid;
    await sleep(5);
  }
  throw new Error('rg never started');
}

describe('cancellation', () => {
  it('stops a grep over a huge tree when cancelled and leaves no rg behind', async () => {
    const controller = new AbortController();
    const search = drain(
      grep(
        params('code.grep', {
          root: HUGE,
          pattern: 'zq[x]{3}qz-never',
          gitignore: false,
          hidden: true,
        }),
        context(controller.signal),
      ),
    );
    const pid = await runningRipgrep();
    await sleep(100);
    expect(alive(pid), 'rg finished before the abort; the tree is not big enough').toBe(true);

    // How soon it stops is the codebase bench's to measure; a timed test fails under load.
    controller.abort(new Error('test cancels'));
    const error = await rejection(search);

    expect(error).toMatchObject({ code: 'CANCELLED', retryable: false });
    expect(alive(pid)).toBe(false);
    expect(ripgrepChildren()).toEqual([]);
  });

  it('kills rg when the consumer stops reading early', async () => {
    const search = grep(
      params('code.grep', { root: HUGE, pattern: 'e', gitignore: false }),
      context(),
    );
    const first = await search.next();
    expect(first.done).toBe(false);
    const [pid] = ripgrepChildren();
    await search.return(undefined as never);
    expect(pid === undefined || !alive(pid)).toBe(true);
    expect(ripgrepChildren()).toEqual([]);
  });

  it('stops a glob when the signal aborts', async () => {
    const controller = new AbortController();
    const listing = drain(
      glob(params('code.glob', { root: HUGE, gitignore: false }), context(controller.signal)),
    );
    await runningRipgrep();
    controller.abort();
    expect(await rejection(listing)).toMatchObject({ code: 'CANCELLED' });
    expect(ripgrepChildren()).toEqual([]);
  });

  it('refuses to start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(
      drain(grep(params('code.grep', { root: HUGE, pattern: 'x' }), context(controller.signal))),
    );
    expect(error.code).toBe('CANCELLED');
  });
});
