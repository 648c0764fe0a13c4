/// <reference types="node" />
// Is `globalThis.fetch` still Node's own, or has a test tool (msw, nock 14, fetch-mock, vi.stubGlobal)
// replaced it? Those tools patch the global fetch and never see undici's Dispatcher (mswjs/msw#2165),
// so the Node transport routes through `globalThis.fetch` whenever it has been replaced.
import { AsyncLocalStorage } from 'node:async_hooks';

type Fetch = typeof globalThis.fetch;

// Node's fetch is a JS wrapper that lazily requires its bundled undici; its source names that internal
// module on Node 18 to 24. No user-land function can `require('internal/…')`, so the text is a fingerprint
// that holds whether the patch happened before or after errand was imported.
const NODE_FETCH_SOURCE = /require\(['"]internal\/deps\/undici\/undici['"]\)/;

// @mswjs/interceptors (msw ≥ 2.4) keeps the active FetchInterceptor under this global symbol.
const MSW_FETCH_INTERCEPTOR = Symbol.for('fetch-interceptor');

let lastSeen: unknown;
let lastVerdict = false;

/** True when `fn` is the fetch Node itself installed (not a wrapper, a Proxy or a mock). */
function isNodeFetch(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return false;
  }
  return NODE_FETCH_SOURCE.test(source);
}

// The replaced fetch errand is calling, for the code that runs inside that call. A replacement may
// itself send through errand (a user's wrapper that gives old fetch code errand's cookies and retries,
// an msw handler that fetches the real response): that request is errand's own coming back, and
// sending it through the same fetch again would recurse without end. An AsyncLocalStorage follows the
// call through whatever the replacement does (new Session, new URL, new headers, timers, msw's
// emitter), where a mark on the request or its init would be lost the moment the wrapper rebuilds it.
// Created at the first call through a replaced fetch, so the fast path never pays for it.
let inReplacedFetch: AsyncLocalStorage<Fetch> | undefined;

/** Calls the replaced fetch `fetch`; errand re-entered from inside the call will not send through it again. */
export function callReplacedFetch(fetch: Fetch, input: Parameters<Fetch>[0], init: RequestInit): Promise<globalThis.Response> {
  inReplacedFetch ??= new AsyncLocalStorage<Fetch>();
  // async: a replacement that throws synchronously rejects like any failed fetch.
  return inReplacedFetch.run(fetch, async () => fetch(input, init));
}

/**
 * The fetch to route a request through when an interceptor has replaced the global one; `undefined`
 * while `globalThis.fetch` is still Node's own (then the Dispatcher path is both faster and streams
 * uploads in bounded memory), and inside errand's own call to that replacement (re-entry: see
 * callReplacedFetch). The verdict is cached per function, so the check costs one comparison.
 */
export function replacedFetch(): Fetch | undefined {
  const current = globalThis.fetch;
  if (current !== lastSeen) {
    lastSeen = current;
    lastVerdict = !isNodeFetch(current);
  }
  const intercepted = lastVerdict || (globalThis as Record<symbol, unknown>)[MSW_FETCH_INTERCEPTOR] !== undefined;
  if (!intercepted || typeof current !== 'function') return undefined;
  return inReplacedFetch?.getStore() === current ? undefined : current;
}
