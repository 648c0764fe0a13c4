// Lines of a streamed body (Response.iterLines): split as the text arrives, in time linear in its length.

/**
 * Cuts text that arrives in pieces into lines. Only the new piece is searched (plus the few characters
 * of a delimiter that may straddle two pieces), and an unfinished line waits as a list of pieces: a
 * long line sent in many small chunks costs linear time, not a new scan of the whole line per chunk.
 */
export class LineSplitter {
  private pending: string[] = [];
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
      lines.push(this.crlf && line.endsWith('\r') ? line.slice(0, -1) : line);
      from = end + this.separator.length;
    }
    if (from < text.length) this.pending.push(text.slice(from));
    return lines;
  }

  /** What is left after the last delimiter. */
  rest(): string {
    return this.pending.join('');
  }

  // Removes and returns the last `count` characters waiting (fewer if fewer wait).
  private takeTail(count: number): string {
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
