import type { TaskEnvelope } from '@fanout/contracts';
import {
  CATEGORIES,
  CategoryLimiter,
  classify,
  CommandValidator,
  createBashExec,
  DEFAULT_CATEGORY_LIMITS,
  DEFAULT_POOL_SLOTS,
  defaultPolicy,
  shellSettingsFromEnv,
  type BashExecTool,
} from '@fanout/tools-shell';
import { UNCATEGORISED } from '@fanout/tools-web';
import type { PoolShares } from '@fanout/worker-kit';
import { bashFamilyShare } from './family-shares';

/** More slots than any pool has: the tool's own limiter then never holds a call back. */
const UNBOUNDED = 1_000_000;

/** Each bash category's share of the pool: the design's 4, 3, 2, 2, 2, 2, 1 of 16. */
export const BASH_CATEGORY_SHARES: Readonly<Record<string, number>> = Object.fromEntries(
  CATEGORIES.map((category) => [category, DEFAULT_CATEGORY_LIMITS[category] / DEFAULT_POOL_SLOTS]),
);

/**
 * `bash.exec` with its categories reserved by the worker's pool rather than capped inside
 * the tool: the worker starts a command only when its category may take a slot, so a
 * waiting command never holds one (the tool's limiter would cap a burst of builds at 4 and
 * keep the other commands it took waiting in slots). Its commands together are held to
 * the bash family's share of the host's memory and cores (`bashFamilyShare`), the
 * categories' CPU weighted by the same shares. That share and the sandbox
 * (`shellSettingsFromEnv`) are read from `env` here, when the worker boots.
 */
export function reservedBashExec(env: NodeJS.ProcessEnv): BashExecTool {
  const limits = Object.fromEntries(CATEGORIES.map((category) => [category, UNBOUNDED]));
  const family = bashFamilyShare(BASH_CATEGORY_SHARES, env);
  return createBashExec({
    ...shellSettingsFromEnv(env),
    limiter: new CategoryLimiter({ pool: UNBOUNDED, limits }),
    family: () => family,
  });
}

/**
 * The bash categories as reservations of the pool: each category's share of the design's
 * 16 slots (build 4, system-analysis 3, git 2, …), a command's category read the way the
 * tool reads it (parsed and checked against the shipped policy, wrappers seen through). A
 * command that does not parse has no category: it only borrows, and the tool refuses it.
 */
export function bashCategoryShares(): PoolShares {
  const policy = defaultPolicy();
  const wrappers = new Set(Object.keys(policy.wrappers));
  let validator: CommandValidator | undefined;
  return {
    shares: BASH_CATEGORY_SHARES,
    ready: async () => {
      validator ??= await CommandValidator.create(policy);
    },
    classOf: (envelope: TaskEnvelope) => {
      const input = envelope.input as { command?: unknown; cwd?: unknown } | undefined;
      if (!validator || typeof input?.command !== 'string') return undefined;
      try {
        const checked = validator.validate({
          command: input.command,
          workspace: typeof input.cwd === 'string' ? input.cwd : '/',
          network: false,
        });
        return classify(checked.calls, wrappers);
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * The search categories as reservations of the `web.search` pool, `shares` being each
 * category's fraction of it (8, 6, 4, 4, 4, 3, 2, 1 of 32 by default, or
 * `FANOUT_SEARCH_SHARES` as `webConfigFromEnv` read it): they bind when searches contend
 * for the pool's slots, and one category alone may use all of them.
 */
export function searchCategoryShares(shares: Readonly<Record<string, number>>): PoolShares {
  return {
    shares,
    classOf: (envelope: TaskEnvelope) => {
      const category = (envelope.input as { category?: unknown } | undefined)?.category;
      return typeof category === 'string' ? category : UNCATEGORISED;
    },
  };
}
