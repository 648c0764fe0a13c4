import { joinChunks } from './bytes.ts';
import { bodyDecoder, decode, detectEncoding, encodingFromContentType, parseContentType } from './charset.ts';
import { HTTPError, Loggable, RequestError, SchemaValidationError, redactUrl } from './errors.ts';
import { jsonDecodeError } from './json-error.ts';
import type { ServerSentEvent } from './event-stream.ts';
import { parseLinks, type Link } from './links.ts';
import type { CacheStatus } from './cache/hook.ts';
import type { ProgressCallback } from './options.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { JsonResult, StandardResult, StandardSchemaV1 } from './standard-schema.ts';
import { toTimings, type HopMarks, type MarksLookup, type Timings } from './timings.ts';

type FetchResponse = globalThis.Response;

const REDIRECT_CODES = [301, 302, 303, 307, 308];

/** Turns a failure while reading the body into an errand error; set by the runtime's adapter. */
export type BodyErrorMapper = (error: unknown, response: Response) => Error | Promise<Error>;

/**
 * A response body an adapter hands over without a platform Response (the Node transport): reading a
 * small body whole skips the web stream and the platform Response, which cost more than the rest of a
 * request's own work.
 */
export interface BodySource {
  /** The body as a web stream; asked at most once, and then the only way the body is read. */
  stream(): ReadableStream<Uint8Array>;
  /** The whole body; asked at most once, instead of `stream()`. */
  all(): Promise<Uint8Array>;
  /** Stops the body and frees the connection; a no-op once the body has been read. */
  cancel(): void;
}

/** What is left of a body when the platform Response is built: the loaded bytes, or the rest as a stream. */
export type PlatformBody = Uint8Array | ReadableStream<Uint8Array> | null;

/** A response as an adapter may give it instead of a platform Response. */
export interface ResponseParts {
  status: number;
  statusText: string;
  headers: Headers;
  /** null for a response without content (HEAD, 204, 304). */
  body: BodySource | null;
  /** The final URL, where the platform followed redirects (XMLHttpRequest); else the request's. */
  url?: string | undefined;
  /** Builds the platform Response for `r.raw` around what is left of the body. */
  platform(body: PlatformBody): FetchResponse;
}

// Set by the class's static block: lets the send loop learn when a body is done (see onBodySettled).
let setSettledCallback: (response: Response, callback: () => void) => void;

/**
 * Calls `callback` once the body of `response` has been read to the end, failed, or been closed (at once
 * when there is nothing left to read). The send loop uses it to keep a total timeout over a streamed body.
 */
export function onBodySettled(response: Response, callback: () => void): void {
  setSettledCallback(response, callback);
}

/**
 * A response, as in requests: status, headers, final URL, history, timing, and a body that is loaded
 * before the call resolves (unless `stream: true`), so `content`, `text` and `json()` are synchronous.
 */
export class Response extends Loggable {
  /** Responses of the redirects followed, oldest first. */
  history: Response[] = [];
  /** Milliseconds from sending the request until the headers arrived. */
  elapsed: number;
  /** With `allowRedirects: false`: the request that following this redirect would send. */
  next: PreparedRequest | undefined;
  /** How many times the request was sent again by the retry policy. */
  retries = 0;
  /** With a Session `cache`: `hit`, `stale` or `revalidated` (from the cache), `miss` or `bypass`; else undefined. */
  cacheStatus: CacheStatus | undefined;
  // Private fields: never enumerated, so no log or serializer walks into the request's credentials.
  #raw: FetchResponse | undefined;
  #parts: ResponseParts | undefined;
  #request: PreparedRequest;
  #body: Uint8Array | undefined;
  #sourceUsed = false;
  #keptCookies: Record<string, string> | undefined;
  #explicitEncoding: string | null | undefined;
  readonly #onProgress: ProgressCallback | undefined;
  readonly #mapBodyError: BodyErrorMapper;
  #settled: (() => void) | undefined;
  readonly #marks: HopMarks | undefined;
  readonly #lookupMarks: MarksLookup | undefined;

  static {
    setSettledCallback = (response, callback) => {
      const unread = response.#body === undefined && (response.#parts ? response.#parts.body !== null && !response.#sourceUsed : response.#raw!.body !== null && !response.#raw!.bodyUsed);
      if (unread) response.#settled = callback;
      else callback();
    };
  }

