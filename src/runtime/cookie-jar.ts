import { Cookie, CookieJar as ToughCookieJar, MemoryCookieStore } from 'tough-cookie';
import type { SessionCookies } from '../core/adapter.ts';

/** Where a cookie applies: `domain` (none: any host, as in requests) and `path`. */
export interface CookieScope { domain?: string; path?: string }
/** Attributes of a cookie set by hand. */
export interface CookieAttributes extends CookieScope { expires?: Date | number; secure?: boolean; httpOnly?: boolean }

// A cookie set without a domain matches any host (requests' cookiejar semantics), so it cannot live in
// tough-cookie, which binds every cookie to a host; it is kept beside it, with path and Secure checks.
interface AnyHostCookie { name: string; value: string; path: string; secure: boolean; expires?: number | undefined; httpOnly: boolean }

/**
 * The session's cookie jar (Node and edge): RFC 6265 matching by tough-cookie (domain, host-only, path,
 * Secure, expiry; public suffixes refused), filled from every response's Set-Cookie, redirect hops included.
 * @example s.cookies.set('token', 'abc', { domain: 'api.example.com' }); s.cookies.getDict();
 */
export class CookieJar implements SessionCookies {
  private jar: ToughCookieJar;
  private anyHost: AnyHostCookie[] = [];
  // Most sessions never see a cookie: skip tough-cookie's lookup on every request until one is stored.
  private holdsHostCookies = false;

  constructor(jar?: ToughCookieJar) {
    // Secure cookies only over https, even on localhost: requests' rule, and what the tests can prove on loopback.
    this.jar = jar ?? new ToughCookieJar(new MemoryCookieStore(), { rejectPublicSuffixes: true, looseMode: true, allowSecureOnLocal: false });
    this.holdsHostCookies = jar !== undefined;
    Object.defineProperty(this, 'jar', { enumerable: false });
  }

  /** Name/value pairs to send to `url`. */
  cookiesFor(url: string): [string, string][] {
    if (!this.anyHost.length && !this.holdsHostCookies) return [];
    const { protocol, pathname } = new URL(url);
    const now = Date.now();
    this.anyHost = this.anyHost.filter((c) => c.expires === undefined || c.expires > now);
    const general = this.anyHost
      .filter((c) => (!c.secure || protocol === 'https:') && pathMatches(pathname, c.path))
      .map((c): [string, string] => [c.name, c.value]);
    if (!this.holdsHostCookies) return general;
    const matched = this.jar.getCookiesSync(url, { http: true }).map((c): [string, string] => [c.key, c.value]);
    return [...matched, ...general.filter(([name]) => !matched.some(([n]) => n === name))];
  }

  /** Stores the Set-Cookie lines of a response from `url`; returns what was kept (refused and expired ones are not). */
  storeFrom(url: string, setCookies: readonly string[]): Record<string, string> {
    const kept: Record<string, string> = {};
    for (const line of setCookies) {
      const cookie = this.jar.setCookieSync(line, url, { ignoreError: true, http: true });
      if (cookie) this.holdsHostCookies = true;
      if (cookie && cookie.TTL() > 0) kept[cookie.key] = cookie.value;
    }
    return kept;
  }

  /** The value of cookie `name` (the first match in `scope`). */
  get(name: string, scope: CookieScope = {}): string | undefined {
    return this.find(name, scope)[0]?.value;
  }

  /** Sets a cookie; without `domain` it is sent to any host, as in requests. */
  set(name: string, value: string, attributes: CookieAttributes = {}): void {
    const path = attributes.path ?? '/';
    const expires = attributes.expires === undefined ? undefined : new Date(attributes.expires).getTime();
    this.delete(name, { ...(attributes.domain ? { domain: attributes.domain } : {}), path });
    if (!attributes.domain) {
      this.anyHost.push({ name, value, path, secure: attributes.secure ?? false, expires, httpOnly: attributes.httpOnly ?? false });
      return;
    }
    const domain = attributes.domain.replace(/^\./, '').toLowerCase();
    const cookie = new Cookie({
      key: name, value, domain, path, secure: attributes.secure ?? false, httpOnly: attributes.httpOnly ?? false,
      expires: expires === undefined ? 'Infinity' : new Date(expires), hostOnly: false,
    });
    // setCookie checks the cookie against a URL: use one on its own domain so the domain rules hold.
    this.holdsHostCookies = true;
    try {
      this.jar.setCookieSync(cookie, `${attributes.secure ? 'https' : 'http'}://${domain}${path}`, { http: true });
    } catch (cause) {
      throw new TypeError(`errand: cookie '${name}' cannot be set for domain '${domain}': ${(cause as Error).message}`, { cause });
    }
  }

