/**
 * The kinds of worker there are, by service name: what names a service, a deploy file or
 * a role without loading any kind's tools (`WORKER_KINDS` has one entry for each, which
 * the compiler checks).
 */
export const WORKER_KIND_NAMES = [
  'codebase-worker',
  'bash-worker',
  'web-worker',
  'agent-worker',
] as const;

/** The name of a kind of worker, which is also its service name in logs and heartbeats. */
export type WorkerKind = (typeof WORKER_KIND_NAMES)[number];
