import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeGlob, CodeRead, SpecialistAnswer } from '@fanout/contracts';
import { createCodebaseTools, DEFAULT_CODEBASE_SETTINGS } from '@fanout/tools-codebase';
import { createBashExec } from '@fanout/tools-shell';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRounds, type AnyTool } from '../../testing/run-rounds';
import { testPlanner } from './test-planner';

const codebaseTools = createCodebaseTools(DEFAULT_CODEBASE_SETTINGS);

/** A make project whose build passes and whose test fails, naming a line of a source file. */
const MAKEFILE = [
  'build:',
  '\t@echo built',
  'test: build',
  '\t@echo "calc/ops.py:2: AssertionError: expected 4"',
  '\t@exit 1',
].join('\n');
const OPS = ['def add(a, b):', '    return a - b'].join('\n');

const tools: Record<string, AnyTool> = {
  'bash.exec': createBashExec({ sandbox: 'off' }) as AnyTool,
  'code.glob': (input, ctx) => codebaseTools['code.glob'](CodeGlob.input.parse(input), ctx),
  'code.read': (input, ctx) => codebaseTools['code.read'](CodeRead.input.parse(input), ctx),
};

describe('the test specialist over the real shell and codebase tools', { timeout: 60_000 }, () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'test-specialist-'));
    await mkdir(join(root, 'calc'));
    await writeFile(join(root, 'Makefile'), `${MAKEFILE}\n`);
    await writeFile(join(root, 'calc/ops.py'), `${OPS}\n`);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('builds, tests, and cites the source line the failing test names', async () => {
    const { answer, plans } = await runRounds(
      testPlanner,
      {
        specialist: 'test',
        goal: 'Does it pass its tests?',
        context: { root },
        budget: {},
        onParentEnd: 'cancel',
      },
      tools,
    );
    expect(plans.map((plan) => (plan as { name: string }).name)).toEqual([
      'test-detect',
      'test-build',
      'test-test',
      'test-cite',
    ]);
    const report = SpecialistAnswer.parse(answer);
    expect(report.summary).toBe('make: build passed; test failed.');
    expect(report.findings).toContainEqual({
      specialist: 'test',
      claim: '`make test` failed with exit code 2: "calc/ops.py:2: AssertionError: expected 4".',
      evidence: [{ path: 'calc/ops.py', line: 2, text: '    return a - b' }],
    });
    expect(report.notDone.map((item) => item.what)).toEqual(['the install step', 'the lint step']);
  });
});
