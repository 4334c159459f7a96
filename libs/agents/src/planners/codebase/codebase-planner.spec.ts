import type { ChildOutcome, SpecialistAnswer } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import type { PlanRequest, PlanStep } from '../../planner';
import { outcome, planRequest } from '../../testing/outcomes';
import { codebaseStep } from './codebase-planner';
import { goalWords } from './goal-words';

const ROOT = '/srv/project';

function request(goal: string, rounds: ChildOutcome[] = [], maxTasks?: number): PlanRequest {
  return planRequest('codebase', goal, rounds, maxTasks);
}

interface Task {
  id: string;
  tool: string;
  input: Record<string, unknown>;
}

function tasksOf(step: PlanStep): Task[] {
  if (!('plan' in step)) throw new Error(`expected a plan, got ${JSON.stringify(step)}`);
  const phases = step.plan['phases'] as { tasks: Task[] }[];
  return phases.flatMap((phase) => phase.tasks);
}

function answerOf(step: PlanStep): SpecialistAnswer {
  if (!('answer' in step)) throw new Error(`expected an answer, got ${JSON.stringify(step)}`);
  return step.answer as SpecialistAnswer;
}

const GOAL = 'Where is parseConfig defined and who calls it?';

/** What the structure round finds: one file per language, one glob task per family. */
const structure = (files: string[]) =>
  outcome(1, {
    'structure.js': { files: files.filter((f) => /\.[jt]s$/.test(f)), truncated: false },
    'structure.python': { files: files.filter((f) => f.endsWith('.py')), truncated: false },
    'structure.go': { files: files.filter((f) => f.endsWith('.go')), truncated: false },
    'structure.rust': { files: [], truncated: false },
    'structure.jvm': { files: [], truncated: false },
    'structure.c': { files: [], truncated: false },
    'structure.ruby': { files: [], truncated: false },
  });

const match = (path: string, line: number, text: string) => ({ path, line, column: 1, text });
const graphOf = (imports: [string, string][], ranking: string[]) => ({
  nodes: [],
  edges: imports.map(([from, to]) => ({ from: `file:${from}`, to: `file:${to}`, kind: 'imports' })),
  ranking: ranking.map((path, index) => ({ path, score: 1 / (index + 1) })),
});
/** What the survey round finds: the search's matches and the import graph, side by side. */
const surveyed = (
  matches: ReturnType<typeof match>[],
  imports: [string, string][] = [],
  ranking: string[] = [],
) =>
  outcome(2, {
    'search.symbols': { matches, truncated: false, filesSearched: 3 },
    'graph.imports': graphOf(imports, ranking),
  });
const readRound = (round: number, files: Record<string, string>) =>
  outcome(
    round,
    Object.fromEntries(
      Object.entries(files).map(([path, content], index) => [
        `read.file${index}`,
        {
          path,
          content,
          encoding: 'utf-8',
          startLine: 1,
          endLine: content.split('\n').length,
          bytes: content.length,
          truncated: false,
        },
      ]),
    ),
  );

