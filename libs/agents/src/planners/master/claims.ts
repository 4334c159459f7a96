import { defused, OPENING } from './defuse';
import type { SpecialistAnswer, ToolOutputOf, ToolParamsOf } from '@fanout/contracts';

type Claim = ToolParamsOf<'agent.validate'>['claims'][number];
type Verdicts = ToolOutputOf<'agent.validate'>;

/** Where a claim came from: which answer's which finding (by index), and what it says. */
interface Source {
  specialist: number;
  finding: number;
  name: string;
  claim: string;
}

/**
 * A line claim keeps the longest piece of its text between reference openings (see
 * ./defuse): still a part of the line, so the check still means something. Page text and
 * quotes are defused alike on both sides, so a quote still matches its page.
 */
function longestPiece(text: string): string {
  const pieces = text.split(OPENING);
  return pieces.reduce((longest, piece) => (piece.length > longest.length ? piece : longest));
}

/** The most citations one agent.validate checks (its contract's limit). */
export const MAX_CLAIMS = 10_000;

/**
 * Every citation of every answer as an agent.validate claim, and where each came from; past
 * {@link MAX_CLAIMS}, citations are counted as `unchecked` and their findings kept as they are.
 */
export function claimsOf(answers: readonly SpecialistAnswer[]) {
  const claims: Claim[] = [];
  const sources: Source[] = [];
  answers.forEach((answer, specialist) =>
    answer.findings.forEach((finding, index) => {
      for (const evidence of finding.evidence) {
        claims.push(
          'path' in evidence
            ? {
                kind: 'line',
                path: evidence.path,
                line: evidence.line,
                text: longestPiece(evidence.text),
              }
            : { kind: 'url', url: evidence.url, quote: defused(evidence.quote) },
        );
        sources.push({ specialist, finding: index, name: answer.specialist, claim: finding.claim });
      }
    }),
  );
  const fetched = answers.flatMap((answer) =>
    (answer.pages ?? []).map((page) => ({ url: page.url, text: defused(page.text) })),
  );
  return {
    claims: claims.slice(0, MAX_CLAIMS),
    sources,
    fetched,
    unchecked: Math.max(0, claims.length - MAX_CLAIMS),
  };
}

/** A citation that did not hold, as the report lists it. */
export interface Failure {
  specialist: string;
  claim: string;
  reason: string;
}

/** Where a citation points, for a reason a reader can place. */
function cited(claim: Claim): string {
  if (claim.kind === 'line') return `${claim.path}:${claim.line}`;
  if (claim.kind === 'url') return claim.url;
  return claim.command ?? 'a command';
}

/**
 * The answers with only the findings whose every citation held, and the citations that did
 * not, each with its finding and why. A finding that cites nothing has nothing to fail.
 */
export function judgeFindings(answers: readonly SpecialistAnswer[], verdicts: Verdicts) {
  const { sources } = claimsOf(answers);
  const failedFindings = new Set<string>();
  const failures: Failure[] = [];
  verdicts.results.forEach((result, index) => {
    const source = sources[index];
    if (result.ok || !source) return;
    failedFindings.add(`${source.specialist}:${source.finding}`);
    failures.push({
      specialist: source.name,
      claim: source.claim,
      reason: `${cited(result.claim)}: ${result.reason ?? 'did not hold'}`,
    });
  });
  const kept = answers.map((answer, specialist) => ({
    ...answer,
    findings: answer.findings.filter((_, index) => !failedFindings.has(`${specialist}:${index}`)),
  }));
  return {
    answers: kept,
    validation: { passed: verdicts.passed, failed: verdicts.failed, failures },
  };
}
