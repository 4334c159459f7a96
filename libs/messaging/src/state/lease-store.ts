import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, type Subjects } from '@fanout/contracts';

/** One process's claim to be the only writer of one workflow, until `expiresAt`. */
export interface Lease {
  workflowId: string;
  owner: string;
  expiresAt: number;
  /** KV revision of the claim: every change is a compare-and-set against it. */
  revision: number;
  /**
   * The revision at which this ownership began (renewals keep it). It grows from one
   * acquisition to the next, even by the same owner, so the log can tell one ownership's
   * events from an earlier one's (`foldLog`).
   */
  epoch: number;
  /** Whether the workflow was owned before this ownership (whose late writes may still land). */
  follows: boolean;
}

interface Claim {
  owner: string;
  expiresAt: number;
}

/**
 * Leases in the `fanout_leases` KV bucket give each workflow one writer at a time. Every
 * change is a compare-and-set on the entry's revision, so two processes racing for the
 * same workflow cannot both win; an owner that stops renewing loses the lease when it
 * expires and another process takes the workflow over by replay. Times are wall-clock
 * milliseconds passed in by the caller, so processes must keep clocks roughly in sync
 * (skew shortens or lengthens a lease by as much).
 */
export class LeaseStore {
  private constructor(
    private readonly kv: KV,
    readonly ttlMs: number,
  ) {}

  static async open(
    connection: NatsConnection,
    options: { names?: Subjects; ttlMs?: number } = {},
  ): Promise<LeaseStore> {
    const names = options.names ?? subjects();
    const kv = await new Kvm(connection).open(names.buckets.leases);
    return new LeaseStore(kv, options.ttlMs ?? 15_000);
  }

  /**
   * Who holds the workflow now, if anyone (an expired claim still shows, with its time).
   * Only its holder knows the epoch of an ownership.
   */
  async holder(workflowId: string): Promise<Omit<Lease, 'epoch' | 'follows'> | undefined> {
    const entry = await this.kv.get(workflowId);
    if (!entry || entry.operation !== 'PUT') return undefined;
    const claim = entry.json<Claim>();
    return { workflowId, owner: claim.owner, expiresAt: claim.expiresAt, revision: entry.revision };
  }

  /**
   * Claims the workflow for `owner` if nobody holds it, the claim expired, or `owner`
   * holds it already. Undefined when another live owner holds it or a racer won.
   */
  async acquire(workflowId: string, owner: string, now: number): Promise<Lease | undefined> {
    const claim = JSON.stringify({ owner, expiresAt: now + this.ttlMs } satisfies Claim);
    const current = await this.kv.get(workflowId);
    /** A new ownership starts at the revision of its claim, its epoch. */
    const begun = (revision: number, follows: boolean): Lease => ({
      workflowId,
      owner,
      expiresAt: now + this.ttlMs,
      revision,
      epoch: revision,
      follows,
    });
    try {
      if (!current || current.operation !== 'PUT') {
        const revision = current
          ? await this.kv.update(workflowId, claim, current.revision)
          : await this.kv.create(workflowId, claim);
        // A released lease leaves its entry deleted: an ownership came before this one.
        return begun(revision, Boolean(current));
      }
      const held = current.json<Claim>();
      if (held.owner !== owner && held.expiresAt > now) return undefined;
      return begun(await this.kv.update(workflowId, claim, current.revision), true);
    } catch (error) {
      if (isConflict(error)) return undefined;
      throw error;
    }
  }

  /** Extends a lease; undefined when it was lost (someone else took it over). */
  async renew(lease: Lease, now: number): Promise<Lease | undefined> {
    const claim = JSON.stringify({
      owner: lease.owner,
      expiresAt: now + this.ttlMs,
    } satisfies Claim);
    try {
      const revision = await this.kv.update(lease.workflowId, claim, lease.revision);
      return { ...lease, expiresAt: now + this.ttlMs, revision };
    } catch (error) {
      if (isConflict(error)) return undefined;
      throw error;
    }
  }

  /** Gives the workflow up, if the lease is still ours. */
  async release(lease: Lease): Promise<void> {
    try {
      await this.kv.delete(lease.workflowId, { previousSeq: lease.revision });
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }
}

/** A compare-and-set that lost: the entry changed (or appeared) since it was read. */
function isConflict(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}
