import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Tries at finding ports nobody takes before the server binds them; losing one race is rare. */
export const START_ATTEMPTS = 5;

/** Below this, ports are left to well-known services. */
const FLOOR = 10_000;

/**
 * A free loopback port from *below* the kernel's ephemeral range. A server must come back on
 * its port after a crash, and while it is down, every `-1` listener and every outgoing
 * connection on the machine draws from the ephemeral range, and the kernel hands recently
 * released ports out again within milliseconds. Nobody draws from below it except callers
 * that pick explicitly, like this one, at random; {@link inUse} errors are retried.
 */
export async function pickPort(): Promise<number> {
  const ceiling = ephemeralLow();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = FLOOR + Math.floor(Math.random() * (ceiling - FLOOR));
    if (await isFree(port)) return port;
  }
  throw new Error(`No free loopback port between ${FLOOR} and ${ceiling} after 50 tries`);
}

/** Distinct ports: random picks can repeat, and two nodes cannot share one. */
export async function pickPorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await pickPort());
  return [...ports];
}

/** Whether a start failed because another process took one of the ports: worth a retry. */
export function inUse(error: unknown): boolean {
  return error instanceof Error && error.message.includes('address already in use');
}

function ephemeralLow(): number {
  try {
    const low = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
    );
    return low > FLOOR + 1000 ? low : 32_768;
  } catch {
    return 32_768; // below the BSD/macOS (49152) and Linux default (32768) ranges alike
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
