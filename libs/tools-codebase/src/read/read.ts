import { open } from 'node:fs/promises';
import type { ToolContext, ToolOutputOf, ToolParamsOf } from '@fanout/contracts';
import { CodeRead } from '@fanout/contracts';
import { CodebaseError, CodebaseErrorCode, throwIfCancelled } from '../errors';
import { parseInput } from '../input';
import { openJail, resolveInside } from '../jail';
import { BINARY_SNIFF_BYTES, detectEncoding } from './encoding';
import { LineRange } from './line-range';

/** Read size: large enough to keep syscalls few, small enough to keep memory flat. */
const CHUNK_BYTES = 64 * 1024;

/**
 * `code.read`: reads a text file under `root`, or the lines `startLine..endLine` of it
 * (1-based, inclusive; each line keeps its line break), up to `maxBytes`.
 *
 * The file is streamed, never loaded whole: lines before the range are counted and
 * dropped, and reading stops at the range's end or the byte cap, so a few lines of a
 * multi-gigabyte log cost what they return. `bytes` is the size of the returned content
 * in the file's own encoding; `truncated` is true when `maxBytes` cut it short (never in
 * the middle of a character). UTF-8 and UTF-16 LE/BE are told apart by their byte-order
 * mark (`encoding`; the BOM itself is not returned); a file with a NUL byte in its first
 * 8 KB and no UTF-16 BOM is binary and refused with `BINARY_FILE`.
 */
export async function read(
  input: ToolParamsOf<'code.read'>,
  ctx: ToolContext,
): Promise<ToolOutputOf<'code.read'>> {
  const params = parseInput(CodeRead, input);
  const startLine = params.startLine ?? 1;
  const endLine = params.endLine ?? Number.POSITIVE_INFINITY;
  if (endLine < startLine) {
    throw new CodebaseError(
      CodebaseErrorCode.InvalidInput,
      `endLine ${endLine} is before startLine ${startLine} for "${params.path}"`,
    );
  }
  const jail = await openJail(params.root);
  const file = await resolveInside(jail, params.path);
  const handle = await open(file.real, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new CodebaseError(
        CodebaseErrorCode.InvalidInput,
        `"${params.path}" under root "${params.root}" is not a regular file`,
      );
    }
    const head = Buffer.alloc(Math.min(BINARY_SNIFF_BYTES, info.size));
    await handle.read(head, 0, head.length, 0);
    const encoding = detectEncoding(head, file.relative);
    const decoder = new TextDecoder(encoding);
    const range = new LineRange(startLine, endLine, params.maxBytes, encoding);
    const stream = handle.createReadStream({
      start: 0,
      highWaterMark: CHUNK_BYTES,
      autoClose: false,
    });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      throwIfCancelled(ctx.signal, `code.read of "${params.path}"`);
      range.push(decoder.decode(chunk, { stream: true }));
      if (range.done) break;
    }
    if (!range.done) range.push(decoder.decode());
    const { content, endLine: lastLine, bytes, truncated } = range.result();
    return {
      path: file.relative,
      content,
      encoding,
      startLine,
      endLine: lastLine,
      bytes,
      truncated,
    };
  } finally {
    await handle.close();
  }
}
