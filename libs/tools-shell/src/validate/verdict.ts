import type { Verdict } from '../policy/policy-schema';

/** One thing a check found, with the reason a person reads. */
export interface Finding {
  verdict: Exclude<Verdict, 'allow'>;
  /** Names the offending part of the command and why it is refused. */
  reason: string;
  /** The policy entry that decided it, when one did. */
  rule?: string;
}

/** The validator's answer: the strictest verdict of all findings, and every reason. */
export interface Validation {
  verdict: Verdict;
  reasons: string[];
  findings: Finding[];
}

const RANK: Record<Verdict, number> = { allow: 0, 'needs-approval': 1, deny: 2 };

/**
 * Folds findings into one verdict: a deny anywhere denies the whole line, since bash runs
 * all of it. Reasons keep deny first so the first line read is the one that matters.
 */
export function combine(findings: Finding[]): Validation {
  const sorted = [...findings].sort((a, b) => RANK[b.verdict] - RANK[a.verdict]);
  const verdict = sorted[0]?.verdict ?? 'allow';
  return {
    verdict,
    reasons: [...new Set(sorted.map((finding) => finding.reason))],
    findings: sorted,
  };
}

/** A finding unless the policy's verdict for it is `allow`. */
export function finding(verdict: Verdict, reason: string, rule?: string): Finding[] {
  return verdict === 'allow' ? [] : [{ verdict, reason, rule }];
}
