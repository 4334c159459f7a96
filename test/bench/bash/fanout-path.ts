import type { ToolContext } from '@fanout/contracts';
import {
  CategoryLimiter,
  classify,
  createBashExec,
  type SandboxMode,
  type Spawner,
} from '@fanout/tools-shell';
import type { Path } from './peers';

/**
 * `bash.exec` called as a worker would call it — the tool function with its category
 * limiter inside — from `slots` callers pulling the next command, like a pool of slots.
 * The command's kind gets all of the pool's slots here, so the comparison with the
 * 16-wide peers is like for like (the default shares cap one kind at 4 or fewer).
 * `spawner` is the worker's default (the perl launcher) unless given.
 */
export function fanoutPath(
  slots: number,
  command: string,
  sandbox: SandboxMode,
  cwd: string,
  spawner?: Spawner,
): Path {
  const category = classify([
    { program: command.split(' ')[0], args: command.split(' ').slice(1) },
  ]);
  const tool = createBashExec({
    sandbox,
    limiter: new CategoryLimiter({ pool: slots, limits: { [category]: slots } }),
    warn: () => undefined,
    ...(spawner ? { spawner } : {}),
  });
  const ctx: ToolContext = {
    signal: new AbortController().signal,
    workflowId: 'bench',
    taskId: 'bench',
    attempt: 1,
  };
  const once = async () => {
    const output = tool(
      { command, cwd, env: {}, timeoutMs: 60_000, locks: [], network: false, okExitCodes: [0] },
      ctx,
    );
    if (!(Symbol.asyncIterator in output)) {
      await output;
      return;
    }
    // A command that fails throws, naming itself, how it ended and its stderr.
    for (;;) if ((await output.next()).done) return;
  };
  return {
    name: `fanout bash.exec, sandbox ${sandbox === 'off' ? 'off' : 'on'}${spawner ? `, ${spawner.name}` : ''}`,
    run: async (count) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: slots }, async () => {
          while (next < count) {
            next += 1;
            await once();
          }
        }),
      );
    },
  };
}
