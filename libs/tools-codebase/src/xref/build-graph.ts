import type { ToolOutputOf } from '@fanout/contracts';
import type { ParsedFile } from './model';
import type { WeightedEdge } from './page-rank';
import {
  resolvePython,
  resolveTypeScript,
  type ResolveContext,
  type Target,
} from './resolve-module';

type Xref = ToolOutputOf<'code.xref'>;
export type XrefNode = Xref['nodes'][number];
export type XrefEdge = Xref['edges'][number];

/** The graph code.xref returns, and the file-to-file weights its ranking is computed on. */
export interface Graph {
  nodes: XrefNode[];
  edges: XrefEdge[];
  files: string[];
  dependencies: WeightedEdge[];
}

/** What a local name stands for: a name exported by a file, or the whole module (`'*'`). */
interface Binding {
  file: string;
  name: string;
}

const fileId = (path: string) => `file:${path}`;
const symbolId = (path: string, name: string) => `symbol:${path}#${name}`;
const moduleId = (name: string) => `module:${name}`;

/**
 * Links parsed files into one graph. Node ids say what they are: `file:<path>`,
 * `symbol:<path>#<name>` (a top-level declaration) and `module:<name>` (a package or an
 * import that names no file under the root). Edges: a file `imports` a file or module,
 * `defines` its symbols, and `references` the symbols of other files it uses through an
 * import — followed through re-exports (`export * from`, barrels, `__init__.py`), so a
 * use lands on the declaration, not on the barrel in between.
 */
export function buildGraph(parsed: ParsedFile[], ctx: ResolveContext): Graph {
  const byPath = new Map(parsed.map((file) => [file.path, file]));
  const nodes = new Map<string, XrefNode>();
  const edges = new Map<string, XrefEdge>();
  const weights = new Map<string, WeightedEdge>();
  const bindings = new Map<string, Map<string, Binding>>();
  const definitions = new Map<string, Set<string>>();

  const addNode = (node: XrefNode) => {
    if (!nodes.has(node.id)) nodes.set(node.id, node);
  };
  const addEdge = (from: string, to: string, kind: XrefEdge['kind']) => {
    const key = `${from}\0${to}\0${kind}`;
    if (edges.has(key)) return false;
    edges.set(key, { from, to, kind });
    return true;
  };
  const depend = (from: string, to: string) => {
    if (from === to) return;
    const key = `${from}\0${to}`;
    const edge = weights.get(key) ?? { from, to, weight: 0 };
    edge.weight += 1;
    weights.set(key, edge);
  };
  const targetNode = (target: Target) => {
    if ('file' in target) {
      addNode({ id: fileId(target.file), kind: 'file', path: target.file });
      return fileId(target.file);
    }
    addNode({ id: moduleId(target.module), kind: 'module', name: target.module });
    return moduleId(target.module);
  };
  const link = (from: string, target: Target) => {
    if (addEdge(fileId(from), targetNode(target), 'imports') && 'file' in target) {
      depend(from, target.file);
    }
  };
  const resolve = (file: ParsedFile, specifier: string) =>
    file.language === 'python'
      ? resolvePython(file.path, specifier, ctx)
      : resolveTypeScript(file.path, specifier, ctx);

  for (const file of parsed) {
    addNode({ id: fileId(file.path), kind: 'file', path: file.path });
    const names = new Set<string>();
    for (const { name, line } of file.definitions) {
      if (names.has(name)) continue;
      names.add(name);
      addNode({ id: symbolId(file.path, name), kind: 'symbol', path: file.path, name, line });
      addEdge(fileId(file.path), symbolId(file.path, name), 'defines');
    }
    definitions.set(file.path, names);
  }

  for (const file of parsed) {
    const local = new Map<string, Binding>();
    bindings.set(file.path, local);
    for (const record of file.imports) {
      const target = resolve(file, record.specifier);
      const submodules = record.bindings.map(({ imported }) =>
        file.language === 'python' ? pythonSubmodule(file, record.specifier, imported) : undefined,
      );
      // `from . import a` with no `__init__.py` imports the submodule, not a package.
      if ('file' in target || !submodules.some(Boolean)) link(file.path, target);
      record.bindings.forEach(({ local: name, imported }, i) => {
        const submodule = submodules[i];
        if (submodule) {
          link(file.path, { file: submodule });
          local.set(name, { file: submodule, name: '*' });
        } else if ('file' in target) {
          local.set(name, { file: target.file, name: imported });
        }
      });
    }
  }

  for (const file of parsed) {
    const local = bindings.get(file.path) ?? new Map<string, Binding>();
    for (const usage of file.usages) {
      const binding = local.get(usage.local);
      if (!binding) continue;
      const name = binding.name === '*' ? usage.member : binding.name;
      if (name === undefined) continue;
      const symbol = resolveExport(binding.file, name, new Set());
      if (symbol && addEdge(fileId(file.path), symbolId(symbol.file, symbol.name), 'references')) {
        depend(file.path, symbol.file);
      }
    }
  }

  return {
    nodes: [...nodes.values()],
    edges: [...edges.values()],
    files: [...nodes.values()].flatMap((node) =>
      node.kind === 'file' && node.path ? [node.path] : [],
    ),
    dependencies: [...weights.values()],
  };

  /** `from pkg import mod` may name the submodule `pkg/mod.py` rather than a name in `pkg`. */
  function pythonSubmodule(file: ParsedFile, specifier: string, imported: string) {
    if (imported === '*') return undefined;
    const dotted = specifier.endsWith('.') ? specifier + imported : `${specifier}.${imported}`;
    const target = resolvePython(file.path, dotted, ctx);
    return 'file' in target ? target.file : undefined;
  }

  /** The declaration behind `name` as `path` exports it, through re-exports and imports. */
  function resolveExport(path: string, name: string, seen: Set<string>): Binding | undefined {
    const file = byPath.get(path);
    const key = `${path}#${name}`;
    if (!file || seen.has(key) || seen.size > 32) return undefined;
    seen.add(key);
    const local = file.language === 'python' ? name : file.exports.get(name);
    if (local !== undefined) {
      if (definitions.get(path)?.has(local)) return { file: path, name: local };
      const imported = bindings.get(path)?.get(local);
      if (imported && imported.name !== '*')
        return resolveExport(imported.file, imported.name, seen);
    }
    for (const reexport of file.reexports) {
      const named = reexport.exported === name && reexport.imported !== '*';
      const star = reexport.exported === '*' && name !== 'default';
      if (!named && !star) continue;
      const target = resolve(file, reexport.specifier);
      if (!('file' in target)) continue;
      const found = resolveExport(target.file, named ? reexport.imported : name, seen);
      if (found) return found;
    }
    return undefined;
  }
}
