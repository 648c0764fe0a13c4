import { RequestError, TooManyRedirectsError, redactUrl } from './errors.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';
import type { RetryCounts, RetryKind, RetryPolicy } from './retry.ts';

/** An auth challenge is answered at most this often per hop: the challenge, then one `stale=true` renewal. */
export const AUTH_REPLAYS_PER_HOP = 2;

/**
 * The retry policy of a call without a `retries` option (requests' defaults, urllib3's counts). Here,
 * not in ./retry.ts: the send loop loads that module only when a call gives `retries` or meets a
 * failure or a status this policy retries.
 */
export const DEFAULT_RETRIES: RetryPolicy = {
  total: 2, connect: 2, read: 0, status: 2, backoffFactor: 300, backoffJitter: 300, maxBackoff: 120_000,
  statusForcelist: [413, 429, 502, 503, 504], allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'],
  respectRetryAfter: true,
};

/**
 * Every call has a budget (DESIGN.md): each "send another request" decision (a redirect, an auth replay,
 * a retry, and whatever a later feature adds) draws from it, the way urllib3's Retry object travels
 * through one urlopen. The loop also counts every request it sends and stops at a ceiling derived from
 * the limits, so a path that forgets to draw from the budget ends in an error instead of a loop.
 */
export class CallBudget {
  /** Retries spent in this call, by kind. */
  readonly retries: RetryCounts = { total: 0, connect: 0, read: 0, status: 0 };
  /** Requests sent in this call. */
  sends = 0;
  /** Redirects followed in this call. */
  redirects = 0;
  #authOnHop = 0;
  readonly #ceiling: number;

  constructor(readonly retry: RetryPolicy, readonly maxRedirects: number, extraPerHop = 0) {
    // The most requests the known paths can ask for: each hop sends once, answers its challenges, and
    // `extraPerHop` more (a cache revalidation); the retries are the call's, not the hop's.
    this.#ceiling = (maxRedirects + 1) * (1 + AUTH_REPLAYS_PER_HOP + extraPerHop) + retry.total;
  }

  /** Counts a request about to be sent; past the ceiling, refuses it. */
  send(request: PreparedRequest): void {
    if (++this.sends > this.#ceiling) {
      throw new RequestError(`${request.method} ${redactUrl(request.url)}: one call may send at most ${this.#ceiling} requests; stopped there (a loop in a hook, an auth or the server)`, { request });
    }
  }

  /** Draws an auth replay for this hop; false once the hop has had its share. */
  authReplay(): boolean {
    if (this.#authOnHop >= AUTH_REPLAYS_PER_HOP) return false;
    this.#authOnHop++;
    return true;
  }

  /** Draws a redirect; throws TooManyRedirectsError (with the last response) past maxRedirects. */
  redirect(response: Response): void {
    if (this.redirects >= this.maxRedirects) {
      throw new TooManyRedirectsError(`Exceeded ${this.maxRedirects} redirects, last at ${redactUrl(response.url)}`, { response });
    }
    this.redirects++;
    this.#authOnHop = 0;
  }

  /** Draws a retry of `kind`. */
  retried(kind: RetryKind): void {
    this.retries.total++;
    this.retries[kind]++;
  }
}
