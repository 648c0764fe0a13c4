import type { AuthOption } from './auth.ts';
import type { CacheMode, CacheOptions } from './cache/hook.ts';
import type { Hooks, HooksOption } from './hooks.ts';
import type { FormValue, ParamsInput } from './encode.ts';
import type { FilesInput } from './multipart.ts';
import type { RetryOptions } from './retry.ts';
import { concatHooks, normalizeHooks } from './hooks.ts';
import { toPairs } from './encode.ts';
import { checkHeaderName, checkHeaderValue } from './wire.ts';

/** Header input: an object (a `null` value removes a session header), a `Headers`, or pairs. */
export type HeadersInput = Headers | Record<string, string | number | null | undefined> | ReadonlyArray<readonly [string, string]>;
/**
 * A body errand sends as given or encodes (see `data` in DESIGN.md). Objects and pairs are form fields:
 * flat values only, as `application/x-www-form-urlencoded` has no nesting (send nested data as `json`).
 */
export type DataInput =
  | string | ArrayBuffer | ArrayBufferView | Blob | FormData | URLSearchParams | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>
  | Readonly<Record<string, FormValue | readonly FormValue[]>> | ReadonlyArray<readonly [string, FormValue | readonly FormValue[]]>;
/** Milliseconds in total, or per phase where the runtime allows (`connect`, `read`). */
export type TimeoutInput = number | { connect?: number; read?: number; total?: number };
/** `{ http, https, all, 'https://host': ... }` → proxy URL. */
export type ProxiesInput = Record<string, string | null | undefined>;
/** A CA bundle as a file path or PEM text, or `false` to skip verification. */
export type VerifyInput = boolean | string;
/** A client certificate: PEM path (cert + key), `[certPath, keyPath]`, or PEM text with an optional passphrase. */
export type CertInput = string | readonly [string, string] | { cert: string; key: string; passphrase?: string };
/** fetch's `credentials` mode, spelled out so the types need no DOM lib. */
export type CredentialsMode = 'omit' | 'same-origin' | 'include';
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
  credentials?: CredentialsMode | null | undefined;
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

/** Options that belong to one call (a body, an abort signal): a Session refuses them as defaults. */
type CallOnlyName = 'data' | 'json' | 'files' | 'signal';
/** Options that act after the request is prepared: what `session.send(prepared, options)` accepts. */
type SendName =
  | 'timeout' | 'signal' | 'allowRedirects' | 'maxRedirects' | 'proxies' | 'verify' | 'cert' | 'stream' | 'retries'
  | 'credentials' | 'sensitiveHeaders' | 'trustEnv' | 'onDownloadProgress' | 'onUploadProgress' | 'cache';
/** Options a Session holds in an object of its own (the cookie jar, the cache), not as a default for calls. */
type HeldName = 'cookies' | 'cache';

/** Options a Session keeps as defaults. */
export type SessionOptions = Omit<RequestOptions, CallOnlyName | 'cache'> & {
  /**
   * An HTTP cache (RFC 9111) for the Session: `true` (private, in memory) or `{ store, shared, maxEntrySize, heuristic }`.
   * @example new Session({ cache: true })
   */
  cache?: boolean | CacheOptions | null | undefined;
};

/** Options of `session.send(prepared, options)`: the ones that act after preparation. */
export type SendOptions = Pick<RequestOptions, SendName>;

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
  credentials: CredentialsMode | undefined;
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

