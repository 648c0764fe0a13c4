// Node entry: the undici transport (runtime/node-transport.ts) is the default adapter; FetchAdapter and
// cross-fetch only where Node has no fetch globals (--no-experimental-fetch).
import { createApi, VERSION } from './core/api.ts';
import type { Runtime } from './core/adapter.ts';
import { ownHops } from './core/hops.ts';
import { FetchAdapter } from './core/fetch-adapter.ts';
import type { SessionOptions } from './core/options.ts';
import { Session as CoreSession } from './core/session.ts';
import { createDefaultExport } from './core/default-export.ts';
import { CookieJar } from './runtime/node-cookie-jar.ts';
import { ACCEPT_ENCODING } from './runtime/node-body.ts';
import { netrcLookup } from './runtime/node-env.ts';
import { traceCall } from './runtime/node-tracing.ts';
import { UndiciAdapter } from './runtime/node-transport.ts';

export * from './core/index.ts';
export { CookieJar } from './runtime/node-cookie-jar.ts';
export type { CookieAttributes, CookieScope } from './runtime/cookie-jar.ts';
export { UndiciAdapter } from './runtime/node-transport.ts';
export { DiskCacheStore } from './runtime/node-disk-cache-store.ts';
export type { DiskCacheStoreOptions } from './runtime/node-disk-cache-store.ts';
export type { UndiciAdapterOptions } from './runtime/node-transport.ts';

/** Which build answered: 'node'. */
export const runtime = 'node';

// Deno's `require` resolves with Node's conditions, so `require('errand')` there loads this build (not
// the deno one): undici's dispatcher would be ignored, and proxies and TLS settings silently dropped.
// fetch's refusals apply there instead, and nothing reads files or the environment (no prompt).
const DENO_VIA_NODE_BUILD = "deno through errand's node build (require() resolves it there: import errand, or run deno --conditions=deno, to get the deno build)";

function createNodeRuntime(): Runtime {
  const underDeno = typeof (globalThis as { Deno?: unknown }).Deno === 'object';
  return {
    name: 'node',
    // errand follows redirects itself, so each hop's Set-Cookie and credentials are handled.
    hops: ownHops,
    // requests' default_headers: the transport decodes these codings itself (runtime/node-body.ts).
    defaultHeaders: () => ({ 'User-Agent': `errand/${VERSION}`, 'Accept-Encoding': ACCEPT_ENCODING, Accept: '*/*' }),
    createCookieJar: () => new CookieJar(),
    // trustEnv's .netrc ($NETRC, ~/.netrc, ~/_netrc), read once per Session.
    ...(underDeno ? {} : { readNetrc: () => netrcLookup() }),
    // Each call on diagnostics_channel.tracingChannel('errand:request'), when someone subscribes.
    traceCall,
    createAdapter: () => (underDeno ? new FetchAdapter({ runtime: DENO_VIA_NODE_BUILD })
      : typeof globalThis.Response === 'function' ? new UndiciAdapter() : new FetchAdapter({ runtime: 'node', fallbackFetch })),
  };
}

const nodeRuntime = /* @__PURE__ */ createNodeRuntime();

/** A Session in Node. */
export class Session extends CoreSession {
  declare cookies: CookieJar;

  constructor(options?: SessionOptions) {
    super(options, nodeRuntime);
  }
}

const api = /* @__PURE__ */ createApi(nodeRuntime);
export const { request, get, head, post, put, patch, del, options } = api;
export { del as delete };

export default /* @__PURE__ */ createDefaultExport(api, { Session, CookieJar, UndiciAdapter, runtime });

async function fallbackFetch(): Promise<typeof fetch> {
  const module = await import('cross-fetch');
  return module.default as unknown as typeof fetch;
}
