import type { ToolImplementation, ToolOutputOf, ToolParamsOf } from '@fanout/contracts';
import { atPath, canonicalJson } from '@fanout/contracts';

type AggregateInput = ToolParamsOf<'agent.aggregate'>;
type AggregateOutput = ToolOutputOf<'agent.aggregate'>;
type Merged = AggregateOutput['items'][number];

/**
 * What makes an item the same as another: the canonical JSON of the value at `key`.
 * Undefined when the key leads nowhere: such an item is kept on its own, never merged,
 * since "no key" says nothing about being the same thing.
 */
function identityOf(item: unknown, key: string): string | undefined {
  const value = atPath(item, key);
  return value === undefined ? undefined : canonicalJson(value);
}

/** Items in every list, merged: each kept once (the first seen), with the lists that held it. */
function merge(lists: unknown[][], key: string): { merged: Merged[]; total: number } {
  const byIdentity = new Map<string, Merged>();
  const merged: Merged[] = [];
  let total = 0;
  lists.forEach((list, index) => {
    total += list.length;
    for (const item of list) {
      const identity = identityOf(item, key);
      let entry = identity === undefined ? undefined : byIdentity.get(identity);
      if (!entry) {
        entry = { item, count: 0, lists: [] };
        merged.push(entry);
        if (identity !== undefined) byIdentity.set(identity, entry);
      }
      // Lists are walked in order, so a list already counted is the last one recorded.
      if (entry.lists.at(-1) !== index) {
        entry.lists.push(index);
        entry.count += 1;
      }
    }
  });
  return { merged, total };
}

/**
 * The merged items in rank order. Array sort is stable, so ties keep first-seen order.
 * A dot path ranks by the kept (first seen) item's number, the one the caller sees.
 */
function rank(merged: Merged[], rankBy: string | undefined): Merged[] {
  if (rankBy === undefined) return merged;
  if (rankBy === 'count') return merged.sort((a, b) => b.count - a.count);
  const scored = merged.map((entry) => {
    const value = atPath(entry.item, rankBy);
    // Items without a number go last: -Infinity sorts below every finite score.
    return {
      entry,
      score: typeof value === 'number' && Number.isFinite(value) ? value : -Infinity,
    };
  });
  scored.sort((a, b) => (a.score === b.score ? 0 : b.score - a.score));
  return scored.map(({ entry }) => entry);
}

/**
 * A group's name for a value: a string is its own name, anything else its canonical
 * JSON (`3`, `true`, `{"a":1}`). Undefined (no value there) puts the item in no group.
 */
function groupName(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : canonicalJson(value);
}

/** Group name to the indexes of its items, groups in the order their first item comes. */
function group(items: Merged[], groupBy: string): Record<string, number[]> {
  const groups = new Map<string, number[]>();
  items.forEach((entry, index) => {
    const name = groupName(atPath(entry.item, groupBy));
    if (name === undefined) return;
    const members = groups.get(name);
    if (members) members.push(index);
    else groups.set(name, [index]);
  });
  // fromEntries keeps a group named "__proto__" as data.
  return Object.fromEntries(groups);
}

/**
 * Merges lists of results: items with the same `key` are one (the first seen is kept),
 * counted once per list that held them; ranked by `rankBy` ("count": held by more lists
 * first; a dot path: larger numbers first, items without a number last; unset: first
 * seen first); cut to `limit`; and, with `groupBy`, grouped by the value at that path.
 * `total` counts every item of every list, `duplicates` those merged into another.
 * Pure and linear in the items (one Map lookup each) apart from the ranking sort.
 */
export function aggregate(input: AggregateInput): AggregateOutput {
  const { merged, total } = merge(input.lists, input.key);
  const ranked = rank(merged, input.rankBy);
  const items = input.limit === undefined ? ranked : ranked.slice(0, input.limit);
  const output: AggregateOutput = { items, total, duplicates: total - merged.length };
  if (input.groupBy !== undefined) output.groups = group(items, input.groupBy);
  return output;
}

/** The `agent.aggregate` tool. */
export const agentAggregate: ToolImplementation<'agent.aggregate'> = async (input) =>
  aggregate(input);
