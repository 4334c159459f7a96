import { agentTools, llmConfigFromEnv } from '@fanout/agents';
import { codebaseSettingsFromEnv, codebaseTools } from '@fanout/tools-codebase';
import { shellSettingsFromEnv } from '@fanout/tools-shell';
import { webConfigFromEnv } from '@fanout/tools-web';
import type { WorkerModuleOptions } from '@fanout/worker-kit';
import { bashCategoryShares, reservedBashExec, searchCategoryShares } from './category-shares';
import { CODEBASE_POOLS } from './codebase-pools';
import { familyWebTools } from './family-shares';
import { WEB_POOLS } from './web-pools';

/**
 * Every kind of worker there is: which tools it hosts and how many slots each gets. A
 * worker is nothing but worker-kit around a tools library; the tools read their own
 * settings from the environment.
 */
export const WORKER_KINDS = {
  /** `code.glob`, `code.grep`, `code.read`, `code.xref`, each jailed to the root its task names. */
  'codebase-worker': { tools: codebaseTools, defaultPools: CODEBASE_POOLS },
  /**
   * `bash.exec`: every command checked against the policy, run in the sandbox (bubblewrap
   * when present; `FANOUT_SANDBOX`). Its categories are reservations of the pool: each is
   * guaranteed its share of the slots and borrows what no waiting category is owed, so one
   * kind of work cannot crowd out the rest. 16 slots (`FANOUT_POOL_BASH_EXEC`).
   */
  'bash-worker': {
    tools: { 'bash.exec': reservedBashExec() },
    defaultPools: { 'bash.exec': 16 },
    shares: { 'bash.exec': bashCategoryShares() },
  },
  /**
   * `web.search` and `web.fetch` (`FANOUT_SEARXNG_URL`, `FANOUT_BRAVE_API_KEY`, … see
   * `webConfigFromEnv`); `FANOUT_WEB_ALLOW` opens the SSRF guard and is for tests only.
   * The search categories' shares are reservations of the `web.search` pool; with
   * `FANOUT_NET_BYTES_PER_SEC`, the fetches share the web family's part of it.
   */
  'web-worker': {
    tools: familyWebTools,
    defaultPools: WEB_POOLS,
    shares: { 'web.search': searchCategoryShares() },
  },
  /**
   * `agent.run`: each round of a specialist is a short task (a plan or an answer); while
   * its child workflow runs the task waits in the engine, not in a slot here, so a few
   * slots serve a deep tree. 32 slots (`FANOUT_POOL_AGENT_RUN`), the seed's upper bound.
   * `agent.aggregate` (merge, dedupe, rank, group) is CPU work and `agent.validate` reads
   * the cited files: 8 slots each (`FANOUT_POOL_AGENT_AGGREGATE`, `…_AGENT_VALIDATE`).
   * With `FANOUT_LLM_BASE_URL` (see `llmConfigFromEnv`) the specialists plan with a model.
   */
  'agent-worker': {
    tools: agentTools,
    defaultPools: { 'agent.run': 32, 'agent.aggregate': 8, 'agent.validate': 8 },
  },
} as const satisfies Record<string, Omit<WorkerModuleOptions, 'service'>>;

/** The name of a kind of worker, which is also its service name in logs and heartbeats. */
export type WorkerKind = keyof typeof WORKER_KINDS;

/**
 * Reads a kind's tool settings once at boot, so a mistake in them (`FANOUT_SEARCH_RATES`,
 * `FANOUT_POOL_WEB_SEARCH`, …) stops the service at start with its message, instead of
 * failing its first task: the tools themselves read their settings on first use.
 */
export const CHECK_SETTINGS: Partial<Record<WorkerKind, (env: NodeJS.ProcessEnv) => void>> = {
  'codebase-worker': (env) => void codebaseSettingsFromEnv(env),
  'bash-worker': (env) => void shellSettingsFromEnv(env),
  'web-worker': (env) => void webConfigFromEnv(env),
  'agent-worker': (env) => void llmConfigFromEnv(env),
};