/** Applies header input onto `target`: later values replace, `null`/`undefined` deletes. Validates names and values. */
export function applyHeaders(target: Headers, input: HeadersInput | null | undefined): Headers {
  if (input == null) return target;
  const entries: Iterable<readonly [string, unknown]> =
    input instanceof Headers ? input.entries() : Array.isArray(input) ? input : Object.entries(input);
  for (const [name, value] of entries) {
    if (value === null || value === undefined) target.delete(checkHeaderName(name));
    else target.set(checkHeaderName(name), checkHeaderValue(name, value).trim());
  }
  return target;
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

/** A timeout option as milliseconds per phase, checked (TypeError on a bad value or an unknown field). */
export function normalizeTimeout(value: TimeoutInput | null | undefined): Timeouts {
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

function checkMaxRedirects(value: number | null | undefined): number | undefined {
  if (value == null) return undefined;
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`errand: maxRedirects must be an integer >= 0, got ${String(value)}`);
  return value;
}

function checkSignal(signal: AbortSignal | undefined): AbortSignal | undefined {
  if (signal !== undefined && !(typeof signal === 'object' && 'aborted' in signal)) throw new TypeError('errand: signal must be an AbortSignal');
  return signal;
}

function checkMs(name: string, ms: unknown): number {
  if (typeof ms !== 'number' || !(ms >= 0) || ms === Infinity) {
    throw new TypeError(`errand: ${name} must be a finite number of milliseconds >= 0, got ${String(ms)}`);
  }
  return ms;
}

// A plain union of the names (not `keyof`), so that the table below is a non-homomorphic mapped type and
// `OPTION_RULES[name]` is `OptionRule<K>` for a generic name K.
type OptionName = Exclude<keyof RequestOptions, never>;

/** What mergeOptions reads from a Session: its defaults, with the headers already a `Headers`. */
export type SessionDefaults = Omit<SessionOptions, 'cookies' | 'headers' | 'cache'> & { headers: Headers };
type SessionValue<K extends OptionName> = K extends keyof SessionDefaults ? SessionDefaults[K] : undefined;

/**
 * How one option is merged, and where it may be given: a rule marks the exceptions. `scope: 'call'`: only
 * per call (a body, a signal), a Session refuses it; `scope: 'held'`: a Session keeps it in an object of its
 * own (the cookie jar, the cache) which the send loop reads per hop, and the call's value is merged alone;
 * otherwise a Session keeps it as a default. `send: true`: it acts after
 * the request is prepared, so `session.send()` accepts it too.
 */
export type OptionRule<K extends OptionName> = {
  /** The Session's value (undefined unless the Session keeps it as a default) and the call's → what prepare and send read. */
  readonly merge: (session: SessionValue<K>, call: RequestOptions[K]) => MergedOptions[K];
} & (K extends CallOnlyName ? { readonly scope: 'call' } : K extends HeldName ? { readonly scope: 'held' } : { readonly scope?: never })
  & (K extends SendName ? { readonly send: true } : { readonly send?: never });

/** The registry's type: one rule per option, each of its own option. */
export type OptionRules = { readonly [K in OptionName]: OptionRule<K> };

/** The call's value when it gives one (`null` included), else the session's; then `finish` normalises it. */
const replace = <V, M>(finish: (value: V) => M) => (session: V, call: V): M => finish(call === undefined ? session : call);
const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;
const callOnly = <T>(_session: undefined, call: T | null | undefined): T | undefined => call ?? undefined;

/**
 * Every option with its rule, in the spirit of requests' `merge_setting` (sessions.py): the call wins key by
 * key for headers, params and proxies, and `null` removes a session key; hooks add up, session first;
 * everything else replaces. mergeOptions and the option-name lists are read from this table, and its type
 * makes an option without a rule (or a rule without an option) a compile error.
 */
const OPTION_RULES: OptionRules = {
  params: { merge: mergeParams },
  data: { scope: 'call', merge: callOnly },
  json: { scope: 'call', merge: (_session, call) => call },
  files: { scope: 'call', merge: callOnly },
  headers: { merge: (session, call) => applyHeaders(new Headers(session), call) },
  // Session cookies live in the jar; `null` is kept so that the call can hold back a jar cookie. Null
  // prototype: the send loop looks up names a server set (`constructor`, say).
  cookies: { scope: 'held', merge: (_jar, call) => Object.assign(Object.create(null) as Record<string, string | null>, Object.fromEntries(Object.entries(call ?? {}).map(([k, v]) => [k, v ?? null]))) },
  auth: { merge: replace(orUndefined) },
  timeout: { send: true, merge: replace(normalizeTimeout) },
  signal: { scope: 'call', send: true, merge: (_session, call) => checkSignal(call ?? undefined) },
  allowRedirects: { send: true, merge: replace((value) => value ?? true) },
  maxRedirects: { send: true, merge: replace(checkMaxRedirects) },
  proxies: { send: true, merge: mergeKeyed },
  verify: { send: true, merge: replace((value) => value ?? true) },
  cert: { send: true, merge: replace(orUndefined) },
  stream: { send: true, merge: replace((value) => value ?? false) },
  hooks: { merge: (session, call) => concatHooks(normalizeHooks(session), normalizeHooks(call)) },
  retries: { send: true, merge: replace(orUndefined) },
  credentials: { send: true, merge: replace(orUndefined) },
  sensitiveHeaders: { send: true, merge: replace((value) => value ?? []) },
  baseUrl: { merge: replace((value) => (value == null ? undefined : String(value))) },
  trustEnv: { send: true, merge: replace((value) => value ?? true) },
  onDownloadProgress: { send: true, merge: replace(orUndefined) },
  onUploadProgress: { send: true, merge: replace(orUndefined) },
  // The call's mode; the Session's `cache` option is the cache itself (SessionCache), not a default.
  cache: { scope: 'held', send: true, merge: (_cache, call) => checkCacheMode(call) },
};

const CACHE_MODES: readonly string[] = ['default', 'no-store', 'reload', 'no-cache', 'force-cache', 'only-if-cached'];

function checkCacheMode(mode: CacheMode | null | undefined): CacheMode | undefined {
  if (mode == null) return undefined;
  if (!CACHE_MODES.includes(mode)) throw new TypeError(`errand: cache must be one of ${CACHE_MODES.join(', ')} for a call, not ${JSON.stringify(String(mode)).slice(0, 40)}`);
  return mode;
}

const OPTION_NAMES = /* @__PURE__ */ Object.keys(OPTION_RULES) as OptionName[];
/** The option names a Session accepts. */
export const SESSION_OPTION_NAMES: readonly string[] = /* @__PURE__ */ OPTION_NAMES.filter((name) => OPTION_RULES[name].scope !== 'call');
/** The option names only a call accepts (a body, a signal). */
export const CALL_OPTION_NAMES: readonly string[] = /* @__PURE__ */ OPTION_NAMES.filter((name) => OPTION_RULES[name].scope === 'call');
/** The option names `session.send()` accepts. */
export const SEND_OPTION_NAMES: readonly string[] = /* @__PURE__ */ OPTION_NAMES.filter((name) => OPTION_RULES[name].send);

function mergeOne<K extends OptionName>(merged: MergedOptions, name: K, session: SessionDefaults, call: RequestOptions): void {
  const rule = OPTION_RULES[name];
  const fromSession = (rule.scope === undefined ? session[name as keyof SessionDefaults] : undefined) as SessionValue<K>;
  merged[name] = rule.merge(fromSession, call[name]);
}

/** Merges a Session's defaults with one call's options by the rules of OPTION_RULES, into plain data. */
export function mergeOptions(session: SessionDefaults, call: RequestOptions = {}): MergedOptions {
  checkOptionNames(call);
  const merged = { hasJson: call.json !== undefined } as MergedOptions;
  for (const name of OPTION_NAMES) mergeOne(merged, name, session, call);
  return merged;
}
