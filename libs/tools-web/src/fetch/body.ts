import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';

/** A response body read up to a limit. */
export interface BoundedBody {
  bytes: Buffer;
  truncated: boolean;
}

/**
 * Reads at most `maxBytes` of a body and then stops the transfer (destroys the stream,
 * so the connection is not kept busy downloading what we will throw away).
 */
export function readBounded(body: Readable, maxBytes: number): Promise<BoundedBody> {
  return new Promise((resolve, reject) => new BoundedReader(body, maxBytes, resolve, reject));
}

/**
 * One bounded read, listening for chunks: an async iterator per body, or a handful of
 * closures made per call, cost more than reading a small page.
 */
class BoundedReader {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly onData = this.data.bind(this);
  private readonly onEnd = this.end.bind(this);
  private readonly onError = this.settle.bind(this);
  private readonly onClose = this.close.bind(this);

  constructor(
    private readonly body: Readable,
    private readonly maxBytes: number,
    private readonly resolve: (body: BoundedBody) => void,
    private readonly reject: (error: Error) => void,
  ) {
    body.on('data', this.onData).once('end', this.onEnd);
    body.once('error', this.onError).once('close', this.onClose);
  }

  private data(chunk: Buffer): void {
    if (this.size + chunk.length <= this.maxBytes) {
      this.chunks.push(chunk);
      this.size += chunk.length;
      return;
    }
    this.chunks.push(chunk.subarray(0, this.maxBytes - this.size));
    this.settle({ bytes: Buffer.concat(this.chunks, this.maxBytes), truncated: true });
    this.body.on('error', ignore); // the abort that destroying causes is no news to us
    this.body.destroy();
  }

  private end(): void {
    const [only] = this.chunks;
    const bytes = this.chunks.length === 1 && only ? only : Buffer.concat(this.chunks, this.size);
    this.settle({ bytes, truncated: false });
  }

  private close(): void {
    this.settle(new Error('the body closed before its end'));
  }

  private settle(outcome: BoundedBody | Error): void {
    this.body.off('data', this.onData).off('end', this.onEnd);
    this.body.off('error', this.onError).off('close', this.onClose);
    if (outcome instanceof Error) this.reject(outcome);
    else this.resolve(outcome);
  }
}

function ignore(): void {
  // nothing to do
}

/** A response body that can also be read whole, as undici's is. */
export type WholeBody = Readable & { bytes(): Promise<Uint8Array> };

/**
 * Reads a body up to `maxBytes`. When its `Content-Length` is within the limit the body
 * is read whole (HTTP framing already bounds it to that length, and undici's own reader
 * does it at the cost of the plainest loop); otherwise, or with no length, chunk by chunk
 * up to the limit, and a body longer than that comes back cut and marked `truncated`.
 */
export async function readBody(
  body: WholeBody,
  contentLength: string | string[] | undefined,
  maxBytes: number,
): Promise<BoundedBody> {
  const declared = typeof contentLength === 'string' ? Number(contentLength) : Number.NaN;
  if (!(declared <= maxBytes)) return readBounded(body, maxBytes);
  const whole = await body.bytes();
  return { bytes: Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength), truncated: false };
}

const decoders = new Map<string, TextDecoder>();

/**
 * A decoder per charset label, made once: decoding whole bodies keeps no state between
 * calls, and making one costs about as much as decoding a small page.
 */
function decoder(label: string): TextDecoder {
  let found = decoders.get(label);
  if (!found) {
    try {
      found = new TextDecoder(label);
    } catch {
      found = decoder('utf-8');
    }
    if (decoders.size < 64) decoders.set(label, found);
  }
  return found;
}

const UTF8 = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8']);

/** Decodes bytes in the charset the content type names, UTF-8 when unknown. */
export function decode(bytes: Buffer, contentType: string): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType)?.[1]?.toLowerCase();
  if (charset !== undefined && !UTF8.has(charset)) return decoder(charset).decode(bytes);
  // As a UTF-8 TextDecoder would (a leading BOM dropped, bad bytes replaced), and cheaper.
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bytes.toString('utf8', bom ? 3 : 0);
}
