import { createAgentTools, llmConfigFromEnv } from '@fanout/agents';
import type { ToolName } from '@fanout/contracts';
import { codebaseSettingsFromEnv, createCodebaseTools } from '@fanout/tools-codebase';
import { createWebTools, DEFAULT_CATEGORY_SHARES, webConfigFromEnv } from '@fanout/tools-web';
import type { PoolShares, ToolRegistry } from '@fanout/worker-kit';
import { bashCategoryShares, reservedBashExec, searchCategoryShares } from './category-shares';
import { CODEBASE_POOLS } from './codebase-pools';
import { webNetworkShare } from './family-shares';
import { WEB_POOLS } from './web-pools';
import type { WorkerKind } from './worker-kind-names';

/** A kind's tools and their pool shares, built over the settings its boot read. */
export interface BuiltTools<Name extends ToolName = ToolName> {
  tools: ToolRegistry & Readonly<Record<Name, unknown>>;
  shares?: Readonly<Record<string, PoolShares>>;
  /**
   * Releases what the tools hold for the process's life (a connection pool), once the
   * worker has drained: no socket or timer of theirs outlives the service.
   */
  close?(): Promise<void>;
}

/**
 * One kind of worker. Its tools' names and slots are fixed (permissions, deploy files and
 * the resource plan are made from them, reading no settings); only the tools themselves
 * depend on the environment, which `build` reads once, at boot, and passes down.
 */
export interface WorkerKindSpec<Name extends ToolName = ToolName> {
  /** The tools it hosts, by catalogue name. */
  toolNames: readonly Name[];
  /** The slots each tool gets where the host says nothing else (`FANOUT_POOL_<TOOL>`). */
  defaultPools: Readonly<Record<Name, number>>;
  /**
   * Reads the kind's settings from `env` and builds its tools over them: a mistake in them
   * (`FANOUT_SEARCH_RATES`, `FANOUT_SANDBOX`, …) stops the service at start with its
   * message, instead of failing its first task.
   */
  build(env: NodeJS.ProcessEnv): BuiltTools<Name>;
}

/** Ties a kind's names, pools and tools to one set of tool names, checked by the compiler. */
const kind = <Name extends ToolName>(spec: WorkerKindSpec<Name>) => spec;

/**
 * Every kind of worker there is: which tools it hosts, how many slots each gets, and how
 * its tools are built. A worker is nothing but worker-kit around a tools library.
 */
export const WORKER_KINDS = {
  /** `code.glob`, `code.grep`, `code.read`, `code.xref`, each jailed to the root its task names. */
  'codebase-worker': kind({
    toolNames: ['code.glob', 'code.grep', 'code.read', 'code.xref'],
    defaultPools: CODEBASE_POOLS,
    build: (env) => ({ tools: createCodebaseTools(codebaseSettingsFromEnv(env)) }),
  }),
  /**
   * `bash.exec`: every command checked against the policy, run in the sandbox (bubblewrap
   * when present; `FANOUT_SANDBOX`). Its categories are reservations of the pool: each is
   * guaranteed its share of the slots and borrows what no waiting category is owed, so one
   * kind of work cannot crowd out the rest. 16 slots (`FANOUT_POOL_BASH_EXEC`).
   */
  'bash-worker': kind({
    toolNames: ['bash.exec'],
    defaultPools: { 'bash.exec': 16 },
    build: (env) => ({
      tools: { 'bash.exec': reservedBashExec(env) },
      shares: { 'bash.exec': bashCategoryShares() },
    }),
  }),
  /**
   * `web.search` and `web.fetch` (`FANOUT_SEARXNG_URL`, `FANOUT_BRAVE_API_KEY`, … see
   * `webConfigFromEnv`); `FANOUT_WEB_ALLOW` opens the SSRF guard and is for tests only.
   * The search categories' shares are reservations of the `web.search` pool; with
   * `FANOUT_NET_BYTES_PER_SEC`, the fetches share the web family's part of it.
   */
  'web-worker': kind({
    toolNames: ['web.search', 'web.fetch'],
    defaultPools: WEB_POOLS,
    build: (env) => {
      const config = { ...webConfigFromEnv(env), networkShare: webNetworkShare(env) };
      // The tools alone are registered; their connection pool is closed with the service.
      const { 'web.search': search, 'web.fetch': fetch, close } = createWebTools(config);
      return {
        tools: { 'web.search': search, 'web.fetch': fetch },
        shares: { 'web.search': searchCategoryShares(config.shares ?? DEFAULT_CATEGORY_SHARES) },
        close,
      };
    },
  }),
  /**
   * `agent.run`: each round of a specialist is a short task (a plan or an answer); while
   * its child workflow runs the task waits in the engine, not in a slot here, so a few
   * slots serve a deep tree. 32 slots (`FANOUT_POOL_AGENT_RUN`), the seed's upper bound.
   * `agent.aggregate` (merge, dedupe, rank, group) is CPU work and `agent.validate` reads
   * the cited files: 8 slots each (`FANOUT_POOL_AGENT_AGGREGATE`, `…_AGENT_VALIDATE`).
   * With `FANOUT_LLM_BASE_URL` (see `llmConfigFromEnv`) the specialists plan with a model.
   */
  'agent-worker': kind({
    toolNames: ['agent.run', 'agent.aggregate', 'agent.validate'],
    defaultPools: { 'agent.run': 32, 'agent.aggregate': 8, 'agent.validate': 8 },
    build: (env) => ({ tools: createAgentTools(llmConfigFromEnv(env)) }),
  }),
} as const satisfies Record<WorkerKind, unknown>; // one entry for each name, no other

export type { WorkerKind };
