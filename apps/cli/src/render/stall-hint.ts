/** How long without a single event before `run` and `watch` say why they may be waiting. */
const STALL_MS = 10_000;

/**
 * A waiting workflow with no orchestrator looks exactly like a slow one; after a quiet
 * while this says so on stderr, once, so a user is not left staring at nothing.
 * Returns the function that disarms it (call it on the first event).
 */
export function stallHint(workflowId: string): () => void {
  const timer = setTimeout(() => {
    process.stderr.write(
      `fanout: no events for ${workflowId} after ${STALL_MS / 1000} s; is an orchestrator running on this NATS and subject prefix?\n`,
    );
  }, STALL_MS);
  timer.unref();
  return () => clearTimeout(timer);
}
