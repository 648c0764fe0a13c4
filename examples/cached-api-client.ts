// A cached API client: one Session with an HTTP cache (RFC 9111). Fresh responses come from memory
// without a request; stale ones are revalidated with If-None-Match, and a 304 gives back the stored body.
import { MemoryCacheStore, Session } from 'errand';

export default async function (base: string): Promise<unknown> {
  const api = new Session({ baseUrl: base, cache: { store: new MemoryCacheStore({ maxSize: 8 * 1024 * 1024 }) } });
  try {
    // /cache/60 says `Cache-Control: public, max-age=60`: the second call never leaves the process.
    const first = await api.get('cache/60');
    const second = await api.get('cache/60');

    // /etag/v1 has an ETag and no freshness: every use asks the server, which answers 304 Not Modified.
    const stored = await api.get('etag/v1');
    const revalidated = await api.get('etag/v1');

    // Per call, fetch's cache modes: skip the cache, or take only what is stored.
    const bypassed = await api.get('cache/60', { cache: 'no-store' });
    const offline = await api.get('cache/3600', { cache: 'only-if-cached' });

    return {
      fresh: [first.cacheStatus, second.cacheStatus],
      sameBody: first.text === second.text,
      age: second.headers.get('age'),
      validated: [stored.cacheStatus, revalidated.cacheStatus, revalidated.statusCode],
      bypassed: bypassed.cacheStatus,
      offline: [offline.statusCode, offline.cacheStatus],
    };
  } finally {
    await api.close();
  }
}
