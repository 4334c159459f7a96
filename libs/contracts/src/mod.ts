/**
 * The wire: every message Fanout sends or receives, as zod schemas, and the one place
 * subjects are formed. Services validate at their edges with these very schemas, and
 * `docs/asyncapi.yaml` is generated from them.
 */
export * from './ids';
export * from './errors';
export * from './payload-ref';
export * from './subjects';
export * from './workflow-definition';
export * from './resources';
export * from './slot-shares';
export * from './monitor';
export * from './synthesis';
export * from './task-envelope';
export * from './commands';
export * from './events';
export * from './channels';
export * from './tools/catalog';
export {
  toolSchemaId,
  type ToolCache,
  type ToolContract,
  type ToolSpread,
} from './tools/define-tool';
export { normalizeQuery } from './tools/normalize-query';
export { canonicalJson } from './values/canonical-json';
export { wireJsonSchemas, type JsonSchema } from './docs/json-schemas';
export { atPath } from './values/dot-path';
export type { ToolContext, ToolFunction, ToolImplementation } from './tools/tool-function';
export { CodeGlob, CodeGrep, CodeRead, CodeXref } from './tools/codebase';
export { BashExec } from './tools/shell';
export { WebFetch, WebSearch, SearchCategory } from './tools/web';
export {
  AgentAggregate,
  AgentBudget,
  AgentResult,
  AgentRun,
  AgentValidate,
  ChildOutcome,
  ChildRefusal,
  ParentLink,
} from './tools/agent';
export { AskAnswer, Evidence, Finding, NotDone, SpecialistAnswer } from './tools/agent-report';
export { Noop } from './tools/noop';
export * from './permissions';
