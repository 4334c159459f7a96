import { createHmac, timingSafeEqual } from 'node:crypto';
import { CodedError, ErrorCode, type ReportTask } from '@fanout/contracts';

/** The attempt a claim is for: one attempt of one task of one workflow. */
export interface ClaimedAttempt {
  workflowId: string;
  taskId: string;
  attempt: number;
}

/**
 * The claims of attempts: an HMAC-SHA256 of the attempt under the key the orchestrator
 * replicas share (`FANOUT_REPORT_KEY`). The orchestrator puts an attempt's claim in its
 * envelope and takes a report only with that claim back, so a worker allowed to send
 * reports cannot report on an attempt it was never given. Nothing is stored: any replica,
 * and a replay, computes the same claim.
 */
export class ReportClaims {
  constructor(private readonly key: Buffer) {}

  /**
   * The claim of one attempt. The tool is left out: the three fields name the attempt
   * already, and a report names no tool, so a report is checked on what it carries.
   */
  of(attempt: ClaimedAttempt): string {
    // JSON keeps the fields apart whatever characters they hold.
    const message = JSON.stringify([attempt.workflowId, attempt.taskId, attempt.attempt]);
    return createHmac('sha256', this.key).update(message).digest('base64url');
  }

  /** Whether the report carries the claim of the attempt it names. */
  holds(report: ReportTask): boolean {
    if (report.claim === undefined) return false;
    const given = Buffer.from(report.claim);
    const wanted = Buffer.from(this.of(report));
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }

  /** The report or envelope with its attempt's claim. */
  stamp<T extends ClaimedAttempt>(attempt: T): T & { claim: string } {
    return { ...attempt, claim: this.of(attempt) };
  }
}

/**
 * A report without the claim of the attempt it names: forged, or from a worker that
 * drops the envelope's claim. Never retried: no delivery will carry another claim.
 */
export class ReportNotHeldError extends CodedError {
  readonly code = ErrorCode.ReportNotHeld;
  readonly retryable = false;
  constructor(report: ReportTask) {
    const what = report.claim === undefined ? 'carries no claim' : 'carries a wrong claim';
    super(
      `the report ${report.commandId} on ${report.workflowId}/${report.taskId} attempt ${report.attempt} (worker ${report.worker}) ${what}: only the holder of the attempt may report on it`,
    );
  }
}
