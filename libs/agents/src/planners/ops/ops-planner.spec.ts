import type { ChildOutcome, SpecialistAnswer } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import type { PlanRequest, PlanStep } from '../../planner';
import { outcome, planRequest } from '../../testing/outcomes';
import { opsStep } from './ops-planner';

const ROOT = '/srv/project';

function request(rounds: ChildOutcome[] = [], maxTasks?: number): PlanRequest {
  return planRequest('ops', 'What state is this machine and checkout in?', rounds, maxTasks);
}

interface Task {
  id: string;
  tool: string;
  input: { command: string; cwd: string; okExitCodes?: number[] };
}

function tasksOf(step: PlanStep): Task[] {
  if (!('plan' in step)) throw new Error('expected a plan');
  return (step.plan['phases'] as { tasks: Task[] }[]).flatMap((phase) => phase.tasks);
}

function answerOf(step: PlanStep): SpecialistAnswer {
  if (!('answer' in step)) throw new Error('expected an answer');
  return step.answer as SpecialistAnswer;
}

const ran = (stdout: string) => ({
  exitCode: 0,
  signal: null,
  stdout,
  stderr: '',
  durationMs: 3,
  truncated: false,
});

describe('the ops specialist', () => {
  it('runs git, package-manager and system commands in the root, in parallel, in one round', () => {
    const tasks = tasksOf(opsStep(request()));
    expect(tasks.map((task) => task.input.command)).toEqual([
      'git status --short --branch',
      'git log -n 10 --format=%h%x20%ad%x20%s --date=short',
      'git diff --stat',
      'command -v npm pnpm yarn bun pip pip3 uv poetry cargo go apt-get dnf apk brew',
      'uname -a',
      'df -h',
      'free -m',
      'uptime',
      'ps -eo pid,user,pcpu,pmem,comm --sort=-pcpu',
      'ss -tuln',
    ]);
    expect(tasks.every((task) => task.tool === 'bash.exec' && task.input.cwd === ROOT)).toBe(true);
    expect(tasks.find((task) => task.id === 'packages')!.input.okExitCodes).toEqual([0, 1]);
  });

  it('summarises each command with its output, and puts a refused one in notDone with the tool message', () => {
    const round = outcome(
      1,
      {
        'inspect.git-status': ran('## main...origin/main\n M src/a.ts\n?? notes.txt\n'),
        'inspect.packages': ran('/usr/bin/npm\n/usr/local/go/bin/go\n'),
        'inspect.disk': ran(
          'Filesystem Size Used Avail Use% Mounted on\n/dev/vda1 100G 40G 60G 40% /\n/dev/vdb 10G 9.2G 0.8G 92% /data\ntmpfs 1G 0 1G 0% /run\n',
        ),
        'inspect.memory': ran(
          '               total        used        free      shared  buff/cache   available\nMem:           24105        2509       20000          1        1000       21595\n',
        ),
      },
      [
        {
          taskId: 'inspect/processes',
          tool: 'bash.exec',
          code: 'DENIED_BY_POLICY',
          message:
            '`ps -eo pid,user,pcpu,pmem,comm --sort=-pcpu` is denied: ps is not allowed here',
        },
      ],
    );
    const answer = answerOf(opsStep(request([round])));
    expect(answer.findings.map((finding) => finding.claim)).toEqual([
      '`git status`: on main...origin/main; 2 changed or untracked path(s): "M src/a.ts", "?? notes.txt".',
      'Package managers on the PATH: npm (/usr/bin/npm), go (/usr/local/go/bin/go).',
      '`df -h`: / is 40% full (40G of 100G used, 60G free); nearly full: /data is 92% full.',
      '`free -m`: 24105 MiB of memory, 2509 MiB used, 21595 MiB available.',
    ]);
    expect(answer.findings.every((finding) => finding.evidence.length === 0)).toBe(true);
    expect(answer.notDone).toEqual([
      {
        what: 'run `ps -eo pid,user,pcpu,pmem,comm --sort=-pcpu`',
        why: '`ps -eo pid,user,pcpu,pmem,comm --sort=-pcpu` is denied: ps is not allowed here',
      },
    ]);
  });

  it('runs what the budget allows and records the commands it cut', () => {
    const tasks = tasksOf(opsStep(request([], 3)));
    expect(tasks.map((task) => task.id)).toEqual(['git-status', 'git-log', 'git-diff']);
    const answer = answerOf(opsStep(request([outcome(1, {})], 3)));
    expect(answer.notDone).toHaveLength(7);
    expect(answer.notDone[0]).toEqual({
      what: 'run `command -v npm pnpm yarn bun pip pip3 uv poetry cargo go apt-get dnf apk brew`',
      why: 'budget.maxTasks leaves no tasks for it',
    });
  });

  it('plans the same from the same request', () => {
    expect(opsStep(request())).toEqual(opsStep(structuredClone(request())));
  });

  it('refuses a request without a root', () => {
    expect(() => opsStep({ ...request(), context: {} })).toThrow(
      'the specialist "ops" needs `context.root`, the directory to work in, as a string (got nothing)',
    );
  });
});
