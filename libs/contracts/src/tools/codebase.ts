import { z } from 'zod';
import { defineTool } from './define-tool';

/** Every codebase tool is jailed to `root`: paths are relative to it and never leave it. */
const root = z.string().min(1).describe('Directory the tool may see; nothing outside it is read.');
const relativePath = z.string().describe('Path relative to root, "/"-separated.');

export const CodeGlob = defineTool({
  name: 'code.glob',
  preemptible: true,
  description: 'lists files under root matching glob patterns, honouring .gitignore by default',
  input: z.strictObject({
    root,
    patterns: z.array(z.string().min(1)).min(1).default(['**/*']),
    ignore: z.array(z.string()).default([]),
    gitignore: z.boolean().default(true).describe('Honour .gitignore and .ignore files.'),
    hidden: z.boolean().default(false).describe('Include dot-files and dot-directories.'),
    maxResults: z.number().int().positive().max(1_000_000).optional(),
  }),
  output: z.object({ files: z.array(relativePath), truncated: z.boolean() }),
  chunk: relativePath,
});

const grepMatch = z.object({
  path: relativePath,
  line: z.number().int().positive().describe('1-based line number.'),
  column: z.number().int().positive().describe('1-based column (in bytes) of the match start.'),
  text: z.string().describe('The whole matching line, without its line break.'),
  before: z.array(z.string()).optional().describe('Context lines before, oldest first.'),
  after: z.array(z.string()).optional().describe('Context lines after.'),
  patterns: z
    .array(z.number().int().nonnegative())
    .optional()
    .describe('With `patterns`: which of them this line matches, by their index in the input.'),
});

export const CodeGrep = defineTool({
  name: 'code.grep',
  preemptible: true,
  description: 'searches file contents under root with ripgrep semantics',
  input: z
    .strictObject({
      root,
      pattern: z
        .string()
        .min(1)
        .optional()
        .describe("A regex (ripgrep's syntax), or text with `literal`."),
      patterns: z
        .array(z.string().min(1))
        .min(1)
        .max(64)
        .optional()
        .describe(
          'Several patterns searched in one walk: a line matching any of them is a match, and its `patterns` say which. Each finds what it would find alone (case sensitivity is decided per pattern). Written as `pattern` is, except that `(?-u)`, `(?R)` and `\\p{…}` names JavaScript spells differently are refused.',
        ),
      literal: z
        .boolean()
        .default(false)
        .describe('Treat the pattern(s) as fixed strings, not regexes.'),
      caseSensitive: z
        .union([z.boolean(), z.literal('smart')])
        .default(true)
        .describe('"smart": insensitive unless the pattern has an upper-case letter.'),
      include: z.array(z.string()).default([]).describe('Globs a file must match to be searched.'),
      exclude: z.array(z.string()).default([]).describe('Globs of files never searched.'),
      paths: z
        .array(z.string().min(1))
        .max(1_000)
        .default([])
        .describe(
          "Directories or files under root to search instead of all of it, relative to root: a search split into parts, each part a call. The root's own ignore files still apply; those of directories between the root and a path do not.",
        ),
      hidden: z.boolean().default(false),
      gitignore: z.boolean().default(true),
      context: z.number().int().min(0).max(100).default(0),
      maxMatches: z.number().int().positive().optional(),
    })
    .refine((input) => (input.pattern === undefined) !== (input.patterns === undefined), {
      message:
        'code.grep takes exactly one of `pattern` (one search) and `patterns` (several in one walk)',
    })
    // The generated JSON Schema cannot see a refinement: `oneOf` says the same there.
    .meta({ oneOf: [{ required: ['pattern'] }, { required: ['patterns'] }] }),
  output: z.object({
    matches: z.array(grepMatch),
    truncated: z.boolean().describe('True when maxMatches cut the search short.'),
    filesSearched: z.number().int().nonnegative(),
  }),
  chunk: grepMatch,
});

export const CodeRead = defineTool({
  name: 'code.read',
  preemptible: true,
  description: 'reads a text file (or a line range of it) under root',
  input: z.strictObject({
    root,
    path: relativePath,
    startLine: z.number().int().positive().optional().describe('First line, 1-based, inclusive.'),
    endLine: z.number().int().positive().optional().describe('Last line, inclusive.'),
    maxBytes: z.number().int().positive().default(1_048_576),
  }),
  output: z.object({
    path: relativePath,
    content: z.string(),
    encoding: z.enum(['utf-8', 'utf-16le', 'utf-16be']),
    startLine: z.number().int().positive(),
    endLine: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative().describe('Bytes of the file that were read.'),
    truncated: z.boolean().describe('True when maxBytes stopped the read early.'),
  }),
});

const xrefNode = z.object({
  id: z.string(),
  kind: z.enum(['file', 'symbol', 'module']),
  path: relativePath.optional(),
  name: z.string().optional(),
  line: z.number().int().positive().optional(),
});

export const CodeXref = defineTool({
  name: 'code.xref',
  description:
    'builds a graph of definitions, references and imports, and ranks files by centrality',
  input: z.strictObject({
    root,
    files: z.array(z.string()).default(['**/*']).describe('Globs or paths of files to analyse.'),
    maxFiles: z.number().int().positive().default(5_000),
  }),
  output: z.object({
    nodes: z.array(xrefNode),
    edges: z.array(
      z.object({
        from: z.string(),
        to: z.string(),
        kind: z.enum(['imports', 'defines', 'references']),
      }),
    ),
    ranking: z
      .array(z.object({ path: relativePath, score: z.number() }))
      .describe('Files by dependency centrality, most central (read first) first.'),
  }),
});
