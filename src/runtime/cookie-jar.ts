import type { Cookie, CookieJar as ToughCookieJar } from 'tough-cookie';
import type { SessionCookies } from '../core/adapter.ts';

type ToughCookie = typeof import('tough-cookie');

/**
 * How a runtime gets tough-cookie. Node loads it at the first cookie (with its public suffix list it
 * costs ~22 ms to import, more than the rest of errand); the edge has it bundled.
 */
export interface ToughCookieLoader {
  /** The module, when it is loaded. */
  loaded(): ToughCookie | undefined;
  /** Loads it (once). */
  load(): Promise<ToughCookie>;
}

/** Where a cookie applies: `domain` (none: any host, as in requests) and `path`. */
export interface CookieScope { domain?: string; path?: string }
/** Attributes of a cookie set by hand. */
export interface CookieAttributes extends CookieScope { expires?: Date | number; secure?: boolean; httpOnly?: boolean }

// A cookie set without a domain matches any host (requests' cookiejar semantics), so it cannot live in
// tough-cookie, which binds every cookie to a host; it is kept beside it, with path and Secure checks.
interface AnyHostCookie { name: string; value: string; path: string; secure: boolean; expires?: number | undefined; httpOnly: boolean }

// A host cookie given before tough-cookie was loaded (set by hand, or from fromJSON): stored into
// tough-cookie, with its checks, before the next request reads the jar (see ready()).
interface PendingCookie { name: string; value: string; domain: string; path: string; expires?: number | undefined; secure: boolean; httpOnly: boolean; saved?: object }

/** One cookie as get/getDict/iteration see it, whichever store holds it. */
interface CookieView { name: string; value: string; domain: string | undefined; path: string; tough?: Cookie; pending?: PendingCookie }

/** What toJSON() writes: tough-cookie's own serialization (null before it was needed), and the rest. */
interface SavedJar { jar: unknown; anyHost?: AnyHostCookie[]; pending?: PendingCookie[] }

/**
 * The session's cookie jar (Node and edge): RFC 6265 matching by tough-cookie (domain, host-only, path,
 * Secure, expiry; public suffixes refused), filled from every response's Set-Cookie, redirect hops included.
 * Each entry exports it as `CookieJar` with its way of loading tough-cookie.
 */
export class SessionCookieJar implements SessionCookies {
  readonly #loader: ToughCookieLoader;
  // Created with the first host cookie: until then no request pays for tough-cookie's lookup.
  #jar: ToughCookieJar | undefined;
  #pending: PendingCookie[] = [];
  #anyHost: AnyHostCookie[] = [];

  constructor(loader: ToughCookieLoader) {
    this.#loader = loader;
  }

