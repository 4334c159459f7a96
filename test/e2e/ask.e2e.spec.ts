import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runFanout } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A small repository in three languages whose facts the test knows. */
const REPO: Record<string, string> = {
  'src/billing/total.ts': [
    "import type { Line } from './line';",
    '',
    'export function computeTotal(lines: Line[]): number {',
    '  return lines.reduce((sum, line) => sum + line.price * line.quantity, 0);',
    '}',
  ].join('\n'),
  'src/billing/line.ts': 'export interface Line {\n  price: number;\n  quantity: number;\n}\n',
  'src/checkout.ts': [
    "import { computeTotal } from './billing/total';",
    '',
    'export function checkout(cart: { lines: [] }) {',
    '  const total = computeTotal(cart.lines);',
    '  return { total };',
    '}',
  ].join('\n'),
  'tools/report.py':
    'def report(rows):\n    # mirrors computeTotal in the TypeScript code\n    return sum(rows)\n',
  'cmd/main.go': 'package main\n\nfunc main() {}\n',
  'package.json': '{ "name": "shop", "scripts": { "test": "echo ok" } }\n',
};

interface AskDocument {
  goal: string;
  status: string;
  report: string;
  findings: {
    specialist: string;
    claim: string;
    evidence: ({ path: string; line: number; text: string } | { url: string; quote: string })[];
  }[];
  tree: { specialist: string | null; children: { specialist: string; children: unknown[] }[] };
  usage: { tasks: number; toolCalls: number };
  validation: { passed: number; failed: number };
}

// A whole embedded Fanout per run: tens of seconds on a loaded machine.
describe('fanout ask', { timeout: 120_000 }, () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ask-repo-'));
    for (const [path, text] of Object.entries(REPO)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const embedded = { NATS_URL: undefined, FANOUT_SUBJECT_PREFIX: undefined };

  it('finds where a symbol is defined and who calls it, citing lines that say so', async () => {
    const goal = 'where is computeTotal defined and who calls it';
    const run = await runFanout(
      ['ask', goal, '--root', root, '--specialists', 'codebase', '--json'],
      embedded,
    );
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as AskDocument;
    expect(doc).toMatchObject({ goal, status: 'succeeded' });
    expect(doc.tree.children[0]).toMatchObject({ specialist: 'master' });
    // The master's rounds: the specialists it asked, then the check of their citations.
    expect(doc.tree.children[0]!.children).toContainEqual(
      expect.objectContaining({ specialist: 'codebase' }),
    );
    expect(doc.usage.tasks).toBeGreaterThan(0);
    expect(doc.usage.toolCalls).toBeGreaterThan(0);
    // The master checked every citation, and none failed.
    expect(doc.validation.failed).toBe(0);
    expect(doc.validation.passed).toBeGreaterThan(0);

    const cited = doc.findings.flatMap((finding) =>
      finding.evidence.flatMap((evidence) => ('path' in evidence ? [evidence] : [])),
    );
    // The definition and the call, at their lines.
    expect(cited).toContainEqual(
      expect.objectContaining({ path: 'src/billing/total.ts', line: 3 }),
    );
    expect(cited).toContainEqual(expect.objectContaining({ path: 'src/checkout.ts', line: 4 }));
    // Every citation is a line of the file as it is, checked here independently.
    for (const evidence of cited) {
      const lines = readFileSync(join(root, evidence.path), 'utf8').split('\n');
      expect(lines[evidence.line - 1], `${evidence.path}:${evidence.line}`).toContain(
        evidence.text.trim(),
      );
    }
    expect(doc.report).toMatch(/computeTotal/);
  });

  it('refuses a specialist it does not have, naming it, before anything starts', async () => {
    const run = await runFanout(
      ['ask', 'anything', '--root', root, '--specialists', 'codebase,astrology'],
      embedded,
    );
    expect(run.code).toBe(2); // a usage error, as for the other commands
    expect(run.stderr).toMatch(/astrology/);
  });
});
