// Headers and Sessions: merged defaults, null removal, public mutable state, auth, params, baseUrl, paginate.
import { describe, expect, it } from 'vitest';
import { header, rejection, type Echo, type Errand, type HeadersEcho, type SuiteEnv } from './env.ts';

export function sessionsSuite(errand: Errand, env: SuiteEnv): void {
  const { base } = env;

  describe('headers', () => {
    it('sends the default Accept, and errand\'s User-Agent where a script may set it', async () => {
      const body = (await errand.get(`${base}/headers`)).json<HeadersEcho>();
      expect(header(body.headers, 'accept')).toBe('*/*');
      // The browser sends its own User-Agent: errand leaves it out there (it is not CORS-safelisted).
      if (env.runtime === 'browser') expect(header(body.headers, 'user-agent')).not.toMatch(/^errand\//);
      else expect(header(body.headers, 'user-agent')).toBe(`errand/${errand.VERSION}`);
    });

    it('accepts an object, a Headers and pairs', async () => {
      for (const headers of [{ 'X-Form': 'v' }, new Headers({ 'X-Form': 'v' }), [['X-Form', 'v']] as [string, string][]]) {
        const body = (await errand.get(`${base}/headers`, { headers })).json<HeadersEcho>();
        expect(header(body.headers, 'x-form')).toBe('v');
      }
    });

    it('refuses CR/LF and non-Latin-1 values with InvalidHeaderError', async () => {
      expect(await rejection(errand.get(`${base}/get`, { headers: { 'X-Bad': 'a\r\nInjected: 1' } }))).toBeInstanceOf(errand.InvalidHeaderError);
      expect(await rejection(errand.get(`${base}/get`, { headers: { 'X-Bad': 'snow ☃' } }))).toBeInstanceOf(errand.InvalidHeaderError);
      expect(await rejection(errand.get(`${base}/get`, { headers: { 'Bad Name': 'v' } }))).toBeInstanceOf(errand.InvalidHeaderError);
    });
  });

  describe('sessions', () => {
    it('sends session headers and request headers together', async () => {
      const s = new errand.Session({ headers: { 'X-Session': 'from-session' } });
      const body = (await s.get(`${base}/headers`, { headers: { 'X-Call': 'from-call' } })).json<HeadersEcho>();
      expect(header(body.headers, 'x-session')).toBe('from-session');
      expect(header(body.headers, 'x-call')).toBe('from-call');
    });

    it('a request header overrides the session one (names are case-insensitive)', async () => {
      const s = new errand.Session({ headers: { 'X-Both': 'session' } });
      const body = (await s.get(`${base}/headers`, { headers: { 'x-both': 'call' } })).json<HeadersEcho>();
      expect(header(body.headers, 'x-both')).toBe('call');
    });

    it('a null request header removes the session header for that request only', async () => {
      const s = new errand.Session({ headers: { 'X-Drop': 'session', 'X-Keep': 'kept' } });
      const dropped = (await s.get(`${base}/headers`, { headers: { 'X-Drop': null } })).json<HeadersEcho>();
      expect(header(dropped.headers, 'x-drop')).toBeUndefined();
      expect(header(dropped.headers, 'x-keep')).toBe('kept');
      const again = (await s.get(`${base}/headers`)).json<HeadersEcho>();
      expect(header(again.headers, 'x-drop')).toBe('session');
    });

    it('s.headers is public and mutable, as in requests', async () => {
      const s = new errand.Session();
      s.headers.set('X-Test', 'true');
      const body = (await s.get(`${base}/headers`, { headers: { 'X-Test2': 'true' } })).json<HeadersEcho>();
      expect(header(body.headers, 'x-test')).toBe('true');
      expect(header(body.headers, 'x-test2')).toBe('true');
      s.headers.delete('X-Test');
      const without = (await s.get(`${base}/headers`)).json<HeadersEcho>();
      expect(header(without.headers, 'x-test')).toBeUndefined();
    });

    it('session auth applies to every request; s.auth can be changed; a call\'s auth wins', async () => {
      const s = new errand.Session({ auth: ['user', 'pass'] });
      expect((await s.get(`${base}/basic-auth/user/pass`)).statusCode).toBe(200);
      s.auth = ['other', 'secret'];
      expect((await s.get(`${base}/basic-auth/other/secret`)).statusCode).toBe(200);
      expect((await s.get(`${base}/basic-auth/third/pw`, { auth: ['third', 'pw'] })).statusCode).toBe(200);
      // Merging: a null call value removes the session's auth for that call (DESIGN.md "Merging").
      const body = (await s.get(`${base}/headers`, { auth: null })).json<HeadersEcho>();
      expect(header(body.headers, 'authorization')).toBeUndefined();
    });

    it('session params merge with the call\'s: the call wins key by key, null removes', async () => {
      const s = new errand.Session({ params: { key: 'session', shared: 'session', drop: 'me' } });
      const r = await s.get(`${base}/get?own=url`, { params: { shared: 'call', drop: null, extra: ['1', '2'] } });
      expect(r.json<Echo>().args).toEqual({ own: 'url', key: 'session', shared: 'call', extra: ['1', '2'] });
    });

    it('baseUrl: relative URLs resolve under its path; absolute URLs ignore it', async () => {
      const s = new errand.Session({ baseUrl: `${base}/anything/api/v1/` });
      expect((await s.get('users', { params: { page: 2 } })).json<Echo>().url).toBe(`${base}/anything/api/v1/users?page=2`);
      expect((await s.get('/users/7')).json<Echo>().url).toBe(`${base}/anything/api/v1/users/7`);
      expect((await s.get(`${base}/get`)).json<Echo>().url).toBe(`${base}/get`);
    });

    it('a Session keeps its own defaults apart from another\'s', async () => {
      const a = new errand.Session({ headers: { 'X-Who': 'a' } });
      const b = new errand.Session();
      const body = (await b.get(`${base}/headers`)).json<HeadersEcho>();
      expect(header(body.headers, 'x-who')).toBeUndefined();
      expect(a.headers.get('x-who')).toBe('a');
    });

    it('refuses an unknown Session option with a TypeError that suggests the right name', () => {
      expect(() => new errand.Session({ header: {} } as never)).toThrow(/unknown Session option 'header'; did you mean 'headers'/);
    });

    it('close() closes every adapter the session uses, and disposing the session (await using) closes it too', async () => {
      const s = new errand.Session();
      const builtIn = s.getAdapter(base);
      let closed = 0;
      s.mount(`${base}/`, { send: (request, options) => builtIn.send(request, options), close: async () => { closed++; } });
      expect((await s.get(`${base}/get`)).statusCode).toBe(200);
      await expect(s.close()).resolves.toBeUndefined();
      expect(closed).toBe(1);
      const dispose = (s as unknown as Record<symbol, () => Promise<void>>)[Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose')]!;
      await dispose.call(s);
      expect(closed).toBe(2);
    });

    // Only Node's adapter owns sockets; fetch's pool belongs to the runtime (edge) or the browser.
    it.runIf(env.runtime === 'node')('close() releases the keep-alive sockets it opened, and only its own (node)', async () => {
      const [mine, other] = [new errand.Session(), new errand.Session()];
      const tokens = { mine: `close-mine-${Math.random()}`, other: `close-other-${Math.random()}` };
      await mine.get(`${base}/get`, { params: { watch: tokens.mine } });
      await other.get(`${base}/get`, { params: { watch: tokens.other } });
      // The server's view of each request's connection (test/servers/watch.ts); `until` waits for it to close.
      const seen = async (token: string, until?: string) => (await errand.get(`${base}/watch/${token}`, { params: { until, timeout: 3 } })).json();
      await mine.close();
      expect(await seen(tokens.mine, 'connection')).toEqual({ response: 'finished', connection: 'closed' });
      expect(await seen(tokens.other)).toEqual({ response: 'finished', connection: 'open' });
      await other.close();
      expect(await seen(tokens.other, 'connection')).toEqual({ response: 'finished', connection: 'closed' });
    });
  });

  describe('pagination', () => {
    const ids = async (pages: AsyncIterable<{ json<T>(): T; url: string }>): Promise<{ ids: number[]; urls: string[] }> => {
      const out = { ids: [] as number[], urls: [] as string[] };
      for await (const page of pages) {
        out.ids.push(...page.json<{ id: number }[]>().map((item) => item.id));
        out.urls.push(page.url);
      }
      return out;
    };

    it('s.paginate() follows links.next until the last page', async () => {
      const s = new errand.Session();
      const { ids: all, urls } = await ids(s.paginate(`${base}/paginate/7`, { params: { per_page: 3 } }));
      expect(all).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(urls).toEqual([
        `${base}/paginate/7?per_page=3`,
        `${base}/paginate/7?page=2&per_page=3`,
        `${base}/paginate/7?page=3&per_page=3`,
      ]);
    });

    it('session params are not repeated on pages whose link already carries them (?api_key=K&api_key=K)', async () => {
      const s = new errand.Session({ params: { api_key: 'K' } });
      const { ids: all, urls } = await ids(s.paginate(`${base}/paginate/5`, { params: { per_page: 2 } }));
      expect(all).toEqual([1, 2, 3, 4, 5]);
      expect(urls.map((u) => new URL(u).search)).toEqual([
        '?api_key=K&per_page=2',
        '?page=2&per_page=2&api_key=K',
        '?page=3&per_page=2&api_key=K',
      ]);
    });

    it('params a next link lacks are still added to it', async () => {
      const s = new errand.Session({ params: { api_key: 'K' } });
      const pages = s.paginate(`${base}/paginate/4?per_page=2`, { next: (r) => (r.links['next'] ? `/paginate/4?page=2&per_page=2` : undefined) });
      const { urls } = await ids(pages);
      expect(urls.map((u) => new URL(u).search)).toEqual(['?per_page=2&api_key=K', '?page=2&per_page=2&api_key=K']);
    });

    it('maxPages stops early', async () => {
      const s = new errand.Session();
      const { ids: all } = await ids(s.paginate(`${base}/paginate/7?per_page=3`, { maxPages: 2 }));
      expect(all).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('a custom next() picks the following URL; returning nothing stops', async () => {
      const s = new errand.Session();
      const seen: string[] = [];
      const pages = s.paginate(`${base}/paginate/7?per_page=3`, {
        next: (r) => {
          seen.push(r.url);
          return new URL(r.url).searchParams.get('page') === '3' ? undefined : r.links['last']?.url;
        },
      });
      const { ids: all } = await ids(pages);
      expect(all).toEqual([1, 2, 3, 7]);
      expect(seen).toHaveLength(2);
    });

    it('stops at a next URL already fetched (a loop of pages), not at maxPages', async () => {
      const s = new errand.Session();
      // Page 2 names page 1 as its next: the loop ends there, after two pages.
      const pages = s.paginate(`${base}/paginate/7?page=1&per_page=3`, {
        next: (r) => (new URL(r.url).searchParams.get('page') === '2' ? r.links['first']?.url : r.links['next']?.url),
      });
      const { ids: all, urls } = await ids(pages);
      expect(all).toEqual([1, 2, 3, 4, 5, 6]);
      expect(urls).toHaveLength(2);
    });

    it('session headers reach every page', async () => {
      const s = new errand.Session({ headers: { 'X-Page-Token': 'abc' } });
      let pages = 0;
      for await (const page of s.paginate(`${base}/paginate/4?per_page=2`, { hooks: { response: (r) => void expect(r.request.headers.get('x-page-token')).toBe('abc') } })) {
        expect(page.statusCode).toBe(200);
        pages++;
      }
      expect(pages).toBe(2);
    });
  });
}
