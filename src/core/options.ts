import type { AuthOption } from './auth.ts';
import type { CacheMode, CacheOptions } from './cache/hook.ts';
import type { Hooks, HooksOption } from './hooks.ts';
import type { ParamsInput } from './encode.ts';
import type { FilesInput } from './multipart.ts';
import type { RetryOptions } from './retry.ts';
import { concatHooks, normalizeHooks } from './hooks.ts';
import { toPairs } from './encode.ts';
import { InvalidHeaderError } from './errors.ts';

/** Header input: an object (a `null` value removes a session header), a `Headers`, or pairs. */
export type HeadersInput = Headers | Record<string, string | number | null | undefined> | ReadonlyArray<readonly [string, string]>;
/** A body errand sends as given or encodes (see `data` in DESIGN.md). */
export type DataInput =
  | string | ArrayBuffer | ArrayBufferView | Blob | FormData | URLSearchParams | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string> | Record<string, unknown> | ReadonlyArray<readonly [string, unknown]>;
/** Milliseconds in total, or per phase where the runtime allows (`connect`, `read`). */
export type TimeoutInput = number | { connect?: number; read?: number; total?: number };
/** `{ http, https, all, 'https://host': ... }` → proxy URL. */
export type ProxiesInput = Record<string, string | null | undefined>;
/** A CA bundle as a file path or PEM text, or `false` to skip verification. */
export type VerifyInput = boolean | string;
/** A client certificate: PEM path (cert + key), `[certPath, keyPath]`, or PEM text with an optional passphrase. */
export type CertInput = string | readonly [string, string] | { cert: string; key: string; passphrase?: string };
/** `({ loaded, total?, percent? })`: bytes moved so far. */
export type ProgressCallback = (progress: { loaded: number; total?: number; percent?: number }) => void;

/** Options of one call; the same names set a Session's defaults. */
export interface RequestOptions {
  /** Query parameters, merged with the URL's own query. @example { q: 'x', tag: ['a', 'b'] } */
  params?: ParamsInput | null | undefined;
  /** Body: an object or pairs are form-encoded; bytes, Blob, FormData, URLSearchParams and strings go as they are; streams are streamed. */
  data?: DataInput | null | undefined;
  /** Body serialised as JSON, with `Content-Type: application/json`. Ignored when `data` or `files` is given. */
  json?: unknown;
  /** multipart/form-data files. @example { report: ['report.csv', bytes, 'text/csv'] } */
  files?: FilesInput | null | undefined;
  /** Headers; request values override session values key by key; `null` removes a session header. */
  headers?: HeadersInput | null | undefined;
  /** Cookies sent with this request only. */
  cookies?: Record<string, string | null | undefined> | null | undefined;
  /** `[user, pass]` (Basic), an `AuthBase`, or a function of the PreparedRequest. */
  auth?: AuthOption | null | undefined;
  /** Milliseconds: total, or `{ connect, read, total }`. */
  timeout?: TimeoutInput | null | undefined;
  /** Aborts the request; combined with the timeout. */
  signal?: AbortSignal | null | undefined;
  /** Follow redirects (default `true`; `head()` defaults to `false`). */
  allowRedirects?: boolean | null | undefined;
  /** Most redirects followed (default 30). */
  maxRedirects?: number | null | undefined;
  /** Proxy per scheme or host. Node only. */
  proxies?: ProxiesInput | null | undefined;
  /** TLS verification: `true`, `false`, or a CA bundle. Node only. */
  verify?: VerifyInput | null | undefined;
  /** Client certificate. Node only. */
  cert?: CertInput | null | undefined;
  /** Resolve as soon as headers arrive; read the body with `read()`, `iterContent()` or `iterLines()`. */
  stream?: boolean | null | undefined;
  /** `{ request, response }` hooks; session hooks run first. */
  hooks?: HooksOption | null | undefined;
  /** Retry policy: a count, or urllib3-style options. `0` turns retries off. */
  retries?: number | RetryOptions | null | undefined;
  /** Browser only: the fetch `credentials` mode. */
  credentials?: RequestCredentials | null | undefined;
  /** Header names dropped on a cross-origin redirect, besides Authorization, Proxy-Authorization and Cookie. */
  sensitiveHeaders?: readonly string[] | null | undefined;
  /** Relative URLs resolve against it. */
  baseUrl?: string | URL | null | undefined;
  /** Read proxies, CA bundle and .netrc from the environment (default `true` where there is one). */
  trustEnv?: boolean | null | undefined;
  /** Called as response bytes arrive. */
  onDownloadProgress?: ProgressCallback | null | undefined;
  /** Called as request bytes leave, where the runtime allows. */
  onUploadProgress?: ProgressCallback | null | undefined;
  /**
   * How this call uses the Session's cache: fetch's `RequestCache` names. Without a Session cache, the
   * browser's own HTTP cache gets it; elsewhere `only-if-cached` answers 504 and the others change nothing.
   * @example await s.get(url, { cache: 'no-cache' }) // revalidate what is stored
   */
  cache?: CacheMode | null | undefined;
}

