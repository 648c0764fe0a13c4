// JSON lines / NDJSON: one JSON value per line. Reached only through a dynamic import() from
// response.ts, so a bundle that never reads JSON lines carries none of it.
import { JSONDecodeError, RequestError } from './errors.ts';
import { LineSplitter } from './lines.ts';
import type { Response } from './response.ts';

/** The longest line held while waiting for its end; past it the stream is refused (nothing grows without bound). */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/**
 * Parses a body of JSON lines (jsonlines.org, NDJSON): UTF-8, one value per line, lines ended by `\n`
 * or `\r\n`; blank lines are skipped. A line that is not JSON raises JSONDecodeError naming its line
 * number (counting blank lines, from 1) and never quoting it: a line may carry a token. Each value is
 * yielded before the next chunk is read, so a slow consumer slows the reads.
 */
export async function* parseJSONLines<T>(chunks: AsyncIterable<Uint8Array>, response: Response, where: string): AsyncGenerator<T> {
  const decoder = new TextDecoder('utf-8');
  // Cut at `\n` only, as split("\n") would: a `\r` before it is JSON whitespace.
  const lines = new LineSplitter('\n');
  let lineNumber = 0;
  for await (const chunk of chunks) {
    for (const line of lines.push(decoder.decode(chunk, { stream: true }))) {
      const value = parseLine<T>(line, ++lineNumber, response, where);
      if (value !== SKIP) yield value;
    }
    if (lines.pendingLength > MAX_LINE_CHARS) {
      throw new RequestError(`${where}: line ${lineNumber + 1} is longer than ${MAX_LINE_CHARS} characters; stopped reading it`, { response });
    }
  }
  const pending = lines.rest() + decoder.decode();
  // The last line needs no newline after it.
  if (pending) {
    const value = parseLine<T>(pending, lineNumber + 1, response, where);
    if (value !== SKIP) yield value;
  }
}

const SKIP: unique symbol = Symbol('blank line');

function parseLine<T>(line: string, lineNumber: number, response: Response, where: string): T | typeof SKIP {
  if (!/\S/.test(line)) return SKIP;
  try {
    return JSON.parse(line) as T;
  } catch {
    // The parser's message quotes the line; none of it goes into ours (nor a cause that would carry it).
    throw new JSONDecodeError(`${where}: line ${lineNumber} is not valid JSON (${line.length} characters)`, { response });
  }
}
