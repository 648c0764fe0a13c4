// The HTTP cache (RFC 9111) in every runtime: freshness, revalidation, Vary, invalidation and
// only-if-cached, against the test server's /cache-lab/:key, which counts the requests that reach it.
// Each store the runtime has is tested: MemoryCacheStore everywhere, WebCacheStore where there is a
// platform Cache API (CacheStorage in the browser).
import { describe, expect, it } from 'vitest';
import type { Errand, SuiteEnv } from './env.ts';

interface Lab { key: string; n: number; method: string; lang: string | null }
interface Seen { count: number; conditional: number }

export function cacheSuite(errand: Errand, env: SuiteEnv): void {
  const { base } = env;
  const stores: [string, () => unknown][] = [['MemoryCacheStore', () => new errand.MemoryCacheStore()]];
  const storage = typeof caches !== 'undefined' ? caches : env.cacheStorage;
  if (storage) {
    const which = typeof caches !== 'undefined' ? 'the platform CacheStorage' : "undici's CacheStorage";
    stores.push([`WebCacheStore (${which})`, () => new errand.WebCacheStore(storage.open(`errand-test-${Math.random()}`))]);
  }
  const labUrl = (key: string, query: Record<string, string>) => `${base}/cache-lab/${key}?${new URLSearchParams(query)}`;
  const seen = async (key: string): Promise<Seen> => (await errand.get(`${base}/cache-lab/${key}/count`)).json<Seen>();
  const newKey = () => `k${Math.random().toString(36).slice(2)}`;

  // Every runner but Bun has a Cache API: the browser's and Deno's own, undici's in node and the edge VM
  // (env.cacheStorage). Bun has none (no `caches`; its built-in undici's is an empty stub).
  describe.skipIf(env.runtime === 'bun')(`WebCacheStore over a platform Cache (${env.runtime})`, () => {
    it("keeps a URL's variants in one platform entry, and ignores an entry that is not its own", async () => {
      const cache = await storage!.open(`errand-test-${Math.random()}`);
      const store = new errand.WebCacheStore(cache);
      const entries = [
        { policy: { v: 1, lang: 'en' }, status: 200, statusText: 'OK', body: new TextEncoder().encode('hello') },
        // Bodies of their own, with bytes no text has: a store that mixed up where one ends fails here.
        { policy: { v: 1, lang: 'fr' }, status: 404, statusText: 'Not Found', body: new Uint8Array([0, 255, 13, 10, 0x80]) },
        { policy: { v: 1, lang: 'de' }, status: 204, statusText: 'No Content', body: new Uint8Array(0) },
      ];
      await store.set(`${base}/variants`, entries);
      expect(await store.get(`${base}/variants`)).toEqual(entries);
      await store.delete(`${base}/variants`);
      expect(await store.get(`${base}/variants`)).toBeUndefined();
      await cache.put(`${base}/foreign`, new Response('not errand\'s'));
      expect(await store.get(`${base}/foreign`)).toBeUndefined();
    });
  });

  for (const [name, makeStore] of stores) {
    describe(`HTTP cache with ${name} (${env.runtime})`, () => {
      const session = () => new errand.Session({ cache: { store: makeStore() as never } });

      it('freshness: a fresh response is served from the cache, the server sees one request', async () => {
        const s = session();
        const key = newKey();
        const url = labUrl(key, { 'h.Cache-Control': 'max-age=60' });
        const first = await s.get(url);
        const second = await s.get(url);
        expect([first.cacheStatus, second.cacheStatus]).toEqual(['miss', 'hit']);
        expect(second.statusCode).toBe(200);
        expect(second.json<Lab>().n).toBe(1);
        expect(second.headers.get('age')).toMatch(/^\d+$/);
        expect((await seen(key)).count).toBe(1);
      });

      it('revalidation: a 304 answers If-None-Match and the stored 200 is returned as revalidated', async () => {
        const s = session();
        const key = newKey();
        const url = labUrl(key, { 'h.Cache-Control': 'no-cache', 'h.ETag': '"v1"' });
        const first = await s.get(url);
        const second = await s.get(url);
        expect([first.cacheStatus, second.cacheStatus]).toEqual(['miss', 'revalidated']);
        expect(second.statusCode).toBe(200);
        expect(second.json<Lab>().n).toBe(1);
        expect(await seen(key)).toMatchObject({ count: 2, conditional: 1 });
      });

      it('Vary: each Accept-Language is stored and served on its own', async () => {
        const s = session();
        const key = newKey();
        const url = labUrl(key, { 'h.Cache-Control': 'max-age=60', 'h.Vary': 'Accept-Language' });
        const en = await s.get(url, { headers: { 'Accept-Language': 'en' } });
        const fr = await s.get(url, { headers: { 'Accept-Language': 'fr' } });
        const enAgain = await s.get(url, { headers: { 'Accept-Language': 'en' } });
        expect([en.cacheStatus, fr.cacheStatus, enAgain.cacheStatus]).toEqual(['miss', 'miss', 'hit']);
        expect(enAgain.json<Lab>()).toMatchObject({ n: 1, lang: 'en' });
        expect(fr.json<Lab>()).toMatchObject({ n: 2, lang: 'fr' });
        expect((await seen(key)).count).toBe(2);
      });

      it('invalidation: a successful POST to the URL makes the next GET go to the server', async () => {
        const s = session();
        const key = newKey();
        const url = labUrl(key, { 'h.Cache-Control': 'max-age=60' });
        await s.get(url);
        expect((await s.get(url)).cacheStatus).toBe('hit');
        const post = await s.post(url, { json: { change: true } });
        expect(post.cacheStatus).toBe('bypass');
        const after = await s.get(url);
        expect(after.cacheStatus).toBe('miss');
        expect(after.json<Lab>().n).toBe(3);
      });

      it("only-if-cached: nothing stored is a 504 without a request; a stored response is served", async () => {
        const s = session();
        const key = newKey();
        const url = labUrl(key, { 'h.Cache-Control': 'max-age=60' });
        const missing = await s.get(url, { cache: 'only-if-cached' });
        expect([missing.statusCode, missing.cacheStatus]).toEqual([504, 'miss']);
        expect((await seen(key)).count).toBe(0);
        await s.get(url);
        const stored = await s.get(url, { cache: 'only-if-cached' });
        expect([stored.statusCode, stored.cacheStatus]).toEqual([200, 'hit']);
        expect((await seen(key)).count).toBe(1);
      });
    });
  }
}
