import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FanoutClient } from '@fanout/client';
import {
  startFanout,
  startNats,
  workspaceRoot,
  type NatsServer,
  type ServiceProcess,
} from '@fanout/testing';
import { page, serve, type Handler, type TestServer } from '@fanout/tools-web/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LAUNCHER = join(workspaceRoot, 'apps/cli/bin/fanout.mjs');
const TOOLS = {
  code_glob: 'CodeGlob',
  code_grep: 'CodeGrep',
  code_read: 'CodeRead',
  code_xref: 'CodeXref',
  bash_exec: 'BashExec',
  web_search: 'WebSearch',
  web_fetch: 'WebFetch',
};

/** A published JSON Schema (docs/schemas), as a document of its own less its own ids. */
function published(id: string): unknown {
  const text = readFileSync(join(workspaceRoot, 'docs/schemas', `${id}.json`), 'utf8');
  const { $schema: _dialect, $id: _id, ...schema } = JSON.parse(text) as Record<string, unknown>;
  return schema;
}

/** A small tree whose facts the tests know: 40 files each saying its number, and an import. */
function makeTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'mcp-tree-'));
  const files: Record<string, string> = {
    'src/total.ts': 'export function computeTotal(xs: number[]) {\n  return xs.length;\n}\n',
    'src/checkout.ts':
      "import { computeTotal } from './total';\nexport const t = computeTotal([]);\n",
    'big.txt': 'all work and no play\n'.repeat(2_000),
  };
  for (let i = 0; i < 40; i++) files[`notes/n${i}.txt`] = `note number ${i}\n`;
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The environment of a spawned `fanout mcp`: this one's, with `overrides` (undefined: unset). */
function envWith(overrides: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, ...overrides };
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

const text = (result: CallToolResult) =>
  result.content.flatMap((item) => (item.type === 'text' ? [item.text] : [])).join('\n');

