import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBudget, parseGoal, parseRoot, parseSpecialists } from './ask-flags';

describe('the flags of fanout ask', () => {
  it('reads --budget limits, durations with their unit, and keeps the defaults of those not given', () => {
    expect(parseBudget(undefined)).toEqual({ maxTasks: 500, maxDurationMs: 300_000 });
    expect(parseBudget('tasks=40, time=90s')).toEqual({ maxTasks: 40, maxDurationMs: 90_000 });
    expect(parseBudget('time=1.5m,concurrency=8')).toEqual({
      maxTasks: 500,
      maxDurationMs: 90_000,
      maxConcurrency: 8,
    });
    expect(parseBudget('time=250')).toMatchObject({ maxDurationMs: 250 });
  });

  it.each([
    ['tasks=0', '--budget: tasks must be 1 to 1000000, got "0"'],
    ['tasks=many', '--budget: tasks must be 1 to 1000000, got "many"'],
    [
      'time=5 minutes',
      '--budget: time must be 1 to 86400000 (a duration: 90s, 5m, 1h, or milliseconds), got "5 minutes"',
    ],
    [
      'money=5',
      '--budget: "money=5" is not <limit>=<value> with a limit of tasks, time, concurrency',
    ],
    ['tasks', '--budget: tasks must be 1 to 1000000, got ""'],
  ])('refuses --budget %s, naming what is wrong', (flag, message) => {
    expect(() => parseBudget(flag)).toThrow(
      expect.objectContaining({ name: 'UsageError', message }),
    );
  });

  it('takes --specialists the master knows, in order, once each, and names the others', () => {
    expect(parseSpecialists('web, codebase,web')).toEqual(['web', 'codebase']);
    expect(parseSpecialists(undefined)).toBeUndefined();
    expect(() => parseSpecialists('codebase,oracle')).toThrow(
      '--specialists: unknown specialist(s) "oracle"; choose among codebase, web, ops, test',
    );
    expect(() => parseSpecialists(',')).toThrow('--specialists: no specialist named');
  });

  it('makes --root absolute and wants a directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ask-flags-'));
    await writeFile(join(dir, 'file.txt'), 'x');
    expect(await parseRoot(dir)).toBe(dir);
    await expect(parseRoot(join(dir, 'file.txt'))).rejects.toThrow(
      `--root: ${join(dir, 'file.txt')} is not a directory`,
    );
    await expect(parseRoot(join(dir, 'missing'))).rejects.toThrow('is not a directory');
  });

  it('wants a goal with words in it', () => {
    expect(parseGoal('  who calls computeTotal ')).toBe('who calls computeTotal');
    expect(() => parseGoal('   ')).toThrow('fanout ask needs a goal');
    expect(() => parseGoal(undefined)).toThrow('fanout ask needs a goal');
  });
});