  /**
   * Undefined when the jar can be read and filled synchronously now; else a promise for when it can
   * (tough-cookie still loading). The send loop awaits it before each hop, and before storing Set-Cookie.
   */
  ready(storing = false): Promise<void> | undefined {
    const lib = this.#loader.loaded();
    if (lib) {
      if (this.#pending.length) this.flush(lib);
      return undefined;
    }
    if (!storing && !this.#pending.length) return undefined;
    return this.#loader.load().then((loaded) => { if (this.#pending.length) this.flush(loaded); });
  }

  /** Name/value pairs to send to `url` (after ready()); `anyHost` false leaves out the cookies set for any host. */
  cookiesFor(url: string, anyHost = true): [string, string][] {
    if ((!anyHost || !this.#anyHost.length) && !this.#jar) return [];
    const { protocol, pathname } = new URL(url);
    const now = Date.now();
    this.#anyHost = this.#anyHost.filter((c) => c.expires === undefined || c.expires > now);
    const general = this.#anyHost
      .filter((c) => anyHost && (!c.secure || protocol === 'https:') && pathMatches(pathname, c.path))
      .map((c): [string, string] => [c.name, c.value]);
    if (!this.#jar) return general;
    const matched = this.#jar.getCookiesSync(url, { http: true }).map((c): [string, string] => [c.key, c.value]);
    return [...matched, ...general.filter(([name]) => !matched.some(([n]) => n === name))];
  }

  /** Stores the Set-Cookie lines of a response from `url` (after ready(true)); returns what was kept. */
  storeFrom(url: string, setCookies: readonly string[]): Record<string, string> {
    // Null prototype: cookie names come from the server (`__proto__`, `constructor` are names like any other).
    const kept: Record<string, string> = Object.create(null);
    if (!setCookies.length) return kept;
    const jar = this.toughJar(this.library('store Set-Cookie'));
    for (const line of setCookies) {
      const cookie = jar.setCookieSync(line, url, { ignoreError: true, http: true });
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
    const secure = attributes.secure ?? false;
    const httpOnly = attributes.httpOnly ?? false;
    if (!attributes.domain) {
      this.#anyHost.push({ name, value, path, secure, expires, httpOnly });
      return;
    }
    const cookie: PendingCookie = { name, value, domain: attributes.domain.replace(/^\./, '').toLowerCase(), path, expires, secure, httpOnly };
    const lib = this.#loader.loaded();
    if (lib) return this.storeHandSet(lib, cookie);
    // Checked (public suffixes) and stored when tough-cookie arrives, before the next request.
    this.#pending.push(cookie);
    this.#loader.load().catch(() => {});
  }

  /** Removes cookies named `name` (all of them, or those in `scope`). */
  delete(name: string, scope: CookieScope = {}): void {
    this.#anyHost = this.#anyHost.filter((c) => !(c.name === name && (scope.path === undefined || c.path === scope.path) && !scope.domain));
    for (const view of this.find(name, scope)) {
      if (view.tough) this.#jar?.store.removeCookie(view.tough.domain, view.tough.path, view.tough.key, () => {});
      if (view.pending) this.#pending = this.#pending.filter((c) => c !== view.pending);
    }
  }

  /** Removes every cookie. */
  clear(): void {
    this.#anyHost = [];
    this.#pending = [];
    this.#jar?.removeAllCookiesSync();
  }

  /** `{ name: value }` of every cookie (or those in `scope`). */
  getDict(scope: CookieScope = {}): Record<string, string> {
    const dict: Record<string, string> = Object.create(null); // names come from servers: `constructor` is one
    // The first match wins, as in get() and in what is sent (host cookies before any-host ones).
    for (const cookie of this.all()) if (inScope(cookie, scope) && !Object.hasOwn(dict, cookie.name)) dict[cookie.name] = cookie.value;
    return dict;
  }

  /** Every cookie: host cookies, then the any-host ones. */
  *[Symbol.iterator](): IterableIterator<{ name: string; value: string; domain?: string | null | undefined; path: string | null }> {
    for (const { name, value, domain, path } of this.all()) yield { name, value, domain, path };
  }

  /** A plain object to save (JSON.stringify it) and load with `CookieJar.fromJSON`. */
  toJSON(): SavedJar {
    const saved: SavedJar = { jar: this.#jar?.serializeSync() ?? null, anyHost: this.#anyHost.map((c) => ({ ...c })) };
    if (this.#pending.length) saved.pending = this.#pending.map((c) => ({ ...c }));
    return saved;
  }

  /** Rebuilds a jar from `toJSON()` output (or its JSON text). */
  static fromJSON<T extends SessionCookieJar>(this: new () => T, data: string | SavedJar): T {
    const parsed = typeof data === 'string' ? JSON.parse(data) as SavedJar : data;
    const jar = new this();
    jar.#anyHost = (parsed.anyHost ?? []).map((c) => ({ ...c }));
    jar.#pending = (parsed.pending ?? []).map((c) => ({ ...c }));
    // tough-cookie's cookies wait as pending ones until it is loaded; a view of each answers get/getDict.
    const saved = (parsed.jar as { cookies?: Record<string, unknown>[] } | null)?.cookies ?? [];
    for (const c of saved) {
      const expires = typeof c['expires'] === 'string' && c['expires'] !== 'Infinity' ? Date.parse(c['expires']) : undefined;
      jar.#pending.push({
        name: String(c['key'] ?? ''), value: String(c['value'] ?? ''), domain: String(c['domain'] ?? ''), path: String(c['path'] ?? '/'),
        expires, secure: c['secure'] === true, httpOnly: c['httpOnly'] === true, saved: c,
      });
    }
    const lib = jar.#loader.loaded();
    if (lib && jar.#pending.length) jar.flush(lib);
    return jar;
  }

  /** Moves pending cookies into tough-cookie; a hand-set one it refuses (a public suffix) is a TypeError. */
  private flush(lib: ToughCookie): void {
    const pending = this.#pending;
    this.#pending = [];
    const jar = this.toughJar(lib);
    let refused: TypeError | undefined;
    for (const cookie of pending) {
      if (cookie.saved) {
        const restored = lib.Cookie.fromJSON(cookie.saved);
        if (restored) jar.store.putCookie(restored, () => {});
        continue;
      }
      try {
        this.storeHandSet(lib, cookie);
      } catch (error) {
        refused ??= error as TypeError;
      }
    }
    if (refused) throw refused;
  }

  private storeHandSet(lib: ToughCookie, { name, value, domain, path, expires, secure, httpOnly }: PendingCookie): void {
    const cookie = new lib.Cookie({
      key: name, value, domain, path, secure, httpOnly, expires: expires === undefined ? 'Infinity' : new Date(expires), hostOnly: false,
    });
    // setCookie checks the cookie against a URL: use one on its own domain so the domain rules hold.
    try {
      this.toughJar(lib).setCookieSync(cookie, `${secure ? 'https' : 'http'}://${domain}${path}`, { http: true });
    } catch (cause) {
      throw new TypeError(`errand: cookie '${name}' cannot be set for domain '${domain}': ${(cause as Error).message}`, { cause });
    }
  }

  private toughJar(lib: ToughCookie): ToughCookieJar {
    // Secure cookies only over https, even on localhost: requests' rule, and what the tests can prove on loopback.
    return (this.#jar ??= new lib.CookieJar(new lib.MemoryCookieStore(), { rejectPublicSuffixes: true, looseMode: true, allowSecureOnLocal: false }));
  }

  private library(what: string): ToughCookie {
    const lib = this.#loader.loaded();
    if (!lib) throw new Error(`errand: the cookie jar cannot ${what} before tough-cookie is loaded; await jar.ready(true) first`);
    return lib;
  }

  private all(): CookieView[] {
    const now = Date.now();
    const views: CookieView[] = [];
    this.#jar?.store.getAllCookies((error, found) => {
      for (const c of error ? [] : found ?? []) if (c.TTL() > 0) views.push({ name: c.key, value: c.value, domain: c.domain ?? undefined, path: c.path ?? '/', tough: c });
    });
    for (const c of this.#pending) if (c.expires === undefined || c.expires > now) views.push({ name: c.name, value: c.value, domain: c.domain, path: c.path, pending: c });
    for (const c of this.#anyHost) if (c.expires === undefined || c.expires > now) views.push({ name: c.name, value: c.value, domain: undefined, path: c.path });
    return views;
  }

  private find(name: string, scope: CookieScope): CookieView[] {
    return this.all().filter((c) => c.name === name && inScope(c, scope));
  }
}

function inScope(cookie: CookieView, scope: CookieScope): boolean {
  if (scope.path !== undefined && cookie.path !== scope.path) return false;
  if (scope.domain === undefined) return true;
  return cookie.domain !== undefined && cookie.domain === scope.domain.replace(/^\./, '');
}

// RFC 6265 §5.1.4 path-match.
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
