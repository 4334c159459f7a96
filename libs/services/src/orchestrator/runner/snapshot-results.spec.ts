import type { ChildOutcome, PayloadRef } from '@fanout/contracts';
import type { WorkflowState } from '@fanout/workflow';
import { describe, expect, it } from 'vitest';
import { restoreStoredResults, withoutStoredResults } from './snapshot-results';

const ref = (name: string): PayloadRef => ({ bucket: 'fanout_results', name, size: 1 });

function round(n: number, result: Record<string, unknown>, resultRef?: PayloadRef): ChildOutcome {
  return {
    round: n,
    childWorkflowId: `child-${n}`,
    status: 'succeeded',
    synthesis: {
      status: 'succeeded',
      durationMs: 1,
      counts: { total: 1, succeeded: 1, failed: 0, cancelled: 0, skipped: 0 },
      phases: [],
      omittedTasks: 0,
      tasks: [],
    },
    result,
    ...(resultRef ? { resultRef } : {}),
    usage: { tasks: 1, toolCalls: 1, durationMs: 1, tokens: 0 },
  };
}

/** A state with one agent task that ran two rounds, the second stored apart. */
function agentState(): WorkflowState {
  const rounds = [round(1, { 'p.small': 1 }), round(2, { 'p.big': 'x' }, ref('wf/a/1/outcome'))];
  return { workflowId: 'wf', tasks: { 'p/a': { id: 'p/a', rounds } } } as unknown as WorkflowState;
}

describe('the results a snapshot leaves out', () => {
  it("leaves out a round's results stored apart, keeping the reference, and fetches them back", async () => {
    const state = agentState();
    const snapshot = structuredClone(withoutStoredResults(state));
    const [kept, apart] = snapshot.tasks['p/a']!.rounds!;
    expect(kept!.result).toEqual({ 'p.small': 1 });
    expect(apart).not.toHaveProperty('result');
    expect(apart!.resultRef).toEqual(ref('wf/a/1/outcome'));
    // The state itself is not changed.
    expect(state.tasks['p/a']!.rounds![1]!.result).toEqual({ 'p.big': 'x' });

    const asked: string[] = [];
    const get = async (at: PayloadRef) => (asked.push(at.name), { 'p.big': 'x' });
    await restoreStoredResults(snapshot, { get });
    expect(snapshot.tasks['p/a']!.rounds).toEqual(state.tasks['p/a']!.rounds);
    expect(asked).toEqual(['wf/a/1/outcome']);
  });
});
