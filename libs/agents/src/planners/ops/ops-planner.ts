import {
  BashExec,
  type Finding,
  type NotDone,
  type SpecialistAnswer,
  type WorkflowDocument,
} from '@fanout/contracts';
import { AgentError } from '../../errors';
import type { Planner, PlanRequest, PlanStep } from '../../planner';
import { rootOf, tasksLeft } from '../shared/context';
import { failuresIn, resultIn } from '../shared/outcomes';
import { OPS_COMMANDS, type OpsCommand } from './ops-commands';

const SPECIALIST = 'ops';
const PHASE = 'inspect';
const TIMEOUT_MS = 15_000;

/**
 * The ops specialist, without a model: one round of read-only commands in parallel (git
 * state in the root, package managers, the system's kernel, load, disks, memory,
 * processes and sockets), then an answer summarising each. A command the policy or the
 * sandbox refuses, or that fails, is in `notDone` with the tool's message.
 */
export const opsPlanner: Planner = {
  async step(request: PlanRequest): Promise<PlanStep> {
    return opsStep(request);
  },
};

export function opsStep(request: PlanRequest): PlanStep {
  const root = rootOf(request);
  const [round, ...extra] = request.rounds;
  if (extra.length > 0) {
    throw new AgentError(
      'ROUNDS_INCONSISTENT',
      'the ops specialist plans one round, yet more were run',
    );
  }
  // The first request's budget decides the round; replaying it gives the same commands.
  const chosen = OPS_COMMANDS.slice(
    0,
    Math.min(OPS_COMMANDS.length, tasksLeft({ ...request, rounds: [] })),
  );
  const cut: NotDone[] = OPS_COMMANDS.slice(chosen.length).map((command) => ({
    what: `run \`${command.command}\``,
    why: 'budget.maxTasks leaves no tasks for it',
  }));
  if (!round) {
    if (chosen.length === 0) return { answer: answerOf([], cut, 'No command was run.'), tokens: 0 };
    return {
      plan: documentOf(chosen, root),
      last: false,
      note: `run ${chosen.length} read-only command(s) in ${root}`,
      tokens: 0,
    };
  }
  const byTask = new Map(chosen.map((command) => [`${PHASE}/${command.id}`, command]));
  const notDone = [
    ...failuresIn(round, (taskId) => `run \`${byTask.get(taskId)?.command ?? taskId}\``),
    ...cut,
  ];
  const findings: Finding[] = [];
  for (const command of chosen) {
    const output = resultIn(round, PHASE, command.id, BashExec.output);
    if (!output) continue;
    findings.push({
      specialist: SPECIALIST,
      claim: command.summarise(output.stdout),
      evidence: [],
    });
  }
  const summary = `Ran ${findings.length} of ${OPS_COMMANDS.length} inspection commands in ${root}.`;
  return { answer: answerOf(findings, notDone, summary), tokens: 0 };
}

function documentOf(commands: readonly OpsCommand[], root: string): WorkflowDocument {
  return {
    name: 'ops-inspect',
    phases: [
      {
        id: PHASE,
        barrier: { policy: 'degrade' },
        tasks: commands.map((command) => ({
          id: command.id,
          tool: 'bash.exec',
          input: {
            command: command.command,
            cwd: root,
            timeoutMs: TIMEOUT_MS,
            ...(command.okExitCodes ? { okExitCodes: command.okExitCodes } : {}),
          },
        })),
      },
    ],
  };
}

function answerOf(findings: Finding[], notDone: NotDone[], summary: string): SpecialistAnswer {
  return { specialist: SPECIALIST, planner: 'templates', summary, findings, notDone };
}
