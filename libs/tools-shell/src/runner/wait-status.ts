import { constants } from 'node:os';
import type { SpawnExit } from './spawner';

const NAMES = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

/** The name of a signal number, as Node names them (`SIGKILL`). */
export function signalName(number: number): NodeJS.Signals | null {
  return NAMES.get(number) ?? null;
}

/** Decodes a raw wait(2) status: exit code, or the signal that ended the process. */
export function decodeWaitStatus(status: number): SpawnExit {
  const signal = status & 0x7f;
  return signal === 0
    ? { code: (status >> 8) & 0xff, signal: null }
    : { code: null, signal: signalName(signal) };
}
