import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';

/** Where an error came from: the request sent, the response when there was one, and the cause. */
export interface ErrorContext {
  request?: PreparedRequest | undefined;
  response?: Response | undefined;
  cause?: unknown;
}

// A brand that survives a second copy of errand (ESM + CJS in one process, or two
// bundles): instanceof falls back to comparing the names of the class chain. Each class names its kind
// in a static field with a string key: a computed key would make every class one a bundler must keep.
const KINDS = Symbol.for('errand.errorKinds');
const KIND = '~kind';

/** Base of every error errand throws. Carries `request` and, where there is one, `response`. */
export class RequestError extends Error {
  /** The class's name, kept through minification (see KIND). @internal */
  static readonly '~kind': string = 'RequestError';
  override name = 'RequestError';
  request: PreparedRequest | undefined;
  response: Response | undefined;
  declare readonly [KINDS]: readonly string[];

  constructor(message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.request = context.request ?? context.response?.request;
    this.response = context.response;
    const kinds: string[] = [];
    for (let c = new.target as unknown; typeof c === 'function' && KIND in c; c = Object.getPrototypeOf(c)) {
      kinds.push((c as unknown as Record<string, string>)[KIND]!);
    }
    this.name = kinds[0] ?? 'RequestError';
    Object.defineProperty(this, KINDS, { value: kinds });
    // request/response may hold credentials: keep them out of JSON and inspection dumps.
    Object.defineProperty(this, 'request', { enumerable: false });
    Object.defineProperty(this, 'response', { enumerable: false });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // The ordinary prototype check first (HTTPError.prototype instanceof RequestError, Object.create(...)).
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    // Then the brand, for an error made by another copy of errand. Only errand's own classes carry a kind:
    // a user's subclass inherits its parent's, and a parent's error is not an instance of the subclass.
    if (typeof value !== 'object' || value === null || !Object.hasOwn(this, KIND)) return false;
    const kinds = (value as Record<symbol, unknown>)[KINDS];
    return Array.isArray(kinds) ? kinds.includes((this as unknown as Record<string, string>)[KIND]) : false;
  }
}

/** A 4xx/5xx status, raised by `response.raiseForStatus()`. */
export class HTTPError extends RequestError { /** @internal */ static override readonly '~kind': string = 'HTTPError'; }
/** The connection could not be made or broke before a complete response. */
export class ConnectionError extends RequestError { /** @internal */ static override readonly '~kind': string = 'ConnectionError'; }
/** The proxy refused, failed or asked for credentials (407). */
export class ProxyError extends ConnectionError { /** @internal */ static override readonly '~kind': string = 'ProxyError'; }
/** TLS failed: certificate not trusted, expired, wrong host, or handshake refused. */
export class SSLError extends ConnectionError { /** @internal */ static override readonly '~kind': string = 'SSLError'; }
/** A timeout fired. `ConnectTimeoutError` and `ReadTimeoutError` say which phase. */
export class TimeoutError extends RequestError { /** @internal */ static override readonly '~kind': string = 'TimeoutError'; }
/** No connection within the `connect` timeout. */
export class ConnectTimeoutError extends TimeoutError { /** @internal */ static override readonly '~kind': string = 'ConnectTimeoutError'; }
/** The server sent nothing for longer than the `read` timeout. */
export class ReadTimeoutError extends TimeoutError { /** @internal */ static override readonly '~kind': string = 'ReadTimeoutError'; }
/** More redirects than `maxRedirects`; `response` is the last one, with its history. */
export class TooManyRedirectsError extends RequestError { /** @internal */ static override readonly '~kind': string = 'TooManyRedirectsError'; }
/** The URL cannot be used. */
export class InvalidURLError extends RequestError { /** @internal */ static override readonly '~kind': string = 'InvalidURLError'; }
/** The URL has no scheme (`example.com/path`). */
export class MissingSchemaError extends InvalidURLError { /** @internal */ static override readonly '~kind': string = 'MissingSchemaError'; }
/** No adapter handles the URL's scheme. */
export class InvalidSchemaError extends InvalidURLError { /** @internal */ static override readonly '~kind': string = 'InvalidSchemaError'; }
/** A header name or value that HTTP does not allow (CR/LF, non-token name, non-Latin-1 value). */
export class InvalidHeaderError extends RequestError { /** @internal */ static override readonly '~kind': string = 'InvalidHeaderError'; }
/** The `json` option cannot be serialised (BigInt, a cycle). */
export class InvalidJSONError extends RequestError { /** @internal */ static override readonly '~kind': string = 'InvalidJSONError'; }
/**
 * `response.json()` on a body that is not JSON. The message gives the position, the body's size and media
 * type, never body text (a token may sit in it).
 */
