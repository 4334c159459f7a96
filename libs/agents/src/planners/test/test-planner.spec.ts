import type { ChildOutcome, SpecialistAnswer } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import type { PlanRequest, PlanStep } from '../../planner';
import { outcome, planRequest } from '../../testing/outcomes';
import { makeTargets } from './build-systems';
import { outputReferences } from './output-lines';
import { testStep } from './test-planner';

const ROOT = '/srv/project';

function request(rounds: ChildOutcome[] = [], maxTasks?: number): PlanRequest {
  return planRequest('test', 'Does the project build and pass its tests?', rounds, maxTasks);
}

interface Task {
  id: string;
  tool: string;
  input: Record<string, unknown>;
}

function planOf(step: PlanStep): { name: string; tasks: Task[] } {
  if (!('plan' in step)) throw new Error(`expected a plan, got ${JSON.stringify(step)}`);
  const phases = step.plan['phases'] as { tasks: Task[] }[];
  return { name: step.plan['name'] as string, tasks: phases.flatMap((phase) => phase.tasks) };
}

function answerOf(step: PlanStep): SpecialistAnswer {
  if (!('answer' in step)) throw new Error(`expected an answer, got ${JSON.stringify(step)}`);
  return step.answer as SpecialistAnswer;
}

const PACKAGE_JSON = JSON.stringify(
  { name: 'x', scripts: { build: 'tsc -b', test: 'vitest run' } },
  null,
  2,
);
const read = (path: string, content: string) => ({
  path,
  content,
  encoding: 'utf-8',
  startLine: 1,
  endLine: content.split('\n').length,
  bytes: content.length,
  truncated: false,
});
// Makefile and pyproject.toml are not there: their reads fail, and that is no news.
const detected = outcome(
  1,
  {
    'detect.manifests': { files: ['package-lock.json', 'package.json'], truncated: false },
    'detect.read0': read('package.json', PACKAGE_JSON),
  },
  ['detect/read1', 'detect/read2'].map((taskId) => ({
    taskId,
    tool: 'code.read',
    code: 'NOT_FOUND',
    message: 'no such file',
  })),
);
const step = (round: number, id: string, exitCode: number, stdout: string) =>
  outcome(round, {
    [`${id}.run`]: { exitCode, signal: null, stdout, stderr: '', durationMs: 5, truncated: false },
  });

