import type { WorkflowDocument } from '@fanout/contracts';
import type { Knowledge } from './knowledge';
import { IGNORED } from './languages';
import { searchedGlobs, type Stage } from './stages';

const MAX_GLOB_RESULTS = 20_000;
const MAX_GREP_MATCHES = 5_000;
const MAX_XREF_FILES = 5_000;
const MAX_READ_BYTES = 262_144;

/** The phases of the rounds' child workflows; each goes on without a task that failed. */
export const PHASE = {
  structure: 'structure',
  search: 'search',
  graph: 'graph',
  read: 'read',
} as const;

type Phase = WorkflowDocument['phases'][number];

/** The child workflow of a stage: its tasks run in parallel, its phases side by side. */
export function documentOf(stage: Stage, knowledge: Knowledge): WorkflowDocument {
  const root = knowledge.root;
  const phase = (id: string, tasks: Phase['tasks']): Phase => ({
    id,
    barrier: { policy: 'degrade' },
    tasks,
  });
  const phases = (() => {
    switch (stage.kind) {
      case 'structure':
        return [
          phase(
            PHASE.structure,
            stage.globs.map(({ task, patterns }) => ({
              id: task,
              tool: 'code.glob',
              input: { root, patterns, ignore: IGNORED, maxResults: MAX_GLOB_RESULTS },
            })),
          ),
        ];
      case 'survey': {
        const include = searchedGlobs(knowledge);
        const search = stage.greps.map(({ task, patterns, caseSensitive, shard, parts }) => ({
          id: task,
          tool: 'code.grep',
          input: {
            root,
            patterns: patterns.map((pattern) => pattern.regex),
            caseSensitive,
            include,
            exclude: [...IGNORED, ...shard.exclude],
            ...(shard.paths.length > 0 ? { paths: shard.paths } : {}),
            // A split search keeps about as many matches in all as one walk would.
            maxMatches: Math.ceil(MAX_GREP_MATCHES / parts),
          },
        }));
        const graph = stage.graph && {
          id: 'imports',
          tool: 'code.xref',
          input: { root, files: stage.graph, maxFiles: MAX_XREF_FILES },
        };
        return [
          ...(search.length > 0 ? [phase(PHASE.search, search)] : []),
          ...(graph ? [phase(PHASE.graph, [graph])] : []),
        ];
      }
      case 'read':
        return [
          phase(
            PHASE.read,
            stage.paths.map((path, index) => ({
              id: `file${index}`,
              tool: 'code.read',
              input: { root, path, maxBytes: MAX_READ_BYTES },
            })),
          ),
        ];
    }
  })();
  return { name: `codebase-${stage.kind}`, phases };
}
