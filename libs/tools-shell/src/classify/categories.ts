/**
 * The kinds of shell work that compete for a bash worker's slots. Each kind gets its own
 * share of the pool so that, say, a burst of builds cannot starve git or a network fetch.
 */
export const CATEGORIES = [
  'build',
  'system-analysis',
  'git',
  'package-management',
  'process-management',
  'file-operations',
  'network',
] as const;

export type Category = (typeof CATEGORIES)[number];

/** Slots of the whole pool: what the design's bash worker runs at most at once. */
export const DEFAULT_POOL_SLOTS = 16;

/** Each kind's share of the 16 slots; they add up to the pool, so no kind borrows another's. */
export const DEFAULT_CATEGORY_LIMITS: Readonly<Record<Category, number>> = {
  build: 4,
  'system-analysis': 3,
  git: 2,
  'package-management': 2,
  'process-management': 2,
  'file-operations': 2,
  network: 1,
};

export function isCategory(name: string): name is Category {
  return (CATEGORIES as readonly string[]).includes(name);
}
