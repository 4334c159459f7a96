/**
 * Finds one cycle in a directed graph and returns it as a closed walk
 * (`['a', 'b', 'a']`), or undefined when the graph is acyclic. Iterative, so a long
 * chain cannot overflow the stack.
 */
export function findCycle(
  nodes: Iterable<string>,
  edges: ReadonlyMap<string, readonly string[]>,
): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  for (const start of nodes) {
    if (state.has(start)) continue;
    const stack: Array<{ node: string; next: number }> = [{ node: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const targets = edges.get(top.node) ?? [];
      if (top.next >= targets.length) {
        state.set(top.node, 'done');
        stack.pop();
        continue;
      }
      const target = targets[top.next++]!;
      const seen = state.get(target);
      if (seen === 'open') {
        const from = stack.findIndex((frame) => frame.node === target);
        return [...stack.slice(from).map((frame) => frame.node), target];
      }
      if (seen === undefined) {
        state.set(target, 'open');
        stack.push({ node: target, next: 0 });
      }
    }
  }
  return undefined;
}
