/**
 * `npm run bench -- mcp`: what an MCP client gains by batching. 100 `code_grep` calls over
 * this repository's libraries through one MCP session with `fanout mcp` (stdio, its
 * embedded Fanout): sent as one `fanout_batch`, and sent one by one, each awaited before
 * the next, as an agent calling tools in turn does. Median of interleaved rounds.
 *
 * Figures: `batch_s` and `serial_s`, the wall time of the 100 calls each way;
 * `batch_vs_serial`, the first over the second (below 1: batching is faster).
 */
import { join } from 'node:path';
import { workspaceRoot } from '@fanout/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { percentile, round, table } from './stats';

const CALLS = Number(process.env['BENCH_MCP_CALLS'] ?? 100);
const ROUNDS = Number(process.env['BENCH_MCP_ROUNDS'] ?? 3);
const ROOT = join(workspaceRoot, 'libs');

/** Call i's input: a different declaration search each time, so no two calls are equal. */
const grep = (i: number) => ({
  root: ROOT,
  pattern: `export (function|const|class) [A-Za-z]*${String.fromCharCode(97 + (i % 26))}${i % 7}?`,
  include: ['**/*.ts'],
});

/** Seconds `work` takes. */
async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** Fails the bench on a call that did not succeed: a figure of failures means nothing. */
function succeeded(result: CallToolResult, what: string): void {
  if (result.isError) throw new Error(`${what} failed: ${JSON.stringify(result.content)}`);
}

export async function run(): Promise<void> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[0] !== 'NATS_URL',
    ),
  );
  const client = new Client({ name: 'mcp-bench', version: '1' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [join(workspaceRoot, 'apps/cli/bin/fanout.mjs'), 'mcp'],
      cwd: workspaceRoot,
      env,
      stderr: 'ignore',
    }),
  );
  const batch = async () => {
    const calls = Array.from({ length: CALLS }, (_, i) => ({ tool: 'code_grep', input: grep(i) }));
    const result = (await client.callTool(
      { name: 'fanout_batch', arguments: { calls } },
      undefined,
      { timeout: 600_000 },
    )) as CallToolResult;
    succeeded(result, 'fanout_batch');
    const { results } = result.structuredContent as { results: { status: string }[] };
    if (results.some((one) => one.status !== 'succeeded')) throw new Error('a batched grep failed');
  };
  const serial = async () => {
    for (let i = 0; i < CALLS; i++) {
      const result = await client.callTool({ name: 'code_grep', arguments: grep(i) });
      succeeded(result as CallToolResult, `code_grep ${i}`);
    }
  };
  try {
    console.error(`warming up, then ${ROUNDS} rounds of ${CALLS} code_grep calls each way…`);
    await batch();
    await serial();
    const batchS: number[] = [];
    const serialS: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      batchS.push(await timed(batch));
      serialS.push(await timed(serial));
    }
    const figures = {
      batch_s: round(percentile(batchS, 50)),
      serial_s: round(percentile(serialS, 50)),
    };
    const ratios = { batch_vs_serial: round(figures.batch_s / figures.serial_s) };
    console.log(
      table(
        ['metric', 'value'],
        [
          [`${CALLS} code_grep as one fanout_batch, s`, figures.batch_s],
          [`${CALLS} code_grep one by one, s`, figures.serial_s],
          ['batch vs serial', ratios.batch_vs_serial],
        ],
      ),
    );
    console.log(JSON.stringify({ bench: 'mcp', figures, ratios }));
  } finally {
    await client.close();
  }
}
