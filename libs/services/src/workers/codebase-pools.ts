/**
 * Slots per codebase tool: the design's 48 in all. grep is the most asked for and mostly
 * waits on ripgrep: the codebase specialist splits a search of a large tree into 32 calls
 * by directory, all of which one worker runs at once. A glob walks the whole tree, as a
 * grep does, and comes a few at a time (one per language family, once per question): on
 * two cores four walks at once are as fast as eight. read holds files in memory, eight at
 * a time as the specialist reads them; xref parses a whole graph, one per question. Each is
 * overridden per deployment with `FANOUT_POOL_CODE_GLOB` and friends.
 */
export const CODEBASE_POOLS = {
  'code.glob': 4,
  'code.grep': 32,
  'code.read': 8,
  'code.xref': 4,
} as const;
