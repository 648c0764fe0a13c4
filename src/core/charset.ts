/** Media type and parameters of a Content-Type value (RFC 9110 §8.3.1), parameters keyed in lower case. */
export function parseContentType(value: string | null): { type: string; params: Record<string, string> } {
  // Parameter names come from the server: a null-prototype object, so `__proto__` is a key like any other.
  const params: Record<string, string> = Object.create(null);
  if (!value) return { type: '', params };
  const [type = '', ...rest] = splitOutsideQuotes(value, ';');
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let val = part.slice(eq + 1).trim();
    if (val.startsWith('"')) val = val.slice(1, val.endsWith('"') && val.length > 1 ? -1 : undefined).replace(/\\(.)/g, '$1');
    if (key && !Object.hasOwn(params, key)) params[key] = val;
  }
  return { type: type.trim().toLowerCase(), params };
}

/** Splits on `separator` where it is not inside a quoted string. */
export function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted && c === '\\' && i + 1 < value.length) { current += c + value[++i]; continue; }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) { parts.push(current); current = ''; continue; }
    current += c;
  }
  parts.push(current);
  return parts;
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

const LATIN1 = /^(iso-?8859-1|latin-?1|l1|iso_8859-1(:1987)?|cp819|ibm819|iso-ir-100|csisolatin1|us-ascii|ascii)$/i;
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

/**
 * Decodes bytes with a named encoding. Latin-1 is decoded by hand: TextDecoder maps it to windows-1252,
 * and Node and workerd disagree on byte 0x80 across releases (nodejs/node#60888, cloudflare/workerd#6027),
 * while Python maps every byte to U+00XX.
 */
export function decode(bytes: Uint8Array, encoding: string): string {
  const label = encoding.trim();
  // windows-1252 too: the same runtimes disagree on its 0x80-0x9F.
  if (LATIN1.test(label) || CP1252.test(label)) return decodeByTable(bytes, CP1252.test(label) ? CP1252_HIGH : undefined);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = new TextDecoder('utf-8'); // an unknown label: decode as UTF-8 with replacement, as requests does
  }
  return decoder.decode(bytes);
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
