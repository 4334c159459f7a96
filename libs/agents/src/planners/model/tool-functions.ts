import { TOOLS, type ToolName } from '@fanout/contracts';
import { z } from 'zod';

/** A tool as the model is offered it: an OpenAI function, its parameters the contract's input. */
export interface ToolFunctionSpec {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/**
 * Function names may only hold `[a-zA-Z0-9_-]`: `code.grep` is offered as `code_grep`.
 * No tool name holds `_`, so the way back is unambiguous.
 */
export const functionNameOf = (tool: ToolName): string => tool.replaceAll('.', '_');

/** The tool a function name stands for, among those offered; undefined if none. */
export function toolOfFunction(name: string, offered: readonly ToolName[]): ToolName | undefined {
  return offered.find((tool) => functionNameOf(tool) === name || tool === name);
}

/**
 * The functions offered for `tools`: name, the contract's description, and the JSON Schema
 * of what a caller may send (defaults optional) generated from the contract's zod input —
 * the one definition the workers validate against too.
 */
export function toolFunctions(tools: readonly ToolName[]): ToolFunctionSpec[] {
  return tools.map((tool) => {
    const contract = TOOLS[tool];
    const { $schema: _dialect, ...parameters } = z.toJSONSchema(contract.input, {
      io: 'input',
      target: 'draft-07',
      unrepresentable: 'any',
    }) as Record<string, unknown>;
    return {
      type: 'function',
      function: { name: functionNameOf(tool), description: contract.description, parameters },
    };
  });
}
