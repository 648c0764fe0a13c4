// The steps of a call that errand takes itself where the platform's fetch leaves them to it: a Cookie
// header per hop from the jar, each hop's Set-Cookie into the jar, and redirects (RFC 9110 §15.4) with
// credential stripping. Every runtime entry but the browser's hands these to the send loop (Runtime.hops);
// the browser follows redirects and keeps cookies itself, so its build carries none of this code.
import type { CookieStore } from './adapter.ts';
import type { PreparedRequest } from './prepared-request.ts';
import { nextRedirect, shouldStripAuth } from './redirect.ts';
import type { Response } from './response.ts';
import { checkCookie } from './wire.ts';

/** What the send loop asks of a runtime that follows redirects and keeps cookies itself. */
export interface HopSteps {
  /**
   * Sets this hop's Cookie header: the jar's cookies for the URL, overridden by name by the call's own
   * (a null one holds back the jar's). An explicit Cookie header wins. `anyHost`: whether cookies set
   * for any host may go (not after a redirect that stripped credentials). True when it set one.
   */
  setCookieHeader(request: PreparedRequest, jar: CookieStore | undefined, anyHost: boolean): boolean;
  /** Stores the response's Set-Cookie lines in the jar and tells the response which it kept. */
  storeCookies(response: Response, jar: CookieStore): Promise<void>;
  /** The request a redirect response asks for (see core/redirect.ts), or undefined. */
  nextRedirect(request: PreparedRequest, response: Response, sensitiveHeaders?: readonly string[]): PreparedRequest | undefined;
  /** requests' should_strip_auth. */
  shouldStripAuth(from: string, to: string): boolean;
}

function setCookieHeader(request: PreparedRequest, jar: CookieStore | undefined, anyHost: boolean): boolean {
  if (request.headers.has('cookie')) return false;
  const own = request.cookies;
  const pairs = (jar?.cookiesFor(request.url, anyHost) ?? []).filter(([name]) => !Object.hasOwn(own, name));
  for (const [name, value] of Object.entries(own)) if (value !== null) pairs.push([name, value]);
  // RFC 6265 §4.1.1, checked by core/wire.ts so no error quotes a cookie value.
  for (const [name, value] of pairs) checkCookie(name, value, { request });
  if (pairs.length) request.headers.set('Cookie', pairs.map(([name, value]) => `${name}=${value}`).join('; '));
  return pairs.length > 0;
}

async function storeCookies(response: Response, jar: CookieStore): Promise<void> {
  const setCookies = response.headers.getSetCookie?.() ?? [];
  if (setCookies.length && jar.ready) await jar.ready(true);
  response.cookies = jar.storeFrom(response.url, setCookies);
}

/** errand's own hop steps, for the runtimes whose fetch returns the 3xx (redirect: 'manual'). */
export const ownHops: HopSteps = { setCookieHeader, storeCookies, nextRedirect, shouldStripAuth };
