/**
 * `JSON.stringify(value)` as UTF-8 bytes in chunks of about `chunkBytes`, written without
 * ever holding the whole text as one string: a large workflow's snapshot is tens of
 * megabytes, and the string beside its bytes would double what the process holds (a string
 * that size lives in the old generation until the next full collection).
 *
 * The top levels (the value and the objects and arrays directly in it) are written entry by
 * entry; anything deeper is one `JSON.stringify` each, which keeps its rules: undefined,
 * functions and symbols left out of objects and written as null in arrays, `toJSON`
 * honoured.
 */
export function jsonChunks(value: unknown, chunkBytes = 256 * 1024): Uint8Array[] {
  const out = new ChunkWriter(chunkBytes);
  writeJson(out, value, 0);
  return out.finish();
}

/** How many levels are written entry by entry: the state, then its records and lists. */
const SPLIT_LEVELS = 2;

function writeJson(out: ChunkWriter, value: unknown, level: number): void {
  if (level >= SPLIT_LEVELS || !isPlainContainer(value)) {
    out.write(JSON.stringify(value));
    return;
  }
  if (Array.isArray(value)) {
    out.write('[');
    value.forEach((item: unknown, index) => {
      if (index > 0) out.write(',');
      if (omitted(item)) out.write('null');
      else writeJson(out, item, level + 1);
    });
    out.write(']');
    return;
  }
  out.write('{');
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    if (omitted(item)) continue;
    out.write(first ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`);
    first = false;
    writeJson(out, item, level + 1);
  }
  out.write('}');
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** An array, or an object of no class of its own and no `toJSON`: split safely. */
function isPlainContainer(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Encodes text into fixed-size buffers, starting a new one when the current is full. */
class ChunkWriter {
  private readonly encoder = new TextEncoder();
  private readonly done: Uint8Array[] = [];
  private buffer: Uint8Array;
  private used = 0;

  constructor(private readonly chunkBytes: number) {
    this.buffer = new Uint8Array(chunkBytes);
  }

  write(text: string): void {
    let rest = text;
    for (;;) {
      const { read, written } = this.encoder.encodeInto(rest, this.buffer.subarray(this.used));
      this.used += written;
      if (read === rest.length) return;
      rest = rest.slice(read);
      // Full (encodeInto stops before a character that does not fit, never inside one).
      this.done.push(this.buffer.subarray(0, this.used));
      this.buffer = new Uint8Array(Math.max(this.chunkBytes, rest.length * 3));
      this.used = 0;
    }
  }

  finish(): Uint8Array[] {
    if (this.used > 0) this.done.push(this.buffer.subarray(0, this.used));
    this.buffer = new Uint8Array(0);
    this.used = 0;
    return this.done;
  }
}
