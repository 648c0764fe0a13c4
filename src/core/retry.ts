import { DEFAULT_RETRIES } from './budget.ts';
import { ConnectionError, ConnectTimeoutError, ProxyError, ReadTimeoutError, SSLError } from './errors.ts';
import { parseHttpDate } from './http-date.ts';
import { checkOptionNames } from './options.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';

/**
 * urllib3's retry options (DESIGN.md "Retries, precisely"). Delays are in milliseconds. `connect`, `read`
 * and `status` each cap one kind of retry; `total` caps them all together, for the whole call.
 */
export interface RetryOptions {
  /** Retries of any kind in one call, at most (default 2). */
  total?: number;
  /** Retries after a failure before the request was sent: refused, DNS, connect timeout (default: `total`). */
  connect?: number;
  /** Retries after a read timeout or a connection lost once the request was sent (default 0, as in requests). */
  read?: number;
  /** Retries of a status in `statusForcelist` (default: `total`). */
  status?: number;
  /** The n-th retry waits `backoffFactor × 2^(n-1)` ms (default 300), plus the jitter, capped by `maxBackoff`. */
  backoffFactor?: number;
  /** Up to this many ms, at random, are added to each backoff so that clients spread out (default 300). */
  backoffJitter?: number;
  /** Longest single wait, ms (default 120000). A Retry-After longer than this ends the retries. */
  maxBackoff?: number;
  /** Statuses that are retried (default 413, 429, 502, 503, 504). */
  statusForcelist?: readonly number[];
  /** Methods that are retried (default the idempotent ones). */
  allowedMethods?: readonly string[];
  /** Wait as long as Retry-After says (seconds or HTTP-date). Default true. */
  respectRetryAfter?: boolean;
}

/** Normalised retry policy. */
export interface RetryPolicy {
  total: number;
  connect: number;
  read: number;
  status: number;
  backoffFactor: number;
  backoffJitter: number;
  maxBackoff: number;
  statusForcelist: readonly number[];
  allowedMethods: readonly string[];
  respectRetryAfter: boolean;
}

/** The kind of a retry, each with its own cap. */
export type RetryKind = 'connect' | 'read' | 'status';

/** Retries spent so far in one call, by kind. */
export type RetryCounts = Record<RetryKind | 'total', number>;

const OPTION_NAMES = Object.keys(DEFAULT_RETRIES);
const COUNTS = ['total', 'connect', 'read', 'status'] as const;

/** `retries` option → policy. `0` turns retrying off. */
export function normalizeRetries(input: number | RetryOptions | undefined): RetryPolicy {
  if (input === undefined) return DEFAULT_RETRIES;
  if (typeof input === 'number') {
    checkCount('retries', input);
    return normalizeRetries({ total: input });
  }
  if (typeof input !== 'object' || input === null) throw new TypeError('errand: retries must be a number or retry options');
  checkOptionNames(input, OPTION_NAMES, 'retries option');
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as RetryOptions;
  const policy = { ...DEFAULT_RETRIES, ...given } as RetryPolicy;
  // urllib3: a count left unset falls back to the total.
  policy.connect = given.connect ?? policy.total;
  policy.status = given.status ?? policy.total;
  for (const name of COUNTS) checkCount(`retries.${name}`, policy[name]);
  for (const name of ['backoffFactor', 'backoffJitter', 'maxBackoff'] as const) {
    if (typeof policy[name] !== 'number' || !(policy[name] >= 0)) throw new TypeError(`errand: retries.${name} must be milliseconds >= 0, got ${String(policy[name])}`);
  }
  return { ...policy, allowedMethods: policy.allowedMethods.map((m) => m.toUpperCase()) };
}

function checkCount(name: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 0) throw new TypeError(`errand: ${name} must be an integer >= 0, got ${String(value)}`);
}

/** No retry spent yet. */
export function noRetries(): RetryCounts {
  return { total: 0, connect: 0, read: 0, status: 0 };
}

/** Parses Retry-After (RFC 9110 §10.2.3): seconds or an HTTP-date, in ms from `now`. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // RFC 9110 §10.2.3: delay-seconds or an HTTP-date, read as the cache reads its dates (anchored patterns: linear).
  const date = parseHttpDate(text);
  return date === undefined ? undefined : Math.max(0, date - now);
}


// Failures that happened once the request had reached the wire (a connection lost before the whole
// response): urllib3 counts them as read errors, which are not retried by default. Set by the adapters.
const sentFailures = new WeakSet<object>();

/** Marks a connection failure as one that happened after the request was sent; returns it. */
export function markSent<E>(error: E): E {
  if (typeof error === 'object' && error !== null) sentFailures.add(error);
  return error;
}

/**
 * The kind of retry a failure would be: `connect` when nothing was sent (refused, DNS, connect timeout),
 * `read` for a read timeout or a connection lost after sending; undefined when trying again cannot help
 * (TLS, proxy, the total timeout, an error that is not a transport failure).
 */
export function failureKind(error: unknown): RetryKind | undefined {
  if (error instanceof ConnectTimeoutError) return 'connect';
  if (error instanceof ReadTimeoutError) return 'read';
  if (error instanceof SSLError || error instanceof ProxyError || !(error instanceof ConnectionError)) return undefined;
  // An adapter marks either its own error or the platform error it mapped (the cause).
  return sentFailures.has(error) || sentFailures.has(error.cause as object) ? 'read' : 'connect';
}

/**
 * Whether to send the request again after `outcome`, given the retries the call has `used`: the kind of
 * retry and how long to wait first. Pure but for the jitter, which takes `random` so tests can fix it.
 * A Retry-After longer than maxBackoff ends the retries: waiting less than the server asked would only
 * be refused again, so the response is returned instead.
 */
export function nextRetry(policy: RetryPolicy, request: PreparedRequest, outcome: Response | unknown, used: RetryCounts,
  random = Math.random): { kind: RetryKind; delay: number } | undefined {
  if (!policy.allowedMethods.includes(request.method) || !request.isReplayable) return undefined;
  const response = typeof outcome === 'object' && outcome !== null && 'statusCode' in outcome ? outcome as Response : undefined;
  const kind = response ? (policy.statusForcelist.includes(response.statusCode) ? 'status' : undefined) : failureKind(outcome);
  if (!kind || used.total >= policy.total || used[kind] >= policy[kind]) return undefined;
  if (response && policy.respectRetryAfter) {
    const after = parseRetryAfter(response.headers.get('retry-after'));
    if (after !== undefined) return after > policy.maxBackoff ? undefined : { kind, delay: after };
  }
  // urllib3's backoff: factor × 2^(n-1) for the n-th retry of the call, plus up to backoffJitter at random.
  const backoff = policy.backoffFactor * 2 ** used.total + random() * policy.backoffJitter;
  return { kind, delay: Math.floor(Math.min(backoff, policy.maxBackoff)) };
}

/** Waits `ms`, or rejects with the signal's reason when it aborts; the timer never outlives the wait. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => { clearTimeout(timer); reject(signal!.reason); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
