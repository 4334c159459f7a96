/**
 * Slots per codebase tool: 56 in all. grep is the most asked for and mostly waits on
 * ripgrep: the codebase specialist splits a search of a large tree into 32 calls by
 * directory, all of which one worker runs at once. A glob walks the tree, as a grep does,
 * but is asked for once per round where greps come by the dozen; read and xref hold files
 * in memory. Each is overridden per deployment with `FANOUT_POOL_CODE_GLOB` and friends.
 */
export const CODEBASE_POOLS = {
  'code.glob': 8,
  'code.grep': 32,
  'code.read': 8,
  'code.xref': 8,
} as const;
