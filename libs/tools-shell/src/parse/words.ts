import type { Node } from 'web-tree-sitter';
import { decodeAnsiC } from './ansi-c';
import type { Word } from './script-model';

/** Node types whose value bash computes at run time. */
const EXPANSIONS = new Set([
  'simple_expansion',
  'expansion',
  'command_substitution',
  'process_substitution',
  'arithmetic_expansion',
]);

/**
 * Reduces a word node to what bash would pass, when that is knowable without running
 * anything: quotes removed, escapes resolved. Anything an expansion decides leaves the
 * value undefined, so a check can say "computed at run time" instead of guessing.
 */
export function wordOf(node: Node): Word {
  const text = node.text;
  return { text, value: valueOf(node), pattern: isPattern(node) };
}

function valueOf(node: Node): string | undefined {
  switch (node.type) {
    case 'word':
      return unescapeUnquoted(node.text);
    case 'number':
      return node.text;
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'ansi_c_string':
      return decodeAnsiC(node.text.slice(2, -1), node.startIndex + 2);
    case 'string':
    case 'translated_string': {
      if (node.namedChildren.some((child) => child && EXPANSIONS.has(child.type))) return undefined;
      const body = node.text.slice(node.type === 'string' ? 1 : 2, -1);
      return body.replace(/\\([$`"\\\n])/g, (_, c: string) => (c === '\n' ? '' : c));
    }
    case 'concatenation': {
      let joined = '';
      // Every part must be a word of its own: an anonymous token inside (a lone `$`)
      // means tree-sitter saw something it does not name, so no value is claimed.
      for (const part of node.children) {
        const value = part?.isNamed ? valueOf(part) : undefined;
        if (value === undefined) return undefined;
        joined += value;
      }
      return joined;
    }
    default:
      return undefined;
  }
}

/** Removes backslash escapes of an unquoted word; a backslash-newline joins lines. */
function unescapeUnquoted(text: string): string {
  return text.replace(/\\(\n|.)/gs, (_, c: string) => (c === '\n' ? '' : c));
}

/** Unquoted `*`, `?`, `[` or braces: the word may stand for several after expansion. */
function isPattern(node: Node): boolean {
  if (node.type === 'brace_expression' || node.type === 'extglob_pattern') return true;
  if (node.type === 'word') return /(^|[^\\])([*?[]|\{[^}]*(,|\.\.)[^}]*\})/.test(node.text);
  if (node.type === 'concatenation') {
    if (/\{[^}]*(,|\.\.)/.test(node.text) && node.namedChildren.some((c) => c?.type === 'word'))
      return true;
    return node.namedChildren.some((child) => child !== null && isPattern(child));
  }
  return false;
}
