import type {
  AskAnswer,
  Evidence,
  Finding,
  NotDone,
  OutcomeStatus,
  Usage,
} from '@fanout/contracts';
import type { TreeNode } from './agent-tree';

/** How an ask ended, as `fanout ask` renders it. */
export interface AskOutcome {
  goal: string;
  workflowId: string;
  status: OutcomeStatus;
  /** The master's answer; absent when there is none. */
  report?: AskAnswer;
  /** Why there is no report (the master failed, the ask was cancelled…). */
  failure?: string;
  tree?: TreeNode;
  usage: Usage;
}

/** Inline code that holds any text: a fence longer than any run of backticks in it. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** One line of text, for a list item: line breaks and runs of blanks as one space. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

function evidenceLine(evidence: Evidence): string {
  if ('path' in evidence)
    return `  - ${code(`${evidence.path}:${evidence.line}`)} ${code(evidence.text.trim())}`;
  return `  - <${evidence.url}>: “${oneLine(evidence.quote)}”`;
}

function findingLines(finding: Finding): string[] {
  return [`- ${oneLine(finding.claim)}`, ...finding.evidence.map(evidenceLine)];
}

const notDoneLine = (entry: NotDone, who?: string) =>
  `- ${who ? `${who}: ` : ''}${oneLine(entry.what)} — ${oneLine(entry.why)}`;

/** The footer: how the ask ended and what it used. */
function usageLine(outcome: AskOutcome): string {
  const { usage } = outcome;
  const seconds = (usage.durationMs / 1000).toFixed(1);
  return `_${outcome.status} in ${seconds} s: ${usage.tasks} tasks, ${usage.toolCalls} tool calls, ${usage.tokens} model tokens (workflow ${outcome.workflowId})._`;
}

/**
 * The report of an ask in Markdown: the goal as its title, the answer, each specialist's
 * findings with their evidence (a file's line with its text, a page with the passage
 * quoted), the findings whose evidence did not check out, and what was not done and why.
 */
export function askMarkdown(outcome: AskOutcome): string {
  const lines = [`# ${oneLine(outcome.goal)}`, '', '## Answer', ''];
  const { report } = outcome;
  if (!report) {
    lines.push(`No answer: ${outcome.failure ?? `the ask ${outcome.status}`}.`);
    return [...lines, '', usageLine(outcome), ''].join('\n');
  }
  lines.push(report.answer);
  for (const answer of report.specialists) {
    lines.push('', `## ${answer.specialist}`, '');
    if (answer.summary) lines.push(answer.summary, '');
    if (answer.findings.length === 0) lines.push('No findings.');
    for (const finding of answer.findings) lines.push(...findingLines(finding));
  }
  if (report.validation.failures.length > 0) {
    lines.push('', '## Did not check out', '');
    for (const failure of report.validation.failures)
      lines.push(`- ${failure.specialist}: ${oneLine(failure.claim)} — ${oneLine(failure.reason)}`);
  }
  const notDone = [
    ...report.notDone.map((entry) => notDoneLine(entry)),
    ...report.specialists.flatMap((answer) =>
      answer.notDone.map((entry) => notDoneLine(entry, answer.specialist)),
    ),
  ];
  if (notDone.length > 0) lines.push('', '## Not done', '', ...notDone);
  return [...lines, '', usageLine(outcome), ''].join('\n');
}

/** The one document `fanout ask --json` prints: the report, its findings, the tree, usage. */
export function askDocument(outcome: AskOutcome) {
  const findings = (outcome.report?.specialists ?? []).flatMap((answer) =>
    answer.findings.map(({ specialist, claim, evidence }) => ({ specialist, claim, evidence })),
  );
  return {
    goal: outcome.goal,
    status: outcome.status,
    report: askMarkdown(outcome),
    findings,
    validation: outcome.report?.validation ?? { passed: 0, failed: 0, failures: [] },
    notDone: [
      ...(outcome.report?.notDone ?? []),
      ...(outcome.report?.specialists ?? []).flatMap((answer) =>
        answer.notDone.map((entry) => ({ specialist: answer.specialist, ...entry })),
      ),
    ],
    tree: outcome.tree ?? null,
    usage: outcome.usage,
  };
}
