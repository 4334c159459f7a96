import type { WorkflowEvent } from '@fanout/contracts';

/** A workflow of an agent tree, as `fanout ask --json` reports it. */
export interface TreeNode {
  workflowId: string;
  /** The specialist whose plan this workflow is; null for the workflow submitted. */
  specialist: string | null;
  /** 0 for the workflow submitted, 1 for its children, and so on. */
  depth: number;
  /** Its own tasks (forEach copies each count), not those of its children. */
  tasks: number;
  children: TreeNode[];
}

/**
 * Folds the events of a tree (as `WorkflowHandle.tree()` yields them) into its workflows:
 * each child hangs under the workflow whose agent task started it, named after that task's
 * specialist. Pure, and fine with events of different workflows interleaved: a child is
 * placed when its `ChildStarted` comes, which is always before any event of its own.
 */
export class AgentTree {
  private readonly nodes = new Map<string, TreeNode>();
  /** The specialist of each agent.run task, by `<workflowId> <taskId>`. */
  private readonly specialists = new Map<string, string>();
  private root: TreeNode | undefined;

  add(item: { workflowId: string; depth: number; event: WorkflowEvent }): void {
    const { workflowId, depth, event } = item;
    const node = this.nodeOf(workflowId, depth);
    if (event.type === 'WorkflowAccepted') {
      for (const phase of event.definition.phases) {
        node.tasks += phase.tasks.length;
        for (const task of phase.tasks) {
          const specialist = task.input['specialist'];
          if (task.tool === 'agent.run' && typeof specialist === 'string')
            this.specialists.set(`${workflowId} ${phase.id}/${task.id}`, specialist);
        }
      }
    }
    if (event.type === 'TasksExpanded') node.tasks += event.count - 1;
    if (event.type === 'ChildStarted') {
      const child = this.nodeOf(event.childWorkflowId, depth + 1);
      // A forEach copy of an agent task (`<phase>/<task>/<n>`) is its template's specialist.
      const template = event.taskId.split('/').slice(0, 2).join('/');
      child.specialist = this.specialists.get(`${workflowId} ${template}`) ?? null;
      if (!node.children.includes(child)) node.children.push(child);
    }
  }

  /** The tree as it stands: the workflow submitted and everything below it. */
  toJSON(): TreeNode | undefined {
    return this.root;
  }

  private nodeOf(workflowId: string, depth: number): TreeNode {
    let node = this.nodes.get(workflowId);
    if (!node) {
      node = { workflowId, specialist: null, depth, tasks: 0, children: [] };
      this.nodes.set(workflowId, node);
      if (depth === 0) this.root = node;
    }
    return node;
  }
}
