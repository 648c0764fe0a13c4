// The Node entry's cookie jar: tough-cookie is imported at the first cookie, not with errand.
import { SessionCookieJar, type ToughCookieLoader } from './cookie-jar.ts';

type ToughCookie = typeof import('tough-cookie');

let toughCookie: ToughCookie | undefined;
let loading: Promise<ToughCookie> | undefined;

const loader: ToughCookieLoader = {
  loaded: () => toughCookie,
  // A dynamic import, so bundlers still see (and include) tough-cookie.
  load: () => (loading ??= import('tough-cookie').then((loaded) => (toughCookie = loaded), (error: unknown) => {
    loading = undefined;
    throw error;
  })),
};

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
