import type { CacheEntry, CacheStore } from './store.ts';

// The layout of an entry (web-store-layout.ts) loads with the first get or set: a bundle that imports
// WebCacheStore and never caches does not carry it.
const layout = () => import('./web-store-layout.ts');

/** What a WebCacheStore needs of a platform `Cache`: workerd's `caches.default`, a browser's `caches.open()`. */
export interface WebCache {
  // errand asks by URL string only; a platform Cache, which takes a Request too, fits (and this names no
  // DOM-only type, so the declarations compile without the DOM lib).
  match(request: string): Promise<globalThis.Response | undefined>;
  put(request: string, response: globalThis.Response): Promise<void>;
  delete(request: string): Promise<boolean>;
}

// Marks a platform cache entry as one of ours: anything else under the same URL is ignored, not parsed.
const FORMAT = 'errand-cache-1';

/**
 * A cache store over the platform Cache API: workerd's `caches.default` (or `caches.open(name)`), a
 * browser's CacheStorage. The variants of one URL are kept as one platform entry under that URL, so give
 * errand a cache of its own (`caches.open('errand')`) if the page or worker also caches responses itself.
 * @example new Session({ cache: { store: new WebCacheStore(await caches.open('errand')) } })
 */
export class WebCacheStore implements CacheStore {
  readonly #cache: WebCache | Promise<WebCache>;

  /** `cache`: a platform Cache, or a promise of one (`caches.open('errand')`). */
  constructor(cache: WebCache | Promise<WebCache>) {
    if (!cache || (typeof (cache as Promise<WebCache>).then !== 'function' && typeof (cache as WebCache).match !== 'function')) {
      throw new TypeError('errand: WebCacheStore needs a platform Cache (caches.default, await caches.open(name))');
    }
    this.#cache = cache;
  }

  async get(key: string): Promise<CacheEntry[] | undefined> {
    const found = await (await this.#cache).match(key);
    if (!found || found.headers.get('x-errand-cache') !== FORMAT) return undefined;
    return (await layout()).decodeEntries(new Uint8Array(await found.arrayBuffer()));
  }

  async set(key: string, entries: CacheEntry[]): Promise<void> {
    // The platform keeps the entry as long as it likes; errand's own policy decides freshness.
    const headers = { 'content-type': 'application/octet-stream', 'cache-control': 'max-age=31536000', 'x-errand-cache': FORMAT };
    const bytes = (await layout()).encodeEntries(entries);
    await (await this.#cache).put(key, new globalThis.Response(bytes as BodyInit, { headers }));
  }

  async delete(key: string): Promise<void> {
    await (await this.#cache).delete(key);
  }
}
