// Verbs, top-level functions, the default export, Request/PreparedRequest and session.send.
import { describe, expect, it } from 'vitest';
import { header, type Echo, type Errand, type SuiteEnv } from './env.ts';

export function requestsSuite(errand: Errand, env: SuiteEnv): void {
  const { base } = env;

  describe('requests: verbs and top-level functions', () => {
    it('answers from the entry of this runtime', () => {
      expect(errand.runtime).toBe(env.runtime);
      expect(errand.default.runtime).toBe(env.runtime);
    });

    it('get() resolves with the body already loaded', async () => {
      const r = await errand.get(`${base}/get`);
      expect(r.statusCode).toBe(200);
      expect(r).toBeInstanceOf(errand.Response);
      const body = r.json<Echo>();
      expect(body.method).toBe('GET');
      expect(body.url).toBe(`${base}/get`);
    });

    it.each([
      ['post', 'POST'],
      ['put', 'PUT'],
      ['patch', 'PATCH'],
      ['del', 'DELETE'],
      ['delete', 'DELETE'],
    ] as const)('%s() sends %s to its httpbin route', async (fn, method) => {
      const path = method.toLowerCase();
      const r = await errand[fn](`${base}/${path}`, { json: { verb: fn } });
      expect(r.statusCode).toBe(200);
      const body = r.json<Echo>();
      expect(body.method).toBe(method);
      expect(body.json).toEqual({ verb: fn });
    });

    it('delete and del are the same function', () => {
      expect(errand.delete).toBe(errand.del);
    });

    it('request() sends an arbitrary method such as MKCOL (WebDAV)', async () => {
      const r = await errand.request('MKCOL', `${base}/anything/dav/collection`);
      expect(r.statusCode).toBe(200);
      expect(r.json<Echo>().method).toBe('MKCOL');
      expect(r.request.method).toBe('MKCOL');
    });

    it('request() upper-cases the method, as requests does', async () => {
      const r = await errand.request('patch', `${base}/patch`, { data: 'x' });
      expect(r.json<Echo>().method).toBe('PATCH');
    });

    it('options() sends OPTIONS and sees the Allow header', async () => {
      const r = await errand.options(`${base}/get`);
      expect(r.statusCode).toBe(200);
      expect(r.request.method).toBe('OPTIONS');
      expect(r.headers.get('allow')).toContain('GET');
    });

    // In the browser too: head()'s default of allowRedirects: false (requests' rule) is left out where the
    // browser follows redirects itself, which refuses an explicit allowRedirects: false (src/core/session.ts head).
    it('head() gets the headers and no body', async () => {
      const r = await errand.head(`${base}/bytes/64`);
      expect(r.statusCode).toBe(200);
      expect(r.headers.get('content-length')).toBe('64');
      expect(r.content.byteLength).toBe(0);
    });

    it.skipIf(env.runtime === 'browser')('head() does not follow redirects, get() does (node, edge)', async () => {
      const head = await errand.head(`${base}/redirect/1`);
      expect(head.statusCode).toBe(302);
      expect(head.isRedirect).toBe(true);
      const got = await errand.get(`${base}/redirect/1`);
      expect(got.statusCode).toBe(200);
    });

    it('accepts a URL object', async () => {
      const r = await errand.get(new URL('/get?from=url', base));
      expect(r.json<Echo>().args).toEqual({ from: 'url' });
    });
  });

  describe('requests: the default export', () => {
    it('bundles the functions, the classes and codes', async () => {
      const d = errand.default;
      expect(d.delete).toBe(errand.del);
      expect(d.del).toBe(errand.del);
      expect(d.Session).toBe(errand.Session);
      expect(d.HTTPError).toBe(errand.HTTPError);
      expect(d.codes.teapot).toBe(418);
      const r = await d.get(`${base}/get`, { params: { via: 'default' } });
      expect(r.json<Echo>().args).toEqual({ via: 'default' });
      const del = await d.delete(`${base}/delete`);
      expect(del.json<Echo>().method).toBe('DELETE');
    });

    it('codes has requests\' aliases, upper case too', () => {
      expect(errand.codes.ok).toBe(200);
      expect(errand.codes.not_found).toBe(404);
      expect((errand.codes as Record<string, number>)['NOT_FOUND']).toBe(404);
      expect(errand.codes.teapot).toBe(418);
    });
  });

  describe('requests: Request, PreparedRequest and session.send', () => {
    it('prepareRequest merges session state; send() sends exactly that request', async () => {
      const s = new errand.Session({ headers: { 'X-Session': 's' }, params: { a: '1' } });
      const req = new errand.Request('POST', `${base}/anything/prepared`, { params: { b: '2' }, json: { hello: 'world' } });
      const prepared = await s.prepareRequest(req);
      expect(prepared).toBeInstanceOf(errand.PreparedRequest);
      expect(prepared.method).toBe('POST');
      expect(prepared.url).toBe(`${base}/anything/prepared?a=1&b=2`);
      expect(prepared.headers.get('content-type')).toBe('application/json');
      prepared.headers.set('X-Edited', 'after-prepare');
      const r = await s.send(prepared);
      const body = r.json<Echo>();
      expect(body.method).toBe('POST');
      expect(body.args).toEqual({ a: '1', b: '2' });
      expect(body.json).toEqual({ hello: 'world' });
      expect(header(body.headers, 'x-session')).toBe('s');
      expect(header(body.headers, 'x-edited')).toBe('after-prepare');
      expect(r.request).toBe(prepared);
      await s.close();
    });

    it('a PreparedRequest copy() has its own headers', async () => {
      const prepared = await new errand.Session().prepareRequest(new errand.Request('GET', `${base}/get`, { headers: { 'X-A': '1' } }));
      const copy = prepared.copy();
      copy.headers.set('X-A', '2');
      expect(prepared.headers.get('x-a')).toBe('1');
      expect(copy.url).toBe(prepared.url);
    });

    it('the Session verbs mirror the top-level ones', async () => {
      const s = new errand.Session();
      const methods = [];
      for (const verb of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        const r = await s[verb](`${base}/anything/${verb}`);
        methods.push(r.json<Echo>().method);
      }
      expect(methods).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
      await s.close();
    });
  });
}
