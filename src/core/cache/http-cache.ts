// The cache itself, loaded at a cached Session's first request (see hook.ts). One hop at a time: look
// up, answer from the store, revalidate, or go to the network and store what comes back. The freshness
// arithmetic is http-cache-semantics' (policy.ts); this file applies RFC 9111's rules around it.
import type { PreparedRequest } from '../prepared-request.ts';
import { Response } from '../response.ts';
import { bytesResponse, tappedResponse } from './cached-response.ts';
import { Flights, waitFor } from './collapse.ts';
import type { CacheEngine, CacheExchange, CacheSettings, CacheStatus } from './hook.ts';
import {
  MAX_VARY_FIELDS, alignedRequest, cacheKey, storedField, loadPolicy, newPolicy, policyRequest, responseDirective, servedHeaders, storedPolicy,
  updatingHeaders, varyFields, varyMatches, withoutDirective, type Policy, type PolicyRequest,
} from './policy.ts';
import type { CacheEntry } from './store.ts';

type Background = (start: (signal: AbortSignal) => Promise<unknown>) => void;
interface Found { entry: CacheEntry; policy: Policy }

// RFC 9110 §9.2.1: every other method is unsafe, and a success invalidates (RFC 9111 §4.4).
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
// A request the caller made conditional or partial itself is the caller's business: passed through.
const CALLER_CONDITIONS = ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range', 'range'];
/** At most this many variants (Vary) are kept per URL; the oldest goes first. */
const MAX_VARIANTS = 16;

/** An RFC 9111 private (or shared) cache over a CacheStore. */
export class HttpCache implements CacheEngine {
  readonly #settings: CacheSettings;
  readonly #background: Background;
  readonly #flights = new Flights();
  readonly #refreshing = new Set<string>();
  // The last write of each key: writes of one key run one after another, so no variant is lost.
  readonly #writes = new Map<string, Promise<boolean>>();

  constructor(settings: CacheSettings, background: Background) {
    this.#settings = settings;
    this.#background = background;
  }

  async send(x: CacheExchange): Promise<Response | unknown> {
    const { request } = x;
    if (!SAFE_METHODS.has(request.method)) return this.#unsafe(x);
    addFetchHeaders(request, x.mode);
    if ((request.method !== 'GET' && request.method !== 'HEAD') || x.mode === 'no-store' || CALLER_CONDITIONS.some((name) => request.headers.has(name))) {
      return mark(await x.network(request), 'bypass');
    }
    const started = Date.now();
    const key = cacheKey(request.url);
    // A stored GET response answers HEAD too (RFC 9110 §9.3.2).
    const req = policyRequest(request, 'GET');
    if (x.mode === 'reload') return this.#fetch(x, key, req, false);
    let found = await this.#lookup(key, req);
    const flight = found || !waits(x) ? undefined : this.#flights.get(key);
    if (flight) {
      await waitFor(flight, x.signal);
      found = flight.stored ? await this.#lookup(key, req) : undefined;
      if (!found) return onlyIfCached(x) ? gatewayTimeout(request) : this.#fetch(x, key, req, false);
    }
    if (!found) return onlyIfCached(x) ? gatewayTimeout(request) : this.#fetch(x, key, req, true);
    return this.#answer(x, key, req, found, started);
  }

