import { open } from 'node:fs/promises';
import type { ToolContext, ToolOutputOf, ToolParamsOf } from '@fanout/contracts';
import { CodeXref } from '@fanout/contracts';
import { throwIfCancelled } from '../errors';
import { glob } from '../glob/glob';
import { compileMatcher } from '../glob/path-matcher';
import { parseInput } from '../input';
import { openJail, resolveInside, type Jail } from '../jail';
import { buildGraph } from './build-graph';
import { languageOf, type ParsedFile } from './model';
import { pageRank } from './page-rank';
import { loadPythonParser, parsePython } from './parse-python';

/** Files larger than this are not parsed: they are bundles or generated, not code to read. */
const MAX_PARSE_BYTES = 2 * 1024 * 1024;
/** Files read and parsed at once: enough to keep the disk busy, few enough to bound memory. */
const CONCURRENCY = 16;

/**
 * The TypeScript compiler, loaded on first use: it is a large module, and a worker that
 * only greps should not carry it.
 */
const typescript = () => Promise.all([import('./parse-typescript'), import('./ts-resolver')]);

/** How each language is parsed, loaded for the languages among the chosen files. */
interface Parsers {
  typescript: (path: string, text: string) => ParsedFile;
  python: (path: string, text: string) => ParsedFile;
}

/** Reads and parses one file, or skips it (too large, binary, or vanished since the walk). */
async function parseFile(
  jail: Jail,
  path: string,
  parsers: Parsers,
): Promise<ParsedFile | undefined> {
  const language = languageOf(path);
  if (!language) return undefined;
  const { real } = await resolveInside(jail, path);
  const handle = await open(real, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_PARSE_BYTES) return undefined;
    const bytes = await handle.readFile();
    if (bytes.subarray(0, 8192).includes(0)) return undefined;
    const text = bytes.toString('utf8');
    return parsers[language](path, text);
  } finally {
    await handle.close();
  }
}

/** Every file the walk sees under the root (`.gitignore` honoured), for resolving imports. */
async function listFiles(root: string, ctx: ToolContext): Promise<string[]> {
  const walk = glob({ root, patterns: ['**/*'], ignore: [], gitignore: true, hidden: false }, ctx);
  for (;;) {
    const step = await walk.next();
    if (step.done) return step.value.files;
  }
}

/**
 * `code.xref`: a graph of definitions, references and imports for TypeScript/JavaScript
 * and Python files under `root`, and `ranking`: the files by PageRank over the import
 * graph (weighted by how many symbols one file uses of another), most central first —
 * the files the rest of the code rests on, which are the ones to read first.
 *
 * `files` are globs (or paths) chosen among what code.glob would list; at most
 * `maxFiles` of them (in path order) are parsed, files over 2 MB or binary are skipped.
 * Imports resolve against every file under the root, so an import of a file outside
 * `files` still leads to its node. See `buildGraph` for the node and edge kinds.
 */
export async function xref(
  input: ToolParamsOf<'code.xref'>,
  ctx: ToolContext,
): Promise<ToolOutputOf<'code.xref'>> {
  const params = parseInput(CodeXref, input);
  const jail = await openJail(params.root);
  const wanted = compileMatcher(jail, params.files, []);
  const known = await listFiles(params.root, ctx);
  const chosen = known
    .filter((path) => languageOf(path) !== undefined && wanted(path))
    .slice(0, params.maxFiles);

  const [{ parseTypeScript }, { typeScriptResolver }] = await typescript();
  const python = chosen.some((path) => languageOf(path) === 'python')
    ? await loadPythonParser()
    : undefined;
  const parsers: Parsers = {
    typescript: parseTypeScript,
    python: (path, text) => {
      if (!python) throw new Error(`no Python parser was loaded for ${path}`);
      return parsePython(python, path, text);
    },
  };
  const parsed: ParsedFile[] = [];
  for (let i = 0; i < chosen.length; i += CONCURRENCY) {
    throwIfCancelled(ctx.signal, `code.xref under ${params.root}`);
    const batch = await Promise.all(
      chosen
        .slice(i, i + CONCURRENCY)
        .map((path) => parseFile(jail, path, parsers).catch(() => undefined)),
    );
    for (const file of batch) if (file) parsed.push(file);
  }

  const files = new Set(known);
  const graph = buildGraph(parsed, {
    known: files,
    resolveTypeScript: typeScriptResolver(jail, files),
  });
  const scores = pageRank(graph.files, graph.dependencies);
  const ranking = graph.files
    .map((path) => ({ path, score: Math.round((scores.get(path) ?? 0) * 1e6) / 1e6 }))
    .sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : 1));
  return { nodes: graph.nodes, edges: graph.edges, ranking };
}
