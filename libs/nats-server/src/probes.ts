import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * Raw-TCP checks for this library's own specs: they must prove a server is (or is not)
 * there without a NATS client, which this library may not depend on.
 */

/** The server's `INFO {...}` greeting, parsed; rejects if nothing listens on `port`. */
export function readInfo(port: number): Promise<Record<string, unknown>> {
  return converse(port, '', (text) => {
    const line = /^INFO (\{.*\}) *\r\n/.exec(text); // 2.9 puts a space before the CRLF
    return line ? (JSON.parse(line[1] as string) as Record<string, unknown>) : undefined;
  });
}

/** Whether connecting to `port` on loopback is refused (nobody listens any more). */
export async function refuses(port: number): Promise<boolean> {
  try {
    await readInfo(port);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
  }
}

/**
 * Whether a process with this pid still runs. A zombie counts as gone: a server orphaned by
 * a dead test process waits for init to reap it, which takes seconds on some machines.
 */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    if (existsSync('/proc/self')) return false; // Linux: no /proc entry, no process
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** One request/reply over the raw protocol, e.g. a JetStream API call; resolves the reply's payload. */
export function request(port: number, subject: string, payload: string): Promise<string> {
  const pub =
    'CONNECT {"verbose":false,"pedantic":false}\r\nSUB _INBOX.probe 1\r\n' +
    `PUB ${subject} _INBOX.probe ${Buffer.byteLength(payload)}\r\n${payload}\r\n`;
  return converse(port, pub, (text) => {
    const msg = /MSG _INBOX\.probe 1 (\d+)\r\n/.exec(text);
    if (!msg) return undefined;
    const body = text.slice(msg.index + msg[0].length);
    const size = Number(msg[1]);
    return Buffer.byteLength(body) >= size ? body.slice(0, size) : undefined;
  });
}

/** Connects, sends `send` after the greeting, and resolves once `parse` finds what it wants. */
function converse<T>(
  port: number,
  send: string,
  parse: (text: string) => T | undefined,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.setTimeout(3000, () =>
      socket.destroy(new Error(`no answer from 127.0.0.1:${port} within 3 s`)),
    );
    socket.on('error', reject);
    socket.on('close', () =>
      reject(new Error(`127.0.0.1:${port} closed the connection; got ${JSON.stringify(text)}`)),
    );
    socket.on('data', (chunk: string) => {
      const greeted = text.includes('\r\n');
      text += chunk;
      if (!greeted && send && text.includes('\r\n')) socket.write(send);
      const found = parse(text);
      if (found !== undefined) {
        resolve(found);
        socket.destroy();
      }
    });
  });
}
