/**
 * The workflow engine, pure: no I/O, no clock, no framework. `validateWorkflow` checks a
 * document before anything runs; `decide`, `evolve` and `react` are the engine, and
 * `handle` runs a command through them to a settled state.
 */
export {
  validateWorkflow,
  validateDefinition,
  validateToolCall,
  type ValidateOptions,
  type ValidationResult,
} from './definition/validate-workflow';
export { formatErrors, type ValidationError } from './definition/validation-error';
export { DOCUMENT_LIMITS } from './definition/parse-text';
export { resolveReferences, type Reference } from './definition/references';
export type { EngineCommand } from './engine/commands';
export { decide } from './engine/decide';
export { evolve } from './engine/evolve';
export { react } from './engine/react';
export { readyTasks } from './engine/ready-tasks';
export { handle, replay, type Handled } from './engine/handle';
export { nextWakeUp } from './engine/next-wake-up';
export { backoffDelay, DEFAULT_ENGINE_OPTIONS, type EngineOptions } from './engine/policies';
export {
  initialState,
  type WorkflowState,
  type TaskState,
  type PhaseState,
  type TaskPhase,
  type WorkflowStatus,
} from './engine/state';
export { synthesize } from './engine/synthesis';
export { childOutcomeOf, childWorkflowId, MAX_DEPTH, roundByReference } from './engine/agents';
