import type { Readable } from 'node:stream';

/** A response body read up to a limit. */
export interface BoundedBody {
  bytes: Buffer;
  truncated: boolean;
}

/**
 * Reads at most `maxBytes` of a body and then stops the transfer (destroys the stream,
 * so the connection is not kept busy downloading what we will throw away).
 */
export async function readBounded(body: Readable, maxBytes: number): Promise<BoundedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size + chunk.length > maxBytes) {
      chunks.push(chunk.subarray(0, maxBytes - size));
      body.destroy();
      return { bytes: Buffer.concat(chunks, maxBytes), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { bytes: Buffer.concat(chunks, size), truncated: false };
}

/** Decodes bytes in the charset the content type names, UTF-8 when unknown. */
export function decode(bytes: Buffer, contentType: string): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}
