// The edge entry's cookie jar: tough-cookie is bundled with the worker, so it is there from the start.
import * as toughCookie from 'tough-cookie';
import { SessionCookieJar, type ToughCookieLoader } from './cookie-jar.ts';

const loader: ToughCookieLoader = { loaded: () => toughCookie, load: async () => toughCookie };

/**
 * The session's cookie jar: RFC 6265 matching by tough-cookie (domain, host-only, path, Secure, expiry;
 * public suffixes refused), filled from every response's Set-Cookie, redirect hops included.
 * @example s.cookies.set('token', 'abc', { domain: 'api.example.com' }); s.cookies.getDict();
 */
export class CookieJar extends SessionCookieJar {
  constructor() {
    super(loader);
  }
}
