import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';
import type { ImportRecord, ParsedFile } from './model';

const require = createRequire(import.meta.url);

let loading: Promise<Parser> | undefined;

/**
 * The Python parser, tree-sitter-python's grammar compiled to WASM, loaded on first use
 * (as tools-shell loads bash's): a real parse, so strings, comments, continuations and
 * PEP 701 f-strings (quotes inside `{…}`) are what Python makes of them.
 */
export function loadPythonParser(): Promise<Parser> {
  loading ??= (async () => {
    await Parser.init();
    const grammar = require.resolve('tree-sitter-python/tree-sitter-python.wasm');
    const parser = new Parser();
    parser.setLanguage(await Language.load(grammar));
    return parser;
  })();
  return loading;
}

/**
 * What code.xref needs of one Python file: its imports (`import`, `from … import`,
 * anywhere), its module-level definitions (`def`, `class`, assignments, decorated or
 * not) and every dotted name that starts with an imported name (a use of it). Not seen:
 * names made by `exec` or `globals()`, and the names a star import brings in.
 */
export function parsePython(parser: Parser, path: string, text: string): ParsedFile {
  const file: ParsedFile = {
    path,
    language: 'python',
    definitions: [],
    imports: [],
    exports: new Map(),
    reexports: [],
    usages: [],
  };
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree (parser has no language)');
  try {
    for (const statement of tree.rootNode.namedChildren) {
      if (statement) definitionsOf(statement, file);
    }
    walk(tree.rootNode, (node) => {
      const records = importsOf(node);
      file.imports.push(...records);
      return records.length === 0 && node.type !== 'import_statement';
    });
    const locals = new Set(file.imports.flatMap((record) => record.bindings.map((b) => b.local)));
    if (locals.size > 0) usagesOf(tree.rootNode, locals, file);
  } finally {
    // Trees live in WASM memory the garbage collector does not see.
    tree.delete();
  }
  return file;
}

/** Module-level `def`, `class` and `name = …` (annotated or not), decorators looked through. */
function definitionsOf(statement: Node, file: ParsedFile): void {
  let node: Node | null = statement;
  if (node.type === 'decorated_definition') node = node.childForFieldName('definition');
  if (node?.type === 'expression_statement') node = node.firstNamedChild;
  let name: Node | null = null;
  if (node?.type === 'function_definition' || node?.type === 'class_definition') {
    name = node.childForFieldName('name');
  } else if (node?.type === 'assignment') {
    const left = node.childForFieldName('left');
    if (left?.type === 'identifier') name = left;
  }
  if (!name) return;
  const text = name.text;
  file.definitions.push({
    name: text,
    line: name.startPosition.row + 1,
    exported: !text.startsWith('_'),
  });
  file.exports.set(text, text);
}

/** The import records of one node; none for a node that is not an import statement. */
function importsOf(node: Node): ImportRecord[] {
  const line = node.startPosition.row + 1;
  if (node.type === 'import_from_statement') {
    const module = node.childForFieldName('module_name');
    if (!module) return [];
    const bindings = node
      .childrenForFieldName('name')
      .filter((item): item is Node => item !== null)
      .map(binding)
      .map(({ name, alias }) => ({ local: alias ?? name, imported: name }));
    return [{ specifier: module.text.replace(/\s+/g, ''), line, bindings }];
  }
  if (node.type !== 'import_statement') return [];
  // `import a.b` binds the dotted name as it is used (`a.b.f()`); `import a.b as m` binds m.
  return node
    .childrenForFieldName('name')
    .filter((item): item is Node => item !== null)
    .map(binding)
    .map(({ name, alias }) => ({
      specifier: name,
      line,
      bindings: [{ local: alias ?? name, imported: '*' }],
    }));
}

/** `a.b` or `a.b as c` of an import list. */
function binding(item: Node): { name: string; alias?: string } {
  if (item.type !== 'aliased_import') return { name: item.text.replace(/\s+/g, '') };
  const name = item.childForFieldName('name')?.text.replace(/\s+/g, '') ?? item.text;
  const alias = item.childForFieldName('alias')?.text;
  return alias ? { name, alias } : { name };
}

/**
 * Every use of an imported name: each whole dotted chain (`a.b.c`, not its parts again),
 * matched from its longest prefix that is an imported name; the next part, if any, is the
 * member used. Import statements and definitions' own names are not uses.
 */
function usagesOf(root: Node, locals: Set<string>, file: ParsedFile): void {
  walk(root, (node) => {
    if (node.type === 'import_statement' || node.type === 'import_from_statement') return false;
    if (node.type !== 'attribute' && node.type !== 'identifier') return true;
    const parent = node.parent;
    // A part of a longer chain: the chain is read where it is whole.
    if (parent?.type === 'attribute') return false;
    if (node.type === 'identifier' && isDeclaredName(node, parent)) return false;
    const parts = chainOf(node);
    if (!parts) return true; // `f().x`: the call inside has chains of its own
    for (let length = parts.length; length > 0; length -= 1) {
      const local = parts.slice(0, length).join('.');
      if (!locals.has(local)) continue;
      const member = parts[length];
      file.usages.push(member === undefined ? { local } : { local, member });
      break;
    }
    return false;
  });
}

/** The names of `a.b.c` in order, or undefined when the chain starts with anything else. */
function chainOf(node: Node): string[] | undefined {
  if (node.type === 'identifier') return [node.text];
  if (node.type !== 'attribute') return undefined;
  const object = node.childForFieldName('object');
  const attribute = node.childForFieldName('attribute');
  const head = object ? chainOf(object) : undefined;
  return head && attribute ? [...head, attribute.text] : undefined;
}

/** A name being declared rather than used: `def f`, `class C`, a keyword argument's name. */
function isDeclaredName(node: Node, parent: Node | null): boolean {
  if (!parent) return false;
  const declares =
    parent.type === 'function_definition' ||
    parent.type === 'class_definition' ||
    parent.type === 'keyword_argument';
  return declares && parent.childForFieldName('name')?.id === node.id;
}

/** Visits `node` and, while `enter` says so, its descendants, depth first. */
function walk(node: Node, enter: (node: Node) => boolean): void {
  if (!enter(node)) return;
  for (const child of node.namedChildren) if (child) walk(child, enter);
}
