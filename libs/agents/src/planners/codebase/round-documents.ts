import type { WorkflowDocument } from '@fanout/contracts';
import type { Knowledge } from './knowledge';
import { IGNORED } from './languages';
import { searchedGlobs, type Stage } from './stages';

const MAX_GLOB_RESULTS = 20_000;
const MAX_GREP_MATCHES = 5_000;
const MAX_XREF_FILES = 5_000;
const MAX_READ_BYTES = 262_144;

/** The phase every round's tasks are in; it goes on without a task that failed. */
export const PHASE: Readonly<Record<Stage['kind'], string>> = {
  structure: 'structure',
  search: 'search',
  graph: 'graph',
  read: 'read',
};

/** The child workflow of a stage: its tasks in one phase, run in parallel. */
export function documentOf(stage: Stage, knowledge: Knowledge): WorkflowDocument {
  const root = knowledge.root;
  const tasks = (() => {
    switch (stage.kind) {
      case 'structure':
        return stage.globs.map(({ task, patterns }) => ({
          id: task,
          tool: 'code.glob',
          input: { root, patterns, ignore: IGNORED, maxResults: MAX_GLOB_RESULTS },
        }));
      case 'search': {
        const include = searchedGlobs(knowledge);
        return stage.greps.map(({ task, patterns, caseSensitive }) => ({
          id: task,
          tool: 'code.grep',
          input: {
            root,
            patterns: patterns.map((pattern) => pattern.regex),
            caseSensitive,
            include,
            exclude: IGNORED,
            maxMatches: MAX_GREP_MATCHES,
          },
        }));
      }
      case 'graph':
        return [
          {
            id: 'imports',
            tool: 'code.xref',
            input: { root, files: stage.files, maxFiles: MAX_XREF_FILES },
          },
        ];
      case 'read':
        return stage.paths.map((path, index) => ({
          id: `file${index}`,
          tool: 'code.read',
          input: { root, path, maxBytes: MAX_READ_BYTES },
        }));
    }
  })();
  return {
    name: `codebase-${stage.kind}`,
    phases: [{ id: PHASE[stage.kind], barrier: { policy: 'degrade' }, tasks }],
  };
}
