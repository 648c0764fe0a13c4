import type { Adapter, NetrcLookup, Runtime, SessionCookies } from './adapter.ts';
import { createSessionCache, type SessionCache } from './cache/hook.ts';
import { findAdapter, headOptions, lazyNetrc, sessionCall, type SessionState } from './call.ts';
import { Loggable, redactUrl } from './errors.ts';
import type { ServerSentEvent } from './event-stream.ts';
import type { EventsOptions } from './events.ts';
import type { HooksOption } from './hooks.ts';
import {
  SEND_OPTION_NAMES, SESSION_OPTION_NAMES, applyHeaders, checkOptionNames, mergeOptions,
  type RequestOptions, type SendOptions, type SessionOptions,
} from './options.ts';
import { prepare } from './prepare.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Request } from './request.ts';
import type { Response } from './response.ts';
import { sendLoop } from './send.ts';

/** Options of `session.paginate()`. */
export interface PaginateOptions extends RequestOptions {
  /** Stop after this many pages. */
  maxPages?: number;
  /** The next URL from a page; by default `links.next`. Return nothing to stop. */
  next?: (response: Response) => string | URL | undefined | null | Promise<string | URL | undefined | null>;
}

/**
 * A Session keeps defaults (headers, auth, params, hooks, timeouts…), a cookie jar and connection pools
 * across requests. Its defaults are public and mutable, as in requests.
 * @example const s = new Session({ headers: { 'x-test': 'true' } }); s.auth = ['user', 'pass'];
 */
export class Session extends Loggable implements Omit<SessionOptions, 'cookies' | 'cache'> {
  headers: Headers;
  auth: SessionOptions['auth'];
  params: SessionOptions['params'];
  hooks: HooksOption | null | undefined;
  proxies: SessionOptions['proxies'];
  verify: SessionOptions['verify'];
  cert: SessionOptions['cert'];
  timeout: SessionOptions['timeout'];
  retries: SessionOptions['retries'];
  baseUrl: SessionOptions['baseUrl'];
  trustEnv: SessionOptions['trustEnv'];
  maxRedirects: SessionOptions['maxRedirects'];
  allowRedirects: SessionOptions['allowRedirects'];
  stream: SessionOptions['stream'];
  credentials: SessionOptions['credentials'];
  sensitiveHeaders: SessionOptions['sensitiveHeaders'];
  onDownloadProgress: SessionOptions['onDownloadProgress'];
  onUploadProgress: SessionOptions['onUploadProgress'];
  /** The cookie jar: filled from every response (redirect hops too), sent where RFC 6265 allows. */
  cookies: SessionCookies;
  protected readonly runtime: Runtime;
  private adapters: [prefix: string, adapter: Adapter][] = [];
  // The HTTP cache, when the Session was made with `cache` (fixed for the Session's life).
  readonly #cache: SessionCache | undefined;
  // trustEnv's .netrc, read at the first request that asks and kept (see Runtime.readNetrc).
  readonly #netrc: NetrcLookup;

  constructor(options: SessionOptions = {}, runtime: Runtime) {
    super();
    checkOptionNames(options, SESSION_OPTION_NAMES, 'Session option');
    this.runtime = runtime;
    this.headers = applyHeaders(new Headers(runtime.defaultHeaders()), options.headers);
    const { headers: _headers, cookies, cache, ...rest } = options;
    this.#cache = createSessionCache(cache);
    Object.assign(this, rest);
    this.cookies = runtime.createCookieJar();
    // Session-level cookies apply to any host, as requests' cookiejar_from_dict does.
    for (const [name, value] of Object.entries(cookies ?? {})) if (value != null) this.cookies.set(name, value);
    const adapter = runtime.createAdapter();
    this.mount('https://', adapter);
    this.mount('http://', adapter);
    this.#netrc = lazyNetrc(runtime);
    for (const key of ['runtime', 'adapters', 'auth']) Object.defineProperty(this, key, { enumerable: false, writable: true });
  }

