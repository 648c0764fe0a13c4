// Bun entry (the `bun` export condition): Bun's fetch with its own proxy and TLS options
// (runtime/bun-transport.ts); trustEnv reads Bun.env and the .netrc through Bun's node:fs.
import { createApi, VERSION } from './core/api.ts';
import type { Runtime } from './core/adapter.ts';
import { ownHops } from './core/hops.ts';
import type { SessionOptions } from './core/options.ts';
import { Session as CoreSession } from './core/session.ts';
import { createDefaultExport } from './core/default-export.ts';
import { BunAdapter } from './runtime/bun-transport.ts';
import { CookieJar } from './runtime/edge-cookie-jar.ts';
import { acceptEncoding } from './runtime/fetch-decode.ts';
import { netrcLookup } from './runtime/node-env.ts';

export * from './core/index.ts';
export { CookieJar } from './runtime/edge-cookie-jar.ts';
export type { CookieAttributes, CookieScope } from './runtime/cookie-jar.ts';
export { BunAdapter } from './runtime/bun-transport.ts';

/** Which build answered: 'bun'. */
export const runtime = 'bun';

function createBunRuntime(): Runtime {
  return {
    name: 'bun',
    // errand follows redirects itself, so each hop's Set-Cookie and credentials are handled.
    hops: ownHops,
    // requests' default_headers; errand decodes these codings itself (runtime/fetch-decode.ts).
    defaultHeaders: () => ({ 'User-Agent': `errand/${VERSION}`, 'Accept-Encoding': acceptEncoding(), Accept: '*/*' }),
    createCookieJar: () => new CookieJar(),
    // trustEnv's .netrc ($NETRC, ~/.netrc, ~/_netrc), read once per Session.
    readNetrc: () => netrcLookup(),
    createAdapter: () => new BunAdapter(),
  };
}

const bunRuntime = /* @__PURE__ */ createBunRuntime();

/** A Session in Bun. */
export class Session extends CoreSession {
  declare cookies: CookieJar;

  constructor(options?: SessionOptions) {
    super(options, bunRuntime);
  }
}

const api = /* @__PURE__ */ createApi(bunRuntime);
export const { request, get, head, post, put, patch, del, options } = api;
export { del as delete };

export default /* @__PURE__ */ createDefaultExport(api, { Session, CookieJar, BunAdapter, runtime });