  async #answer(x: CacheExchange, key: string, req: PolicyRequest, found: Found, started: number): Promise<Response | unknown> {
    const { policy } = found;
    // fetch's force-cache and only-if-cached: any stored response, fresh or not.
    if (x.mode === 'force-cache' || x.mode === 'only-if-cached') return this.#serve(x, found, policy, policy.stale() ? 'stale' : 'hit', started);
    if (x.mode === 'no-cache') return this.#revalidate(x, key, req, found);
    // RFC 9111 §5.2.2.2: must-revalidate forbids serving the response once stale; while fresh it is served
    // as any other (http-cache-semantics 4.3 always revalidates it, so the directive is set aside here).
    const judged = !policy.stale() && responseDirective(found.entry.policy, 'must-revalidate') ? withoutDirective(policy, 'must-revalidate') : policy;
    const verdict = judged.evaluateRequest(alignedRequest(found.entry.policy, req));
    if (verdict.response && !verdict.revalidation) return this.#serve(x, found, judged, judged.stale() ? 'stale' : 'hit', started, verdict.response.headers);
    if (verdict.response) {
      this.#refresh(x, key);
      return this.#serve(x, found, judged, 'stale', started, verdict.response.headers);
    }
    if (onlyIfCached(x)) return gatewayTimeout(x.request);
    return this.#revalidate(x, key, req, found);
  }

  /** RFC 9111 §4.3: a conditional request; a 304 updates the stored response, which is the answer. */
  async #revalidate(x: CacheExchange, key: string, req: PolicyRequest, found: Found): Promise<Response | unknown> {
    const { entry, policy } = found;
    const conditional = x.request.copy();
    const validators = policy.revalidationHeaders(req);
    for (const name of ['if-none-match', 'if-modified-since']) {
      const value = validators[name];
      if (value) conditional.headers.set(name, String(value));
    }
    const land = leads(x) ? this.#flights.lead(key) : undefined;
    const started = Date.now();
    const outcome = await x.network(conditional);
    if (!(outcome instanceof Response) || outcome.statusCode >= 500) {
      // RFC 5861 §4 stale-if-error, unless the response must be revalidated (RFC 9111 §4.2.4).
      if (!responseDirective(entry.policy, 'must-revalidate') && allowsStaleIfError(policy, req, outcome)) {
        if (outcome instanceof Response) await outcome.close();
        land?.(true);
        return this.#serve(x, found, policy, 'stale', started);
      }
      land?.(false);
      return mark(outcome, 'miss');
    }
    if (outcome.statusCode !== 304) return this.#keep(x, key, req, outcome, land);
    await outcome.close();
    const fields = updatingHeaders(outcome.headers);
    // A 304 without validators answers the conditional request made from this stored response (RFC 9111
    // §4.3.3), so it is taken as that response's; the library would only match it to a response without any.
    if (!fields['etag'] && !fields['last-modified']) {
      const etag = storedField(policy, 'etag');
      const modified = storedField(policy, 'last-modified');
      if (etag) fields['etag'] = etag;
      else if (modified) fields['last-modified'] = modified;
    }
    const update = policy.revalidatedPolicy(alignedRequest(entry.policy, req), { status: 304, headers: fields });
    if (!update.matches) {
      // RFC 9111 §4.3.4: a 304 that selects no stored response cannot be used; ask again, unconditionally.
      land?.(false);
      return this.#fetch(x, key, req, false);
    }
    const updated: CacheEntry = { ...entry, policy: storedPolicy(update.policy) };
    land?.(await this.#put(key, req, updated));
    const served = this.#serve(x, { entry: updated, policy: update.policy }, update.policy, 'revalidated', started);
    // The 304 came from the network: what it set went into the jar; the stored Set-Cookie did not.
    served.cookies = outcome.cookies;
    return served;
  }

  async #fetch(x: CacheExchange, key: string, req: PolicyRequest, lead: boolean): Promise<Response | unknown> {
    const land = lead && leads(x) ? this.#flights.lead(key) : undefined;
    const outcome = await x.network(x.request);
    if (!(outcome instanceof Response)) {
      land?.(false);
      return outcome;
    }
    return this.#keep(x, key, req, outcome, land);
  }

  /** A network response: stored once its body has been read to the end, when RFC 9111 §3 allows. */
  async #keep(x: CacheExchange, key: string, req: PolicyRequest, response: Response, land: ((stored: boolean) => void) | undefined): Promise<Response> {
    const policy = this.#storable(x, key, req, response);
    if (!policy || policy === 'too-big') {
      land?.(false);
      return mark(response, policy ? 'bypass' : 'miss');
    }
    const tapped = tappedResponse(response, this.#settings.maxEntrySize, (body, tooBig) => {
      if (tooBig) tapped.cacheStatus = 'bypass';
      if (!body) return land?.(false);
      const entry: CacheEntry = { policy: storedPolicy(policy), status: response.statusCode, statusText: response.reason, body };
      void this.#put(key, req, entry).then((stored) => land?.(stored));
    });
    tapped.cacheStatus = 'miss';
    // The loop never reads a redirect's body, only follows it: read it here so the hop is stored.
    if (response.isRedirect) await tapped.read().catch(() => undefined);
    return tapped;
  }

  #storable(x: CacheExchange, key: string, req: PolicyRequest, response: Response): Policy | 'too-big' | undefined {
    // Where the platform followed redirects itself (a browser), the response is another URL's.
    if (x.request.method !== 'GET' || cacheKey(response.url) !== key) return undefined;
    let policy: Policy;
    try {
      policy = newPolicy(req, response.statusCode, response.headers, this.#settings);
    } catch {
      return undefined;
    }
    if (!policy.storable()) return undefined;
    const vary = varyFields(response.headers.get('vary'));
    // RFC 9111 §4.1: `Vary: *` never matches, so storing it is pointless.
    if (vary.includes('*') || vary.length > MAX_VARY_FIELDS) return undefined;
    // A shared cache never serves a response with Set-Cookie unless it is public: http-cache-semantics only
    // makes it stale, and a revalidated copy would hand its cookie to the next user, so it is not stored.
    if (this.#settings.shared && response.headers.has('set-cookie') && !isPublic(policy)) return undefined;
    const length = Number(response.headers.get('content-length') ?? NaN);
    return length > this.#settings.maxEntrySize ? 'too-big' : policy;
  }

  #serve(x: CacheExchange, found: Found, policy: Policy, status: CacheStatus, started: number, fields: Record<string, unknown> = policy.responseHeaders()): Response {
    const body = x.request.method === 'HEAD' || found.entry.status === 204 || found.entry.status === 304 ? null : found.entry.body;
    const served = bytesResponse(found.entry.status, found.entry.statusText, servedHeaders(fields, found.entry.policy), body, x.request, Date.now() - started);
    // A stored response's Set-Cookie is shown, never put in the cookie jar again.
    served.cookies = {};
    return mark(served, status);
  }

  async #lookup(key: string, req: PolicyRequest): Promise<Found | undefined> {
    let entries: unknown;
    try {
      entries = await this.#settings.store.get(key);
    } catch {
      return undefined; // a failing store is a miss, never the caller's error
    }
    if (!Array.isArray(entries)) return undefined;
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i] as CacheEntry;
      if (!isEntry(entry) || !varyMatches(entry.policy, req)) continue;
      const policy = loadPolicy(entry.policy);
      if (policy) return { entry, policy };
    }
    return undefined;
  }

  async settled(): Promise<void> {
    await Promise.all(this.#writes.values());
  }

  /** Stores `entry` in place of the stored variant it replaces; false when the store failed. */
  #put(key: string, req: PolicyRequest, entry: CacheEntry): Promise<boolean> {
    return this.#inTurn(key, () => this.#write(key, req, entry));
  }

  /** Removes what is stored for `key`, after the writes already under way (else one would bring it back). */
  #remove(key: string): Promise<boolean> {
    return this.#inTurn(key, async () => {
      try {
        await this.#settings.store.delete(key);
        return true;
      } catch {
        return false; // see #lookup
      }
    });
  }

  // Writes and deletes of one key run one after another, in the order they were asked for.
  #inTurn(key: string, change: () => Promise<boolean>): Promise<boolean> {
    const turn = (this.#writes.get(key) ?? Promise.resolve(true)).then(change);
    this.#writes.set(key, turn);
    void turn.then(() => { if (this.#writes.get(key) === turn) this.#writes.delete(key); });
    return turn;
  }

  async #write(key: string, req: PolicyRequest, entry: CacheEntry): Promise<boolean> {
    try {
      const current = await this.#settings.store.get(key);
      const others = Array.isArray(current) ? current.filter((old) => isEntry(old) && !varyMatches(old.policy, req)) : [];
      await this.#settings.store.set(key, [...others, entry].slice(-MAX_VARIANTS));
      return true;
    } catch {
      return false;
    }
  }

  /** RFC 9111 §4.4: a successful unsafe request invalidates its URL and same-origin Location/Content-Location. */
  async #unsafe(x: CacheExchange): Promise<Response | unknown> {
    const outcome = await x.network(x.request);
    if (outcome instanceof Response && outcome.statusCode >= 200 && outcome.statusCode < 400) {
      const origin = new URL(x.request.url).origin;
      const targets = new Set([cacheKey(x.request.url)]);
      for (const name of ['location', 'content-location']) {
        const value = outcome.headers.get(name);
        if (!value) continue;
        try {
          const url = new URL(value, x.request.url);
          if (url.origin === origin) targets.add(cacheKey(url.href));
        } catch { /* an unusable header invalidates nothing */ }
      }
      await Promise.all([...targets].map((target) => this.#remove(target)));
    }
    return mark(outcome, 'bypass');
  }

  /** stale-while-revalidate (RFC 5861 §3): one background call per URL at a time. */
  #refresh(x: CacheExchange, key: string): void {
    if (this.#refreshing.has(key)) return;
    const request = x.request.copy();
    this.#background((signal) => {
      this.#refreshing.add(key);
      return x.refresh(request, signal).finally(() => this.#refreshing.delete(key));
    });
  }
}

/**
 * What fetch adds for a cache mode (Fetch, HTTP-network-or-cache fetch), so caches between errand and the
 * origin learn the caller's intent: `no-cache` asks for `max-age=0`; `no-store` and `reload` for no-cache.
 */
function addFetchHeaders(request: PreparedRequest, mode: CacheExchange['mode']): void {
  if (mode === 'no-cache' && !request.headers.has('cache-control')) request.headers.set('Cache-Control', 'max-age=0');
  if (mode === 'no-store' || mode === 'reload') {
    if (!request.headers.has('pragma')) request.headers.set('Pragma', 'no-cache');
    if (!request.headers.has('cache-control')) request.headers.set('Cache-Control', 'no-cache');
  }
}

/** Whether this call may wait for another's identical request, and may lead one others wait for. */
function waits(x: CacheExchange): boolean {
  return x.mode === 'default' || x.mode === 'force-cache' || x.mode === 'only-if-cached';
}
function leads(x: CacheExchange): boolean {
  // A streamed body may never be read to the end: nobody waits on it.
  return waits(x) && !x.stream;
}

function onlyIfCached(x: CacheExchange): boolean {
  return x.mode === 'only-if-cached' || /(^|,)\s*only-if-cached\s*(,|$)/i.test(x.request.headers.get('cache-control') ?? '');
}

/** RFC 9111 §5.2.1.7: nothing stored for an only-if-cached request is a 504. */
function gatewayTimeout(request: PreparedRequest): Response {
  return mark(bytesResponse(504, 'Gateway Timeout', new Headers(), new Uint8Array(0), request, 0), 'miss');
}

function allowsStaleIfError(policy: Policy, req: PolicyRequest, outcome: unknown): boolean {
  try {
    const response = outcome instanceof Response ? { status: outcome.statusCode, headers: {} } : undefined;
    return policy.revalidatedPolicy(req, response as unknown as Parameters<Policy['revalidatedPolicy']>[1]).policy === policy;
  } catch {
    return false;
  }
}

function isEntry(entry: unknown): entry is CacheEntry {
  const e = entry as CacheEntry | null;
  return !!e && typeof e === 'object' && typeof e.status === 'number' && e.body instanceof Uint8Array && !!e.policy && typeof e.policy === 'object';
}

function mark<T>(outcome: T, status: CacheStatus): T {
  if (outcome instanceof Response) outcome.cacheStatus = status;
  return outcome;
}

/** Whether the response says `public` or `immutable`, read from the library's parse of its Cache-Control (`x-public` is not `public`). */
function isPublic(policy: Policy): boolean {
  const stored = policy.toObject() as unknown as Record<string, unknown>;
  return responseDirective(stored, 'public') !== undefined || responseDirective(stored, 'immutable') !== undefined;
}
