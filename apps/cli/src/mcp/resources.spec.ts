import { describe, expect, it } from 'vitest';
import { parseUri, RecentWorkflows, resultUri, workflowUri } from './resources';

describe('resource URIs', () => {
  it('reads back what it writes', () => {
    expect(parseUri(workflowUri('wf-1'))).toEqual({ workflowId: 'wf-1' });
    expect(parseUri(resultUri('wf-1', 'batch/c3'))).toEqual({
      workflowId: 'wf-1',
      taskId: 'batch/c3',
    });
  });

  it('knows nothing else', () => {
    expect(parseUri('fanout://results/wf-1')).toBeUndefined();
    expect(parseUri('fanout://workflows/wf-1/extra')).toBeUndefined();
    expect(parseUri('fanout://workflows/wf.1')).toBeUndefined();
    expect(parseUri('file:///etc/passwd')).toBeUndefined();
  });
});

describe('RecentWorkflows', () => {
  it('lists the newest first and keeps the last hundred', () => {
    const recent = new RecentWorkflows();
    for (let i = 0; i < 120; i++) recent.add(`wf-${i}`, `batch ${i}`);
    const listed = recent.list();
    expect(listed).toHaveLength(100);
    expect(listed[0]?.workflowId).toBe('wf-119');
    expect(listed.at(-1)?.workflowId).toBe('wf-20');
  });
});