  /** Removes cookies named `name` (all of them, or those in `scope`). */
  delete(name: string, scope: CookieScope = {}): void {
    this.anyHost = this.anyHost.filter((c) => !(c.name === name && (scope.path === undefined || c.path === scope.path) && !scope.domain));
    for (const cookie of this.find(name, scope).filter((c): c is Cookie => c instanceof Cookie)) {
      this.jar.store.removeCookie(cookie.domain, cookie.path, cookie.key, () => {});
    }
  }

  /** Removes every cookie. */
  clear(): void {
    this.anyHost = [];
    this.jar.removeAllCookiesSync();
  }

  /** `{ name: value }` of every cookie (or those in `scope`). */
  getDict(scope: CookieScope = {}): Record<string, string> {
    const dict: Record<string, string> = {};
    // The first match wins, as in get() and in what is sent (host cookies before any-host ones).
    for (const cookie of this.all()) if (inScope(cookie, scope) && !(cookieName(cookie) in dict)) dict[cookieName(cookie)] = cookie.value;
    return dict;
  }

  /** Every cookie: tough-cookie `Cookie`s and the any-host ones. */
  *[Symbol.iterator](): IterableIterator<{ name: string; value: string; domain?: string | null | undefined; path: string | null }> {
    for (const cookie of this.all()) yield { name: cookieName(cookie), value: cookie.value, domain: cookie instanceof Cookie ? cookie.domain : undefined, path: cookie.path };
  }

  /** A plain object to save (JSON.stringify it) and load with `CookieJar.fromJSON`. */
  toJSON(): { jar: unknown; anyHost: AnyHostCookie[] } {
    return { jar: this.jar.serializeSync(), anyHost: this.anyHost.map((c) => ({ ...c })) };
  }

  /** Rebuilds a jar from `toJSON()` output (or its JSON text). */
  static fromJSON(data: string | { jar: unknown; anyHost?: AnyHostCookie[] }): CookieJar {
    const parsed = typeof data === 'string' ? JSON.parse(data) as { jar: unknown; anyHost?: AnyHostCookie[] } : data;
    // tough-cookie's JSON does not keep allowSecureOnLocal: load into a scratch jar, then copy the cookies
    // into a jar with errand's rules.
    const loaded = ToughCookieJar.deserializeSync(parsed.jar as Parameters<typeof ToughCookieJar.deserializeSync>[0], new MemoryCookieStore());
    const jar = new CookieJar();
    jar.holdsHostCookies = true;
    loaded.store.getAllCookies((error, cookies) => {
      for (const cookie of error ? [] : cookies ?? []) jar.jar.store.putCookie(cookie, () => {});
    });
    jar.anyHost = (parsed.anyHost ?? []).map((c) => ({ ...c }));
    return jar;
  }

  private all(): (Cookie | AnyHostCookie)[] {
    let cookies: Cookie[] = [];
    this.jar.store.getAllCookies((error, found) => { if (!error && found) cookies = found.filter((c) => c.TTL() > 0); });
    const now = Date.now();
    return [...cookies, ...this.anyHost.filter((c) => c.expires === undefined || c.expires > now)];
  }

  private find(name: string, scope: CookieScope): (Cookie | AnyHostCookie)[] {
    return this.all().filter((c) => cookieName(c) === name && inScope(c, scope));
  }
}

function cookieName(cookie: Cookie | AnyHostCookie): string {
  return cookie instanceof Cookie ? cookie.key : cookie.name;
}

function inScope(cookie: Cookie | AnyHostCookie, scope: CookieScope): boolean {
  if (scope.path !== undefined && cookie.path !== scope.path) return false;
  if (scope.domain === undefined) return true;
  return cookie instanceof Cookie && cookie.domain === scope.domain.replace(/^\./, '');
}

// RFC 6265 §5.1.4 path-match.
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
