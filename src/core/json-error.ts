// Where a body stops being JSON, found without quoting it: the engines' own SyntaxError messages quote
// the body around the error (V8: `Unexpected token 'a', "...token..." is not valid JSON`), and a token in a
// broken body would then reach every log. So errand scans the text itself (RFC 8259 grammar), token by
// token with an explicit stack (a body of 100,000 '[' must not overflow the call stack).
import { JSONDecodeError, type ErrorContext } from './errors.ts';

/** Where JSON text is invalid: 0-based character offset, 1-based line and column. */
export interface JSONErrorPosition { offset: number; line: number; column: number }

// One JSON token after optional whitespace (RFC 8259): a string, a number, a literal, or punctuation.
const TOKEN = /[ \t\n\r]*(?:("(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[\da-fA-F]{4}))*")|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null)|([{}[\]:,]))/y;
const SPACE = /[ \t\n\r]*/y;

// What may come next: a value (or, first in an array, its end), a key (or, first in an object, its end),
// the colon after a key, or what follows a value (a comma, an end, the end of the text).
type Expect = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'after';

/**
 * The offset where `text` stops being JSON: the start of the first token that cannot be read or cannot
 * come there; undefined when it is JSON. Linear in the length.
 */
export function jsonErrorOffset(text: string): number | undefined {
  const open: string[] = []; // the closing character of each container being read
  let expect: Expect = 'value';
  let at = 0;
  for (;;) {
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(text);
    if (!match) {
      SPACE.lastIndex = at;
      SPACE.test(text);
      return SPACE.lastIndex === text.length && expect === 'after' && !open.length ? undefined : SPACE.lastIndex;
    }
    const [whole, string, , , punct] = match;
    const token = at + whole.length - (match[1] ?? match[2] ?? match[3] ?? match[4])!.length;
    at += whole.length;
    if (expect === 'colon') {
      if (punct !== ':') return token;
      expect = 'value';
    } else if (expect === 'key' || expect === 'keyOrEnd') {
      if (expect === 'keyOrEnd' && punct === '}') {
        open.pop();
        expect = 'after';
      } else if (string !== undefined) expect = 'colon';
      else return token;
    } else if (expect === 'after') {
      const close = open.at(-1);
      if (punct === undefined || close === undefined) return token;
      if (punct === close) open.pop();
      else if (punct === ',') expect = close === '}' ? 'key' : 'value';
      else return token;
    } else if (punct === '{' || punct === '[') {
      open.push(punct === '{' ? '}' : ']');
      expect = punct === '{' ? 'keyOrEnd' : 'valueOrEnd';
    } else if (expect === 'valueOrEnd' && punct === ']') {
      open.pop();
      expect = 'after';
    } else if (punct !== undefined) return token;
    else expect = 'after';
  }
}

/** Line and column (1-based) of an offset. */
function positionOf(text: string, offset: number): JSONErrorPosition {
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
