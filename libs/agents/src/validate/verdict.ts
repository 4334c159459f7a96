import type { ToolParamsOf } from '@fanout/contracts';

/** One claim `agent.validate` checks. */
export type Claim = ToolParamsOf<'agent.validate'>['claims'][number];
export type LineClaim = Extract<Claim, { kind: 'line' }>;
export type UrlClaim = Extract<Claim, { kind: 'url' }>;
export type ExitClaim = Extract<Claim, { kind: 'exit' }>;

/** Whether a claim holds and, when it does not, why, in words a person can act on. */
export type Verdict = { ok: true } | { ok: false; reason: string };

export const HOLDS: Verdict = { ok: true };
export const fails = (reason: string): Verdict => ({ ok: false, reason });

/** A piece of text short enough to quote in a reason, as a JSON string. */
export function quoted(text: string, max = 200): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
