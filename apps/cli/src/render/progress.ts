import type { WorkflowEvent } from '@fanout/contracts';

interface PhaseLine {
  status: string;
  total: number;
  done: number;
  failed: number;
  startedAt?: number;
  endedAt?: number;
}

const ENDED = new Set(['TaskSucceeded', 'TaskFailed', 'TaskSkipped', 'TaskCancelled']);

/**
 * A live view of a workflow on a terminal: one line per phase with its tasks done out of
 * total and its elapsed time, redrawn in place. Fed the same events as the plain log.
 */
export class ProgressDisplay {
  private readonly phases = new Map<string, PhaseLine>();
  private drawn = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly out: NodeJS.WriteStream) {
    this.timer = setInterval(() => this.draw(), 100);
  }

  /** Folds one event into the view. */
  update(event: WorkflowEvent): void {
    if (event.type === 'WorkflowAccepted') {
      for (const phase of event.definition.phases) {
        this.phases.set(phase.id, {
          status: 'waiting',
          total: phase.tasks.length,
          done: 0,
          failed: 0,
        });
      }
    }
    const phaseId = 'phaseId' in event ? event.phaseId : undefined;
    const taskPhase = 'taskId' in event ? event.taskId.split('/')[0] : undefined;
    const line = this.phases.get(phaseId ?? taskPhase ?? '');
    if (!line) return;
    if (event.type === 'PhaseStarted')
      Object.assign(line, { status: 'running', startedAt: event.at });
    if (event.type === 'PhaseCompleted')
      Object.assign(line, { status: event.status, endedAt: event.at });
    if (event.type === 'TasksExpanded') line.total += event.count - 1;
    if (ENDED.has(event.type)) line.done++;
    if (event.type === 'TaskFailed') line.failed++;
  }

  private draw(): void {
    const now = Date.now();
    const lines = [...this.phases].map(([id, phase]) => {
      const elapsed = phase.startedAt ? ((phase.endedAt ?? now) - phase.startedAt) / 1000 : 0;
      const failed = phase.failed ? `, ${phase.failed} failed` : '';
      return `  ${id.padEnd(16)} ${phase.status.padEnd(10)} ${phase.done}/${phase.total}${failed}  ${elapsed.toFixed(1)}s`;
    });
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    this.out.write(up + lines.map((line) => `\x1b[2K${line}\n`).join(''));
    this.drawn = lines.length;
  }

  /** Draws the final state and stops redrawing. */
  stop(): void {
    clearInterval(this.timer);
    this.draw();
  }
}