describe('the codebase specialist', () => {
  it('lists the source files first, one code.glob per language family, 16 patterns in all', () => {
    const tasks = tasksOf(codebaseStep(request(GOAL)));
    expect(tasks.map((task) => task.id)).toEqual([
      'js',
      'python',
      'go',
      'rust',
      'jvm',
      'c',
      'ruby',
    ]);
    expect(tasks.every((task) => task.tool === 'code.glob' && task.input['root'] === ROOT)).toBe(
      true,
    );
    expect(tasks.flatMap((task) => task.input['patterns'] as string[])).toHaveLength(16);
  });

  it('lists every family in one task when the budget has fewer tasks than families', () => {
    const tasks = tasksOf(codebaseStep(request(GOAL, [], 3)));
    expect(tasks.map((task) => task.id)).toEqual(['all']);
    expect(tasks[0]!.input['patterns']).toHaveLength(16);
  });

  it('searches for the definition of a symbol the goal names, as each language found declares it, and its calls, and builds the import graph beside it', () => {
    const step = codebaseStep(
      request(GOAL, [structure(['lib/config.ts', 'tools/report.py', 'cmd/main.go'])]),
    );
    const [grep, xref, ...others] = tasksOf(step);
    expect(others).toEqual([]);
    expect(grep!.tool).toBe('code.grep');
    expect(grep!.input['caseSensitive']).toBe(true);
    expect(grep!.input['patterns']).toEqual([
      '\\bfunc\\s+(?:\\([^)]*\\)\\s*)?parseConfig\\b',
      '\\b(?:type|var|const)\\s+parseConfig\\b',
      '\\b(?:def|class)\\s+parseConfig\\b',
      '^parseConfig\\s*=[^=]',
      '\\b(?:function\\*?|class|interface|type|enum|const|let|var)\\s+parseConfig\\b',
      '\\bparseConfig\\s*\\(',
      '\\bparseConfig\\b',
    ]);
    expect(grep!.input['include']).toEqual(['**/*.ts', '**/*.py', '**/*.go']);
    // A small tree is one walk of the root.
    expect(grep!.input).not.toHaveProperty('paths');
    expect(xref).toMatchObject({
      id: 'imports',
      tool: 'code.xref',
      input: { root: ROOT, files: ['**/*.ts', '**/*.py'] },
    });
  });

  it('splits the search of a large tree by top-level directory into calls that run at once, together searching what one walk would', () => {
    const directories = Array.from({ length: 40 }, (_, i) => `pkg${String(i).padStart(2, '0')}`);
    const files = directories.flatMap((dir, i) =>
      Array.from({ length: 400 + i }, (_, n) => `${dir}/src/file${n}.ts`),
    );
    const goal = 'Where is parseConfig defined, and what handles retries?';
    const tasks = tasksOf(codebaseStep(request(goal, [structure([...files, 'index.ts'])])));
    const greps = tasks.filter((task) => task.tool === 'code.grep');
    expect(tasks.filter((task) => task.tool === 'code.xref')).toHaveLength(1);
    // Symbols and terms, each split into 15 parts by directory and one walk of the rest.
    expect(greps).toHaveLength(32);
    expect(greps.map((task) => task.id).slice(0, 2)).toEqual(['symbols-1', 'symbols-2']);
    const symbols = greps.filter((task) => task.id.startsWith('symbols-'));
    const parts = symbols.map((task) => (task.input['paths'] as string[] | undefined) ?? []);
    expect(parts.flat().sort()).toEqual(directories);
    const rest = symbols.at(-1)!;
    expect(rest.input).not.toHaveProperty('paths');
    expect(rest.input['exclude']).toEqual(
      expect.arrayContaining(directories.map((dir) => `/${dir}/`)),
    );
    // Balanced: no part has more than twice the files of another.
    const sizes = parts
      .slice(0, -1)
      .map((dirs) => dirs.reduce((sum, dir) => sum + 400 + Number(dir.slice(3)), 0));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2 * Math.min(...sizes));
    // The matches kept are shared out between the parts.
    expect(symbols[0]!.input['maxMatches']).toBe(Math.ceil(5_000 / 16));
    // With few tasks left, fewer parts.
    const few = tasksOf(codebaseStep(request(goal, [structure(files)], 5)));
    expect(few.map((task) => task.id)).toEqual([
      'symbols-1',
      'symbols-2',
      'terms-1',
      'terms-2',
      'imports',
    ]);
  });

  it('tells identifiers from prose in a goal', () => {
    expect(goalWords('How does `load_rows` handle retries in HttpClient and parse()?')).toEqual({
      symbols: ['load_rows', 'HttpClient', 'parse'],
      terms: ['retries'],
    });
    expect(goalWords('Where are the retry timeouts configured?')).toEqual({
      symbols: [],
      terms: ['retry', 'timeouts', 'configured'],
    });
  });

  it('cites the definition and the callers with the lines the tools returned, paths relative to the root', () => {
    const rounds = [
      structure(['app/main.ts', 'lib/config.ts', 'tools/report.py']),
      surveyed(
        [
          match('app/main.ts', 1, "import { parseConfig } from '../lib/config';"),
          match('app/main.ts', 3, "const config = parseConfig('demo');"),
          match('lib/config.ts', 2, 'export function parseConfig(text: string): Config {'),
          match('tools/report.py', 5, '    return parseConfig(open(path).read())'),
        ],
        [['app/main.ts', 'lib/config.ts']],
        ['lib/config.ts', 'app/main.ts'],
      ),
    ];
    const reads = tasksOf(codebaseStep(request(GOAL, rounds)));
    // The definition's file first, then the callers by their hits, then by centrality.
    expect(reads.map((task) => task.input['path'])).toEqual([
      'lib/config.ts',
      'app/main.ts',
      'tools/report.py',
    ]);
    const answer = answerOf(
      codebaseStep(
        request(GOAL, [
          ...rounds,
          readRound(3, {
            'lib/config.ts':
              'export interface Config { name: string }\nexport function parseConfig(text: string): Config {\n  return { name: text };\n}',
            'app/main.ts':
              "import { parseConfig } from '../lib/config';\n\nconst config = parseConfig('demo');",
            'tools/report.py':
              'from bridge import parseConfig\n\n\ndef report(path):\n    return parseConfig(open(path).read())',
          }),
        ]),
      ),
    );
    expect(answer).toMatchObject({ specialist: 'codebase', planner: 'templates', notDone: [] });
    const claims = answer.findings.map((finding) => finding.claim);
    expect(claims).toContain('`parseConfig` is defined in lib/config.ts:2.');
    expect(claims).toContain(
      '`parseConfig` is called from 2 file(s): app/main.ts, tools/report.py (2 call line(s)).',
    );
    const called = answer.findings.find((finding) => finding.claim.includes('is called from'));
    expect(called!.evidence).toEqual([
      { path: 'app/main.ts', line: 3, text: "const config = parseConfig('demo');" },
      { path: 'tools/report.py', line: 5, text: '    return parseConfig(open(path).read())' },
    ]);
    for (const evidence of answer.findings.flatMap((finding) => finding.evidence)) {
      expect(evidence).toMatchObject({ path: expect.not.stringMatching(/^\//) });
    }
    expect(answer.graph).toMatchObject({
      imports: [{ from: 'app/main.ts', to: 'lib/config.ts' }],
      symbols: [{ name: 'parseConfig', path: 'lib/config.ts', line: 2 }],
    });
  });

  it('sizes the reads to the tasks left, and says which files it could not read', () => {
    const relevant = ['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.ts'];
    const rounds = [
      structure(relevant),
      surveyed(relevant.map((path) => match(path, 1, 'parseConfig()'))),
    ];
    // Of 12, 7 glob tasks, a grep and an xref used 9: the engine gives the next round 3.
    const reads = tasksOf(codebaseStep(request(GOAL, rounds, 3)));
    expect(reads.map((task) => task.input['path'])).toEqual(['a.ts', 'b.ts', 'c.ts']);
    const answer = answerOf(
      codebaseStep(
        request(
          GOAL,
          [
            ...rounds,
            readRound(3, {
              'a.ts': 'parseConfig()',
              'b.ts': 'parseConfig()',
              'c.ts': 'parseConfig()',
            }),
          ],
          0,
        ),
      ),
    );
    expect(answer.notDone).toEqual([
      { what: 'read 2 file(s) (d.ts, e.ts)', why: 'budget.maxTasks leaves no tasks for it' },
    ]);
  });

  it('expands to graph neighbours while reading turns up new relevant files, and stops when a round adds none', () => {
    const neighbours = Array.from({ length: 10 }, (_, i) => `n${i}.ts`);
    const rounds = [
      structure(['a.ts', ...neighbours]),
      surveyed(
        [match('a.ts', 1, 'export function parseConfig() {}')],
        neighbours.map((path) => ['a.ts', path]),
      ),
    ];
    const first = tasksOf(codebaseStep(request(GOAL, rounds)));
    expect(first.map((task) => task.input['path'])).toEqual(['a.ts', ...neighbours.slice(0, 7)]);
    const contents = (mention: boolean) => ({
      'a.ts': 'export function parseConfig() {}',
      ...Object.fromEntries(
        neighbours
          .slice(0, 7)
          .map((path, i) => [path, i === 0 && mention ? 'parseConfig();' : 'nothing']),
      ),
    });
    // Nothing new among the neighbours read: the search goes no deeper.
    expect(codebaseStep(request(GOAL, [...rounds, readRound(3, contents(false))]))).toHaveProperty(
      'answer',
    );
    // n0 turned out to call it: the remaining neighbours are read next.
    const next = tasksOf(codebaseStep(request(GOAL, [...rounds, readRound(3, contents(true))])));
    expect(next.map((task) => task.input['path'])).toEqual(['n7.ts', 'n8.ts', 'n9.ts']);
  });

  it('says once what it passed over, however many rounds came after', () => {
    const rounds = [
      structure(['main.go', 'util.go']),
      outcome(2, {
        'search.symbols': {
          matches: [match('main.go', 5, 'func parseConfig() {')],
          truncated: false,
          filesSearched: 2,
        },
      }),
    ];
    // No language code.xref reads: the graph is passed over, and reading goes on.
    const reads = tasksOf(codebaseStep(request(GOAL, rounds)));
    expect(reads.map((task) => task.input['path'])).toEqual(['main.go']);
    const answer = answerOf(
      codebaseStep(request(GOAL, [...rounds, readRound(3, { 'main.go': 'package main' })])),
    );
    expect(answer.notDone).toEqual([
      {
        what: 'build the import graph',
        why: 'code.xref reads TypeScript, JavaScript and Python, and there are none',
      },
    ]);
  });

  it('plans the same from the same request', () => {
    const rounds = [structure(['lib/config.ts', 'tools/report.py'])];
    expect(codebaseStep(request(GOAL, rounds))).toEqual(
      codebaseStep(structuredClone(request(GOAL, rounds))),
    );
  });

  it('records a failed tool call in notDone with its error', () => {
    const failed = outcome(2, {}, [
      {
        taskId: 'search/symbols',
        tool: 'code.grep',
        code: 'TOOL_FAILED',
        message: 'rg: regex parse error',
      },
    ]);
    const step = codebaseStep(request(GOAL, [structure(['a.py']), failed]));
    expect(answerOf(step).notDone).toContainEqual({
      what: "search for the goal's symbols (code.grep)",
      why: 'rg: regex parse error',
    });
  });

  it.each([
    [undefined, 'needs `context.root`, the directory to work in, as a string (got nothing)'],
    [{ root: 'relative/dir' }, 'needs `context.root` to be an absolute path (got "relative/dir")'],
    [{ root: 42 }, 'as a string (got a number)'],
  ])('refuses a context of %j with a clear error', (context, message) => {
    expect(() => codebaseStep({ ...request(GOAL), context })).toThrow(message);
  });
});
