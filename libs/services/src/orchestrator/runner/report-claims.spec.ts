import { randomBytes } from 'node:crypto';
import type { ReportTask } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { ReportClaims, ReportNotHeldError } from './report-claims';

const key = Buffer.alloc(32, 7);
const attempt = { workflowId: 'wf-1', taskId: 'p/t', attempt: 2 };
const report = (claim?: string): ReportTask => ({
  type: 'task.report',
  commandId: 'c-1',
  ...attempt,
  worker: 'w-1',
  ...(claim === undefined ? {} : { claim }),
  at: 1,
  outcome: { kind: 'started' },
});

describe('the claim of an attempt', () => {
  it('is the same for the same attempt under the same key, from any instance', () => {
    const claim = new ReportClaims(key).of(attempt);
    expect(new ReportClaims(Buffer.from(key)).of({ ...attempt })).toBe(claim);
    // 32 bytes of HMAC-SHA256, base64url: safe in JSON and headers alike.
    expect(claim).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('changes with the workflow, the task, the attempt and the key', () => {
    const claims = new ReportClaims(key);
    const claim = claims.of(attempt);
    const others = [
      claims.of({ ...attempt, workflowId: 'wf-2' }),
      claims.of({ ...attempt, taskId: 'p/u' }),
      claims.of({ ...attempt, attempt: 3 }),
      // Fields are kept apart: moving text from one to the other is another attempt.
      claims.of({ ...attempt, workflowId: 'wf-1p', taskId: '/t' }),
      new ReportClaims(Buffer.alloc(32, 8)).of(attempt),
      new ReportClaims(randomBytes(32)).of(attempt),
    ];
    expect(new Set([claim, ...others]).size).toBe(others.length + 1);
  });

  it('is held by a report that carries it, and not by one with none, another or a mangled one', () => {
    const claims = new ReportClaims(key);
    const claim = claims.of(attempt);
    expect(claims.holds(report(claim))).toBe(true);
    expect(claims.holds(claims.stamp(report()))).toBe(true);
    expect(claims.holds(report())).toBe(false);
    expect(claims.holds(report(claims.of({ ...attempt, attempt: 1 })))).toBe(false);
    expect(claims.holds(report(new ReportClaims(randomBytes(32)).of(attempt)))).toBe(false);
    expect(claims.holds(report(claim.slice(1)))).toBe(false);
    expect(claims.holds(report(`${claim}=`))).toBe(false);
    expect(claims.holds(report(''))).toBe(false);
  });

  it('names the report it refuses without giving the claim it wanted', () => {
    const claims = new ReportClaims(key);
    const error = new ReportNotHeldError(report('forged'));
    expect(error).toMatchObject({ code: 'REPORT_NOT_HELD', retryable: false });
    expect(error.message).toBe(
      'the report c-1 on wf-1/p/t attempt 2 (worker w-1) carries a wrong claim: only the holder of the attempt may report on it',
    );
    expect(error.message).not.toContain(claims.of(attempt));
    expect(new ReportNotHeldError(report()).message).toContain('carries no claim');
  });
});
