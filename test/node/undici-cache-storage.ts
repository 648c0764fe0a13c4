// undici's CacheStorage (a real Cache API) for runtimes without a `caches` global (node, the edge VM).
// Its Cache.put takes only undici's own Response class, not the runtime's global one, so responses are
// handed over as undici Responses; nothing else is changed.
import { Response as UndiciResponse, caches } from 'undici';

export const undiciCacheStorage = {
  async open(name: string) {
    const cache = await caches.open(name);
    return {
      match: (request: string) => cache.match(request) as unknown as Promise<Response | undefined>,
      put: (request: string, response: Response) => cache.put(request, new UndiciResponse(response.body as never, response as never)),
      delete: (request: string) => cache.delete(request),
    };
  },
} as unknown as CacheStorage;
