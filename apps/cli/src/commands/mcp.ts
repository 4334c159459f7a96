import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FanoutClient } from '@fanout/client';
import { Exit, UsageError, type ExitCode } from '../exit-codes';
import type { Parsed } from '../options/declare';
import type { declaration } from '../options/commands/mcp';
import { noArgument, withServices } from './common';

/** What `fanout mcp` serves with, read from its flags. */
interface McpFlags {
  http?: { port: number; host: string; token?: string };
  maxResultChars: number;
}

/** Reads and checks the flags; a token may come from FANOUT_MCP_TOKEN, out of `ps`' sight. */
function flagsOf(args: Parsed<typeof declaration.options>): McpFlags {
  const { values } = args;
  const maxResultChars = values['max-result-chars'];
  const port = values.http;
  if (port === undefined) {
    if (values.host !== undefined || values.token !== undefined) {
      throw new UsageError('--host and --token go with --http <port>');
    }
    return { maxResultChars };
  }
  const token = values.token ?? process.env['FANOUT_MCP_TOKEN'];
  if (token !== undefined && token.length < 16) {
    throw new UsageError(
      'the bearer token (--token or FANOUT_MCP_TOKEN) needs 16 characters or more',
    );
  }
  const host = values.host ?? '127.0.0.1';
  return { http: { port, host, ...(token ? { token } : {}) }, maxResultChars };
}

/** Resolves on SIGTERM or SIGINT, or when `also` does. */
function stopped(also?: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
    void also?.then(resolve);
  });
}

/** The version clients are told: the package's own. */
async function version(): Promise<string> {
  const manifest = join(import.meta.dirname, '..', '..', '..', '..', 'package.json');
  return (JSON.parse(await readFile(manifest, 'utf8')) as { version: string }).version;
}

/** Serves MCP until the client goes (stdio) or a signal comes (both). */
async function serve(client: FanoutClient, flags: McpFlags): Promise<ExitCode> {
  const [{ createMcpServer }, { RecentWorkflows }] = await Promise.all([
    import('../mcp/server'),
    import('../mcp/resources'),
  ]);
  const calls = {
    client,
    recent: new RecentWorkflows(),
    maxResultChars: flags.maxResultChars,
    defaultRoot: process.cwd(),
  };
  const serverVersion = await version();
  const serverFor = () => createMcpServer(calls, serverVersion);
  if (flags.http) {
    const { serveHttp } = await import('../mcp/http');
    const http = await serveHttp(flags.http, serverFor);
    if (!flags.http.token && !['127.0.0.1', 'localhost', '::1'].includes(flags.http.host)) {
      process.stderr.write('fanout: mcp: listening beyond loopback without a token\n');
    }
    process.stderr.write(`fanout: mcp: listening on ${http.url}\n`);
    await stopped();
    await http.close();
    return Exit.ok;
  }
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const server = serverFor();
  // The client closing our stdin is how a stdio session ends.
  const ended = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  await server.connect(new StdioServerTransport());
  await stopped(ended);
  await server.close();
  return Exit.ok;
}

/**
 * `fanout mcp`: Fanout as an MCP server, over stdio unless `--http <port>` (loopback
 * unless `--host` says otherwise; `--token` or FANOUT_MCP_TOKEN asks every request for
 * that bearer token). It works on the services at `--nats` or NATS_URL, else on an
 * embedded Fanout that lives as long as it does.
 */
export async function run(args: Parsed<typeof declaration.options>): Promise<ExitCode> {
  noArgument(args);
  const flags = flagsOf(args);
  return withServices(args, (client) => serve(client, flags));
}
