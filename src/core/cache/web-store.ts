import type { CacheEntry, CacheStore } from './store.ts';

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
    return decodeEntries(new Uint8Array(await found.arrayBuffer()));
  }

  async set(key: string, entries: CacheEntry[]): Promise<void> {
    // The platform keeps the entry as long as it likes; errand's own policy decides freshness.
    const headers = { 'content-type': 'application/octet-stream', 'cache-control': 'max-age=31536000', 'x-errand-cache': FORMAT };
    await (await this.#cache).put(key, new globalThis.Response(encodeEntries(entries) as BodyInit, { headers }));
  }

  async delete(key: string): Promise<void> {
    await (await this.#cache).delete(key);
  }
}

// Layout: 4 bytes (big-endian) of JSON length, the JSON (each entry without its body, plus the body's
// length), then the bodies one after the other.
function encodeEntries(entries: readonly CacheEntry[]): Uint8Array {
  const meta = new TextEncoder().encode(JSON.stringify(entries.map(({ body, ...rest }) => ({ ...rest, length: body.byteLength }))));
  const total = 4 + meta.byteLength + entries.reduce((sum, entry) => sum + entry.body.byteLength, 0);
  const bytes = new Uint8Array(total);
  new DataView(bytes.buffer).setUint32(0, meta.byteLength);
  bytes.set(meta, 4);
  let offset = 4 + meta.byteLength;
  for (const entry of entries) { bytes.set(entry.body, offset); offset += entry.body.byteLength; }
  return bytes;
}

function decodeEntries(bytes: Uint8Array): CacheEntry[] | undefined {
  if (bytes.byteLength < 4) return undefined;
  const metaLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  const meta = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + metaLength))) as (Omit<CacheEntry, 'body'> & { length: number })[];
  let offset = 4 + metaLength;
  return meta.map(({ length, ...rest }) => {
    const body = bytes.slice(offset, offset + length);
    offset += length;
    return { ...rest, body };
  });
}
