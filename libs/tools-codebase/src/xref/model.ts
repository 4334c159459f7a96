/** The languages code.xref understands. */
export type Language = 'typescript' | 'python';

/** A top-level declaration: what a file offers to others. */
export interface Definition {
  name: string;
  /** 1-based line of the declared name. */
  line: number;
  exported: boolean;
}

/**
 * One import statement (or `require`, dynamic `import()`, `export … from`). `bindings`
 * say which local names it introduces: `imported` is the name in the target module,
 * `'default'` for a default import and `'*'` for a whole-module binding (a namespace
 * import, a CommonJS require, a Python `import a.b`).
 */
export interface ImportRecord {
  specifier: string;
  line: number;
  bindings: { local: string; imported: string }[];
}

/** `export { imported as exported } from 'specifier'`; `'*'` for `export * from`. */
export interface ReExport {
  specifier: string;
  exported: string;
  imported: string;
}

/** A use of an imported local name; `member` is the `x` of `ns.x` for whole-module bindings. */
export interface Usage {
  local: string;
  member?: string;
}

/**
 * What a parser learns of one file, before anything is resolved: parsing needs only the
 * file's own text, so it is pure and each language's parser stands alone.
 */
export interface ParsedFile {
  path: string;
  language: Language;
  definitions: Definition[];
  imports: ImportRecord[];
  /** Exported name -> local name (TypeScript; a Python module exports every top-level name). */
  exports: Map<string, string>;
  reexports: ReExport[];
  usages: Usage[];
}

/** Which parser reads a file, by extension; `undefined` for files code.xref skips. */
export function languageOf(path: string): Language | undefined {
  if (/\.(?:[cm]?[jt]s|[jt]sx)$/.test(path)) return 'typescript';
  if (/\.pyi?$/.test(path)) return 'python';
  return undefined;
}
