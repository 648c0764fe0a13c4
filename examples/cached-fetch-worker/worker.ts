// A cached fetch in a Cloudflare Worker: errand's HTTP cache over the platform Cache API (caches.default),
// so an upstream API is asked only when what the colo keeps is stale. The cache is shared (one Worker
// serves every visitor): RFC 9111's shared-cache rules apply (s-maxage, no `private` responses, nothing
// stored for a request with Authorization unless the response allows it).
import { Session, WebCacheStore } from 'errand';

export interface Env {
  /** The upstream API, e.g. https://api.example.com/ */
  API_URL: string;
}

/** The part of a Worker's ExecutionContext this example uses. */
interface Context { waitUntil(promise: Promise<unknown>): void }

export default {
  async fetch(request: Request, env: Env, ctx: Context): Promise<Response> {
    const caches = (globalThis as unknown as { caches: { default: ConstructorParameters<typeof WebCacheStore>[0] } }).caches;
    const api = new Session({ baseUrl: env.API_URL, cache: { store: new WebCacheStore(caches.default), shared: true } });
    const { pathname, search } = new URL(request.url);
    const r = await api.get(`${pathname.slice(1)}${search}`);
    // close() waits for the store write: the visitor need not, waitUntil keeps the Worker alive until it ends.
    ctx.waitUntil(api.close());
    return new Response(r.content as Uint8Array<ArrayBuffer>, {
      status: r.statusCode,
      headers: { 'content-type': r.headers.get('content-type') ?? 'application/octet-stream', 'x-cache': r.cacheStatus ?? 'none' },
    });
  },
};
