import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { ArgumentError } from './arguments';
import { RefusedError } from './follow';
import { metaToolSpecs } from './meta-tools';
import { readResource, workflowUri } from './resources';
import { callTool, failed, type Calls } from './tool-calls';
import { exposedToolSpecs } from './tool-table';

/** What a client is told about the server as a whole when it connects. */
const INSTRUCTIONS =
  'Fanout runs tool calls in parallel as durable workflows. Call one tool directly, or send ' +
  'many calls at once with fanout_batch (results in order, failures beside successes). ' +
  'Results cut to fit link to their whole as fanout://results/<workflow>/<task>; the ' +
  'workflows started here are listed as resources.';

/**
 * An MCP server over Fanout: its tools, the batch, run and ask tools, and recent workflows
 * as resources. One per MCP session (a server speaks to one transport); they share the
 * client and what `calls` holds.
 */
export function createMcpServer(calls: Calls, version: string): Server {
  const server = new Server(
    { name: 'fanout', version },
    { capabilities: { tools: {}, resources: {} }, instructions: INSTRUCTIONS },
  );
  const tools = [...exposedToolSpecs(), ...metaToolSpecs()];
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: args } = request.params;
    const token = extra._meta?.progressToken;
    const context = {
      signal: extra.signal,
      onProgress: ({ done, total, message }: { done: number; total: number; message: string }) => {
        if (token === undefined) return;
        const params = { progressToken: token, progress: done, total, message };
        // A client gone before its progress arrives is no reason to stop the work.
        void extra
          .sendNotification({ method: 'notifications/progress', params })
          .catch(() => undefined);
      },
    };
    const running = callTool(calls, name, args, context);
    if (!running) throw new McpError(ErrorCode.InvalidParams, `no tool named "${name}"`);
    try {
      return await running;
    } catch (error) {
      if (error instanceof ArgumentError || error instanceof RefusedError) {
        return failed(`${name} refused its arguments:\n${error.message}`);
      }
      // Whatever else went wrong (NATS gone, a bus full) is this call's failure, not the server's.
      return failed(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  server.setRequestHandler(ListResourcesRequestSchema, () => ({
    resources: calls.recent.list().map(({ workflowId, title, at }) => ({
      uri: workflowUri(workflowId),
      name: workflowId,
      title,
      description: `${title}, started ${new Date(at).toISOString()}`,
      mimeType: 'application/json',
    })),
  }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [
      {
        uriTemplate: 'fanout://workflows/{workflow}',
        name: 'workflow',
        description: 'A workflow: its status, synthesis and the URIs of its results.',
        mimeType: 'application/json',
      },
      {
        uriTemplate: 'fanout://results/{workflow}/{task}',
        name: 'result',
        description: 'The whole result of one task (e.g. batch/c3, the fourth call of a batch).',
        mimeType: 'application/json',
      },
    ],
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const { uri } = request.params;
    const text = await readResource(calls.client, uri);
    if (text === undefined) {
      throw new McpError(ErrorCode.InvalidParams, `no resource ${uri} on this Fanout`);
    }
    return { contents: [{ uri, mimeType: 'application/json', text }] };
  });
  return server;
}