const call = async (client: Client, name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as CallToolResult;

interface BatchAnswer {
  workflowId: string;
  status: string;
  results: { tool: string; status: string; result: unknown; error: { code: string } | null }[];
}

describe('fanout mcp over stdio, on an embedded Fanout', () => {
  let root: string;
  let site: TestServer;
  let client: Client;

  beforeAll(async () => {
    root = makeTree();
    const search: Handler = (req, res) => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams.get('q') ?? '';
      const results = [1, 2].map((n) => ({
        url: `${site.origin}/doc/${n}`,
        title: `${query} ${n}`,
        content: `about ${query}`,
      }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
    };
    const article = (n: number) =>
      page(
        `<!doctype html><html><head><title>Doc ${n}</title></head><body><article><h1>Doc ${n}</h1>` +
          `<p>${'Pull consumers fetch messages in batches on demand. '.repeat(20)}</p></article></body></html>`,
      );
    site = await serve({ '/search': search, '/doc/1': article(1), '/doc/2': article(2) });
    client = new Client({ name: 'mcp-e2e', version: '1' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [LAUNCHER, 'mcp', '--max-result-chars', '4000'],
        cwd: workspaceRoot,
        stderr: 'pipe',
        env: envWith({
          NATS_URL: undefined,
          FANOUT_SUBJECT_PREFIX: undefined,
          FANOUT_SEARXNG_URL: site.origin,
          // Tests only: opens the SSRF guard to this test's loopback site.
          FANOUT_WEB_ALLOW: '127.0.0.0/8',
          FANOUT_WEB_POLITENESS_MS: '0',
        }),
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await site?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('lists every tool, each with the input and output schemas published from its contract', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      [...Object.keys(TOOLS), 'fanout_ask', 'fanout_batch', 'fanout_run'].sort(),
    );
    for (const [name, id] of Object.entries(TOOLS)) {
      const tool = tools.find((listed) => listed.name === name);
      expect(tool?.inputSchema, name).toEqual(published(`${id}Input`));
      expect(tool?.outputSchema, name).toEqual(published(`${id}Output`));
      expect(tool?.description, name).toMatch(/fanout_batch/);
    }
  });

  it('calls each tool against the tree and loopback sites, its output as structured content and text', async () => {
    const glob = await call(client, 'code_glob', { root, patterns: ['src/*.ts'] });
    expect(glob.structuredContent).toEqual({
      files: ['src/checkout.ts', 'src/total.ts'],
      truncated: false,
    });
    expect(JSON.parse(text(glob))).toEqual(glob.structuredContent);

    const grep = await call(client, 'code_grep', { root, pattern: 'computeTotal\\(' });
    const hits = (grep.structuredContent as { matches: { path: string; line: number }[] }).matches;
    expect(hits.map((hit) => `${hit.path}:${hit.line}`).sort()).toEqual([
      'src/checkout.ts:2',
      'src/total.ts:1',
    ]);

    const read = await call(client, 'code_read', { root, path: 'notes/n7.txt' });
    expect(read.structuredContent).toMatchObject({ content: 'note number 7\n' });

    const xref = await call(client, 'code_xref', { root, files: ['src/*.ts'] });
    expect(JSON.stringify(xref.structuredContent)).toContain('src/total.ts');

    const bash = await call(client, 'bash_exec', { command: 'echo from the sandbox' });
    expect(bash.structuredContent).toMatchObject({ exitCode: 0, stdout: 'from the sandbox\n' });

    const search = await call(client, 'web_search', { query: 'pull consumers' });
    const found = (search.structuredContent as { results: { url: string }[] }).results;
    expect(found.map((result) => result.url)).toEqual([
      `${site.origin}/doc/1`,
      `${site.origin}/doc/2`,
    ]);

    const fetched = await call(client, 'web_fetch', { url: `${site.origin}/doc/2` });
    expect(fetched.structuredContent).toMatchObject({ status: 200, title: 'Doc 2' });
    expect((fetched.structuredContent as { text: string }).text).toContain('Pull consumers');
  });

  it('fanout_batch of 50 mixed calls returns 50 results in order, the one failure beside the successes', async () => {
    const FAILING = 23;
    const calls = Array.from({ length: 50 }, (_, i) => {
      if (i === FAILING) return { tool: 'code_read', input: { root, path: 'notes/missing.txt' } };
      if (i % 5 === 1) return { tool: 'code_grep', input: { root, pattern: `number ${i % 40}$` } };
      if (i % 5 === 2) return { tool: 'bash_exec', input: { command: `echo call ${i}` } };
      if (i % 5 === 3)
        return { tool: 'code_glob', input: { root, patterns: [`notes/n${i % 40}.txt`] } };
      return { tool: 'code_read', input: { root, path: `notes/n${i % 40}.txt` } };
    });
    const answer = await call(client, 'fanout_batch', { calls });
    const batch = answer.structuredContent as unknown as BatchAnswer;
    expect(answer.isError).toBeFalsy();
    expect(batch.status).toBe('degraded');
    expect(batch.results).toHaveLength(50);
    batch.results.forEach((result, i) => {
      expect(result.tool).toBe(calls[i]?.tool);
      if (i === FAILING) {
        expect(result).toMatchObject({
          status: 'failed',
          result: null,
          error: { code: 'NOT_FOUND' },
        });
        return;
      }
      expect(result.status, `call ${i}`).toBe('succeeded');
      const said = JSON.stringify(result.result);
      if (i % 5 === 2) expect(said).toContain(`call ${i}\\n`);
      else expect(said).toContain(i % 5 === 3 ? `n${i % 40}.txt` : `number ${i % 40}`);
    });
  });

  it('refuses a malformed call naming the field and why, and goes on serving', async () => {
    const wrongType = await call(client, 'code_grep', { root: 5, pattern: 'x' });
    expect(wrongType.isError).toBe(true);
    expect(text(wrongType)).toMatch(/^root: expected string$/m);

    const both = await call(client, 'code_grep', { root, pattern: 'a', patterns: ['b'], nope: 1 });
    expect(text(both)).toMatch(/unknown key "nope"/);

    const inBatch = await call(client, 'fanout_batch', {
      calls: [
        { tool: 'code_glob', input: { root } },
        { tool: 'web_fetch', input: { url: 'ftp://example.invalid/' } },
      ],
    });
    expect(inBatch.isError).toBe(true);
    expect(text(inBatch)).toMatch(/^calls\[1\]\.input\.url: /m);

    const noSuchTool = await call(client, 'fanout_batch', {
      calls: [{ tool: 'rm_rf', input: {} }],
    });
    expect(text(noSuchTool)).toMatch(/^calls\[0\]\.tool: /m);

    await expect(call(client, 'no_such_tool', {})).rejects.toThrow(/no tool named "no_such_tool"/);
    const after = await call(client, 'code_read', { root, path: 'notes/n1.txt' });
    expect(after.structuredContent).toMatchObject({ content: 'note number 1\n' });
  });

  it('cuts a result too large to send, with a note and a link to the whole as a resource', async () => {
    const whole = readFileSync(join(root, 'big.txt'), 'utf8');
    const answer = await call(client, 'code_read', { root, path: 'big.txt' });
    const cut = answer.structuredContent as { content: string; truncated: boolean };
    expect(JSON.stringify(cut).length).toBeLessThanOrEqual(4_000);
    expect(whole.startsWith(cut.content)).toBe(true);
    expect(cut.truncated).toBe(true);
    const link = answer.content.find((item) => item.type === 'resource_link');
    expect(link?.uri).toMatch(/^fanout:\/\/results\/wf-[\w-]+\/batch\/c0$/);
    expect(text(answer)).toContain(`the whole of it is the resource ${link?.uri}`);
    const read = await client.readResource({ uri: link?.uri ?? '' });
    const content = read.contents[0];
    expect(content && 'text' in content && JSON.parse(content.text).content).toBe(whole);
  });

  it('fanout_ask answers from the codebase specialist, citing the lines it read', async () => {
    const answer = await call(client, 'fanout_ask', {
      goal: 'where is computeTotal defined and who calls it',
      root,
      specialists: ['codebase'],
    });
    const document = answer.structuredContent as {
      status: string;
      report: string;
      findings: { specialist: string; evidence: { path?: string; line?: number }[] }[];
    };
    expect(answer.isError).toBeFalsy();
    expect(text(answer)).toBe(document.report);
    const cited = document.findings.flatMap((finding) =>
      finding.evidence.map((evidence) => `${evidence.path}:${evidence.line}`),
    );
    expect(cited).toEqual(expect.arrayContaining(['src/total.ts:1', 'src/checkout.ts:2']));
    expect(document.findings.every((finding) => finding.specialist === 'codebase')).toBe(true);
  });

  it('refuses an ask about a directory that is not there, naming root', async () => {
    const answer = await call(client, 'fanout_ask', { goal: 'anything', root: join(root, 'none') });
    expect(answer.isError).toBe(true);
    expect(text(answer)).toMatch(/^root: .*none is not a directory$/m);
  });

  it('cuts a batched result to its share, the call linking to its whole', async () => {
    const answer = await call(client, 'fanout_batch', {
      calls: [
        { tool: 'code_read', input: { root, path: 'big.txt' } },
        { tool: 'code_read', input: { root, path: 'notes/n3.txt' } },
      ],
    });
    const [big, small] = (answer.structuredContent as unknown as BatchAnswer).results as {
      result: { content: string; truncated: boolean };
      resource?: string;
    }[];
    expect(big?.result.truncated).toBe(true);
    expect(JSON.stringify(big?.result).length).toBeLessThanOrEqual(2_000);
    expect(big?.resource).toMatch(/^fanout:\/\/results\/wf-[\w-]+\/batch\/c0$/);
    expect(answer.content).toContainEqual(expect.objectContaining({ uri: big?.resource }));
    expect(small).toMatchObject({ result: { content: 'note number 3\n', truncated: false } });
    expect(small?.resource).toBeUndefined();
  });

  it('lists the workflows it ran as resources and reads each back', async () => {
    const run = await call(client, 'fanout_run', {
      workflow: [
        'phases:',
        '  - id: find',
        '    tasks:',
        `      - { id: files, tool: code.glob, input: { root: "${root}", patterns: ["src/*.ts"] } }`,
        '  - id: read',
        '    dependsOn: [find]',
        '    tasks:',
        `      - { id: first, tool: code.read, input: { root: "${root}", path: "\${{ find.files.files[0] }}" } }`,
      ].join('\n'),
    });
    const document = run.structuredContent as {
      workflowId: string;
      summary: { status: string };
      results: Record<string, { content?: string }>;
    };
    expect(document.summary.status).toBe('succeeded');
    expect(document.results['read/first']?.content).toContain('computeTotal');

    const { resources } = await client.listResources();
    expect(resources[0]).toMatchObject({
      uri: `fanout://workflows/${document.workflowId}`,
      title: 'fanout_run',
    });
    const read = await client.readResource({ uri: `fanout://workflows/${document.workflowId}` });
    const summary = JSON.parse((read.contents[0] as { text: string }).text);
    expect(summary).toMatchObject({ workflowId: document.workflowId, status: 'succeeded' });
    expect(summary.results.map((result: { uri: string }) => result.uri)).toEqual([
      `fanout://results/${document.workflowId}/find/files`,
      `fanout://results/${document.workflowId}/read/first`,
    ]);
    await expect(client.readResource({ uri: 'fanout://workflows/wf-none' })).rejects.toThrow(
      /no resource fanout:\/\/workflows\/wf-none/,
    );
  });
});

describe('fanout mcp over Streamable HTTP, on services already running (--nats)', () => {
  const PREFIX = 'mcphttp';
  const TOKEN = 'a-token-of-sixteen-or-more';
  let nats: NatsServer;
  let services: ServiceProcess;
  let server: ServiceProcess;
  let url: string;
  let hanging: TestServer;
  let client: Client;

  beforeAll(async () => {
    // A page that never answers: fetches of it run until they are cancelled.
    hanging = await serve({ '/slow': () => undefined });
    nats = await startNats();
    const env = { FANOUT_WEB_ALLOW: '127.0.0.0/8', FANOUT_WEB_POLITENESS_MS: '0' };
    services = startFanout(['up', '--nats', nats.url, '--prefix', PREFIX], /fanout: up:/, env);
    server = startFanout(
      ['mcp', '--http', '0', '--token', TOKEN, '--nats', nats.url, '--prefix', PREFIX],
      /listening on http:\S+/,
    );
    await Promise.all([services.ready(), server.ready()]);
    url = /listening on (http:\S+)/.exec(server.output())?.[1] ?? '';
    client = new Client({ name: 'mcp-e2e-http', version: '1' });
    const headers = { authorization: `Bearer ${TOKEN}` };
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }),
    );
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await server?.stop('SIGTERM');
    await services?.stop('SIGTERM');
    await hanging?.close();
    await nats?.stop();
  });

  it('listens on loopback and refuses a request without the bearer token', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'x', version: '1' },
      },
    };
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify(initialize),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('answers a body that is not JSON with an error and goes on serving', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: '{"jsonrpc": "2.0", "id": 7, "method": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32700 } });
    expect((await client.listTools()).tools).toHaveLength(10);
  });

  it('serves the same tools, and reports progress while a batch runs', async () => {
    const { tools } = await client.listTools();
    expect(tools.find((tool) => tool.name === 'code_grep')?.inputSchema).toEqual(
      published('CodeGrepInput'),
    );
    const progress: Progress[] = [];
    const calls = Array.from({ length: 12 }, (_, i) => ({
      tool: 'bash_exec',
      input: { command: `echo ${i}` },
    }));
    const answer = (await client.callTool(
      { name: 'fanout_batch', arguments: { calls } },
      undefined,
      { onprogress: (update) => progress.push(update) },
    )) as CallToolResult;
    const batch = answer.structuredContent as unknown as BatchAnswer;
    expect(batch.results.map((result) => result.result)).toEqual(
      calls.map((_, i) => expect.objectContaining({ stdout: `${i}\n` })),
    );
    expect(progress[0]).toMatchObject({ progress: 0, total: 12 });
    expect(progress[0]?.message).toContain(batch.workflowId);
    expect(progress.at(-1)).toMatchObject({ progress: 12, total: 12 });
    // Each report says more than the one before, as MCP asks.
    progress.slice(1).forEach((update, i) => {
      expect(update.progress).toBeGreaterThan(progress[i]?.progress ?? Infinity);
    });
  });

  it('cancels the workflow when the client cancels its call, as the workflow’s events say', async () => {
    const cancel = new AbortController();
    let workflowId = '';
    const calls = Array.from({ length: 3 }, () => ({
      tool: 'web_fetch',
      input: { url: `${hanging.origin}/slow`, timeoutMs: 120_000 },
    }));
    const pending = client.callTool({ name: 'fanout_batch', arguments: { calls } }, undefined, {
      signal: cancel.signal,
      onprogress: (update) => {
        workflowId = /wf-[\w-]+/.exec(update.message ?? '')?.[0] ?? workflowId;
      },
    });
    // Once every fetch is out and hanging, the client gives up on the call.
    const until = setInterval(() => {
      if (hanging.hits.filter((hit) => hit === '/slow').length === 3 && workflowId) cancel.abort();
    }, 50);
    await expect(pending).rejects.toThrow();
    clearInterval(until);
    const fanout = await FanoutClient.connect({ natsUrl: nats.url, prefix: PREFIX });
    try {
      const done = await fanout.workflow(workflowId).wait({ timeoutMs: 30_000 });
      expect(done.status).toBe('cancelled');
      const events = await fanout.workflow(workflowId).history();
      expect(events.find((event) => event.type === 'WorkflowCancelRequested')).toMatchObject({
        reason: 'cancelled by the MCP client',
      });
      expect(events.filter((event) => event.type === 'TaskCancelled')).toHaveLength(3);
    } finally {
      await fanout.close();
    }
  });
});
