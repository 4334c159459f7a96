import { CodeGlob, CodeGrep, CodeRead, CodeXref, type ChildOutcome } from '@fanout/contracts';
import { byText, failuresIn, resultIn } from '../shared/outcomes';
import { recordLine, type Knowledge } from './knowledge';
import { PHASE } from './round-documents';
import type { Stage } from './stages';

/** Adds what a round's child found to what is known, and what it failed to do to `notDone`. */
export function absorb(knowledge: Knowledge, stage: Stage, round: ChildOutcome): void {
  const phase = PHASE[stage.kind];
  knowledge.notDone.push(...failuresIn(round, (taskId) => describeTask(stage, taskId)));
  switch (stage.kind) {
    case 'structure': {
      const files = new Set(knowledge.files);
      for (const { task } of stage.globs) {
        const found = resultIn(round, phase, task, CodeGlob.output);
        if (!found) continue;
        for (const path of found.files) files.add(path);
        if (found.truncated) {
          knowledge.notDone.push({
            what: `list every file (${task})`,
            why: 'code.glob stopped at its result cap',
          });
        }
      }
      knowledge.files = [...files].sort(byText);
      knowledge.stagesDone.add('structure');
      return;
    }
    case 'search': {
      knowledge.patterns = stage.greps.flatMap((grep) => grep.patterns);
      for (const { task } of stage.greps) {
        const found = resultIn(round, phase, task, CodeGrep.output);
        if (!found) continue;
        for (const match of found.matches)
          recordLine(knowledge, match.path, match.line, match.text);
        if (found.truncated) {
          knowledge.notDone.push({
            what: `see every match (${task})`,
            why: 'code.grep stopped at its match cap',
          });
        }
      }
      knowledge.stagesDone.add('search');
      return;
    }
    case 'graph': {
      const graph = resultIn(round, phase, 'imports', CodeXref.output);
      if (graph) knowledge.graph = graph;
      knowledge.stagesDone.add('graph');
      return;
    }
    case 'read': {
      let added = 0;
      stage.paths.forEach((path, index) => {
        const read = resultIn(round, phase, `file${index}`, CodeRead.output);
        // A file that cannot be read is not tried again.
        if (!read) return void knowledge.reads.set(path, []);
        const lines = read.content.split('\n').map((line) => line.replace(/\r$/, ''));
        knowledge.reads.set(path, lines);
        lines.forEach((text, offset) => {
          if (recordLine(knowledge, path, read.startLine + offset, text)) added += 1;
        });
      });
      knowledge.readRounds += 1;
      knowledge.lastReadAdded = added;
      return;
    }
  }
}

/** A task of a stage's round, as `notDone` names it. */
function describeTask(stage: Stage, taskId: string): string {
  const task = taskId.split('/')[1] ?? taskId;
  switch (stage.kind) {
    case 'structure':
      return `list the ${task} files (code.glob)`;
    case 'search':
      return `search for the goal's ${task} (code.grep)`;
    case 'graph':
      return 'build the import graph (code.xref)';
    case 'read': {
      const index = Number(/^file(\d+)$/.exec(task)?.[1]);
      return `read ${stage.paths[index] ?? task} (code.read)`;
    }
  }
}
