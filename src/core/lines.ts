// A streamed body in pieces: chunks of a fixed size (Response.iterContent(chunkSize)) and lines
// (Response.iterLines), cut as the bytes arrive, in time linear in the length. Loaded at first use.
import { joinChunks } from './bytes.ts';
import type { BodyDecoder } from './charset.ts';

/** `source` in chunks of exactly `chunkSize` bytes (the last may be shorter). */
export async function* rechunk(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, chunkSize: number): AsyncGenerator<Uint8Array> {
  // Chunks wait in a list and are joined once there is a whole piece: joining at every small chunk
  // copied the pending bytes again each time (quadratic when a server sends tiny chunks).
  let pending: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source) {
    pending.push(chunk);
    size += chunk.byteLength;
    if (size < chunkSize) continue;
    const all = joinChunks(pending);
    let offset = 0;
    for (; all.byteLength - offset >= chunkSize; offset += chunkSize) yield all.slice(offset, offset + chunkSize);
    pending = offset < all.byteLength ? [all.subarray(offset)] : [];
    size = all.byteLength - offset;
  }
  if (size) yield joinChunks(pending).slice();
}

/** The lines of a body's chunks, decoded with `decoder` and cut at `delimiter` (default: `\n` or `\r\n`). */
export async function* decodeLines(chunks: AsyncIterable<Uint8Array>, decoder: BodyDecoder, delimiter: string | undefined): AsyncGenerator<string> {
  const lines = new LineSplitter(delimiter);
  for await (const chunk of chunks) yield* lines.push(decoder.decode(chunk, { stream: true }));
  yield* lines.push(decoder.decode(new Uint8Array(0)));
  const last = lines.rest();
  if (last) yield last;
}

/**
 * Cuts text that arrives in pieces into lines. Only the new piece is searched (plus the few characters
 * of a delimiter that may straddle two pieces), and an unfinished line waits as a list of pieces: a
 * long line sent in many small chunks costs linear time, not a new scan of the whole line per chunk.
 */
export class LineSplitter {
  private pending: string[] = [];
  private pendingChars = 0;
  private readonly separator: string;
  private readonly crlf: boolean;

  constructor(delimiter: string | undefined) {
    this.separator = delimiter || '\n';
    this.crlf = !delimiter; // the default splits on \n and \r\n
  }

  /** The lines completed by `text`. */
  push(text: string): string[] {
    const lines: string[] = [];
    if (!text) return lines;
    const straddle = this.separator.length - 1;
    if (straddle > 0 && this.pending.length) text = this.takeTail(straddle) + text;
    let from = 0;
    for (let end = text.indexOf(this.separator); end >= 0; end = text.indexOf(this.separator, from)) {
      this.pending.push(text.slice(from, end));
      const line = this.pending.join('');
      this.pending = [];
      this.pendingChars = 0;
      lines.push(this.crlf && line.endsWith('\r') ? line.slice(0, -1) : line);
      from = end + this.separator.length;
    }
    if (from < text.length) {
      this.pending.push(text.slice(from));
      this.pendingChars += text.length - from;
    }
    return lines;
  }

  /** What is left after the last delimiter. */
  rest(): string {
    return this.pending.join('');
  }

  /** How many characters wait after the last delimiter (the length of `rest()`, without joining). */
  get pendingLength(): number {
    return this.pendingChars;
  }

  // Removes and returns the last `count` characters waiting (fewer if fewer wait).
  private takeTail(count: number): string {
    this.pendingChars = Math.max(0, this.pendingChars - count);
    let tail = '';
    while (count > 0 && this.pending.length) {
      const piece = this.pending.pop()!;
      if (piece.length > count) {
        this.pending.push(piece.slice(0, piece.length - count));
        tail = piece.slice(piece.length - count) + tail;
        break;
      }
      tail = piece + tail;
      count -= piece.length;
    }
    return tail;
  }
}
