import { FanoutError, OutcomeStatus, TaskStatus } from '@fanout/contracts';
import { z } from 'zod';
import { SPECIALIST_NAMES } from '../ask/ask-flags';
import { EXPOSED_TOOLS, mcpNameOf, type McpToolSpec } from './tool-table';

/** Every name a batch call may give its tool by: the MCP one (`code_grep`) or Fanout's. */
const CALLABLE = [...EXPOSED_TOOLS.map(mcpNameOf), ...EXPOSED_TOOLS] as unknown as [
  string,
  ...string[],
];

export const BatchArguments = z.strictObject({
  calls: z
    .array(
      z.strictObject({
        tool: z.enum(CALLABLE).describe('The tool, by its MCP name (code_grep) or Fanout name.'),
        input: z
          .record(z.string(), z.unknown())
          .describe("The tool's input, as its own MCP tool takes it."),
      }),
    )
    .min(1)
    .max(10_000)
    .describe('The calls, run in parallel; their results come back in this order.'),
  maxConcurrency: z
    .number()
    .int()
    .min(1)
    .max(4_096)
    .optional()
    .describe('At most this many calls at once (default: as many as the workers take).'),
});

const BatchResult = z.object({
  tool: z.string(),
  status: TaskStatus,
  result: z.unknown().describe("The tool's result (its own output schema), or null."),
  error: FanoutError.nullable(),
  resource: z
    .string()
    .optional()
    .describe('Set when the result was cut to fit: the URI of the whole result.'),
});

export const BatchOutput = z.object({
  workflowId: z.string(),
  status: OutcomeStatus,
  results: z.array(BatchResult),
});

export const RunArguments = z.strictObject({
  workflow: z
    .union([z.string().min(1), z.record(z.string(), z.unknown())])
    .describe('A Fanout workflow definition: YAML or JSON text, or the object itself.'),
});

export const RunOutput = z.looseObject({
  workflowId: z.string(),
  summary: z.record(z.string(), z.unknown()),
  results: z.record(z.string(), z.unknown()).describe('Each succeeded task’s result, by task id.'),
});

export const AskArguments = z.strictObject({
  goal: z.string().trim().min(1).describe('The question, in words.'),
  root: z
    .string()
    .min(1)
    .optional()
    .describe('The directory asked about (default: where the server was started).'),
  specialists: z
    .array(z.enum(SPECIALIST_NAMES))
    .min(1)
    .optional()
    .describe('Some of the specialists (default: the master picks by the goal).'),
  maxTasks: z.number().int().min(1).max(1_000_000).optional(),
  maxDurationMs: z.number().int().min(1).max(86_400_000).optional(),
});

export const AskOutput = z.looseObject({
  goal: z.string(),
  status: z.string(),
  report: z.unknown(),
  findings: z.unknown(),
  tree: z.unknown(),
  usage: z.unknown(),
});

/** JSON Schema of an MCP-only tool's own arguments or output. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-07' });
  return rest as McpToolSpec['inputSchema'];
}

/** `fanout_batch`, `fanout_run` and `fanout_ask` as `tools/list` shows them. */
export function metaToolSpecs(): McpToolSpec[] {
  const spec = (name: string, description: string, input: z.ZodType, output: z.ZodType) => ({
    name,
    description,
    inputSchema: jsonSchema(input, 'input'),
    outputSchema: jsonSchema(output, 'output'),
  });
  return [
    spec(
      'fanout_batch',
      'Runs many tool calls in parallel as one Fanout workflow and returns every result in the order asked, each with its status; one call failing does not stop the others. Any of code_glob, code_grep, code_read, code_xref, bash_exec, web_search and web_fetch, mixed. Sends progress (calls done of total) while it runs; cancelling the request cancels the workflow.',
      BatchArguments,
      BatchOutput,
    ),
    spec(
      'fanout_run',
      'Runs a Fanout workflow definition (phases of tool calls, their dependencies, barriers and budget; YAML or JSON) to its end and returns its summary and every task’s result. Sends progress while it runs; cancelling the request cancels the workflow.',
      RunArguments,
      RunOutput,
    ),
    spec(
      'fanout_ask',
      'Answers a question about a directory tree (and the web) with a tree of agents: a master picks specialists (codebase, web, ops, test), runs them in parallel and checks every citation they make. Returns a report whose findings cite path:line or a URL and quote.',
      AskArguments,
      AskOutput,
    ),
  ];
}
