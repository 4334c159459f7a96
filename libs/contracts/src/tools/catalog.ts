import type { z } from 'zod';
import { AgentAggregate, AgentRun, AgentValidate } from './agent';
import { CodeGlob, CodeGrep, CodeRead, CodeXref } from './codebase';
import type { ToolContract } from './define-tool';
import { Noop } from './noop';
import { BashExec } from './shell';
import { WebFetch, WebSearch } from './web';

/** Every tool Fanout knows, by name: what validation and dispatch consult. */
export const TOOLS = {
  'code.glob': CodeGlob,
  'code.grep': CodeGrep,
  'code.read': CodeRead,
  'code.xref': CodeXref,
  'bash.exec': BashExec,
  'web.search': WebSearch,
  'web.fetch': WebFetch,
  'agent.run': AgentRun,
  'agent.aggregate': AgentAggregate,
  'agent.validate': AgentValidate,
  noop: Noop,
} as const satisfies Record<string, ToolContract>;

export type ToolName = keyof typeof TOOLS;
/** What a caller may send as a tool's input (defaults not yet applied). */
export type ToolInputOf<T extends ToolName> = z.input<(typeof TOOLS)[T]['input']>;
/** A tool's input after validation, defaults applied. */
export type ToolParamsOf<T extends ToolName> = z.output<(typeof TOOLS)[T]['input']>;
export type ToolOutputOf<T extends ToolName> = z.output<(typeof TOOLS)[T]['output']>;

export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(TOOLS, name);
}