/** Options a Session keeps as defaults. */
export type SessionOptions = Omit<RequestOptions, 'data' | 'json' | 'files' | 'signal' | 'cache'> & {
  /**
   * An HTTP cache (RFC 9111) for the Session: `true` (private, in memory) or `{ store, shared, maxEntrySize, heuristic }`.
   * @example new Session({ cache: true })
   */
  cache?: boolean | CacheOptions | null | undefined;
};

/** Options of `session.send(prepared, options)`: the ones that act after preparation. */
export type SendOptions = Pick<RequestOptions,
  'timeout' | 'signal' | 'allowRedirects' | 'maxRedirects' | 'proxies' | 'verify' | 'cert' | 'stream' | 'retries'
  | 'credentials' | 'sensitiveHeaders' | 'trustEnv' | 'onDownloadProgress' | 'onUploadProgress' | 'cache'>;

type MergeKind = 'headers' | 'keyed' | 'params' | 'hooks' | 'replace' | 'call';
// Every option with its merge rule: an option cannot be added without deciding how it merges.
const OPTION_KINDS: { readonly [K in keyof RequestOptions]-?: MergeKind } = {
  params: 'params', data: 'call', json: 'call', files: 'call', headers: 'headers', cookies: 'keyed',
  auth: 'replace', timeout: 'replace', signal: 'call', allowRedirects: 'replace', maxRedirects: 'replace',
  proxies: 'keyed', verify: 'replace', cert: 'replace', stream: 'replace', hooks: 'hooks', retries: 'replace',
  credentials: 'replace', sensitiveHeaders: 'replace', baseUrl: 'replace', trustEnv: 'replace',
  onDownloadProgress: 'replace', onUploadProgress: 'replace',
  // The call's mode; the Session's `cache` option is the cache itself (SessionCache), not a default.
  cache: 'call',
};
const OPTION_NAMES = Object.keys(OPTION_KINDS) as (keyof RequestOptions)[];

/** Normalised timeouts, in milliseconds. */
export interface Timeouts { connect?: number; read?: number; total?: number }

/** The result of merging session defaults with one call's options: plain data, read by prepare and send. */
export interface MergedOptions {
  params: ReadonlyArray<readonly [string, string]>;
  data: DataInput | undefined;
  json: unknown;
  hasJson: boolean;
  files: FilesInput | undefined;
  headers: Headers;
  cookies: Readonly<Record<string, string | null>>;
  auth: AuthOption | undefined;
  timeout: Timeouts;
  signal: AbortSignal | undefined;
  allowRedirects: boolean;
  /** undefined: not set (30 where errand follows redirects). */
  maxRedirects: number | undefined;
  proxies: Readonly<Record<string, string>>;
  verify: VerifyInput;
  cert: CertInput | undefined;
  stream: boolean;
  hooks: Hooks;
  retries: number | RetryOptions | undefined;
  credentials: RequestCredentials | undefined;
  sensitiveHeaders: readonly string[];
  baseUrl: string | undefined;
  trustEnv: boolean;
  onDownloadProgress: ProgressCallback | undefined;
  onUploadProgress: ProgressCallback | undefined;
  cache: CacheMode | undefined;
}

