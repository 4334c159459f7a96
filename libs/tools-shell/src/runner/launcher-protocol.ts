import { rlimitPairs } from './limits';
import type { SpawnSpec } from './spawner';

/** One frame from the launcher: its type, the job it is about, its payload. */
export interface Frame {
  type: 'P' | 'O' | 'E' | 'X' | 'F';
  id: number;
  payload: Buffer;
}

const HEADER = 9;

/**
 * Splits the launcher's stdout into frames (1-byte type, 4-byte id, 4-byte length, then
 * the payload); a frame may arrive in pieces and several may arrive at once.
 */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(data: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
    const frames: Frame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER) {
      const length = this.pending.readUInt32BE(offset + 5);
      if (this.pending.length - offset < HEADER + length) break;
      frames.push({
        type: String.fromCharCode(this.pending.readUInt8(offset)) as Frame['type'],
        id: this.pending.readUInt32BE(offset + 1),
        payload: this.pending.subarray(offset + HEADER, offset + HEADER + length),
      });
      offset += HEADER + length;
    }
    this.pending = this.pending.subarray(offset);
    return frames;
  }
}

/** A request to start a process: `<length>\n` and the NUL-joined fields. */
export function encodeRequest(id: number, spec: SpawnSpec): Buffer {
  const env = Object.entries(spec.env).map(([key, value]) => `${key}=${value}`);
  const limits = spec.limits
    ? rlimitPairs(spec.limits)
        .map(([resource, value]) => `${resource}=${value}`)
        .join(',')
    : '';
  const fields = [
    String(id),
    spec.cwd,
    // Paths of groups this process made: never a newline in them.
    (spec.cgroupProcs ?? []).join('\n'),
    limits,
    String(env.length),
    ...env,
    ...spec.argv,
  ];
  for (const field of fields) {
    if (field.includes('\0'))
      throw new Error(`a NUL byte cannot be passed to a process: ${JSON.stringify(field)}`);
  }
  const body = Buffer.from(fields.join('\0'));
  return Buffer.concat([Buffer.from(`${body.length}\n`), body]);
}
