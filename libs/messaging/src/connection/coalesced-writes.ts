import { ProtocolHandler } from '@nats-io/nats-core/internal';

interface ProtocolInternals {
  outbound: {
    length(): number;
    size(): number;
    fill(buffer: Uint8Array, ...rest: Uint8Array[]): void;
  };
  pendingLimit: number;
  flushPending(): void;
}

let installed = false;

/**
 * nats.js writes what a connection has to send at the end of the microtask in which the
 * first of it was queued. A service that answers a batch of messages does so across many
 * microtasks (each handler awaits), so every publish and ack became a socket write of its
 * own: in the orchestrator, `writeBuffer` was the largest item of its CPU profile (11% of
 * its time at ~1,400 tasks/s, `npm run bench -- engine`). The first queued command now
 * flushes at `setImmediate` — after the turn's I/O callbacks and their microtasks — so all
 * that one turn of the event loop sends goes out in one write. A buffer past the library's
 * own limit still flushes at once. Installed once, by `connectNats`.
 */
export function coalesceWrites(): void {
  if (installed) return;
  installed = true;
  ProtocolHandler.prototype.sendCommand = function (
    this: ProtocolInternals,
    command: string | Uint8Array,
    ...payloads: Uint8Array[]
  ) {
    const queued = this.outbound.length();
    this.outbound.fill(
      typeof command === 'string' ? encoder.encode(command) : command,
      ...payloads,
    );
    if (queued === 0) setImmediate(() => this.flushPending());
    else if (this.outbound.size() >= this.pendingLimit) this.flushPending();
  } as typeof ProtocolHandler.prototype.sendCommand;
}

const encoder = new TextEncoder();