  /** Sends a request with any method (`MKCOL` too). */
  request(method: string, url: string | URL, options: RequestOptions = {}): Promise<Response> {
    return sessionCall(this.#state(), method, url, options);
  }

  get(url: string | URL, options?: RequestOptions): Promise<Response> { return this.request('GET', url, options); }
  /** HEAD; redirects are not followed unless `allowRedirects: true`, as in requests (the browser always follows). */
  head(url: string | URL, options?: RequestOptions): Promise<Response> {
    return this.request('HEAD', url, headOptions(this.runtime, options));
  }
  post(url: string | URL, options?: RequestOptions): Promise<Response> { return this.request('POST', url, options); }
  put(url: string | URL, options?: RequestOptions): Promise<Response> { return this.request('PUT', url, options); }
  patch(url: string | URL, options?: RequestOptions): Promise<Response> { return this.request('PATCH', url, options); }
  delete(url: string | URL, options?: RequestOptions): Promise<Response> { return this.request('DELETE', url, options); }
  options(url: string | URL, options?: RequestOptions): Promise<Response> { return this.request('OPTIONS', url, options); }

  /** Merges this session's state into a Request and prepares it (requests' `prepare_request`). */
  prepareRequest(request: Request): Promise<PreparedRequest> {
    return prepare(request.method, request.url, mergeOptions(this, request.options), this.#netrc);
  }

  /** Sends exactly this PreparedRequest, with the session's transport defaults under `options`. */
  send(prepared: PreparedRequest, options: SendOptions = {}): Promise<Response> {
    checkOptionNames(options, SEND_OPTION_NAMES, 'send option');
    return sendLoop(this.#state(), prepared, mergeOptions(this, options));
  }

  /** Mounts an adapter for URLs starting with `prefix`; the longest matching prefix wins. */
  mount(prefix: string, adapter: Adapter): void {
    this.adapters = this.adapters.filter(([p]) => p !== prefix);
    this.adapters.push([prefix, adapter]);
    this.adapters.sort((a, b) => b[0].length - a[0].length);
  }

  /** The adapter for a URL: the longest mounted prefix that matches (case-insensitive). */
  getAdapter(url: string): Adapter {
    return findAdapter(this.adapters, url);
  }

  /**
   * Follows `links.next` (or your `next` function) from page to page.
   * @example for await (const page of s.paginate(url, { maxPages: 10 })) items.push(...page.json<Item[]>());
   */
  async *paginate(url: string | URL, options: PaginateOptions = {}): AsyncGenerator<Response> {
    // Loaded at first use: a bundle whose Sessions never page carries none of the loop (core/paginate.ts).
    const { paginate } = await import('./paginate.ts');
    yield* paginate(() => this.#state(), url, options);
  }

  /**
   * Server-Sent Events from `url`, through this Session, with any method and body; reconnects after the
   * stream ends or breaks (waiting the server's `retry:`, sending `Last-Event-ID`), up to `maxReconnects`
   * in a row without an event. Breaking out of the loop closes the connection.
   * @example for await (const ev of s.events(url, { method: 'POST', json: { prompt }, maxReconnects: 0 })) if (ev.data === '[DONE]') break;
   */
  async *events(url: string | URL, options: EventsOptions = {}): AsyncGenerator<ServerSentEvent> {
    // Loaded at first use: a bundle that never opens an event stream carries none of it.
    const { streamEvents } = await import('./events.ts');
    yield* streamEvents(this, url, options);
  }

  /** Ends the cache's background refreshes, then releases every mounted adapter's pools. */
  async close(): Promise<void> {
    await this.#cache?.close();
    await Promise.all([...new Set(this.adapters.map(([, adapter]) => adapter))].map((adapter) => adapter.close()));
  }

  /** `await using s = new Session()` closes it. */
  // Symbol.asyncDispose is in TypeScript's esnext.disposable lib: the published declarations reference it (rollup.config.mjs).
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  override toString(): string { return `<Session>`; }
  /** A loggable view without secrets: header names, cookie names, proxy URLs redacted. */
  override toJSON(): object {
    return {
      headers: [...this.headers.keys()], cookies: [...this.cookies].map((c) => c.name),
      proxies: Object.fromEntries(Object.entries(this.proxies ?? {}).map(([k, v]) => [k, v == null ? v : redactUrl(v)])),
      baseUrl: this.baseUrl == null ? undefined : redactUrl(String(this.baseUrl)),
    };
  }

  /** What a call reads (core/call.ts): the session's own fields are its defaults (never its cookie jar). */
  #state(): SessionState {
    return { runtime: this.runtime, defaults: this, netrc: this.#netrc, cookies: this.cookies, cache: this.#cache, getAdapter: (url) => this.getAdapter(url) };
  }
}
