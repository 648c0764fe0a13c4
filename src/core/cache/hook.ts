// The only part of the cache a Session holds. It checks the `cache` option when the Session is made and
// loads the cache itself (policy, stores, collapsing: ./http-cache.ts) with a dynamic import at the first
// request, so `import { get }` and a Session without `cache` carry none of it.
import { checkOptionNames } from '../options.ts';
import type { PreparedRequest } from '../prepared-request.ts';
import type { Response } from '../response.ts';
import { MemoryCacheStore } from './memory-store.ts';
import type { CacheStore } from './store.ts';

/** Per call: fetch's `RequestCache` names. */
export type CacheMode = 'default' | 'no-store' | 'reload' | 'no-cache' | 'force-cache' | 'only-if-cached';
/** How a response came to be: from the cache (`hit`, `stale`, `revalidated`) or not (`miss`, `bypass`). */
export type CacheStatus = 'hit' | 'stale' | 'revalidated' | 'miss' | 'bypass';

/** The `cache` Session option as an object. */
export interface CacheOptions {
  /** Where entries live; default a new `MemoryCacheStore()`. */
  store?: CacheStore;
  /** A shared cache (RFC 9111): `s-maxage` applies, `private` responses and, unless allowed, responses to requests with Authorization are not stored. Default false. */
  shared?: boolean;
  /** Bodies larger than this many bytes are not stored (`cacheStatus: 'bypass'`). Default 5 MiB. */
  maxEntrySize?: number;
  /** Give responses without explicit freshness 10% of their age since Last-Modified (RFC 9111 §4.2.2). Default true. */
  heuristic?: boolean;
}

/** The `cache` option, normalised. */
export interface CacheSettings {
  store: CacheStore;
  shared: boolean;
  maxEntrySize: number;
  heuristic: boolean;
}

/** One hop handed to the cache by the send loop. */
export interface CacheExchange {
  request: PreparedRequest;
  mode: CacheMode;
  /** Whether the caller reads the body as a stream (`stream: true`). */
  stream: boolean;
  signal: AbortSignal | undefined;
  /** Sends a request of this hop to the network: a Response, or the failure (returned, not thrown). */
  network(request: PreparedRequest): Promise<Response | unknown>;
  /** Starts a call of its own (stale-while-revalidate): its own budget, ended by `signal`. */
  refresh(request: PreparedRequest, signal: AbortSignal): Promise<unknown>;
}

/** What ./http-cache.ts implements. */
export interface CacheEngine {
  send(exchange: CacheExchange): Promise<Response | unknown>;
  /** Resolves once every store write begun so far has ended. */
  settled(): Promise<void>;
}

/**
 * A Session's cache: loads the engine on first use, keeps the background refreshes it starts, and ends
 * them at `close()`.
 */
export class SessionCache {
  readonly #settings: CacheSettings;
  readonly #background = new Set<Promise<unknown>>();
  readonly #closing = new AbortController();
  #engine: Promise<CacheEngine> | undefined;

  constructor(settings: CacheSettings) {
    this.#settings = settings;
  }

  send(exchange: CacheExchange): Promise<Response | unknown> {
    this.#engine ??= import('./http-cache.ts').then((module) => new module.HttpCache(this.#settings, (start) => this.#run(start)));
    return this.#engine.then((engine) => engine.send(exchange));
  }

  /** Ends the background refreshes and waits for them, and for the store writes under way. */
  async close(): Promise<void> {
    this.#closing.abort(new DOMException('The session was closed', 'AbortError'));
    await Promise.all(this.#background);
    await (await this.#engine?.catch(() => undefined))?.settled();
  }

  // A background task: never started after close(), never rejects, forgotten once done.
  #run(start: (signal: AbortSignal) => Promise<unknown>): void {
    if (this.#closing.signal.aborted) return;
    const task = start(this.#closing.signal).then(() => undefined, () => undefined);
    this.#background.add(task);
    void task.then(() => this.#background.delete(task));
  }
}

/** The `cache` Session option → a SessionCache, or undefined without one. Bad input is a TypeError now. */
export function createSessionCache(option: boolean | CacheOptions | null | undefined): SessionCache | undefined {
  if (option === undefined || option === null || option === false) return undefined;
  if (option !== true && (typeof option !== 'object' || Array.isArray(option))) {
    throw new TypeError(`errand: the cache option is true or { store, shared, maxEntrySize, heuristic }, not ${typeof option}`);
  }
  const given: CacheOptions = option === true ? {} : option;
  checkOptionNames(given, ['store', 'shared', 'maxEntrySize', 'heuristic'], 'cache option');
  const maxEntrySize = given.maxEntrySize ?? 5 * 1024 * 1024;
  if (typeof maxEntrySize !== 'number' || !(maxEntrySize >= 0)) throw new TypeError(`errand: cache.maxEntrySize must be a number of bytes >= 0, got ${String(maxEntrySize)}`);
  for (const name of ['shared', 'heuristic'] as const) {
    if (given[name] !== undefined && typeof given[name] !== 'boolean') throw new TypeError(`errand: cache.${name} must be true or false`);
  }
  return new SessionCache({
    // The default store is made here, not by the engine (./http-cache.ts): the engine is a chunk loaded at
    // first use, and what it imports loads with the page in bundlers that split code at import().
    store: given.store === undefined ? new MemoryCacheStore() : checkStore(given.store),
    shared: given.shared ?? false,
    maxEntrySize,
    heuristic: given.heuristic ?? true,
  });
}

/** Refuses something that is not a store, naming what is missing. */
function checkStore(store: unknown): CacheStore {
  const missing = ['get', 'set', 'delete'].filter((name) => typeof (store as Record<string, unknown> | null)?.[name] !== 'function');
  if (missing.length) throw new TypeError(`errand: cache.store must have get, set and delete methods; it lacks ${missing.join(', ')}`);
  return store as CacheStore;
}
