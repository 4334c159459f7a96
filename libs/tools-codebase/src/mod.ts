/**
 * The codebase tools: `code.glob`, `code.grep`, `code.read` and `code.xref`, each a plain
 * function of (input, ctx) jailed to its `root`. They know nothing of NATS or of how a
 * task reached them, so a worker, a test or a benchmark calls them the same way.
 */
import type { ToolImplementation } from '@fanout/contracts';
import { glob } from './glob/glob';
import { grep } from './grep/grep';
import { read } from './read/read';
import { xref } from './xref/xref';
import type { CodebaseSettings } from './codebase-settings';

export { glob, type GlobResult } from './glob/glob';
export { grep, type GrepResult } from './grep/grep';
export type { GrepMatch } from './grep/context-window';
export { read } from './read/read';
export { xref } from './xref/xref';
export { CodebaseError, CodebaseErrorCode } from './errors';
export { openJail, resolveInside, relativeInside, type Jail, type JailedPath } from './jail';
export { ripgrepPath } from './ripgrep/ripgrep-path';
export {
  codebaseSettingsFromEnv,
  DEFAULT_CODEBASE_SETTINGS,
  type CodebaseSettings,
} from './codebase-settings';

/**
 * The four tools by their catalogue name, typed against their contracts: what a
 * codebase worker registers, so a tool cannot be wired under the wrong name or shape.
 */
export type CodebaseTools = {
  'code.glob': ToolImplementation<'code.glob'>;
  'code.grep': ToolImplementation<'code.grep'>;
  'code.read': ToolImplementation<'code.read'>;
  'code.xref': ToolImplementation<'code.xref'>;
};

/**
 * The tools with the settings given: a worker passes those its boot read
 * (`codebaseSettingsFromEnv`), a test or a benchmark its own; the library reads no variables.
 */
export function createCodebaseTools(settings: CodebaseSettings): CodebaseTools {
  return {
    'code.glob': glob,
    'code.grep': (input, ctx) => grep(input, ctx, settings),
    'code.read': read,
    'code.xref': xref,
  };
}
