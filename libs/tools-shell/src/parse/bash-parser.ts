import { createRequire } from 'node:module';
import { Language, Parser, type Tree } from 'web-tree-sitter';

const require = createRequire(import.meta.url);

let loading: Promise<Parser> | undefined;

/**
 * The one tree-sitter parser for bash, loaded on first use. tree-sitter-bash is a real
 * grammar of the language bash runs, compiled to WASM: no native build to install, about
 * 50 µs a parse, and a tree that marks what it could not parse so that it can be refused.
 * Loading is asynchronous (it compiles the WASM), parsing afterwards is synchronous.
 */
export function loadBashParser(): Promise<Parser> {
  loading ??= (async () => {
    await Parser.init();
    const language = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return loading;
}

/**
 * Parses `source` and hands the tree to `use`, freeing it afterwards: trees live in WASM
 * memory that the garbage collector does not see, and a worker parses for days.
 */
export function withTree<T>(parser: Parser, source: string, use: (tree: Tree) => T): T {
  const tree = parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree (parser has no language)');
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}