describe('the test specialist', () => {
  it('first detects the build system from the manifests at the root', () => {
    const { tasks } = planOf(testStep(request()));
    expect(tasks.map((task) => [task.id, task.tool, task.input['path']])).toEqual([
      ['manifests', 'code.glob', undefined],
      ['read0', 'code.read', 'package.json'],
      ['read1', 'code.read', 'Makefile'],
      ['read2', 'code.read', 'pyproject.toml'],
    ]);
  });

  it('runs only the steps the project declares, one round each, in dependency order', () => {
    const install = planOf(testStep(request([detected])));
    expect(install.name).toBe('test-install');
    expect(install.tasks[0]!.input).toMatchObject({ command: 'npm ci', cwd: ROOT, network: true });
    const build = planOf(testStep(request([detected, step(2, 'install', 0, 'added 10 packages')])));
    expect(build.tasks[0]!.input).toMatchObject({ command: 'npm run build', network: false });
    const test = planOf(
      testStep(request([detected, step(2, 'install', 0, ''), step(3, 'build', 0, '')])),
    );
    expect(test.tasks[0]!.input['command']).toBe('npm run test');
  });

  it('skips what a failed step was needed for, and says why', () => {
    const answer = answerOf(testStep(request([detected, step(2, 'install', 1, 'npm ERR! 404')])));
    expect(answer.notDone).toEqual([
      { what: 'the lint step', why: 'package.json has no "lint" script' },
      { what: 'run `npm run build`', why: 'it needs install, which failed' },
      { what: 'run `npm run test`', why: 'it needs install, which failed' },
    ]);
    expect(answer.findings.map((finding) => finding.claim)).toContain(
      '`npm ci` failed with exit code 1: "npm ERR! 404".',
    );
  });

  it('reads the lines a failure names, and cites them with the output that named them', () => {
    const output = `FAIL src/x.test.ts\n  ${ROOT}/src/x.ts:12:3 expected 2, got 3\n1 failed`;
    const rounds = [
      detected,
      step(2, 'install', 0, ''),
      step(3, 'build', 0, ''),
      step(4, 'test', 1, output),
    ];
    const cite = planOf(testStep(request(rounds)));
    expect(cite.tasks.map((task) => task.input)).toEqual([
      { root: ROOT, path: 'src/x.ts', startLine: 12, endLine: 12 },
    ]);
    const lines = outcome(5, {
      'cite.line0': { ...read('src/x.ts', '  return add(1, 1);'), startLine: 12, endLine: 12 },
    });
    const answer = answerOf(testStep(request([...rounds, lines])));
    const failed = answer.findings.find((finding) =>
      finding.claim.startsWith('`npm run test` failed'),
    );
    expect(failed).toEqual({
      specialist: 'test',
      claim: `\`npm run test\` failed with exit code 1: "${ROOT}/src/x.ts:12:3 expected 2, got 3".`,
      evidence: [{ path: 'src/x.ts', line: 12, text: '  return add(1, 1);' }],
    });
    expect(answer.findings[0]).toEqual({
      specialist: 'test',
      claim:
        'The build system is npm (package.json); it offers install: `npm ci`, build: `npm run build`, test: `npm run test`.',
      evidence: [
        { path: 'package.json', line: 4, text: '    "build": "tsc -b",' },
        { path: 'package.json', line: 5, text: '    "test": "vitest run"' },
      ],
    });
    expect(answer.summary).toBe('npm: install, build passed; test failed.');
  });

  it('says once that it skipped a step, however many rounds came after', () => {
    const rounds = [
      detected,
      step(2, 'install', 0, ''),
      step(3, 'build', 2, 'src/a.ts(3,5): error TS2322: no'),
    ];
    expect(planOf(testStep(request(rounds))).name).toBe('test-cite');
    const cited = outcome(4, {
      'cite.line0': { ...read('src/a.ts', 'const a: string = 1;'), startLine: 3, endLine: 3 },
    });
    const answer = answerOf(testStep(request([...rounds, cited])));
    expect(answer.notDone).toEqual([
      { what: 'the lint step', why: 'package.json has no "lint" script' },
      { what: 'run `npm run test`', why: 'it needs build, which failed' },
    ]);
  });

  it('stops when the budget is spent, recording the steps it did not run', () => {
    // Of five, four tasks detected and one installed: the engine gives the next round none.
    const answer = answerOf(testStep(request([detected, step(2, 'install', 0, '')], 0)));
    expect(answer.notDone).toContainEqual({
      what: 'run `npm run build`',
      why: 'budget.maxTasks leaves no tasks for it',
    });
  });

  it('finds file references in compiler and test output, only under the root', () => {
    const output = [
      'src/a.ts(3,5): error TS2322: no',
      './pkg/b.go:7:2: undefined: x',
      '/elsewhere/c.py:1: outside',
      'node_modules/d/e.js:1:1 ignored',
    ].join('\n');
    expect(outputReferences(output, ROOT, 8).map(({ path, line }) => `${path}:${line}`)).toEqual([
      'src/a.ts:3',
      'pkg/b.go:7',
    ]);
    expect([
      ...makeTargets('all: build\nbuild:\n\tgo build\nVAR := 1\n.PHONY: test\ntest: build\n'),
    ]).toEqual(['all', 'build', 'test']);
  });

  it('plans the same from the same request', () => {
    const rounds = [detected, step(2, 'install', 0, '')];
    expect(testStep(request(rounds))).toEqual(testStep(structuredClone(request(rounds))));
  });

  it('refuses a relative root', () => {
    expect(() => testStep({ ...request(), context: { root: '.' } })).toThrow(
      'needs `context.root` to be an absolute path (got ".")',
    );
  });
});
