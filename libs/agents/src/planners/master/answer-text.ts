import type { AskAnswer, Evidence, SpecialistAnswer } from '@fanout/contracts';

/** How many findings of each specialist the answer names; the report lists them all. */
const FINDINGS_NAMED = 5;

/** Where a piece of evidence points, as a reader looks it up. */
function place(evidence: Evidence): string {
  return 'path' in evidence ? `\`${evidence.path}:${evidence.line}\`` : `<${evidence.url}>`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** What the checks said of the citations, in one sentence. */
function checked(validation: AskAnswer['validation']): string {
  const total = validation.passed + validation.failed;
  if (total === 0) return 'Nothing was cited, so nothing was checked.';
  if (validation.failed === 0) return `All ${plural(total, 'citation')} checked out.`;
  return `${validation.passed} of ${plural(total, 'citation')} checked out; the findings resting on the other ${validation.failed} were left out.`;
}

/**
 * The answer section of the report, from the checked findings alone and always the same for
 * the same findings: how many there are and from whom, each specialist's summary and its
 * first findings with where they point, and how the citations checked out.
 */
export function answerText(
  answers: readonly SpecialistAnswer[],
  validation: AskAnswer['validation'],
  unanswered: number,
): string {
  const findings = answers.reduce((sum, answer) => sum + answer.findings.length, 0);
  const who = answers.map((answer) => answer.specialist).join(', ');
  const lines: string[] = [];
  if (answers.length === 0) lines.push('No specialist answered, so there is no answer.');
  else lines.push(`${plural(findings, 'finding')} from ${who}. ${checked(validation)}`);
  if (unanswered > 0)
    lines.push(`${plural(unanswered, 'specialist')} did not answer (see Not done).`);
  for (const answer of answers) {
    lines.push('', `**${answer.specialist}**: ${answer.summary || 'no summary'}`);
    for (const finding of answer.findings.slice(0, FINDINGS_NAMED)) {
      const where = finding.evidence.map(place).join(', ');
      lines.push(`- ${finding.claim}${where ? ` (${where})` : ''}`);
    }
    const more = answer.findings.length - FINDINGS_NAMED;
    if (more > 0) lines.push(`- and ${plural(more, 'more finding')}`);
  }
  return lines.join('\n');
}
