import {
  TOOLS,
  toolSchemaId,
  wireJsonSchemas,
  type JsonSchema,
  type ToolName,
} from '@fanout/contracts';

/** The Fanout tools an MCP client may call one at a time, each under its MCP name. */
export const EXPOSED_TOOLS = [
  'code.glob',
  'code.grep',
  'code.read',
  'code.xref',
  'bash.exec',
  'web.search',
  'web.fetch',
] as const satisfies readonly ToolName[];

export type ExposedTool = (typeof EXPOSED_TOOLS)[number];

/**
 * MCP tool names may not hold dots in every client: `code.grep` is offered as `code_grep`,
 * as the agents offer it to models. No Fanout tool name holds `_`, so the way back is plain.
 */
export const mcpNameOf = (tool: ToolName): string => tool.replaceAll('.', '_');

/** The exposed tool an MCP name (or its Fanout name) stands for; undefined if none. */
export function toolOfMcpName(name: string): ExposedTool | undefined {
  return EXPOSED_TOOLS.find((tool) => mcpNameOf(tool) === name || tool === name);
}

/** A tool as `tools/list` shows it. */
export interface McpToolSpec {
  name: string;
  description: string;
  inputSchema: JsonSchema & { type: 'object' };
  outputSchema?: JsonSchema & { type: 'object' };
}

let wire: Record<string, JsonSchema> | undefined;

/**
 * The published JSON Schema of a tool's input or output: the very one
 * `docs/schemas/<Id>.json` holds, generated from the zod schema the workers validate with.
 */
export function publishedSchema(
  tool: ToolName,
  part: 'Input' | 'Output',
): JsonSchema & { type: 'object' } {
  const id = toolSchemaId(tool, part);
  wire ??= wireJsonSchemas((name) => `#/definitions/${name}`);
  const found = wire[id];
  if (found?.['type'] !== 'object') throw new Error(`no published object schema for ${id}`);
  return found as JsonSchema & { type: 'object' };
}

/** What every exposed tool's description adds, so a model knows how to call many at once. */
const HOW = (tool: ToolName) =>
  ` Runs as a Fanout workflow on its workers (Fanout tool \`${tool}\`). To make several calls, ` +
  'send them together in one fanout_batch: they run in parallel and come back in order.';

/** Sentence case for a contract's description, which reads as a clause. */
const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;

/** The exposed tools as MCP lists them: schemas generated from their contracts. */
export function exposedToolSpecs(): McpToolSpec[] {
  return EXPOSED_TOOLS.map((tool) => {
    const contract = TOOLS[tool];
    return {
      name: mcpNameOf(tool),
      description: sentence(contract.description) + HOW(tool),
      inputSchema: publishedSchema(tool, 'Input'),
      outputSchema: publishedSchema(tool, 'Output'),
    };
  });
}
