import { ConnectionError, ConnectTimeoutError, ProxyError, ReadTimeoutError, SSLError } from './errors.ts';
import { checkOptionNames } from './options.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';

/** urllib3-style retry options. Delays are in milliseconds. */
export interface RetryOptions {
  /** Retries at most (default 2). */
  total?: number;
  /** Base of the exponential backoff, ms: a delay is random in [0, backoffFactor * 2^(n-1)] (full jitter). Default 300. */
  backoffFactor?: number;
  /** Statuses that are retried (default 413, 429, 502, 503, 504). */
  statusForcelist?: readonly number[];
  /** Methods that are retried (default the idempotent ones). */
  allowedMethods?: readonly string[];
  /** Wait as long as Retry-After says (seconds or HTTP-date), up to maxBackoff. Default true. */
  respectRetryAfter?: boolean;
  /** Longest single wait, ms (default 120000). */
  maxBackoff?: number;
}

/** Normalised retry policy. */
export interface RetryPolicy {
  total: number;
  backoffFactor: number;
  statusForcelist: readonly number[];
  allowedMethods: readonly string[];
  respectRetryAfter: boolean;
  maxBackoff: number;
}

const DEFAULTS: RetryPolicy = {
  total: 2, backoffFactor: 300, statusForcelist: [413, 429, 502, 503, 504],
  allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'], respectRetryAfter: true, maxBackoff: 120_000,
};

/** `retries` option → policy. `0` turns retrying off. */
export function normalizeRetries(input: number | RetryOptions | undefined): RetryPolicy {
  if (input === undefined) return DEFAULTS;
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input < 0) throw new TypeError(`errand: retries must be an integer >= 0, got ${input}`);
    return { ...DEFAULTS, total: input };
  }
  if (typeof input !== 'object' || input === null) throw new TypeError('errand: retries must be a number or retry options');
  checkOptionNames(input, Object.keys(DEFAULTS), 'retries option');
  const policy = { ...DEFAULTS, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as RetryPolicy;
  return { ...policy, allowedMethods: policy.allowedMethods.map((m) => m.toUpperCase()) };
}

/** Parses Retry-After (RFC 9110 §10.2.3): seconds or an HTTP-date, in ms from `now`. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only an HTTP-date (it names a month and ends in GMT); Date.parse reads '1.5' or '-5' as dates in 2001.
  // The longest form (RFC 850's 'Wednesday, 09-Nov-94 08:49:37 GMT') has 33 characters: a longer value is
  // not a date, and no pattern runs over a long header (`[A-Za-z]{3}.*GMT` was quadratic in its length).
  if (text.length > 64 || !text.endsWith('GMT') || !/[A-Za-z]{3}.*GMT$/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Whether to send the request again after `outcome` (the `attempt`-th retry would be next), and after how long.
 * Pure but for the jitter, which takes `random` so tests can fix it.
 */
export function nextRetry(policy: RetryPolicy, request: PreparedRequest, outcome: Response | unknown, attempt: number, random = Math.random): { delay: number } | undefined {
  if (attempt >= policy.total || !policy.allowedMethods.includes(request.method) || !request.isReplayable) return undefined;
  const isResponse = typeof outcome === 'object' && outcome !== null && 'statusCode' in outcome;
  if (isResponse) {
    const response = outcome as Response;
    if (!policy.statusForcelist.includes(response.statusCode)) return undefined;
    const after = policy.respectRetryAfter ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
    if (after !== undefined) return { delay: Math.min(after, policy.maxBackoff) };
  } else if (!(outcome instanceof ConnectionError || outcome instanceof ConnectTimeoutError || outcome instanceof ReadTimeoutError) || outcome instanceof SSLError || outcome instanceof ProxyError) {
    return undefined; // TLS and proxy failures do not heal by trying again
  }
  const ceiling = Math.min(policy.backoffFactor * 2 ** attempt, policy.maxBackoff);
  return { delay: Math.floor(random() * ceiling) };
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
