// Browser entry: the browser follows redirects and keeps cookies (credentials); no Node-only option works here.
import { createApi } from './core/api.ts';
import type { AdapterSendOptions, Runtime } from './core/adapter.ts';
import { FetchAdapter } from './core/fetch-adapter.ts';
import { UnsupportedError } from './core/errors.ts';
import type { SessionCookies } from './core/adapter.ts';
import type { SessionOptions } from './core/options.ts';
import type { HopMarks } from './core/timings.ts';
import { Session as CoreSession } from './core/session.ts';
import { createDefaultExport } from './core/default-export.ts';
import type { PreparedRequest } from './core/prepared-request.ts';
import type { Response } from './core/response.ts';
import { XHRAdapter } from './runtime/xhr-adapter.ts';

export * from './core/index.ts';
export { XHRAdapter } from './runtime/xhr-adapter.ts';

/** Which build answered: 'browser'. */
export const runtime = 'browser';

function createBrowserRuntime(): Runtime {
  return {
    name: 'browser',
    // No `hops`: Chromium's redirect: 'manual' gives an opaque response (no status, no Location), so the
    // browser follows redirects, and it keeps cookies itself. User-Agent is left out: it is not
    // CORS-safelisted and would force a preflight.
    // The browser's HTTP cache: it gets the call's `cache` mode, and is skipped (no-store) under errand's own.
    httpCache: true,
    defaultHeaders: () => ({ Accept: '*/*' }),
    createCookieJar: () => new BrowserCookies(),
    createAdapter: () => new BrowserAdapter({ runtime: 'browser', streamingUploads: false, cookieHeader: false, lookupMarks: resourceTiming }),
  };
}

/**
 * The browser's default adapter: fetch, except for a call that asks for upload progress with a body that
 * is not a stream, which goes through XMLHttpRequest (the only way a page sees upload progress over HTTP/1.1).
 */
class BrowserAdapter extends FetchAdapter {
  #xhr: XHRAdapter | undefined;

  override send(request: PreparedRequest, options: AdapterSendOptions): Promise<Response> {
    if (!options.onUploadProgress) return super.send(request, options);
    const body = request.body;
    // Nothing to upload: fetch, and no upload progress to report.
    if (body === null) return super.send(request, { ...options, onUploadProgress: undefined });
    // A stream cannot go through XMLHttpRequest: fetch says why it cannot be sent either.
    if (body instanceof ReadableStream) return super.send(request, options);
    return (this.#xhr ??= new XHRAdapter()).send(request, options);
  }
}

/**
 * r.timings from the browser's own Resource Timing entry for the URL, read at the first use of r.timings.
 * Across origins the browser shows the phases only when the server sends `Timing-Allow-Origin` for this
 * page (zeros otherwise); then, and when the entry is missing (a full buffer), fetch's own moments stay.
 */
function resourceTiming(url: string, marks: HopMarks): HopMarks | undefined {
  // The first entry for the URL that began with this hop (browsers coarsen the clock: 1 ms of slack).
  const e = (performance.getEntriesByName(url, 'resource') as PerformanceResourceTiming[]).find((entry) => entry.startTime >= marks.start - 1);
  if (!e?.requestStart) return undefined;
  const seen = { ...marks, sent: e.requestStart, response: e.responseStart };
  const tls = e.secureConnectionStart;
  // On a reused connection the browser gives the connection's moments as fetchStart.
  return e.connectEnd > e.fetchStart
    ? { ...seen, socket: e.domainLookupStart, lookup: e.domainLookupEnd, connect: tls || e.connectEnd, secureConnect: tls ? e.connectEnd : undefined }
    : seen;
}

/**
 * `session.cookies` in a browser: the browser keeps cookies itself (send them with `credentials`) and hides
 * Set-Cookie from scripts, so this view holds nothing and refuses to set a cookie rather than drop it.
 */
class BrowserCookies implements SessionCookies {
  cookiesFor(): [] { return []; }
  storeFrom(): Record<string, string> { return {}; }
  get(): undefined { return undefined; }
  set(name: string): never {
    throw new UnsupportedError(`s.cookies.set('${name}') cannot work in a browser: the browser keeps cookies itself and forbids the Cookie header; let the server set the cookie and use credentials: 'include'`);
  }
  delete(): void {}
  clear(): void {}
  getDict(): Record<string, string> { return {}; }
  toJSON(): Record<string, string> { return {}; }
  *[Symbol.iterator](): IterableIterator<never> {}
}

const browserRuntime = /* @__PURE__ */ createBrowserRuntime();

/** A Session in the browser. */
export class Session extends CoreSession {
  constructor(options?: SessionOptions) {
    super(options, browserRuntime);
  }
}

const api = /* @__PURE__ */ createApi(browserRuntime);
export const { request, get, head, post, put, patch, del, options } = api;
export { del as delete };

export default /* @__PURE__ */ createDefaultExport(api, { Session, runtime });
