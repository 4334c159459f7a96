/**
 * The dashboard: the pure folds from a workflow's events to what its pages show (shared by
 * the gateway, which keeps the workflow list, and the browser app in `app/`).
 */
export {
  applyEvent,
  emptyView,
  isTerminal,
  type AttemptView,
  type PhaseView,
  type TaskStatus,
  type TaskView,
  type WorkflowStatus,
  type WorkflowView,
} from './model/workflow-view';
export { summarise, type WorkflowSummary } from './model/workflow-summary';
export { CHIP, grid, layoutInput, type LayoutInput } from './model/graph-layout';
export { rootOf, treeOf, type WorkflowTree } from './model/workflow-tree';
