import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CodeGlob, CodeGrep, CodeRead, CodeXref, SpecialistAnswer } from '@fanout/contracts';
import { createCodebaseTools, DEFAULT_CODEBASE_SETTINGS } from '@fanout/tools-codebase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRounds, type AnyTool } from '../../testing/run-rounds';
import { codebasePlanner } from './codebase-planner';

const codebaseTools = createCodebaseTools(DEFAULT_CODEBASE_SETTINGS);

/** A TypeScript file defines `parseConfig`; another TypeScript file and a Python one call it. */
const FIXTURE: Record<string, string> = {
  'lib/config.ts': [
    'export interface Config { name: string }',
    'export function parseConfig(text: string): Config {',
    '  return { name: text.trim() };',
    '}',
  ].join('\n'),
  'app/main.ts': [
    "import { parseConfig } from '../lib/config';",
    '',
    "const config = parseConfig('demo');",
    'console.log(config.name);',
  ].join('\n'),
  'tools/report.py': [
    'from bridge import parseConfig',
    '',
    '',
    'def report(path):',
    '    return parseConfig(open(path).read())',
  ].join('\n'),
  'cmd/server.go': [
    'package main',
    '',
    'import "fmt"',
    '',
    'func main() {',
    '\tfmt.Println("serving")',
    '}',
  ].join('\n'),
};

/** The real tools, their input completed by their contracts as a worker's is. */
const tools: Record<string, AnyTool> = {
  'code.glob': (input, ctx) => codebaseTools['code.glob'](CodeGlob.input.parse(input), ctx),
  'code.grep': (input, ctx) => codebaseTools['code.grep'](CodeGrep.input.parse(input), ctx),
  'code.read': (input, ctx) => codebaseTools['code.read'](CodeRead.input.parse(input), ctx),
  'code.xref': (input, ctx) => codebaseTools['code.xref'](CodeXref.input.parse(input), ctx),
};

describe('the codebase specialist over the real codebase tools', { timeout: 60_000 }, () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'codebase-specialist-'));
    for (const [path, text] of Object.entries(FIXTURE)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), `${text}\n`);
    }
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds where a symbol is defined and both of its callers, citing their lines', async () => {
    const { answer, plans } = await runRounds(
      codebasePlanner,
      {
        specialist: 'codebase',
        goal: 'Where is parseConfig defined and who calls it?',
        context: { root },
        budget: {},
        onParentEnd: 'cancel',
      },
      tools,
    );
    const report = SpecialistAnswer.parse(answer);
    expect(plans.map((plan) => (plan as { name: string }).name)).toEqual([
      'codebase-structure',
      'codebase-survey',
      'codebase-read',
    ]);
    const defined = report.findings.find((finding) => finding.claim.includes('is defined in'));
    expect(defined?.evidence).toEqual([
      {
        path: 'lib/config.ts',
        line: 2,
        text: 'export function parseConfig(text: string): Config {',
      },
    ]);
    const called = report.findings.find((finding) => finding.claim.includes('is called from'));
    expect(called?.evidence).toEqual([
      { path: 'app/main.ts', line: 3, text: "const config = parseConfig('demo');" },
      { path: 'tools/report.py', line: 5, text: '    return parseConfig(open(path).read())' },
    ]);
    expect(report.findings[0]!.claim).toBe(
      'The project is mostly TypeScript (2 of 4 source files); also Go (1), Python (1).',
    );
    expect(report.notDone).toEqual([]);
  });
});
