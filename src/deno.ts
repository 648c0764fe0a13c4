// Deno entry (the `deno` export condition): Deno's fetch with a Deno.createHttpClient client for proxies and TLS
// (runtime/deno-transport.ts); trustEnv reads what the process may read, without a prompt (runtime/deno-env.ts).
import { createApi, VERSION } from './core/api.ts';
import type { Runtime } from './core/adapter.ts';
import { ownHops } from './core/hops.ts';
import type { SessionOptions } from './core/options.ts';
import { Session as CoreSession } from './core/session.ts';
import { createDefaultExport } from './core/default-export.ts';
import { DenoAdapter } from './runtime/deno-transport.ts';
import { CookieJar } from './runtime/edge-cookie-jar.ts';
import { acceptEncoding } from './runtime/fetch-decode.ts';
import { denoNetrcLookup } from './runtime/deno-env.ts';

export * from './core/index.ts';
export { CookieJar } from './runtime/edge-cookie-jar.ts';
export type { CookieAttributes, CookieScope } from './runtime/cookie-jar.ts';
export { DenoAdapter } from './runtime/deno-transport.ts';

/** Which build answered: 'deno'. */
export const runtime = 'deno';

function createDenoRuntime(): Runtime {
  return {
    name: 'deno',
    // errand follows redirects itself, so each hop's Set-Cookie and credentials are handled.
    hops: ownHops,
    // requests' default_headers; Deno's fetch decodes gzip and br, errand the rest (runtime/fetch-decode.ts).
    defaultHeaders: () => ({ 'User-Agent': `errand/${VERSION}`, 'Accept-Encoding': acceptEncoding(), Accept: '*/*' }),
    createCookieJar: () => new CookieJar(),
    // trustEnv's .netrc ($NETRC, ~/.netrc, ~/_netrc) where --allow-read permits, read once per Session.
    readNetrc: () => denoNetrcLookup(),
    createAdapter: () => new DenoAdapter(),
  };
}

const denoRuntime = /* @__PURE__ */ createDenoRuntime();

/** A Session in Deno. */
export class Session extends CoreSession {
  declare cookies: CookieJar;

  constructor(options?: SessionOptions) {
    super(options, denoRuntime);
  }
}

const api = /* @__PURE__ */ createApi(denoRuntime);
export const { request, get, head, post, put, patch, del, options } = api;
export { del as delete };

export default /* @__PURE__ */ createDefaultExport(api, { Session, CookieJar, DenoAdapter, runtime });