export class JSONDecodeError extends RequestError {
  /** @internal */ static override readonly '~kind': string = 'JSONDecodeError';
  /** Where the body stops being JSON: character offset (0-based), line and column (1-based). */
  position: { offset: number; line: number; column: number } | undefined;
  /**
   * Up to 80 characters of the body around the error, for debugging. Non-enumerable: `String(error)`,
   * `JSON.stringify(error)` and `util.inspect(error)` do not show it.
   */
  declare readonly snippet: string | undefined;
}
/** The body's Content-Encoding could not be decoded. */
export class ContentDecodingError extends RequestError { /** @internal */ static override readonly '~kind': string = 'ContentDecodingError'; }
/** `response.json(schema)` rejected the body; `issues` lists why. */
export class SchemaValidationError extends RequestError {
  /** @internal */ static override readonly '~kind': string = 'SchemaValidationError';
  issues: readonly { message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> | undefined }[] = [];
}
/** This runtime cannot do what was asked; the message says what and why. */
export class UnsupportedError extends RequestError { /** @internal */ static override readonly '~kind': string = 'UnsupportedError'; }

/**
 * Base of errand's classes that may hold credentials (Session, Request, PreparedRequest, Response, auth):
 * Node's `util.inspect` (console.log) shows their `toJSON()` view, which leaves secrets out. One base
 * holds the `Symbol.for` key, so each class stays one a bundler can drop when unused (a class with a
 * computed key of its own is kept by esbuild as a possible side effect).
 */
export abstract class Loggable {
  /** A view of this object without secrets (JSON.stringify and util.inspect show it). */
  abstract toJSON(): unknown;
  [Symbol.for('nodejs.util.inspect.custom')](): unknown { return this.toJSON(); }
}

/**
 * A URL safe for messages: no userinfo, query values masked.
 * Tokens often travel in the query (`?access_token=`), so values never reach a message.
 */
export function redactUrl(url: string | URL): string {
  const text = String(url);
  let parsed: URL | undefined;
  try {
    parsed = new URL(text);
  } catch { /* masked as text below */ }
  // Unparsable, or opaque ('user:pass@host/x' parses with scheme 'user:' and no host): mask by pattern.
  if (!parsed?.host) return redactText(text);
  if (parsed.username || parsed.password) {
    parsed.username = '***';
    parsed.password = '';
  }
  parsed.search = maskQueryValues(parsed.search);
  if (parsed.hash) parsed.hash = '***'; // OAuth's implicit flow puts tokens in the fragment
  return parsed.href;
}

/**
 * redactUrl for text that is not a URL with a host (an invalid Location, say): userinfo, query values
 * and the fragment masked by pattern.
 */
function redactText(text: string): string {
  const hash = text.indexOf('#');
  const head = (hash < 0 ? text : text.slice(0, hash)).replace(/\/\/[^/@]*@/, '//***@').replace(/^[^/@]*@/, '***@');
  return hash < 0 ? maskQueryValues(head) : `${maskQueryValues(head)}#***`;
}

/**
 * Masks every value after a `?` or `&` and its `=`, up to the next `&` (`?a=1&b&c=2=3` → `?a=***&b&c=***`).
 * Linear in the length: the text may be a server's, and the regular expression this replaces
 * (`/([?&][^=&#]*=)[^&#]*\/g`) took quadratic time on a run of '?'.
 */
function maskQueryValues(text: string): string {
  let out = '';
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '?' && text[i] !== '&') continue;
    let end = i + 1;
    while (end < text.length && text[end] !== '=' && text[end] !== '&') end++;
    // No '=' before the next '&': nothing to mask here, nor at a '?' in between (it would stop at the same place).
    if (text[end] !== '=') { i = end - 1; continue; }
    let valueEnd = end + 1;
    while (valueEnd < text.length && text[valueEnd] !== '&') valueEnd++;
    out += `${text.slice(at, end + 1)}***`;
    at = valueEnd;
    i = valueEnd - 1;
  }
  return out + text.slice(at);
}
