import type { ToolOutputOf } from '@fanout/contracts';
import type { ParsedFile } from './model';
import type { WeightedEdge } from './page-rank';
import { resolvePython, type ResolveContext, type Target } from './resolve-module';

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
  const builder = new GraphBuilder(parsed, ctx);
  builder.declare();
  builder.bindImports();
  builder.linkUsages();
  return builder.graph();
}

/** The graph under construction, built in three passes, each needing the one before. */
class GraphBuilder {
  private readonly byPath: Map<string, ParsedFile>;
  private readonly nodes = new Map<string, XrefNode>();
  private readonly edges = new Map<string, XrefEdge>();
  private readonly weights = new Map<string, WeightedEdge>();
  /** Per file, what each of its local names stands for (filled by `bindImports`). */
  private readonly bindings = new Map<string, Map<string, Binding>>();
  /** Per file, the names it declares (filled by `declare`). */
  private readonly definitions = new Map<string, Set<string>>();

  constructor(
    private readonly parsed: ParsedFile[],
    private readonly ctx: ResolveContext,
  ) {
    this.byPath = new Map(parsed.map((file) => [file.path, file]));
  }

  /** Pass 1: a node per file and per top-level declaration, and the `defines` edges. */
  declare(): void {
    for (const file of this.parsed) {
      this.addNode({ id: fileId(file.path), kind: 'file', path: file.path });
      const names = new Set<string>();
      for (const { name, line } of file.definitions) {
        if (names.has(name)) continue;
        names.add(name);
        const id = symbolId(file.path, name);
        this.addNode({ id, kind: 'symbol', path: file.path, name, line });
        this.addEdge(fileId(file.path), id, 'defines');
      }
      this.definitions.set(file.path, names);
    }
  }

  /** Pass 2: each import resolved to a file or module (`imports`), its local names bound. */
  bindImports(): void {
    for (const file of this.parsed) {
      const local = new Map<string, Binding>();
      this.bindings.set(file.path, local);
      for (const record of file.imports) {
        const target = this.resolve(file, record.specifier);
        const submodules = record.bindings.map(({ imported }) =>
          file.language === 'python'
            ? this.pythonSubmodule(file, record.specifier, imported)
            : undefined,
        );
        // `from . import a` with no `__init__.py` imports the submodule, not a package.
        if ('file' in target || !submodules.some(Boolean)) this.link(file.path, target);
        record.bindings.forEach(({ local: name, imported }, i) => {
          const submodule = submodules[i];
          if (submodule) {
            this.link(file.path, { file: submodule });
            local.set(name, { file: submodule, name: '*' });
          } else if ('file' in target) {
            local.set(name, { file: target.file, name: imported });
          }
        });
      }
    }
  }

  /** Pass 3: each use of an imported name, followed to its declaration (`references`). */
  linkUsages(): void {
    for (const file of this.parsed) {
      const local = this.bindings.get(file.path) ?? new Map<string, Binding>();
      for (const usage of file.usages) {
        const binding = local.get(usage.local);
        if (!binding) continue;
        const name = binding.name === '*' ? usage.member : binding.name;
        if (name === undefined) continue;
        const symbol = this.resolveExport(binding.file, name, new Set());
        if (!symbol) continue;
        const id = symbolId(symbol.file, symbol.name);
        if (this.addEdge(fileId(file.path), id, 'references')) this.depend(file.path, symbol.file);
      }
    }
  }

  graph(): Graph {
    const nodes = [...this.nodes.values()];
    return {
      nodes,
      edges: [...this.edges.values()],
      files: nodes.flatMap((node) => (node.kind === 'file' && node.path ? [node.path] : [])),
      dependencies: [...this.weights.values()],
    };
  }

  private addNode(node: XrefNode): void {
    if (!this.nodes.has(node.id)) this.nodes.set(node.id, node);
  }

  /** Adds an edge once; says whether it was new. */
  private addEdge(from: string, to: string, kind: XrefEdge['kind']): boolean {
    const key = `${from}\0${to}\0${kind}`;
    if (this.edges.has(key)) return false;
    this.edges.set(key, { from, to, kind });
    return true;
  }

  /** One more thing `from` uses of `to`: the weight the ranking follows. */
  private depend(from: string, to: string): void {
    if (from === to) return;
    const key = `${from}\0${to}`;
    const edge = this.weights.get(key) ?? { from, to, weight: 0 };
    edge.weight += 1;
    this.weights.set(key, edge);
  }

  private targetNode(target: Target): string {
    if ('file' in target) {
      this.addNode({ id: fileId(target.file), kind: 'file', path: target.file });
      return fileId(target.file);
    }
    this.addNode({ id: moduleId(target.module), kind: 'module', name: target.module });
    return moduleId(target.module);
  }

  private link(from: string, target: Target): void {
    if (this.addEdge(fileId(from), this.targetNode(target), 'imports') && 'file' in target) {
      this.depend(from, target.file);
    }
  }

  private resolve(file: ParsedFile, specifier: string): Target {
    return file.language === 'python'
      ? resolvePython(file.path, specifier, this.ctx)
      : this.ctx.resolveTypeScript(file.path, specifier);
  }

  /** `from pkg import mod` may name the submodule `pkg/mod.py` rather than a name in `pkg`. */
  private pythonSubmodule(file: ParsedFile, specifier: string, imported: string) {
    if (imported === '*') return undefined;
    const dotted = specifier.endsWith('.') ? specifier + imported : `${specifier}.${imported}`;
    const target = resolvePython(file.path, dotted, this.ctx);
    return 'file' in target ? target.file : undefined;
  }

  /** The declaration behind `name` as `path` exports it, through re-exports and imports. */
  private resolveExport(path: string, name: string, seen: Set<string>): Binding | undefined {
    const file = this.byPath.get(path);
    const key = `${path}#${name}`;
    if (!file || seen.has(key) || seen.size > 32) return undefined;
    seen.add(key);
    const local = file.language === 'python' ? name : file.exports.get(name);
    if (local !== undefined) {
      if (this.definitions.get(path)?.has(local)) return { file: path, name: local };
      const imported = this.bindings.get(path)?.get(local);
      if (imported && imported.name !== '*')
        return this.resolveExport(imported.file, imported.name, seen);
    }
    for (const reexport of file.reexports) {
      const named = reexport.exported === name && reexport.imported !== '*';
      const star = reexport.exported === '*' && name !== 'default';
      if (!named && !star) continue;
      const target = this.resolve(file, reexport.specifier);
      if (!('file' in target)) continue;
      const found = this.resolveExport(target.file, named ? reexport.imported : name, seen);
      if (found) return found;
    }
    return undefined;
  }
}