/** Throws a TypeError naming an unknown option and the closest valid one (`header` → `headers`). */
export function checkOptionNames(options: object, allowed: readonly string[] = OPTION_NAMES, what = 'option'): void {
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const closest = closestName(key, allowed);
    throw new TypeError(`errand: unknown ${what} '${key}'${closest ? `; did you mean '${closest}'?` : ''}`);
  }
}

function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(name.length / 2)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The option names a Session accepts. */
export const SESSION_OPTION_NAMES: readonly string[] = [...OPTION_NAMES.filter((name) => OPTION_KINDS[name] !== 'call'), 'cache'];
/** The option names `session.send()` accepts. */
export const SEND_OPTION_NAMES: readonly string[] = [
  'timeout', 'signal', 'allowRedirects', 'maxRedirects', 'proxies', 'verify', 'cert', 'stream', 'retries',
  'credentials', 'sensitiveHeaders', 'trustEnv', 'onDownloadProgress', 'onUploadProgress', 'cache',
];

const CACHE_MODES: readonly string[] = ['default', 'no-store', 'reload', 'no-cache', 'force-cache', 'only-if-cached'];

function checkCacheMode(mode: CacheMode | null | undefined): CacheMode | undefined {
  if (mode == null) return undefined;
  if (!CACHE_MODES.includes(mode)) throw new TypeError(`errand: cache must be one of ${CACHE_MODES.join(', ')} for a call, not ${JSON.stringify(String(mode)).slice(0, 40)}`);
  return mode;
}

/** Applies header input onto `target`: later values replace, `null`/`undefined` deletes. Validates names and values. */
export function applyHeaders(target: Headers, input: HeadersInput | null | undefined): Headers {
  if (input == null) return target;
  const entries: Iterable<readonly [string, unknown]> =
    input instanceof Headers ? input.entries() : Array.isArray(input) ? input : Object.entries(input);
  for (const [name, value] of entries) {
    if (value === null || value === undefined) target.delete(checkHeaderName(name));
    else target.set(checkHeaderName(name), checkHeaderValue(name, value));
  }
  return target;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function checkHeaderName(name: string): string {
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    throw new InvalidHeaderError(`Invalid header name ${JSON.stringify(String(name)).slice(0, 80)}: header names are HTTP tokens (no spaces, colons, CR or LF)`);
  }
  return name;
}

function checkHeaderValue(name: string, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new InvalidHeaderError(`Header '${name}' must be a string or a number, not ${typeof value}`);
  }
  const text = String(value);
  // RFC 9110 §5.5: CR, LF and NUL are never allowed in a field value (header injection).
  if (/[\r\n\0]/.test(text)) throw new InvalidHeaderError(`Header '${name}' contains CR, LF or NUL`);
  if (/[^\u0000-\u00ff]/.test(text)) {
    throw new InvalidHeaderError(`Header '${name}' has characters outside ISO-8859-1; encode the value first (e.g. encodeURIComponent)`);
  }
  return text.trim();
}


function mergeKeyed(session: Record<string, string | null | undefined> | null | undefined,
  call: Record<string, string | null | undefined> | null | undefined): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const source of [session, call]) {
    for (const [key, value] of Object.entries(source ?? {})) {
      if (value === null || value === undefined) delete merged[key];
      else merged[key] = value;
    }
  }
  return merged;
}

