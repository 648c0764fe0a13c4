// Edge and default entry (workerd, edge-light, worker, default): web standards only.
import { createApi, VERSION } from './core/api.ts';
import type { Runtime } from './core/adapter.ts';
import { ownHops } from './core/hops.ts';
import { FetchAdapter } from './core/fetch-adapter.ts';
import type { SessionOptions } from './core/options.ts';
import { Session as CoreSession } from './core/session.ts';
import { createDefaultExport } from './core/default-export.ts';
import { CookieJar } from './runtime/edge-cookie-jar.ts';

export * from './core/index.ts';
export { CookieJar } from './runtime/edge-cookie-jar.ts';
export type { CookieAttributes, CookieScope } from './runtime/cookie-jar.ts';

/** Which build answered: 'edge'. */
export const runtime = 'edge';

function createEdgeRuntime(): Runtime {
  return {
    name: 'edge',
    // errand follows redirects itself: workerd's fetch keeps Authorization on a cross-host redirect.
    hops: ownHops,
    defaultHeaders: () => ({ 'User-Agent': `errand/${VERSION}`, Accept: '*/*' }),
    createCookieJar: () => new CookieJar(),
    createAdapter: () => new FetchAdapter({ runtime: 'edge' }),
  };
}

const edgeRuntime = /* @__PURE__ */ createEdgeRuntime();

/** A Session on the edge runtime. */
export class Session extends CoreSession {
  declare cookies: CookieJar;

  constructor(options?: SessionOptions) {
    super(options, edgeRuntime);
  }
}

const api = /* @__PURE__ */ createApi(edgeRuntime);
export const { request, get, head, post, put, patch, del, options } = api;
export { del as delete };

export default /* @__PURE__ */ createDefaultExport(api, { Session, CookieJar, runtime });
