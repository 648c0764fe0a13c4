/**
 * One stored response: what the cache needs to answer a later request without the network. The `policy`
 * is http-cache-semantics' serialised CachePolicy (freshness, validators, the response headers and, when
 * the response varies, the request headers it varied on); stores keep it as they are given it.
 */
export interface CacheEntry {
  /** The cache policy as plain JSON data (opaque to a store). */
  policy: Record<string, unknown>;
  status: number;
  statusText: string;
  /** The body as errand received it (after Content-Encoding was decoded). */
  body: Uint8Array;
}

/**
 * Where a cache keeps its entries: `MemoryCacheStore` (the default), `WebCacheStore` (the platform Cache
 * API), `DiskCacheStore` (Node), or your own (Redis, KV). A key is a URL (without fragment); its value is
 * the list of stored variants of that URL (one per `Vary` selection), most recent last. Methods may
 * return promises. A store that fails (throws, rejects) makes the cache go to the network, never fail a
 * call: a store is an optimisation.
 * @example
 * const store: CacheStore = {
 *   async get(key) { const v = await redis.getBuffer(key); return v ? decode(v) : undefined },
 *   async set(key, entries) { await redis.set(key, encode(entries)) },
 *   async delete(key) { await redis.del(key) },
 * };
 */
export interface CacheStore {
  get(key: string): CacheEntry[] | undefined | Promise<CacheEntry[] | undefined>;
  set(key: string, entries: CacheEntry[]): void | Promise<void>;
  delete(key: string): void | Promise<void>;
}

/** Approximate bytes an entry list takes: bodies plus their serialised policies. */
export function entriesSize(entries: readonly CacheEntry[]): number {
  let size = 0;
  for (const entry of entries) size += entry.body.byteLength + JSON.stringify(entry.policy).length + entry.statusText.length + 16;
  return size;
}
