import { StringDecoder } from 'node:string_decoder';

/** A piece of output as it arrived: which stream, when (epoch ms), what. */
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  at: number;
  text: string;
}

/**
 * Keeps a command's output up to a cap shared by both streams, and says whether it cut
 * anything. Output past the cap is still read (a process blocked on a full pipe would
 * never end) but dropped, and not streamed either: the cap protects the worker's memory
 * and the data pipeline alike. Bytes are decoded as UTF-8 per stream, so a character
 * split between two reads arrives whole.
 */
export class OutputCollector {
  private readonly decoders = {
    stdout: new StringDecoder('utf8'),
    stderr: new StringDecoder('utf8'),
  };
  private readonly kept = { stdout: [] as string[], stderr: [] as string[] };
  private bytes = 0;
  truncated = false;

  constructor(private readonly capBytes: number) {}

  /** Takes a read; returns the chunk to stream, or `undefined` when nothing of it is kept. */
  add(stream: 'stdout' | 'stderr', data: Buffer): OutputChunk | undefined {
    if (this.bytes >= this.capBytes) {
      if (data.length > 0) this.truncated = true;
      return undefined;
    }
    let piece = data;
    if (this.bytes + data.length > this.capBytes) {
      piece = data.subarray(0, this.capBytes - this.bytes);
      this.truncated = true;
    }
    this.bytes += piece.length;
    const text = this.decoders[stream].write(piece);
    if (text === '') return undefined;
    this.kept[stream].push(text);
    return { stream, at: Date.now(), text };
  }

  /** Flushes the decoders; a chunk for each stream that ended mid-character. */
  end(): OutputChunk[] {
    const chunks: OutputChunk[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const text = this.decoders[stream].end();
      if (text) {
        this.kept[stream].push(text);
        chunks.push({ stream, at: Date.now(), text });
      }
    }
    return chunks;
  }

  text(stream: 'stdout' | 'stderr'): string {
    return this.kept[stream].join('');
  }
}
