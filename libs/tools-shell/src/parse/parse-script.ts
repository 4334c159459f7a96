import type { Node, Parser } from 'web-tree-sitter';
import { UnreadableEscape } from './ansi-c';
import { withTree } from './bash-parser';
import { extractScript } from './extract';
import type { Script } from './script-model';

/** Where and what a command line fails to parse at: what a refusal quotes. */
export interface SyntaxProblem {
  line: number;
  column: number;
  near: string;
  /** What is wrong with `near`, when more is known than that bash stops there. */
  why?: string;
}

export type ParseOutcome = { ok: true; script: Script } | { ok: false; problem: SyntaxProblem };

/**
 * Parses a command line into a {@link Script}, or says where it stops being bash.
 * tree-sitter recovers from errors by guessing; a guess is not what bash will run, so any
 * error or missing node makes the whole line unparsable rather than partly checked. So
 * does a `$'…'` escape that names no character: what bash passes for it is not known.
 */
export function parseScript(
  parser: Parser,
  source: string,
  where: { cwd?: string; home?: string },
): ParseOutcome {
  return withTree(parser, source, (tree) => {
    const root = tree.rootNode;
    if (root.hasError) return { ok: false, problem: firstProblem(root, source) };
    try {
      return { ok: true, script: extractScript(root, where.cwd, where.home) };
    } catch (error) {
      if (!(error instanceof UnreadableEscape)) throw error;
      const near = error.escape;
      return { ok: false, problem: { ...positionOf(source, error.index), near, why: error.why } };
    }
  });
}

/** Line and column (from 1) of a string index, as an editor counts them. */
function positionOf(source: string, index: number): { line: number; column: number } {
  const before = source.slice(0, index);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: index - lineStart + 1 };
}

function firstProblem(root: Node, source: string): SyntaxProblem {
  const stack: Node[] = [root];
  for (let node = stack.shift(); node; node = stack.shift()) {
    if (node.isError || node.isMissing) {
      const { row, column } = node.startPosition;
      const near = node.isMissing
        ? `missing ${node.type}`
        : source.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 40));
      return { line: row + 1, column: column + 1, near };
    }
    // Depth first, in source order: the first problem bash would also stop at.
    stack.unshift(
      ...node.children.filter(
        (child): child is Node => child !== null && (child.hasError || child.isMissing),
      ),
    );
  }
  return { line: 1, column: 1, near: source.slice(0, 40) };
}
