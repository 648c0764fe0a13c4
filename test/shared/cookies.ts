// The session cookie jar (Node and edge: tough-cookie) against the local httpbin: Set-Cookie of every
// hop kept, RFC 6265 matching (host-only, domain, path, Secure, expiry), per-call cookies, r.cookies,
// and the jar API (get/set/delete/clear/iteration/getDict/toJSON/fromJSON).
import { describe, expect, it } from 'vitest';
import { header, type Echo, type Errand, type SuiteEnv } from './env.ts';

type EdgeEntry = typeof import('../../src/edge.ts');
type Jar = InstanceType<EdgeEntry['CookieJar']>;
type JarSession = InstanceType<EdgeEntry['Session']>;

/** What the cookie suites need beyond the shared API: the jar class and a Session that has one. */
export type CookieErrand = Omit<Errand, 'Session'> & {
  CookieJar: EdgeEntry['CookieJar'];
  Session: new (...args: ConstructorParameters<EdgeEntry['Session']>) => JarSession;
};

interface CookiesEcho { cookies: Record<string, string> }

export function cookiesSuite(errand: CookieErrand, env: SuiteEnv): void {
  const { base, alt } = env;
  const q = (params: Record<string, string | string[]>) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const one of [v].flat()) search.append(k, one);
    return search.toString();
  };
  /** /set-cookie answering with these Set-Cookie lines. */
  const setCookie = (...raw: string[]) => `/set-cookie?${q({ raw })}`;
  const redirectTo = (url: string, status?: number) => `${base}/redirect-to?${q({ url, ...(status ? { status_code: String(status) } : {}) })}`;
  const cookiesAt = async (s: JarSession, url: string) => (await s.get(url)).json<CookiesEcho>().cookies;
  const sentCookieHeader = async (s: JarSession, url: string) => header((await s.get(url)).json<Echo>().headers, 'cookie');

  describe('cookies: the jar sees every response, redirect hops included', () => {
    it('s.get(/cookies/set/sessioncookie/123456789) then s.get(/cookies) shows it', async () => {
      const s = new errand.Session();
      const r = await s.get(`${base}/cookies/set/sessioncookie/123456789`);
      expect(r.json<CookiesEcho>().cookies).toEqual({ sessioncookie: '123456789' }); // sent on the very next hop
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({ sessioncookie: '123456789' });
      expect(s.cookies.get('sessioncookie')).toBe('123456789');
    });

    it('keeps the Set-Cookie of the first hop, a middle hop and the last response', async () => {
      const s = new errand.Session();
      // hop 1 (/cookies/set) sets `first`; its redirect lands on /cookies, which already receives it.
      const first = await s.get(`${base}/cookies/set?first=1`);
      expect(first.json<CookiesEcho>().cookies).toEqual({ first: '1' });
      // /redirect-to → /cookies/set?middle=2 (a middle hop sets it) → /cookies
      const middle = await s.get(redirectTo(`/cookies/set?${q({ middle: '2' })}`));
      expect(middle.history.map((h) => h.statusCode)).toEqual([302, 302]);
      expect(middle.json<CookiesEcho>().cookies).toEqual({ first: '1', middle: '2' });
      // /redirect-to → /set-cookie (the final response sets it)
      const last = await s.get(redirectTo(setCookie('last=3; Path=/')));
      expect(last.cookies).toEqual({ last: '3' });
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({ first: '1', middle: '2', last: '3' });
    });

    it('several Set-Cookie lines of one response are all kept (getSetCookie, not a joined header)', async () => {
      const s = new errand.Session();
      const r = await s.get(`${base}${setCookie('a=1; Path=/', 'b=2; Path=/; Expires=Wed, 21 Oct 2099 07:28:00 GMT', 'c=3')}`);
      expect(r.cookies).toEqual({ a: '1', b: '2', c: '3' });
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({ a: '1', b: '2', c: '3' });
    });

    it('r.cookies lists only what that response set; history[i].cookies what each hop set', async () => {
      const s = new errand.Session();
      s.cookies.set('old', 'x');
      const r = await s.get(`${base}/cookies/set/fresh/1`);
      expect(r.cookies).toEqual({});
      expect(r.history[0]!.cookies).toEqual({ fresh: '1' });
      const direct = await s.get(`${base}${setCookie('only=this; Path=/')}`);
      expect(direct.cookies).toEqual({ only: 'this' });
      expect(s.cookies.getDict()).toEqual({ old: 'x', fresh: '1', only: 'this' });
    });

    // requests' r.cookies is a jar filled by the session's own policy, so neither a deletion
    // (name=; Max-Age=0) nor a cookie the jar refused (another host's Domain, Secure over http) appears.
    it('r.cookies leaves out deletions and cookies the jar refused', async () => {
      const s = new errand.Session();
      const r = await s.get(`${base}${setCookie('kept=1; Path=/', 'gone=; Max-Age=0; Path=/', 'evil=1; Domain=localhost; Path=/', 'sec=1; Secure; Path=/')}`);
      expect(r.cookies).toEqual({ kept: '1' });
    });

    it('a throwaway session (errand.get) still carries a hop\'s cookie to the next hop', async () => {
      const r = await errand.get(`${base}/cookies/set/once/1`);
      expect(r.json<CookiesEcho>().cookies).toEqual({ once: '1' });
    });
  });

  describe('cookies: RFC 6265 matching', () => {
    it('a host-only cookie from 127.0.0.1 is not sent to localhost, and the reverse', async () => {
      const s = new errand.Session();
      await s.get(`${base}/cookies/set/from127/1`);
      await s.get(`${alt}/cookies/set/fromLocalhost/2`);
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({ from127: '1' });
      expect(await cookiesAt(s, `${alt}/cookies`)).toEqual({ fromLocalhost: '2' });
      const where = Object.fromEntries([...s.cookies].map((c) => [c.name, c.domain]));
      expect(where).toEqual({ from127: '127.0.0.1', fromLocalhost: 'localhost' });
    });

    it('a Set-Cookie whose Domain is another host is refused', async () => {
      const s = new errand.Session();
      await s.get(`${base}${setCookie('stolen=1; Domain=localhost; Path=/')}`);
      expect(s.cookies.getDict()).toEqual({});
      expect(await cookiesAt(s, `${alt}/cookies`)).toEqual({});
    });

    it('Domain= the host itself is accepted and sent to that host only', async () => {
      const s = new errand.Session();
      await s.get(`${alt}${setCookie('dom=1; Domain=localhost; Path=/')}`);
      expect(await cookiesAt(s, `${alt}/cookies`)).toEqual({ dom: '1' });
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({});
    });

    it('Path: sent under the path, not beside it', async () => {
      const s = new errand.Session();
      await s.get(`${base}${setCookie('deep=1; Path=/anything/deep')}`);
      expect(await sentCookieHeader(s, `${base}/anything/deep`)).toBe('deep=1');
      expect(await sentCookieHeader(s, `${base}/anything/deep/er`)).toBe('deep=1');
      expect(await sentCookieHeader(s, `${base}/anything/deeper`)).toBeUndefined();
      expect(await sentCookieHeader(s, `${base}/anything/other`)).toBeUndefined();
    });

    it('without Path, the default path is the directory of the URL that set it (RFC 6265 §5.1.4)', async () => {
      const s = new errand.Session();
      // /set-cookie/ (trailing slash, same route): its directory is /set-cookie.
      await s.get(`${base}/set-cookie/?${q({ raw: 'nopath=1' })}`);
      expect([...s.cookies].map((c) => c.path)).toEqual(['/set-cookie']);
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({});
      expect((await s.get(`${base}/set-cookie/?${q({ raw: 'other=2; Path=/' })}`)).request.headers.get('cookie')).toBe('nopath=1');
    });

    it('Max-Age=0 and an Expires in the past delete a cookie; /cookies/delete too', async () => {
      const s = new errand.Session();
      await s.get(`${base}${setCookie('a=1; Path=/', 'b=2; Path=/', 'c=3; Path=/', 'keep=4; Path=/')}`);
      await s.get(`${base}${setCookie('a=gone; Max-Age=0; Path=/')}`);
      await s.get(`${base}${setCookie('b=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/')}`);
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({ c: '3', keep: '4' });
      const r = await s.get(`${base}/cookies/delete?c`);
      expect(r.json<CookiesEcho>().cookies).toEqual({ keep: '4' });
      expect(s.cookies.getDict()).toEqual({ keep: '4' });
    });

    it('a cookie arriving already expired is never sent', async () => {
      const s = new errand.Session();
      await s.get(`${base}${setCookie('late=1; Max-Age=-1; Path=/', 'past=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/')}`);
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({});
    });

    // tough-cookie stores a cookie that arrives already expired (expiry -Infinity) when none of that name
    // existed, until the next send purges it: the jar's views must skip it (src/runtime/cookie-jar.ts).
    it('a cookie arriving already expired is not listed by get/getDict/iteration', async () => {
      const s = new errand.Session();
      await s.get(`${base}${setCookie('late=1; Max-Age=-1; Path=/')}`);
      expect(s.cookies.get('late')).toBeUndefined();
      expect(s.cookies.getDict()).toEqual({});
      expect([...s.cookies]).toEqual([]);
    });

    it('a Secure Set-Cookie over http is not stored; a Secure cookie set by hand is not sent over http', async () => {
      const s = new errand.Session();
      await s.get(`${base}${setCookie('sec=1; Secure; Path=/')}`);
      expect(s.cookies.get('sec')).toBeUndefined();
      s.cookies.set('handSecure', 'h', { secure: true });
      s.cookies.set('handSecureDomain', 'h', { domain: '127.0.0.1', secure: true });
      s.cookies.set('plain', 'p');
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({ plain: 'p' });
      expect(await cookiesAt(s, `${alt}/cookies`)).toEqual({ plain: 'p' });
    });

    it('Cookies for a public suffix are refused: by Set-Cookie (dropped) and by set() (thrown)', async () => {
      const s = new errand.Session();
      s.cookies.storeFrom('http://api.example.com/', ['wide=1; Domain=com; Path=/', 'io=1; Domain=github.io; Path=/', 'site=1; Domain=example.com; Path=/']);
      expect(s.cookies.getDict()).toEqual({ site: '1' });
      expect(() => s.cookies.set('wide', '1', { domain: 'com' })).toThrow(/public suffix/);
      expect(() => s.cookies.set('wide', '1', { domain: 'co.uk' })).toThrow(/public suffix/);
    });
  });

  describe('cookies: per-request cookies', () => {
    it('are sent but not kept', async () => {
      const s = new errand.Session();
      expect((await s.get(`${base}/cookies`, { cookies: { call: '1' } })).json<CookiesEcho>().cookies).toEqual({ call: '1' });
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({});
      expect(s.cookies.getDict()).toEqual({});
    });

    it('override a jar cookie of the same name for that call; null suppresses it', async () => {
      const s = new errand.Session();
      await s.get(`${base}/cookies/set/name/jar`);
      expect((await s.get(`${base}/cookies`, { cookies: { name: 'call' } })).json<CookiesEcho>().cookies).toEqual({ name: 'call' });
      expect((await s.get(`${base}/cookies`, { cookies: { name: null } })).json<CookiesEcho>().cookies).toEqual({});
      expect(s.cookies.get('name')).toBe('jar');
    });

    it('follow a same-host redirect, and are not sent after a cross-host redirect', async () => {
      const s = new errand.Session();
      const same = await s.get(redirectTo('/cookies'), { cookies: { call: '1' } });
      expect(same.json<CookiesEcho>().cookies).toEqual({ call: '1' });
      const cross = await s.get(redirectTo(`${alt}/cookies`), { cookies: { call: '1' } });
      expect(cross.url).toBe(`${alt}/cookies`);
      expect(cross.json<CookiesEcho>().cookies).toEqual({});
      expect(cross.history[0]!.request.headers.get('cookie')).toBe('call=1');
    });

    // Unlike requests, a cookie set for any host stops where Authorization does: a redirect to another
    // origin is the server's choice, not the caller's, so it must not carry the caller's secrets along.
    it('after a redirect to localhost neither the jar cookie for 127.0.0.1 nor a no-domain one is sent', async () => {
      const s = new errand.Session({ cookies: { fromOptions: 'o' } });
      await s.get(`${base}/cookies/set/hostBound/1`);
      s.cookies.set('anyHost', 'a');
      const r = await s.get(redirectTo(`${alt}/cookies`));
      expect(r.json<CookiesEcho>().cookies).toEqual({});
      expect(r.history[0]!.request.headers.get('cookie')).toBe('hostBound=1; fromOptions=o; anyHost=a');
      // Called directly, the other host gets the no-domain cookies as before.
      expect(await cookiesAt(s, `${alt}/cookies`)).toEqual({ fromOptions: 'o', anyHost: 'a' });
    });

    it('no-domain cookies still follow a same-origin redirect', async () => {
      const s = new errand.Session();
      s.cookies.set('anyHost', 'a');
      const r = await s.get(redirectTo(`${base}/cookies`));
      expect(r.json<CookiesEcho>().cookies).toEqual({ anyHost: 'a' });
    });

    it('an explicit Cookie header is not sent to another host', async () => {
      const r = await errand.get(redirectTo(`${alt}/cookies`), { headers: { Cookie: 'manual=1' } });
      expect(r.json<CookiesEcho>().cookies).toEqual({});
    });

    it('session-level cookies (new Session({ cookies })) go to any host, as requests\' cookiejar_from_dict', async () => {
      const s = new errand.Session({ cookies: { fromOptions: 'o' } });
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({ fromOptions: 'o' });
      expect(await cookiesAt(s, `${alt}/cookies`)).toEqual({ fromOptions: 'o' });
    });
  });

  describe('cookies: the s.cookies API', () => {
    it('set without a domain: sent to any host; get/getDict see it', async () => {
      const s = new errand.Session();
      s.cookies.set('token', 'abc');
      expect(s.cookies.get('token')).toBe('abc');
      expect(s.cookies.getDict()).toEqual({ token: 'abc' });
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({ token: 'abc' });
      expect(await cookiesAt(s, `${alt}/cookies`)).toEqual({ token: 'abc' });
    });

    it('set with a domain: sent to that host only; get/getDict filter by domain and path', async () => {
      const s = new errand.Session();
      s.cookies.set('local', 'l', { domain: 'localhost' });
      s.cookies.set('loop', 'p', { domain: '127.0.0.1', path: '/anything' });
      expect(await cookiesAt(s, `${alt}/cookies`)).toEqual({ local: 'l' });
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({});
      expect(await sentCookieHeader(s, `${base}/anything/x`)).toBe('loop=p');
      expect(s.cookies.get('local', { domain: 'localhost' })).toBe('l');
      expect(s.cookies.get('local', { domain: '127.0.0.1' })).toBeUndefined();
      expect(s.cookies.getDict({ domain: '127.0.0.1' })).toEqual({ loop: 'p' });
      expect(s.cookies.getDict({ path: '/anything' })).toEqual({ loop: 'p' });
    });

    it('set with expires in the past: not sent; in the future: sent', async () => {
      const s = new errand.Session();
      s.cookies.set('past', '1', { expires: Date.now() - 60_000 });
      s.cookies.set('pastDomain', '1', { domain: '127.0.0.1', expires: new Date(Date.now() - 60_000) });
      s.cookies.set('future', '1', { expires: new Date(Date.now() + 3_600_000) });
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({ future: '1' });
    });

    it('set again with the same name and scope replaces the value', async () => {
      const s = new errand.Session();
      s.cookies.set('v', '1');
      s.cookies.set('v', '2');
      s.cookies.set('d', '1', { domain: '127.0.0.1' });
      s.cookies.set('d', '2', { domain: '127.0.0.1' });
      expect([...s.cookies].map((c) => `${c.name}=${c.value}`).sort()).toEqual(['d=2', 'v=2']);
    });

    it('delete: by name, or only in a scope', async () => {
      const s = new errand.Session();
      await s.get(`${base}/cookies/set/a/1`);
      await s.get(`${alt}/cookies/set/a/2`);
      s.cookies.set('b', '3');
      s.cookies.delete('a', { domain: 'localhost' });
      expect(await cookiesAt(s, `${alt}/cookies`)).toEqual({ b: '3' });
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({ a: '1', b: '3' });
      s.cookies.delete('a');
      s.cookies.delete('b');
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({});
      expect([...s.cookies]).toEqual([]);
    });

    it('clear removes everything', async () => {
      const s = new errand.Session();
      await s.get(`${base}/cookies/set?x=1&y=2`);
      s.cookies.set('z', '3');
      s.cookies.clear();
      expect(s.cookies.getDict()).toEqual({});
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({});
    });

    it('iteration yields name, value, domain and path of each cookie', async () => {
      const s = new errand.Session();
      await s.get(`${base}${setCookie('it=1; Path=/anything')}`);
      s.cookies.set('any', '2');
      const all = [...s.cookies].map(({ name, value, domain, path }) => ({ name, value, domain, path }));
      expect(all).toEqual(expect.arrayContaining([
        { name: 'it', value: '1', domain: '127.0.0.1', path: '/anything' },
        { name: 'any', value: '2', domain: undefined, path: '/' },
      ]));
      expect(all).toHaveLength(2);
    });

    it('toJSON → JSON text → CookieJar.fromJSON: a new session sends the same cookies', async () => {
      const s = new errand.Session();
      await s.get(`${base}/cookies/set?host127=1`);
      await s.get(`${alt}/cookies/set?hostLocal=2`);
      await s.get(`${base}${setCookie('pathed=3; Path=/anything')}`);
      s.cookies.set('anyHost', '4');
      const saved = JSON.stringify(s.cookies);
      expect(typeof saved).toBe('string');

      for (const restored of [errand.CookieJar.fromJSON(saved), errand.CookieJar.fromJSON(JSON.parse(saved))]) {
        const t = new errand.Session();
        t.cookies = restored;
        expect(restored.getDict()).toEqual(s.cookies.getDict());
        for (const url of [`${base}/headers`, `${alt}/headers`, `${base}/anything/p`]) {
          expect(await sentCookieHeader(t, url)).toBe(await sentCookieHeader(s, url));
        }
        // The restored jar keeps working: it takes new cookies and still refuses a public suffix.
        await t.get(`${base}/cookies/set/later/5`);
        expect(restored.get('later')).toBe('5');
        expect(() => restored.set('x', '1', { domain: 'com' })).toThrow(/public suffix/);
      }
    });

    // tough-cookie's serialize() does not carry allowSecureOnLocal, whose default (true) would send Secure
    // cookies over http to localhost/127.0.0.1: a jar from fromJSON() keeps errand's own setting.
    it('fromJSON keeps the rule "Secure cookies only over https, even on localhost"', async () => {
      const s = new errand.Session();
      s.cookies.set('sec', 'x', { domain: '127.0.0.1', secure: true });
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({});
      const t = new errand.Session();
      t.cookies = errand.CookieJar.fromJSON(JSON.stringify(s.cookies));
      expect(await cookiesAt(t, `${base}/cookies`)).toEqual({});
    });

    it('a new CookieJar can replace the session\'s jar', async () => {
      const s = new errand.Session();
      const jar: Jar = new errand.CookieJar();
      jar.set('fresh', '1');
      s.cookies = jar;
      expect(await cookiesAt(s, `${base}/cookies`)).toEqual({ fresh: '1' });
    });
  });
}
