import type { HopSteps } from './hops.ts';
import type { CallBudget } from './budget.ts';
import type { CertInput, CredentialsMode, ProgressCallback, Timeouts, VerifyInput } from './options.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';
import type { CacheMode } from './cache/hook.ts';

/** What the send loop tells an adapter for one hop: normalised, per-request transport settings. */
export interface AdapterSendOptions {
  /** Aborts this hop: fires on the user's signal or the total timeout; undefined when the call has neither. */
  signal: AbortSignal | undefined;
  /** `manual`: return 3xx as they are (errand follows them); `follow`: the platform follows (browser). */
  redirect: 'manual' | 'follow';
  timeout: Timeouts;
  proxies: Readonly<Record<string, string>>;
  verify: VerifyInput;
  cert: CertInput | undefined;
  trustEnv: boolean;
  credentials: CredentialsMode | undefined;
  onUploadProgress: ProgressCallback | undefined;
  onDownloadProgress: ProgressCallback | undefined;
  /** fetch's `cache` mode, for a platform with an HTTP cache of its own (`Runtime.httpCache`); else undefined. */
  cache?: CacheMode | undefined;
}

/** Sends one PreparedRequest and returns its Response (headers received; the body unread). */
export interface Adapter {
  send(request: PreparedRequest, options: AdapterSendOptions): Promise<Response>;
  /** Releases pools and sockets. */
  close(): Promise<void>;
}

/** A cookie store the send loop reads before each hop and fills after it. */
export interface CookieStore {
  /**
   * Undefined when the store can be read (and, with `storing`, filled) synchronously now; else a promise
   * for when it can (a cookie library still loading). The loop awaits it before cookiesFor and storeFrom.
   */
  ready?(storing?: boolean): Promise<void> | undefined;
  /**
   * The name/value pairs to send to a URL. `anyHost` false leaves out cookies set for any host (by
   * name only): the loop asks so after a redirect that stripped credentials.
   */
  cookiesFor(url: string, anyHost?: boolean): ReadonlyArray<readonly [string, string]>;
  /** Stores the Set-Cookie lines of a response received from `url`; returns the cookies it kept. */
  storeFrom(url: string, setCookies: readonly string[]): Record<string, string>;
}

/** `session.cookies`: the store plus requests' jar methods. */
export interface SessionCookies extends CookieStore, Iterable<{ name: string; value: string; domain?: string | null | undefined; path: string | null }> {
  get(name: string, scope?: { domain?: string; path?: string }): string | undefined;
  set(name: string, value: string, attributes?: { domain?: string; path?: string; expires?: Date | number; secure?: boolean; httpOnly?: boolean }): void;
  delete(name: string, scope?: { domain?: string; path?: string }): void;
  clear(): void;
  getDict(scope?: { domain?: string; path?: string }): Record<string, string>;
  toJSON(): unknown;
}

/** `[login, password]` from a .netrc for a URL's host, or undefined. */
export type NetrcLookup = (url: string) => [string, string] | undefined;

/**
 * The context of one call (a logical request: its redirects, retries and auth replays) on a runtime's
 * tracing; Node publishes it on `diagnostics_channel.tracingChannel('errand:request')`.
 * @example
 * diagnostics_channel.tracingChannel('errand:request').subscribe({
 *   asyncEnd: (call) => console.log(call.request.url, call.result?.statusCode ?? call.error, call.hops, call.retries),
 *   start() {}, end() {}, asyncStart() {}, error() {},
 * });
 */
export interface CallTrace {
  /** The request the call started with (its first hop). */
  readonly request: PreparedRequest;
  /** Requests sent so far: every hop, retry and auth replay. */
  readonly hops: number;
  /** Retries so far. */
  readonly retries: number;
  /** Redirects followed so far. */
  readonly redirects: number;
  /** The final Response, once the call resolved. */
  result?: Response;
  /** Why the call failed, once it rejected. */
  error?: unknown;
}

/**
 * A runtime's wrapper around each call: runs `call` (the send loop) and publishes its start and end. The
 * loop hands `observe` the call's budget, where the counts of hops and retries are kept. It must cost
 * nothing when nobody listens.
 */
export type TraceCall = (request: PreparedRequest, call: (observe?: (budget: CallBudget) => void) => Promise<Response>) => Promise<Response>;

/** What an entry file injects into the platform-free core. */
export interface Runtime {
  /** 'node' | 'edge' | 'browser': named in UnsupportedError messages. */
  readonly name: string;
  /**
   * The steps errand takes itself where the platform's fetch leaves them to it (core/hops.ts: cookies per
   * hop, redirects with credential stripping). Absent where the platform follows redirects and keeps
   * cookies itself (the browser): errand then keeps no history, and that build carries none of this code.
   */
  readonly hops?: HopSteps | undefined;
  /** True where the platform's fetch has an HTTP cache of its own (the browser): it gets the call's `cache` mode. */
  readonly httpCache?: boolean;
  /** Headers every new Session starts with (requests' default_headers). */
  defaultHeaders(): Record<string, string>;
  /** The adapter mounted for http:// and https:// in a new Session. */
  createAdapter(): Adapter;
  /** A new Session's cookie jar. */
  createCookieJar(): SessionCookies;
  /**
   * trustEnv's .netrc, read now: a lookup of `[login, password]` by URL host. Only runtimes with files
   * implement it (Node). A Session reads it once, at the first request that asks (trustEnv on, no auth
   * given, no userinfo in the URL), and keeps it, as it keeps the environment.
   */
  readNetrc?(): NetrcLookup;
  /**
   * Wraps each call (one logical request) in the runtime's tracing: Node publishes it on
   * `diagnostics_channel.tracingChannel('errand:request')`. Absent where there is nothing to publish to.
   */
  traceCall?: TraceCall;
}
