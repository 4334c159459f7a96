/**
 * The language families the codebase specialist looks for: the globs that find their
 * files (16 patterns in all, one `code.glob` task per family), and how each language
 * declares a name, written in the regex syntax ripgrep and JavaScript share so the planner
 * can sort the lines a search returns with the very patterns that found them.
 */
export interface Family {
  id: string;
  patterns: string[];
}

export const FAMILIES: readonly Family[] = [
  { id: 'js', patterns: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx', '**/*.mjs', '**/*.cjs'] },
  { id: 'python', patterns: ['**/*.py'] },
  { id: 'go', patterns: ['**/*.go'] },
  { id: 'rust', patterns: ['**/*.rs'] },
  { id: 'jvm', patterns: ['**/*.java', '**/*.kt'] },
  { id: 'c', patterns: ['**/*.c', '**/*.h', '**/*.cpp', '**/*.hpp'] },
  { id: 'ruby', patterns: ['**/*.rb'] },
];

/** Directories of dependencies and builds, never worth a walk even where nothing ignores them. */
export const IGNORED = ['**/node_modules/**', '**/dist/**', '**/target/**', '**/vendor/**'];

/** A language by name, as findings say it. */
export type Language =
  'TypeScript' | 'JavaScript' | 'Python' | 'Go' | 'Rust' | 'Java' | 'Kotlin' | 'C' | 'C++' | 'Ruby';

const BY_EXTENSION: Readonly<Record<string, Language>> = {
  ts: 'TypeScript',
  tsx: 'TypeScript',
  mts: 'TypeScript',
  cts: 'TypeScript',
  js: 'JavaScript',
  jsx: 'JavaScript',
  mjs: 'JavaScript',
  cjs: 'JavaScript',
  py: 'Python',
  go: 'Go',
  rs: 'Rust',
  java: 'Java',
  kt: 'Kotlin',
  c: 'C',
  h: 'C',
  cpp: 'C++',
  hpp: 'C++',
  rb: 'Ruby',
};

export function languageOf(path: string): Language | undefined {
  const extension = /\.([A-Za-z]+)$/.exec(path)?.[1];
  return extension ? BY_EXTENSION[extension] : undefined;
}

/** The languages code.xref builds an import graph for. */
export function hasImportGraph(language: Language): boolean {
  return language === 'TypeScript' || language === 'JavaScript' || language === 'Python';
}

/**
 * How each language declares `name` (already escaped for a regex): its definition lines.
 * C and C++ have no keyword to look for and are found through their calls and mentions.
 */
export function definitionPatterns(language: Language, name: string): string[] {
  switch (language) {
    case 'TypeScript':
    case 'JavaScript':
      return [`\\b(?:function\\*?|class|interface|type|enum|const|let|var)\\s+${name}\\b`];
    case 'Python':
      return [`\\b(?:def|class)\\s+${name}\\b`, `^${name}\\s*=[^=]`];
    case 'Go':
      return [`\\bfunc\\s+(?:\\([^)]*\\)\\s*)?${name}\\b`, `\\b(?:type|var|const)\\s+${name}\\b`];
    case 'Rust':
      return [`\\b(?:fn|struct|enum|trait|type|const|static|mod)\\s+${name}\\b`];
    case 'Java':
    case 'Kotlin':
      return [`\\b(?:class|interface|enum|record|fun)\\s+${name}\\b`];
    case 'Ruby':
      return [`\\b(?:def|class|module)\\s+${name}\\b`];
    case 'C':
    case 'C++':
      return [];
  }
}
