// Issue 3's redirect rules, one test each, seen by the local httpbin's echo (Node and edge, where
// errand follows redirects itself): method and body per status, Location resolution, fragment,
// maxRedirects, allowRedirects: false, credentials per hop, refused schemes, hooks and auth per hop.
import { describe, expect, it } from 'vitest';
import { header, rejection, type Echo, type Errand, type HeadersEcho, type SuiteEnv } from './env.ts';

type PreparedRequest = InstanceType<Errand['PreparedRequest']>;

export function redirectRulesSuite(errand: Errand, env: SuiteEnv): void {
  const { base, alt } = env;
  const redirectTo = (url: string, status?: number, from = base) =>
    `${from}/redirect-to?${new URLSearchParams({ url, ...(status ? { status_code: String(status) } : {}) })}`;
  const BASIC = 'Basic dXNlcjpwYXNz'; // user:pass
  const echoHeader = (r: { json<T>(): T }, name: string) => header(r.json<HeadersEcho>().headers, name);

  describe('redirect rules: method and body (echoed by the server)', () => {
    it.each([307, 308])('%i keeps POST, the JSON body and its Content-Type', async (status) => {
      const r = await errand.post(redirectTo('/anything/kept', status), { json: { keep: status } });
      const echo = r.json<Echo>();
      expect(echo.method).toBe('POST');
      expect(echo.json).toEqual({ keep: status });
      expect(header(echo.headers, 'content-type')).toBe('application/json');
      expect(header(echo.headers, 'content-length')).toBe(String(JSON.stringify({ keep: status }).length));
      expect(r.history.map((h) => [h.statusCode, h.request.method])).toEqual([[status, 'POST']]);
    });

    it.each([301, 302])('%i turns POST into GET without body, Content-Type or Content-Length', async (status) => {
      const r = await errand.post(redirectTo('/anything/rewritten', status), { json: { drop: true } });
      const echo = r.json<Echo>();
      expect(echo.method).toBe('GET');
      expect(echo.data).toBe('');
      expect(echo.json).toBeNull();
      expect(header(echo.headers, 'content-type')).toBeUndefined();
      expect(header(echo.headers, 'content-length')).toBeUndefined();
      expect(r.request.method).toBe('GET');
      expect(r.request.body).toBeNull();
      expect(r.request.headers.has('content-type')).toBe(false);
    });

    it('303 turns PUT (and DELETE, PATCH) into GET without a body', async () => {
      for (const method of ['PUT', 'DELETE', 'PATCH']) {
        const r = await errand.request(method, redirectTo('/anything/seen', 303), { data: { form: 'x' } });
        const echo = r.json<Echo>();
        expect([echo.method, echo.data, echo.form, header(echo.headers, 'content-type')]).toEqual(['GET', '', {}, undefined]);
      }
    });

    it('302 turns PUT into GET too (requests\' rebuild_method; browsers only rewrite POST)', async () => {
      const r = await errand.put(redirectTo('/anything/seen', 302), { data: 'body' });
      expect(r.json<Echo>().method).toBe('GET');
    });

    it('301 keeps PUT, without its body (only POST is rewritten on 301)', async () => {
      const r = await errand.put(redirectTo('/anything/seen', 301), { json: { a: 1 } });
      const echo = r.json<Echo>();
      expect(echo.method).toBe('PUT');
      expect(echo.data).toBe('');
      expect(header(echo.headers, 'content-type')).toBeUndefined();
    });

    it.each([301, 302, 303, 307, 308])('HEAD stays HEAD through %i', async (status) => {
      const r = await errand.head(redirectTo('/anything/head', status), { allowRedirects: true });
      expect(r.statusCode).toBe(200);
      expect(r.request.method).toBe('HEAD');
      expect(r.url).toBe(`${base}/anything/head`);
      expect(r.history.map((h) => h.request.method)).toEqual(['HEAD']);
    });

    it('head() does not follow by default; get() does', async () => {
      expect((await errand.head(redirectTo('/anything'))).statusCode).toBe(302);
      expect((await errand.get(redirectTo('/anything'))).statusCode).toBe(200);
    });
  });

  describe('redirect rules: Location', () => {
    it.each([
      ['an absolute path', '/anything/abs', `${base}/anything/abs`],
      ['a relative path', 'anything/rel', `${base}/anything/rel`],
      ['a dot-segment path', './anything/../anything/dots', `${base}/anything/dots`],
      ['a query only', '?page=2', `${base}/redirect-to?page=2`],
      ['a network-path reference', `//localhost:${new URL(base).port}/anything/net`, `${alt}/anything/net`],
    ])('%s resolves against the current URL', async (_kind, location, expected) => {
      const r = await errand.get(redirectTo(location), { allowRedirects: false });
      expect(r.next?.url).toBe(expected);
      if (!location.startsWith('?')) {
        const followed = await errand.get(redirectTo(location));
        expect(followed.url).toBe(expected);
        expect(followed.json<Echo>().url).toBe(expected);
      }
    });

    it('a relative Location several hops deep resolves against the hop that sent it', async () => {
      const r = await errand.get(`${base}/relative-redirect/3`);
      expect(r.history.map((h) => new URL(h.url).pathname)).toEqual(['/relative-redirect/3', '/relative-redirect/2', '/relative-redirect/1']);
      expect(r.url).toBe(`${base}/get`);
    });

    it('a Latin-1 character in Location is sent percent-encoded as UTF-8', async () => {
      const r = await errand.get(redirectTo('/anything/caf\u00e9'));
      expect(r.url).toBe(`${base}/anything/caf%C3%A9`);
    });

    it('the fragment carries over when the target has none, and the target\'s own fragment wins', async () => {
      const carried = await errand.get(`${redirectTo('/anything/frag')}#section-2`);
      expect(carried.request.url).toBe(`${base}/anything/frag#section-2`);
      expect(carried.json<Echo>().url).toBe(`${base}/anything/frag`); // never sent to the server
      const own = await errand.get(`${redirectTo('/anything/frag#own')}#section-2`);
      expect(own.request.url).toBe(`${base}/anything/frag#own`);
      const stopped = await errand.get(`${redirectTo('/anything/frag')}#keep`, { allowRedirects: false });
      expect(stopped.next?.url).toBe(`${base}/anything/frag#keep`);
    });
  });

  describe('redirect rules: history, maxRedirects, allowRedirects: false', () => {
    it('history lists every hop oldest first, each with its own request', async () => {
      const r = await errand.post(redirectTo(redirectTo('/anything/end', 303), 307), { json: { n: 1 } });
      expect(r.history.map((h) => [h.statusCode, h.request.method, new URL(h.url).pathname])).toEqual([
        [307, 'POST', '/redirect-to'],
        [303, 'POST', '/redirect-to'],
      ]);
      expect(r.request.method).toBe('GET');
      // As in requests, each hop's history is the hops before it, never itself.
      expect(r.history.map((h) => h.history.map((before) => before.statusCode))).toEqual([[], [307]]);
      expect(r.history[1]!.history[0]).toBe(r.history[0]);
      expect(r.url).toBe(`${base}/anything/end`);
    });

    it('TooManyRedirectsError past maxRedirects carries the last 3xx and the history before it', async () => {
      const error = await rejection(errand.get(`${base}/redirect/6`, { maxRedirects: 3 }));
      expect(error).toBeInstanceOf(errand.TooManyRedirectsError);
      expect(error).toBeInstanceOf(errand.RequestError);
      expect(error.response.statusCode).toBe(302);
      expect(new URL(error.response.url).pathname).toBe('/relative-redirect/3');
      expect(error.response.history.map((h: { url: string }) => new URL(h.url).pathname)).toEqual(['/redirect/6', '/relative-redirect/5', '/relative-redirect/4']);
      expect(error.request).toBe(error.response.request);
    });

    it('maxRedirects: 0 refuses the first redirect; exactly maxRedirects hops are allowed', async () => {
      expect(await rejection(errand.get(`${base}/redirect/1`, { maxRedirects: 0 }))).toBeInstanceOf(errand.TooManyRedirectsError);
      expect((await errand.get(`${base}/redirect/3`, { maxRedirects: 3 })).history).toHaveLength(3);
    });

    it('the default limit is 30', async () => {
      expect((await errand.get(`${base}/redirect/30`)).history).toHaveLength(30);
      expect(await rejection(errand.get(`${base}/redirect/31`))).toBeInstanceOf(errand.TooManyRedirectsError);
    });

    it('allowRedirects: false returns the 3xx with isRedirect and next, the PreparedRequest that would follow', async () => {
      const r = await errand.post(redirectTo('/anything/next', 303), { json: { a: 1 }, allowRedirects: false });
      expect(r.statusCode).toBe(303);
      expect(r.isRedirect).toBe(true);
      expect(r.next).toBeInstanceOf(errand.PreparedRequest);
      expect(r.next?.method).toBe('GET');
      expect(r.next?.url).toBe(`${base}/anything/next`);
      expect(r.next?.body).toBeNull();
      expect(r.next?.headers.has('content-type')).toBe(false);
      expect(r.history).toEqual([]);
      const kept = await errand.post(redirectTo('/anything/next', 307), { json: { a: 1 }, allowRedirects: false });
      expect([kept.next?.method, kept.next?.headers.get('content-type')]).toEqual(['POST', 'application/json']);
    });

    it('next can be sent with session.send to follow by hand', async () => {
      const s = new errand.Session();
      const r = await s.get(redirectTo('/anything/by-hand'), { allowRedirects: false });
      const followed = await s.send(r.next!);
      expect(followed.json<Echo>().url).toBe(`${base}/anything/by-hand`);
    });

    it('next has no credentials when the redirect leaves the origin', async () => {
      const r = await errand.get(redirectTo(`${alt}/headers`), { auth: ['user', 'pass'], allowRedirects: false });
      expect(r.request.headers.get('authorization')).toBe(BASIC);
      expect(r.next?.headers.has('authorization')).toBe(false);
      expect(r.next?.auth).toBeUndefined();
    });

    it('a non-redirect response has next undefined and isRedirect false', async () => {
      const r = await errand.get(`${base}/get`, { allowRedirects: false });
      expect([r.isRedirect, r.next]).toEqual([false, undefined]);
    });
  });

  describe('redirect rules: credentials on every hop (127.0.0.1 → localhost is another origin)', () => {
    it.each([
      ['tuple auth', { auth: ['user', 'pass'] as const }, BASIC],
      ['BearerAuth', { auth: new errand.BearerAuth('t0ken') }, 'Bearer t0ken'],
      ['function auth', { auth: (req: PreparedRequest) => { req.headers.set('Authorization', 'Fn yes'); return req; } }, 'Fn yes'],
      ['an explicit header', { headers: { Authorization: 'Bearer explicit' } }, 'Bearer explicit'],
      ['credentials in the URL', {}, BASIC],
    ])('Authorization from %s is dropped cross-origin and kept on the same host', async (kind, options, expected) => {
      const withUserinfo = (url: string) => (kind === 'credentials in the URL' ? url.replace('http://', 'http://user:pass@') : url);
      const cross = await errand.get(withUserinfo(redirectTo(`${alt}/headers`)), options as never);
      expect(cross.url).toBe(`${alt}/headers`);
      expect(echoHeader(cross, 'authorization')).toBeUndefined();
      expect(cross.history[0]!.request.headers.get('authorization')).toBe(expected);
      const same = await errand.get(withUserinfo(redirectTo('/headers')), options as never);
      expect(echoHeader(same, 'authorization')).toBe(expected);
    });

    it('Authorization is dropped on a localhost → 127.0.0.1 redirect too, and not restored on a hop back', async () => {
      const there = redirectTo(`${alt}/headers`, 302, base); // 127.0.0.1 → localhost
      const r = await errand.get(redirectTo(there, 302, alt), { auth: ['user', 'pass'] }); // starts at localhost
      expect(r.history.map((h) => new URL(h.url).hostname)).toEqual(['localhost', '127.0.0.1']);
      expect(r.history.map((h) => h.request.headers.get('authorization'))).toEqual([BASIC, null]);
      expect(echoHeader(r, 'authorization')).toBeUndefined(); // back on localhost: still gone
    });

    it('Proxy-Authorization and Cookie headers are dropped cross-origin', async () => {
      const headers = { 'Proxy-Authorization': 'Basic cHJveHk6cHc=', Cookie: 'manual=1' };
      const cross = await errand.get(redirectTo(`${alt}/headers`), { headers });
      expect([echoHeader(cross, 'proxy-authorization'), echoHeader(cross, 'cookie')]).toEqual([undefined, undefined]);
    });

    it('custom sensitiveHeaders are dropped cross-origin, kept same-origin; others are kept everywhere', async () => {
      const options = { headers: { 'X-Api-Key': 'k', 'X-Auth-Token': 't', 'X-Trace': 'keep' }, sensitiveHeaders: ['x-api-key', 'X-AUTH-TOKEN'] };
      const cross = await errand.get(redirectTo(`${alt}/headers`), options);
      expect([echoHeader(cross, 'x-api-key'), echoHeader(cross, 'x-auth-token'), echoHeader(cross, 'x-trace')]).toEqual([undefined, undefined, 'keep']);
      const same = await errand.get(redirectTo('/headers'), options);
      expect([echoHeader(same, 'x-api-key'), echoHeader(same, 'x-auth-token')]).toEqual(['k', 't']);
    });

    it('sensitiveHeaders set on the Session apply to its requests', async () => {
      const s = new errand.Session({ headers: { 'X-Api-Key': 'k' }, sensitiveHeaders: ['X-Api-Key'] });
      expect(echoHeader(await s.get(redirectTo(`${alt}/headers`)), 'x-api-key')).toBeUndefined();
      expect(echoHeader(await s.get(redirectTo('/headers')), 'x-api-key')).toBe('k');
    });

    it('session auth is dropped cross-origin too', async () => {
      const s = new errand.Session();
      s.auth = ['user', 'pass'];
      expect(echoHeader(await s.get(redirectTo(`${alt}/headers`)), 'authorization')).toBeUndefined();
      expect(echoHeader(await s.get(redirectTo('/headers')), 'authorization')).toBe(BASIC);
    });
  });

  describe('redirect rules: refused schemes', () => {
    it.each(['ftp://127.0.0.1/file', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/plain,hi', 'mailto:a@b.test'])(
      'a redirect to %s is refused with InvalidSchemaError carrying the 3xx',
      async (location) => {
        const error = await rejection(errand.get(redirectTo(location), { auth: ['user', 's3cret-pw'] }));
        expect(error).toBeInstanceOf(errand.InvalidSchemaError);
        expect(error.response?.statusCode).toBe(302);
        expect(error.message).not.toContain('s3cret-pw');
      },
    );

    it('allowRedirects: false returns such a 3xx without error (nothing is followed) and next is undefined', async () => {
      const r = await errand.get(redirectTo('file:///etc/passwd'), { allowRedirects: false });
      expect([r.statusCode, r.isRedirect, r.next]).toEqual([302, true, undefined]);
    });
  });

  describe('redirect rules: hooks and auth on every hop', () => {
    it('response hooks (session first, then call) run on every hop, oldest first', async () => {
      const seen: string[] = [];
      const s = new errand.Session({ hooks: { response: (r) => { seen.push(`session ${r.statusCode}`); } } });
      await s.get(`${base}/redirect/2`, { hooks: { response: [(r) => { seen.push(`call ${r.statusCode}`); }] } });
      expect(seen).toEqual(['session 302', 'call 302', 'session 302', 'call 302', 'session 200', 'call 200']);
    });

    it('request hooks run before every hop with that hop\'s request', async () => {
      const urls: string[] = [];
      await errand.get(`${base}/redirect/2`, { hooks: { request: (req) => { urls.push(new URL(req.url).pathname); } } });
      expect(urls).toEqual(['/redirect/2', '/relative-redirect/1', '/get']);
    });

    it('a function auth is applied again on each same-origin hop (count the calls)', async () => {
      let calls = 0;
      const r = await errand.get(`${base}/redirect/2`, {
        auth: (req) => { calls++; req.headers.set('Authorization', `Token ${calls}`); return req; },
      });
      expect(calls).toBe(3);
      expect(r.history.map((h) => h.request.headers.get('authorization'))).toEqual(['Token 1', 'Token 2']);
      expect(r.json<Echo>().headers.Authorization).toBe('Token 3');
    });

    it('a function auth is not applied on a cross-origin hop', async () => {
      let calls = 0;
      const r = await errand.get(redirectTo(`${alt}/headers`), { auth: (req) => { calls++; req.headers.set('Authorization', 'Token x'); return req; } });
      expect(calls).toBe(1);
      expect(echoHeader(r, 'authorization')).toBeUndefined();
    });

    it('an AuthBase subclass is applied again on a same-origin hop', async () => {
      let applied = 0;
      class Counting extends errand.AuthBase {
        apply(req: PreparedRequest) { applied++; req.headers.set('X-Signed', String(applied)); return req; }
      }
      const r = await errand.get(redirectTo('/headers'), { auth: new Counting() });
      expect(applied).toBe(2);
      expect(echoHeader(r, 'x-signed')).toBe('2');
    });
  });
}
