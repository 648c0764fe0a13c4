/** Media type and parameters of a Content-Type value (RFC 9110 §8.3.1), parameters keyed in lower case. */
export function parseContentType(value: string | null): { type: string; params: Record<string, string> } {
  // Parameter names come from the server: a null-prototype object, so `__proto__` is a key like any other.
  const params: Record<string, string> = Object.create(null);
  if (!value) return { type: '', params };
  const parts = splitOutsideQuotes(value, ';');
  const type = parts.next().value ?? '';
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let val = part.slice(eq + 1).trim();
    if (val.startsWith('"')) val = unescapeQuoted(val.slice(1, val.endsWith('"') && val.length > 1 ? -1 : undefined));
    if (key && !Object.hasOwn(params, key)) params[key] = val;
  }
  return { type: type.trim().toLowerCase(), params };
}

/**
 * The text of a quoted-string (quotes already removed) with its quoted-pairs undone: backslash-quote
 * becomes a quote, two backslashes one (RFC 9110 §5.6.4). One pass over slices: V8's global
 * `replace(/\\(.)/g, '$1')`, like any array of thousands of fresh strings, grows quadratically on a
 * value full of backslashes (the old generation keeps rescanning it).
 */
export function unescapeQuoted(text: string): string {
  let at = text.indexOf('\\');
  if (at < 0) return text;
  let out = '';
  let start = 0;
  while (at >= 0 && at + 1 < text.length) {
    out += text.slice(start, at);
    start = at + 1; // the escaped character starts the next slice
    at = text.indexOf('\\', at + 2);
  }
  return out + text.slice(start);
}

/**
 * The parts of `value` between each `separator` (one character) that is not inside a quoted string; a
 * backslash in quotes escapes the next character (RFC 9110 §5.6.4). Yielded one by one, never kept in an
 * array: a server's header may hold tens of thousands of parts, and V8 rescans a large array of fresh
 * strings at every young collection (time grew ×10 from 16 to 64 KiB that way).
 */
export function* splitOutsideQuotes(value: string, separator: string): Generator<string> {
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === separator && !quoted) {
      yield value.slice(start, i);
      start = i + 1;
    }
  }
  yield value.slice(start);
}

/**
 * The encoding requests would use (utils.get_encoding_from_headers): the charset parameter;
 * ISO-8859-1 for text/* without one (RFC 2616's default); UTF-8 for JSON; otherwise none.
 */
export function encodingFromContentType(contentType: string | null): string | null {
  const { type, params } = parseContentType(contentType);
  if (params['charset']) return params['charset'].replace(/^['"]|['"]$/g, '');
  if (type.startsWith('text/')) return 'ISO-8859-1';
  if (type === 'application/json' || type.endsWith('+json')) return 'utf-8';
  return null;
}

// The one label table for every decoder (`text`, `iterLines()`): labels decoded by hand, whatever
// TextDecoder would do with them. WHATWG maps all of these to windows-1252, and runtimes disagree on its
// 0x80-0x9F (nodejs/node#60888, #56542, cloudflare/workerd#6027), so each is one table here:
// - Latin-1 labels (WHATWG's and Python's spellings) map every byte to U+00XX, as Python's ISO-8859-1
//   does; so does ASCII, as it always has in errand;
// - windows-1252 labels use the WHATWG index for 0x80-0x9F.
const LATIN1 = /^(iso[-_]?8859[-_]?1(:1987)?|iso[-_]?88591|latin[-_]?1?|l1|cp819|ibm819|iso[-_]ir[-_]100|csisolatin1|us-ascii|ascii|ansi_x3\.4-1968)$/i;
const CP1252 = /^(windows-1252|cp1252|x-cp1252)$/i;
// windows-1252's 0x80-0x9F as the WHATWG index has them (its five unassigned bytes map to U+0081 etc.).
const CP1252_HIGH = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ';

function decodeByTable(bytes: Uint8Array, high: string | undefined): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    const chunk = bytes.subarray(i, i + 0x8000);
    text += high ? Array.from(chunk, (b) => (b >= 0x80 && b < 0xa0 ? high[b - 0x80]! : String.fromCharCode(b))).join('') : String.fromCharCode(...chunk);
  }
  return text;
}

/** A decoder for one body: `decode(chunk, { stream: true })` keeps a character split across chunks. */
export interface BodyDecoder {
  decode(bytes: Uint8Array, options?: { stream?: boolean }): string;
}

/**
 * The decoder for a named encoding, the same for `text` and `iterLines()`. Latin-1 and windows-1252
 * are decoded by table (see above; single bytes, so streaming needs no state); an unknown label decodes
 * as UTF-8 with replacement, as requests does.
 */
export function bodyDecoder(encoding: string): BodyDecoder {
  const label = encoding.trim();
  if (LATIN1.test(label)) return { decode: (bytes) => decodeByTable(bytes, undefined) };
  if (CP1252.test(label)) return { decode: (bytes) => decodeByTable(bytes, CP1252_HIGH) };
  try {
    return new TextDecoder(label);
  } catch {
    return new TextDecoder('utf-8');
  }
}

/**
 * Decodes bytes with a named encoding. Latin-1 is decoded by hand: TextDecoder maps it to windows-1252,
 * and Node and workerd disagree on byte 0x80 across releases (nodejs/node#60888, cloudflare/workerd#6027),
 * while Python maps every byte to U+00XX.
 */
export function decode(bytes: Uint8Array, encoding: string): string {
  return bodyDecoder(encoding).decode(bytes);
}

/** A guess at the body's encoding from its bytes: a BOM, then ASCII, then valid UTF-8, else windows-1252. */
export function detectEncoding(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes.every((b) => b < 0x80)) return 'ascii';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}
