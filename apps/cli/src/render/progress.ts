import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { LoadSnapshot, WorkflowEvent } from '@fanout/contracts';
import type { TreeEvent } from '@fanout/client';
import { ProgressModel, type ChildView, type PhaseView } from './progress-model';

/** The load snapshots the display follows, stopped with it. */
interface LoadFeed extends AsyncIterable<LoadSnapshot> {
  stop(): Promise<void>;
}

const PHASE_FORMAT = '  {phase} {bar} {value}/{total} {status}{failed}  {elapsed}s';
const POOLS_FORMAT = '  {pools}';
const CHILD_FORMAT = '  {child}';

/**
 * A live view of a run on a terminal: a bar per phase (tasks ended out of total, its
 * status and elapsed time), a line of the pools' busy/total slots and the run's elapsed
 * time, and failures printed above the bars as they happen. Drawn by cli-progress.
 */
export class ProgressDisplay {
  private readonly model = new ProgressModel();
  private readonly bars: MultiBar;
  private readonly phaseBars = new Map<string, SingleBar>();
  private readonly childBars = new Map<string, SingleBar>();
  private readonly poolsBar: SingleBar;
  private readonly startedAt = Date.now();
  private readonly timer: NodeJS.Timeout;
  private readonly following: Promise<void>;

  constructor(
    out: NodeJS.WriteStream,
    private readonly load: LoadFeed,
  ) {
    this.bars = new MultiBar(
      { stream: out, format: PHASE_FORMAT, hideCursor: true, barsize: 24, fps: 10 },
      Presets.shades_classic,
    );
    this.poolsBar = this.bars.create(1, 0, { pools: this.poolsLine() }, { format: POOLS_FORMAT });
    this.following = this.follow();
    this.timer = setInterval(() => this.redraw(), 100);
  }

  /** Folds one event into the view; the timer draws it (a big fan-out sends thousands). */
  update(event: WorkflowEvent): void {
    const failure = this.model.update(event);
    if (failure) this.bars.log(`  ${failure}\n`);
  }

  /** Folds an event of the run or of one of its child workflows into the view. */
  updateTree(item: TreeEvent): void {
    const failure = this.model.updateTree(item);
    if (failure) this.bars.log(`  ${failure}\n`);
  }

  /** Draws the final state and stops drawing and following the load. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.redraw();
    this.bars.stop();
    await this.load.stop();
    await this.following;
  }

  private async follow(): Promise<void> {
    for await (const snapshot of this.load) this.model.observe(snapshot);
  }

  private redraw(): void {
    const width = Math.max(8, ...[...this.model.phases.keys()].map((id) => id.length));
    for (const phase of this.model.phases.values()) {
      const bar = this.phaseBars.get(phase.id) ?? this.bars.create(phase.total, 0);
      this.phaseBars.set(phase.id, bar);
      bar.setTotal(Math.max(phase.total, 1));
      bar.update(phase.ended, payload(phase, width));
    }
    for (const child of this.model.children.values()) {
      const bar =
        this.childBars.get(child.workflowId) ??
        this.bars.create(1, 0, { child: '' }, { format: CHILD_FORMAT });
      this.childBars.set(child.workflowId, bar);
      bar.update(0, { child: childLine(child) });
    }
    this.poolsBar.update(0, { pools: this.poolsLine() });
  }

  private poolsLine(): string {
    const elapsed = ((Date.now() - this.startedAt) / 1000).toFixed(1);
    const pools = this.model
      .pools(Date.now())
      .map(({ pool, busy, size }) => `${pool} ${busy}/${size}`);
    return `${elapsed}s  pools busy: ${pools.length ? pools.join('  ') : 'waiting for the workers…'}`;
  }
}

/** One child of the agent tree: where it hangs, how far it is, its tool calls running. */
function childLine(child: ChildView): string {
  const indent = '  '.repeat(child.depth - 1);
  return `${indent}└ ${child.label} ${child.status} ${child.ended}/${child.total} tasks, ${child.busy.size} running`;
}

function payload(phase: PhaseView, width: number) {
  const elapsed = phase.startedAt ? ((phase.endedAt ?? Date.now()) - phase.startedAt) / 1000 : 0;
  return {
    phase: phase.id.padEnd(width),
    status: phase.status,
    failed: phase.failed ? `, ${phase.failed} failed` : '',
    elapsed: elapsed.toFixed(1),
  };
}
