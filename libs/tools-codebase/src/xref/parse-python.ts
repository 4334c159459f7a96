import type { ImportRecord, ParsedFile } from './model';
import { logicalLines, type LogicalLine } from './python-lines';

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const DOTTED = `${NAME}(?:\\.${NAME})*`;
const IMPORT = new RegExp(`^import\\s+(.+)$`);
const FROM_IMPORT = new RegExp(`^from\\s+(\\.*(?:${DOTTED})?)\\s+import\\s+(.+)$`);
const IMPORT_ITEM = new RegExp(`^(${DOTTED})(?:\\s+as\\s+(${NAME}))?$`);
const DEFINITION = [
  new RegExp(`^(?:async\\s+)?def\\s+(${NAME})`),
  new RegExp(`^class\\s+(${NAME})`),
  new RegExp(`^(${NAME})\\s*(?::[^=]*)?=(?!=)`),
];
const REFERENCE = new RegExp(`(?<![\\w.])${DOTTED}`, 'g');

/** The items of an import list: `a as b, c` or `(a, b,)`. */
function items(list: string): { name: string; alias?: string }[] {
  return list
    .replace(/^\(|\)$/g, '')
    .split(',')
    .map((item) => IMPORT_ITEM.exec(item.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => (match[2] ? { name: match[1], alias: match[2] } : { name: match[1] }));
}

/** The import records of an `import …` or `from … import …` line; none for other lines. */
function importsOf(line: LogicalLine): ImportRecord[] {
  const from = FROM_IMPORT.exec(line.text);
  if (from) {
    const bindings = items(from[2].trim()).map(({ name, alias }) => ({
      local: alias ?? name,
      imported: name,
    }));
    return [{ specifier: from[1], line: line.line, bindings }];
  }
  const plain = IMPORT.exec(line.text);
  if (!plain) return [];
  // `import a.b` binds the dotted name as it is used (`a.b.f()`); `import a.b as m` binds m.
  return items(plain[1]).map(({ name, alias }) => ({
    specifier: name,
    line: line.line,
    bindings: [{ local: alias ?? name, imported: '*' }],
  }));
}

/**
 * Parses one Python file without a Python parser: on logical lines (see `logicalLines`),
 * `import`/`from … import` anywhere are imports, `def`, `class` and assignments at
 * module level are definitions, and every dotted name that starts with an imported name
 * is a use of it. A line reader rather than a parser package: it needs no grammar
 * runtime (tree-sitter wants a native or WebAssembly build), and what code.xref needs
 * of Python — imports and module-level definitions — is line-shaped once strings and
 * continuations are dealt with. Not seen: names made by `exec` or `globals()`, and
 * the names a star import brings in.
 */
export function parsePython(path: string, text: string): ParsedFile {
  const file: ParsedFile = {
    path,
    language: 'python',
    definitions: [],
    imports: [],
    exports: new Map(),
    reexports: [],
    usages: [],
  };
  const lines = logicalLines(text);
  const code: LogicalLine[] = [];
  for (const line of lines) {
    const records = importsOf(line);
    if (records.length > 0) {
      file.imports.push(...records);
      continue;
    }
    code.push(line);
    if (line.indent !== 0) continue;
    for (const pattern of DEFINITION) {
      const match = pattern.exec(line.text);
      if (!match) continue;
      const name = match[1];
      file.definitions.push({ name, line: line.line, exported: !name.startsWith('_') });
      file.exports.set(name, name);
      break;
    }
  }
  const locals = new Set(file.imports.flatMap((record) => record.bindings.map((b) => b.local)));
  if (locals.size === 0) return file;
  for (const line of code) {
    for (const [chain] of line.text.matchAll(REFERENCE)) {
      const parts = chain.split('.');
      for (let length = parts.length; length > 0; length -= 1) {
        const local = parts.slice(0, length).join('.');
        if (!locals.has(local)) continue;
        const member = parts[length];
        file.usages.push(member === undefined ? { local } : { local, member });
        break;
      }
    }
  }
  return file;
}