// Params merge key by key like headers: a call key replaces every session pair of that key.
function mergeParams(session: ParamsInput | null | undefined, call: ParamsInput | null | undefined): [string, string][] {
  const base = toPairs(session) as [string, string][];
  if (call == null) return base;
  const override = toPairs(call, true);
  const overridden = new Set(override.map(([key]) => key));
  return [...base.filter(([key]) => !overridden.has(key)), ...override.filter((pair): pair is [string, string] => pair[1] !== null)];
}

function normalizeTimeout(value: TimeoutInput | null | undefined): Timeouts {
  if (value == null) return {};
  if (typeof value === 'number') return { total: checkMs('timeout', value) };
  if (typeof value !== 'object') throw new TypeError(`errand: timeout must be milliseconds or { connect, read, total }, not ${typeof value}`);
  checkOptionNames(value, ['connect', 'read', 'total'], 'timeout field');
  const out: Timeouts = {};
  for (const key of ['connect', 'read', 'total'] as const) {
    const ms = value[key];
    if (ms !== undefined && ms !== null) out[key] = checkMs(`timeout.${key}`, ms);
  }
  return out;
}

function checkMs(name: string, ms: unknown): number {
  if (typeof ms !== 'number' || !(ms >= 0) || ms === Infinity) {
    throw new TypeError(`errand: ${name} must be a finite number of milliseconds >= 0, got ${String(ms)}`);
  }
  return ms;
}

/**
 * requests' merge rule (sessions.py `merge_setting`): the call wins key by key for headers, params,
 * cookies and proxies; `null` removes a session key; hooks add up, session first; everything else replaces.
 */
export function mergeOptions(session: Omit<SessionOptions, 'cookies'> & { headers: Headers }, call: RequestOptions = {}): MergedOptions {
  checkOptionNames(call);
  const pick = <K extends keyof RequestOptions>(key: K): RequestOptions[K] =>
    call[key] === undefined ? (session as RequestOptions)[key] : call[key];
  const headers = applyHeaders(new Headers(session.headers), call.headers);
  const hooks = concatHooks(normalizeHooks(session.hooks), normalizeHooks(call.hooks));
  const maxRedirects = pick('maxRedirects') ?? undefined;
  if (maxRedirects !== undefined && (!Number.isInteger(maxRedirects) || maxRedirects < 0)) throw new TypeError(`errand: maxRedirects must be an integer >= 0, got ${String(maxRedirects)}`);
  const signal = call.signal ?? undefined;
  if (signal !== undefined && !(typeof signal === 'object' && 'aborted' in signal)) throw new TypeError('errand: signal must be an AbortSignal');
  const baseUrl = pick('baseUrl');
  return {
    params: mergeParams(session.params, call.params),
    data: call.data ?? undefined,
    json: call.json,
    hasJson: call.json !== undefined,
    files: call.files ?? undefined,
    headers,
    cookies: Object.fromEntries(Object.entries(call.cookies ?? {}).map(([k, v]) => [k, v ?? null])),
    auth: pick('auth') ?? undefined,
    timeout: normalizeTimeout(pick('timeout')),
    signal,
    allowRedirects: pick('allowRedirects') ?? true,
    maxRedirects,
    proxies: mergeKeyed(session.proxies, call.proxies),
    verify: pick('verify') ?? true,
    cert: pick('cert') ?? undefined,
    stream: pick('stream') ?? false,
    hooks,
    retries: pick('retries') ?? undefined,
    credentials: pick('credentials') ?? undefined,
    sensitiveHeaders: pick('sensitiveHeaders') ?? [],
    baseUrl: baseUrl == null ? undefined : String(baseUrl),
    trustEnv: pick('trustEnv') ?? true,
    onDownloadProgress: pick('onDownloadProgress') ?? undefined,
    onUploadProgress: pick('onUploadProgress') ?? undefined,
    cache: checkCacheMode(call.cache),
  };
}
