import { run } from './cli';

/**
 * Entry of the `fanout` command. Output is written synchronously to files and pipes, so
 * exiting right away loses nothing, and no reconnect timer of NATS keeps the process up.
 */
process.exit(await run(process.argv.slice(2)));
