import { enableCompileCache } from 'node:module';

// V8 keeps the code it compiled on disk (in the temp dir) for the next start: a command
// that runs for a few milliseconds would otherwise spend a good part of them compiling.
enableCompileCache();
const { run } = await import('./cli');

/**
 * Entry of the `fanout` command. It exits as soon as the command is done, so that no
 * reconnect timer of NATS keeps the process up, but only once stdout and stderr have taken
 * everything written to them: a pipe may be non-blocking (a child process shares it), and
 * exiting with writes still queued would cut a long `--json` document short.
 */
const code = await run(process.argv.slice(2));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);

/** Resolves once every write queued on the stream before this call has been handed over. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}
