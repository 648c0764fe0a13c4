// Where a body stops being JSON, found without quoting it: the engines' own SyntaxError messages quote
// the body around the error (V8: `Unexpected token 'a', "...token..." is not valid JSON`), and a token in a
// broken body would then reach every log. So errand scans the text itself (RFC 8259 grammar), in one
// pass with an explicit stack (a body of 100,000 '[' must not overflow the call stack).
import { JSONDecodeError, type ErrorContext } from './errors.ts';

/** Where JSON text is invalid: 0-based character offset, 1-based line and column. */
export interface JSONErrorPosition { offset: number; line: number; column: number }

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

class Scanner {
  at = 0;
  constructor(private readonly text: string) {}
  private code(): number { return this.text.charCodeAt(this.at); }
  skipSpace(): void { while (isSpace(this.code())) this.at++; }
  is(char: string): boolean { return this.text[this.at] === char; }

  /** A string from its opening quote; false (at the bad character) when it is not one. */
  string(): boolean {
    this.at++;
    for (;;) {
      const c = this.code();
      if (Number.isNaN(c) || c < 0x20) return false; // the end, or a control character (RFC 8259 §7)
      this.at++;
      if (c === 0x22) return true;
      if (c !== 0x5c) continue;
      const escape = this.text[this.at];
      if (escape === 'u') {
        for (let k = 1; k <= 4; k++) if (!isHex(this.text.charCodeAt(this.at + k))) { this.at += k; return false; }
        this.at += 5;
      } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) this.at++;
      else return false;
    }
  }

  /** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` (RFC 8259 §6). */
  number(): boolean {
    if (this.is('-')) this.at++;
    if (this.is('0')) this.at++;
    else if (!this.digits()) return false;
    if (this.is('.')) { this.at++; if (!this.digits()) return false; }
    if (this.is('e') || this.is('E')) {
      this.at++;
      if (this.is('+') || this.is('-')) this.at++;
      if (!this.digits()) return false;
    }
    return true;
  }

  private digits(): boolean {
    const start = this.at;
    while (isDigit(this.code())) this.at++;
    return this.at > start;
  }

  literal(): boolean {
    for (const word of ['true', 'false', 'null']) {
      if (this.text[this.at] !== word[0]) continue;
      for (const char of word) { if (this.text[this.at] !== char) return false; this.at++; }
      return true;
    }
    return false;
  }

  /** `"key" :` inside an object; false at the bad character. */
  key(): boolean {
    this.skipSpace();
    if (!this.is('"') || !this.string()) return false;
    this.skipSpace();
    if (!this.is(':')) return false;
    this.at++;
    return true;
  }
}

/** The offset where `text` stops being JSON, or undefined when it is JSON. Linear in the length. */
export function jsonErrorOffset(text: string): number | undefined {
  const s = new Scanner(text);
  const open: string[] = []; // '}' or ']' for each container being read
  for (;;) {
    s.skipSpace(); // a value is expected here
    if (s.is('{') || s.is('[')) {
      const close = s.is('{') ? '}' : ']';
      s.at++;
      s.skipSpace();
      if (!s.is(close)) {
        open.push(close);
        if (close === '}' && !s.key()) return s.at;
        continue;
      }
      s.at++;
    } else if (!(s.is('"') ? s.string() : s.is('-') || isDigit(text.charCodeAt(s.at)) ? s.number() : s.literal())) {
      return s.at;
    }
    for (;;) { // after a value: a comma, the end of containers, or the end of the text
      s.skipSpace();
      const close = open.at(-1);
      if (close === undefined) return s.at < text.length ? s.at : undefined;
      if (s.is(close)) { s.at++; open.pop(); continue; }
      if (!s.is(',')) return s.at;
      s.at++;
      if (close === '}' && !s.key()) return s.at;
      break;
    }
  }
}

/** Line and column (1-based) of an offset. */
export function positionOf(text: string, offset: number): JSONErrorPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) { line++; lineStart = i + 1; }
  return { offset, line, column: offset - lineStart + 1 };
}

/**
 * The JSONDecodeError for `text` (the decoded body): its message gives the position, the body's size and its
 * media type, never body text. The text around the error is kept on the non-enumerable `snippet`.
 */
export function jsonDecodeError(text: string, about: { what: string; bytes: number; mediaType: string }, context: ErrorContext): JSONDecodeError {
  const offset = jsonErrorOffset(text);
  const position = offset === undefined ? undefined : positionOf(text, offset);
  const where = position ? `error at line ${position.line}, column ${position.column} (character ${position.offset})` : 'error position unknown';
  const type = about.mediaType ? about.mediaType.slice(0, 100) : 'none';
  const error = new JSONDecodeError(`${about.what} is not valid JSON: ${where}; the body has ${about.bytes} bytes (Content-Type: ${type})`, context);
  error.position = position;
  const at = offset ?? 0;
  Object.defineProperty(error, 'snippet', { value: text.slice(Math.max(0, at - 40), at + 40), enumerable: false, configurable: true });
  return error;
}
