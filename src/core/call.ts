// One call through a Session's state: merge, prepare, send. The Session class and the top-level
// functions (`get`, `post`...) both call `sessionCall`; the top-level functions give it the state of a
// throwaway Session without making one, so a bundle that imports only `get` carries none of the Session
// class (its cache, pagination, event streams, mounting) and nothing of what only those reach.
import type { Adapter, NetrcLookup, Runtime, SessionCookies } from './adapter.ts';
import type { SessionCache } from './cache/hook.ts';
import { InvalidSchemaError, redactUrl } from './errors.ts';
import { mergeOptions, type RequestOptions, type SessionDefaults } from './options.ts';
import { prepare } from './prepare.ts';
import type { Response } from './response.ts';
import { sendLoop, type SendContext } from './send.ts';

/** What a call reads from its Session. */
export interface SessionState extends SendContext {
  defaults: SessionDefaults;
  /** trustEnv's .netrc, read at the first request that asks. */
  netrc: NetrcLookup;
  cookies: SessionCookies;
  cache?: SessionCache | undefined;
}

/**
 * Merges the Session's defaults with the call's options, prepares the request and sends it.
 * `ownQuery`: parameter names the URL already carries (a next page's link), so params do not repeat them.
 */
export async function sessionCall(state: SessionState, method: string, url: string | URL, options: RequestOptions, ownQuery?: ReadonlySet<string>): Promise<Response> {
  const merged = mergeOptions(state.defaults, options);
  if (ownQuery?.size) merged.params = merged.params.filter(([key]) => !ownQuery.has(key));
  const prepared = await prepare(method, url, merged, state.netrc);
  return sendLoop(state, prepared, merged);
}

/** `head()`'s options: redirects are not followed unless asked, as in requests (the browser always follows). */
export function headOptions(runtime: Runtime, options: RequestOptions | undefined): RequestOptions | undefined {
  return runtime.hops ? { allowRedirects: false, ...options } : options;
}

/** The adapter mounted for a URL: the longest matching prefix (case-insensitive); `adapters` is sorted longest first. */
export function findAdapter(adapters: ReadonlyArray<readonly [prefix: string, adapter: Adapter]>, url: string): Adapter {
  const lower = url.toLowerCase();
  const found = adapters.find(([prefix]) => lower.startsWith(prefix.toLowerCase()));
  if (!found) throw new InvalidSchemaError(`No adapter is mounted for ${redactUrl(url)}`);
  return found[1];
}

/** A .netrc lookup that reads the file (Runtime.readNetrc) at its first use and keeps it. */
export function lazyNetrc(runtime: Runtime): NetrcLookup {
  let lookup: NetrcLookup | undefined;
  return (url) => (lookup ??= runtime.readNetrc?.() ?? (() => undefined))(url);
}

/** The state of a new Session with no options: the runtime's default headers, jar and adapter. */
export function throwawayState(runtime: Runtime): SessionState & { adapter: Adapter } {
  const adapter = runtime.createAdapter();
  const adapters = [['https://', adapter], ['http://', adapter]] as const;
  return {
    runtime, adapter, defaults: { headers: new Headers(runtime.defaultHeaders()) }, netrc: lazyNetrc(runtime),
    cookies: runtime.createCookieJar(), getAdapter: (url) => findAdapter(adapters, url),
  };
}
