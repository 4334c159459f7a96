import { CodeGlob, CodeGrep, CodeRead, CodeXref, type ChildOutcome } from '@fanout/contracts';
import { byText, failuresIn, resultIn } from '../shared/outcomes';
import { recordLine, type Knowledge } from './knowledge';
import { PHASE } from './round-documents';
import type { Stage } from './stages';

/** Adds what a round's child found to what is known, and what it failed to do to `notDone`. */
export function absorb(knowledge: Knowledge, stage: Stage, round: ChildOutcome): void {
  knowledge.notDone.push(...failuresIn(round, (taskId) => describeTask(stage, taskId)));
  switch (stage.kind) {
    case 'structure': {
      const files = new Set(knowledge.files);
      for (const { task } of stage.globs) {
        const found = resultIn(round, PHASE.structure, task, CodeGlob.output);
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
    case 'survey': {
      knowledge.patterns = [...new Set(stage.greps.flatMap((grep) => grep.patterns))];
      // The parts the search ran in, as the round holds them (a replay may size it otherwise).
      for (const task of tasksRun(round, PHASE.search)) {
        const found = resultIn(round, PHASE.search, task, CodeGrep.output);
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
      const graph = stage.graph && resultIn(round, PHASE.graph, 'imports', CodeXref.output);
      if (graph) knowledge.graph = graph;
      knowledge.stagesDone.add('survey');
      return;
    }
    case 'read': {
      let added = 0;
      const ran = new Set(tasksRun(round, PHASE.read));
      stage.paths.forEach((path, index) => {
        if (!ran.has(`file${index}`)) return;
        const read = resultIn(round, PHASE.read, `file${index}`, CodeRead.output);
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

/** The tasks of a phase the round ran, whether they succeeded or not, in order. */
function tasksRun(round: ChildOutcome, phase: string): string[] {
  const tasks = new Set<string>();
  for (const key of Object.keys(round.result ?? {})) {
    if (key.startsWith(`${phase}.`)) tasks.add(key.slice(phase.length + 1));
  }
  for (const { taskId } of round.synthesis.tasks) {
    if (taskId.startsWith(`${phase}/`)) tasks.add(taskId.slice(phase.length + 1));
  }
  return [...tasks].sort(byText);
}

/** A task of a stage's round, as `notDone` names it. */
function describeTask(stage: Stage, taskId: string): string {
  const task = taskId.split('/')[1] ?? taskId;
  switch (stage.kind) {
    case 'structure':
      return `list the ${task} files (code.glob)`;
    case 'survey':
      return taskId.startsWith(`${PHASE.graph}/`)
        ? 'build the import graph (code.xref)'
        : `search for the goal's ${task.replace(/-(\d+)$/, ' in part $1')} (code.grep)`;
    case 'read': {
      const index = Number(/^file(\d+)$/.exec(task)?.[1]);
      return `read ${stage.paths[index] ?? task} (code.read)`;
    }
  }
}