  constructor(raw: FetchResponse | ResponseParts, request: PreparedRequest, init: {
    elapsed: number; onDownloadProgress?: ProgressCallback | undefined; mapBodyError?: BodyErrorMapper | undefined;
    /** The moments of this hop the adapter saw (see `timings`); `end` is noted here, when the body has been read. */
    marks?: HopMarks | undefined; lookupMarks?: MarksLookup | undefined;
  }) {
    super();
    if ('arrayBuffer' in raw) this.#raw = raw;
    else this.#parts = raw;
    this.#request = request;
    this.elapsed = init.elapsed;
    this.#onProgress = init.onDownloadProgress;
    this.#mapBodyError = init.mapBodyError ?? ((error) => error as Error);
    this.#marks = init.marks;
    this.#lookupMarks = init.lookupMarks;
  }

  /**
   * Where the milliseconds of this hop went, with got's names: `start`, `socket`, `lookup`, `connect`,
   * `secureConnect`, `upload`, `response`, `end` (epoch ms) and `phases` (`wait`, `dns`, `tcp`, `tls`,
   * `request`, `firstByte`, `download`, `total`). What the runtime cannot see is undefined: no `dns`, `tcp`
   * or `tls` on a reused connection; `end` once the body has been read.
   * @example const { dns, tcp, tls, firstByte, download } = r.timings.phases;
   */
  get timings(): Timings {
    const marks = this.#marks;
    return toTimings(marks && (this.#lookupMarks?.(this.#request.url, marks) ?? marks));
  }

  /**
   * The platform Response underneath. Where the adapter gave parts (Node), it is made at first use: its
   * body is what is left to read, or the loaded bytes.
   */
  get raw(): FetchResponse {
    if (!this.#raw) {
      const parts = this.#parts!;
      const source = this.#sourceUsed ? null : parts.body;
      const body: PlatformBody = parts.body === null ? null : this.#body ?? source?.stream() ?? null;
      this.#raw = parts.platform(body);
      this.#parts = undefined;
    }
    return this.#raw;
  }

  /** The PreparedRequest actually sent. */
  get request(): PreparedRequest { return this.#request; }
  set request(request: PreparedRequest) { this.#request = request; }

  get statusCode(): number { return this.#parts?.status ?? this.raw.status; }
  /** The reason phrase the server sent (`OK`, `Not Found`). */
  get reason(): string { return this.#parts?.statusText ?? this.raw.statusText; }
  /** True when the status is below 400, as in requests (so 3xx is ok, unlike fetch). */
  get ok(): boolean { return this.statusCode < 400; }
  get headers(): Headers { return this.#parts?.headers ?? this.raw.headers; }
  /** The final URL, after redirects. */
  get url(): string { return this.#raw?.url || this.#parts?.url || this.#request.url; }
  /** True for a 301/302/303/307/308 with a Location. */
  get isRedirect(): boolean { return this.headers.has('location') && REDIRECT_CODES.includes(this.statusCode); }
  /** True for a 301/308 with a Location. */
  get isPermanentRedirect(): boolean { return this.headers.has('location') && (this.statusCode === 301 || this.statusCode === 308); }

  /**
   * Cookies this response set, `{ name: value }`: what the session's jar kept from it (refused, deleted and
   * expired ones left out), or, without a jar, what its Set-Cookie headers say.
   */
  set cookies(kept: Record<string, string>) { this.#keptCookies = kept; }
  get cookies(): Record<string, string> {
    if (this.#keptCookies) return this.#keptCookies;
    // Null prototype: cookie names come from the server (`__proto__`, `constructor` are names like any other).
    const cookies: Record<string, string> = Object.create(null);
    for (const line of this.headers.getSetCookie?.() ?? []) {
      const pair = line.split(';', 1)[0]!;
      const eq = pair.indexOf('=');
      if (eq > 0) cookies[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    return cookies;
  }

  /** The RFC 8288 Link header, keyed by `rel` (else by url), targets resolved against `url`. */
  get links(): Record<string, Link> { return parseLinks(this.headers.get('link'), this.url); }

  /** The encoding `text` uses: set it to decode differently. From the Content-Type, ISO-8859-1 for text/* without one. */
  get encoding(): string | null {
    return this.#explicitEncoding !== undefined ? this.#explicitEncoding : encodingFromContentType(this.headers.get('content-type'));
  }
  set encoding(value: string | null) { this.#explicitEncoding = value; }

  /** The encoding guessed from the bytes. */
  get apparentEncoding(): string { return detectEncoding(this.content); }

  /** The body bytes. */
  get content(): Uint8Array {
    if (this.#body === undefined) {
      throw new RequestError(`The body of ${this.describe()} is not loaded (stream: true): await response.read() first, or iterate iterContent()`, { response: this });
    }
    return this.#body;
  }

  /** The body decoded with `encoding` (or `apparentEncoding` when there is none). */
  get text(): string {
    const bytes = this.content;
    return bytes.byteLength === 0 ? '' : decode(bytes, this.encoding ?? this.apparentEncoding);
  }

  /**
   * The body parsed as JSON: `unknown` until you narrow it, or say what you expect with `json<T>()` (an
   * unchecked cast). With a Standard Schema (zod, valibot, arktype), validated and typed: the schema's
   * output, or a Promise of it when the schema validates asynchronously (see JsonResult; `await` it).
   * @example const user = await r.json(z.object({ id: z.number() }));
   */
  json<T = unknown>(): T;
  json<S extends StandardSchemaV1>(schema: S): JsonResult<S>;
  json(schema?: StandardSchemaV1): unknown {
    // RFC 8259: JSON is UTF-8 unless the Content-Type (or the user) names another charset.
    const declared = this.#explicitEncoding || parseContentType(this.headers.get('content-type')).params['charset'];
    const text = declared ? this.text : decode(this.content, 'utf-8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // Not kept as cause: the parser's own message quotes the body around the error (a token may sit there).
      const mediaType = parseContentType(this.headers.get('content-type')).type;
      throw jsonDecodeError(text, { what: this.describe(), bytes: this.content.byteLength, mediaType }, { response: this });
    }
    if (!schema) return value;
    const result = schema['~standard'].validate(value);
    return result instanceof Promise ? result.then((r) => this.checkSchema(r)) : this.checkSchema(result);
  }

  private checkSchema(result: StandardResult<unknown>): unknown {
    if (!result.issues) return result.value;
    const summary = result.issues.slice(0, 3).map((issue) => {
      const path = issue.path?.map((p) => (typeof p === 'object' ? p.key : p)).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    }).join('; ');
    const error = new SchemaValidationError(`${this.describe()} did not match the schema: ${summary}`, { response: this });
    error.issues = result.issues;
    throw error;
  }

  /** Throws HTTPError for a 4xx or 5xx status; returns the response otherwise, for chaining. */
  raiseForStatus(): this {
    const status = this.statusCode;
    if (status >= 400 && status < 600) {
      const kind = status < 500 ? 'Client Error' : 'Server Error';
      throw new HTTPError(`${status} ${kind}: ${this.reason || 'no reason given'} for url: ${redactUrl(this.url)}`, { response: this });
    }
    return this;
  }

  /** Loads the body (once); needed before `content`/`text`/`json()` on a `stream: true` response. */
  async read(): Promise<this> {
    if (this.#body !== undefined) return this;
    const source = this.#parts?.body;
    if (source && !this.#sourceUsed && !this.#onProgress) {
      // The whole body in one piece: no stream, no platform Response (see BodySource).
      this.#sourceUsed = true;
      try {
        this.#body = await source.all();
        this.#markEnd();
      } catch (error) {
        throw await this.#mapBodyError(error, this);
      } finally {
        this.settle();
      }
      return this;
    }
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.rawChunks()) chunks.push(chunk);
    this.#body = joinChunks(chunks);
    return this;
  }

  /** The body in chunks of exactly `chunkSize` bytes (the last may be shorter); without a size, as they arrive. */
  async *iterContent(chunkSize?: number): AsyncGenerator<Uint8Array> {
    if (chunkSize !== undefined && !(Number.isInteger(chunkSize) && chunkSize > 0)) throw new TypeError('errand: chunkSize must be a positive integer');
    const source = this.#body !== undefined ? [this.#body] : this.rawChunks();
    if (!chunkSize) { for await (const chunk of source) if (chunk.byteLength) yield chunk; return; }
    // Cutting into pieces (and lines, below) is loaded at first use: most callers read the body whole.
    yield* (await import('./lines.ts')).rechunk(source, chunkSize);
  }

  /** The body as lines of text (split on `\n` or `\r\n`, or on `delimiter`), decoded with `encoding`. */
  async *iterLines(options: { delimiter?: string } = {}): AsyncGenerator<string> {
    const decoder = bodyDecoder(this.encoding ?? 'utf-8');
    yield* (await import('./lines.ts')).decodeLines(this.iterContent(), decoder, options.delimiter);
  }

  /**
   * The body as Server-Sent Events, parsed by the HTML standard's rules (always UTF-8); read as it
   * arrives on a `stream: true` response. For a stream that reconnects, see `session.events()`.
   * @example for await (const ev of r.iterEvents()) if (ev.data === '[DONE]') break; else print(JSON.parse(ev.data));
   */
  async *iterEvents(): AsyncGenerator<ServerSentEvent> {
    // Loaded at first use: a bundle that never reads an event stream carries no parser.
    const { parseEventStream } = await import('./event-stream.ts');
    yield* parseEventStream(this.iterContent(), undefined, this);
  }

  /**
   * The body as JSON lines (NDJSON): one value per line, blank lines skipped, always UTF-8. A line that is
   * not JSON throws JSONDecodeError with its line number (and none of its text).
   * @example for await (const row of r.iterJSON<{ id: number }>()) ids.push(row.id);
   */
  async *iterJSON<T = any>(): AsyncGenerator<T> {
    const { parseJSONLines } = await import('./json-lines.ts');
    yield* parseJSONLines<T>(this.iterContent(), this, this.describe());
  }

  /** Releases the connection without reading the rest of the body. */
  async close(): Promise<void> {
    if (this.#body !== undefined) return;
    this.settle();
    if (this.#parts) {
      if (this.#parts.body && !this.#sourceUsed) {
        this.#sourceUsed = true;
        this.#parts.body.cancel();
      }
    } else if (this.raw.body && !this.raw.bodyUsed) {
      // Not awaited: a cancel may never settle (msw 2's mocked bodies), and the release does not need it.
      this.raw.body.cancel().catch(() => {});
    }
  }

  override toString(): string { return `<Response [${this.statusCode}]>`; }
  /** A loggable view: Set-Cookie values masked, URLs redacted. */
  override toJSON(): object {
    const headers: Record<string, string> = Object.create(null); // a header may be named __proto__
    for (const [name, value] of this.headers) {
      headers[name] = name === 'set-cookie' ? '***' : name === 'location' || name === 'content-location' ? redactUrl(new URL(value, this.url)) : value;
    }
    return { statusCode: this.statusCode, reason: this.reason, url: redactUrl(this.url), headers };
  }

  private describe(): string {
    return `the response from ${redactUrl(this.url)} (${this.statusCode})`;
  }

  private async *rawChunks(): AsyncGenerator<Uint8Array> {
    if (this.#sourceUsed || this.raw.bodyUsed) throw new RequestError(`The body of ${this.describe()} was already consumed`, { response: this });
    const stream = this.raw.body;
    if (!stream) {
      this.#markEnd();
      return;
    }
    const length = Number(this.headers.get('content-length'));
    // With a Content-Encoding the header counts compressed bytes, so no total can be given.
    const total = this.headers.has('content-encoding') || !(length >= 0) || !this.headers.has('content-length') ? undefined : length;
    const reader = stream.getReader();
    let loaded = 0;
    let finished = false;
    // One read stays in flight ahead of the consumer: a chunk that arrives while the previous one is in
    // use is then in hand, not in the stream's queue, which erroring the stream empties (Streams standard,
    // ResetQueue). So the bytes that came just before a broken connection are still read (an event stream
    // cut mid-event delivers the events completed before the cut); at most one chunk more is held.
    let next = reader.read();
    try {
      for (;;) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await next;
        } catch (error) {
          throw await this.#mapBodyError(error, this);
        }
        if (result.done) { finished = true; this.#markEnd(); break; }
        next = reader.read();
        next.catch(() => {}); // awaited on the next turn, or settled by the cancel below
        loaded += result.value.byteLength;
        this.#onProgress?.(total === undefined ? { loaded } : { loaded, total, percent: total ? (loaded / total) * 100 : 100 });
        yield result.value;
      }
    } finally {
      // A consumer that stops early (break, error) must not leave the connection half-read.
      if (finished) reader.releaseLock();
      else reader.cancel().catch(() => {}); // not awaited, as in close()
      this.settle();
    }
  }

  #markEnd(): void {
    if (this.#marks && this.#marks.end === undefined) this.#marks.end = performance.now();
  }

  private settle(): void {
    const settled = this.#settled;
    this.#settled = undefined;
    settled?.();
  }
}
