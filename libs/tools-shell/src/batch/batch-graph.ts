import { ShellError, ShellErrorCode } from '../errors';
import type { BatchCommand } from './batch-options';

/**
 * Checks a batch's shape before anything runs: unique ids, dependencies that exist, and
 * no cycle (a cycle would leave its commands waiting for ever). Errors name the commands.
 */
export function checkBatchGraph(commands: readonly BatchCommand[]): void {
  const ids = new Set<string>();
  for (const [index, command] of commands.entries()) {
    if (!command.id) throw invalid(`commands[${index}] has no id`);
    if (ids.has(command.id)) throw invalid(`commands[${index}]: id "${command.id}" is used twice`);
    ids.add(command.id);
  }
  for (const command of commands) {
    for (const dependency of command.dependsOn ?? []) {
      if (!ids.has(dependency)) throw invalid(`"${command.id}" depends on "${dependency}", which is not in the batch`);
      if (dependency === command.id) throw invalid(`"${command.id}" depends on itself`);
    }
  }
  // Kahn's algorithm: whatever cannot be ordered sits on a cycle or behind one.
  const remaining = new Map(commands.map((command) => [command.id, new Set(command.dependsOn ?? [])]));
  let progress = true;
  while (progress) {
    progress = false;
    for (const [id, dependencies] of remaining) {
      if ([...dependencies].every((dependency) => !remaining.has(dependency))) {
        remaining.delete(id);
        progress = true;
      }
    }
  }
  if (remaining.size > 0) {
    throw invalid(`dependencies form a cycle among ${[...remaining.keys()].map((id) => `"${id}"`).join(', ')}`);
  }
}

function invalid(message: string): ShellError {
  return new ShellError(ShellErrorCode.InvalidInput, `invalid batch: ${message}`);
}
