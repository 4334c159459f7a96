import { describe, expect, it } from 'vitest';
import { subjects } from './subjects';

describe('subjects', () => {
  it('forms every channel from the default prefix', () => {
    const s = subjects();
    expect(s.command('workflow.submit', 0)).toBe('fanout.cmd.p0.workflow.submit');
    expect(s.task('code.grep', 3)).toBe('fanout.task.code.grep.p3');
    expect(s.tasks('code.grep')).toBe('fanout.task.code.grep.*');
    expect(s.event('wf-1', 'results', 'TaskSucceeded')).toBe(
      'fanout.evt.wf-1.results.TaskSucceeded',
    );
    expect(s.events({ workflowId: 'wf-1' })).toBe('fanout.evt.wf-1.*.*');
    expect(s.events({ topic: 'errors' })).toBe('fanout.evt.*.errors.*');
    expect(s.data('wf-1', 'scan/grep/7')).toBe('fanout.data.wf-1.scan/grep/7');
    expect(s.deadLetter('bash.exec')).toBe('fanout.dlq.bash.exec');
    expect(s.streams.commands).toBe('FANOUT_CMD');
    expect(s.buckets.leases).toBe('fanout_leases');
  });

  it('keeps every command in exactly one stream, reports in a stream of their own', () => {
    const s = subjects();
    const matches = (pattern: string, subject: string) => {
      const want = pattern.split('.');
      const got = subject.split('.');
      return (
        want.every((token, i) =>
          token === '>' ? got.length > i : token === '*' ? got[i] !== undefined : token === got[i],
        ) &&
        (want.at(-1) === '>' || want.length === got.length)
      );
    };
    const names = ['workflow.submit', 'workflow.cancel', 'task.call', 'task.report'] as const;
    for (const name of names) {
      for (const priority of [0, 1, 2, 3, 4] as const) {
        const subject = s.command(name, priority);
        const homes = (['commands', 'reports'] as const).filter((stream) =>
          s.commandStreamSubjects(stream).some((pattern) => matches(pattern, subject)),
        );
        expect(homes).toEqual([name === 'task.report' ? 'reports' : 'commands']);
        expect(s.commandStream(name)).toBe(s.streams[homes[0]!]);
      }
    }
  });

  it('keeps two installations apart by prefix, down to stream and bucket names', () => {
    const tenant = subjects('acme.fanout');
    expect(tenant.command('task.call', 2)).toBe('acme.fanout.cmd.p2.task.call');
    expect(tenant.streams.events).toBe('ACME_FANOUT_EVENTS');
    expect(tenant.buckets.workflows).toBe('acme_fanout_workflows');
  });

  it.each(['', 'Fanout', 'fan out', 'a..b', 'fan*', 'fan.>'])(
    'refuses the prefix %j, saying what is allowed',
    (prefix) => {
      expect(() => subjects(prefix)).toThrow(/invalid subject prefix .*use lower-case/);
    },
  );
});
