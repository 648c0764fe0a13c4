// Redirects. Node and edge: errand follows them itself (history, per-hop auth stripping, allowRedirects:
// false). Browser: fetch follows them (redirect: 'manual' is opaque in Chromium), so history is empty.
import { describe, expect, it } from 'vitest';
import { header, rejection, type Echo, type Errand, type HeadersEcho, type SuiteEnv } from './env.ts';

export function redirectsSuite(errand: Errand, env: SuiteEnv): void {
  const { base, alt } = env;
  const errandFollows = env.runtime !== 'browser';
  const redirectTo = (url: string, status?: number) => `${base}/redirect-to?${new URLSearchParams({ url, ...(status ? { status_code: String(status) } : {}) })}`;

  describe('redirects: every runtime ends at the final URL', () => {
    it.each(['redirect', 'relative-redirect', 'absolute-redirect'])('/%s/3 ends at /get', async (kind) => {
      const r = await errand.get(`${base}/${kind}/3`);
      expect(r.statusCode).toBe(200);
      expect(r.url).toBe(`${base}/get`);
      expect(r.json<Echo>().url).toBe(`${base}/get`);
    });

    it('303 turns a POST into a GET without a body', async () => {
      const r = await errand.post(redirectTo('/anything/after-303', 303), { json: { a: 1 } });
      const body = r.json<Echo>();
      expect(body.method).toBe('GET');
      expect(body.data).toBe('');
      expect(header(body.headers, 'content-type')).toBeUndefined();
    });

    it('302 turns a POST into a GET, as browsers and requests do', async () => {
      const r = await errand.post(redirectTo('/anything/after-302'), { data: { form: 'x' } });
      expect(r.json<Echo>().method).toBe('GET');
      expect(r.json<Echo>().form).toEqual({});
    });

    it('307 and 308 keep the method and the body', async () => {
      for (const status of [307, 308]) {
        const r = await errand.put(redirectTo(`/anything/after-${status}`, status), { json: { keep: status } });
        const body = r.json<Echo>();
        expect(body.method).toBe('PUT');
        expect(body.json).toEqual({ keep: status });
      }
    });
  });

  describe.runIf(errandFollows)('redirects: errand follows them itself (node, edge)', () => {
    it('history holds each hop, oldest first, with its status and URL', async () => {
      const r = await errand.get(`${base}/redirect/3`);
      expect(r.history.map((h) => h.statusCode)).toEqual([302, 302, 302]);
      expect(r.history.map((h) => new URL(h.url).pathname)).toEqual(['/redirect/3', '/relative-redirect/2', '/relative-redirect/1']);
      expect(r.history.every((h) => h.isRedirect)).toBe(true);
      expect(r.request.url).toBe(`${base}/get`);
    });

    it('the 303 hop is in history and the final request is a GET', async () => {
      const r = await errand.post(redirectTo('/anything', 303), { json: { a: 1 } });
      expect(r.history.map((h) => [h.statusCode, h.request.method])).toEqual([[303, 'POST']]);
      expect(r.request.method).toBe('GET');
      expect(r.request.body).toBeNull();
    });

    it('allowRedirects: false returns the 3xx, with next: the request that following it would send', async () => {
      const r = await errand.get(`${base}/redirect/1`, { allowRedirects: false });
      expect(r.statusCode).toBe(302);
      expect(r.ok).toBe(true);
      expect(r.isRedirect).toBe(true);
      expect(r.isPermanentRedirect).toBe(false);
      expect(r.headers.get('location')).toBe('/get');
      expect(r.next?.url).toBe(`${base}/get`);
      expect(r.next?.method).toBe('GET');
      expect(r.history).toEqual([]);
    });

    it('isPermanentRedirect for 301 and 308', async () => {
      for (const status of [301, 308]) {
        const r = await errand.get(`${base}/status/${status}`, { allowRedirects: false });
        expect([r.statusCode, r.isRedirect, r.isPermanentRedirect]).toEqual([status, true, true]);
      }
    });

    it('TooManyRedirectsError past maxRedirects, carrying the last response and its history', async () => {
      const error = await rejection(errand.get(`${base}/redirect/5`, { maxRedirects: 2 }));
      expect(error).toBeInstanceOf(errand.TooManyRedirectsError);
      expect(error.name).toBe('TooManyRedirectsError');
      expect(error.message).toMatch(/Exceeded 2 redirects/);
      expect(error.response.statusCode).toBe(302);
      expect(error.response.history).toHaveLength(2);
      const session = new errand.Session({ maxRedirects: 1 });
      expect(await rejection(session.get(`${base}/redirect/2`))).toBeInstanceOf(errand.TooManyRedirectsError);
      expect((await session.get(`${base}/redirect/1`)).statusCode).toBe(200);
    });

    it('drops Authorization when redirected to another origin', async () => {
      const r = await errand.get(redirectTo(`${alt}/headers`), { auth: ['user', 'pass'] });
      expect(r.url).toBe(`${alt}/headers`);
      expect(header(r.json<HeadersEcho>().headers, 'authorization')).toBeUndefined();
      expect(r.history[0]?.request.headers.get('authorization')).toBe('Basic dXNlcjpwYXNz');
    });

    it('keeps Authorization on the same origin', async () => {
      const r = await errand.get(redirectTo('/headers'), { auth: ['user', 'pass'] });
      expect(header(r.json<HeadersEcho>().headers, 'authorization')).toBe('Basic dXNlcjpwYXNz');
      const explicit = await errand.get(redirectTo('/headers'), { headers: { Authorization: 'Bearer same-origin' } });
      expect(header(explicit.json<HeadersEcho>().headers, 'authorization')).toBe('Bearer same-origin');
    });

    it('drops an explicit Authorization header, the Cookie and sensitiveHeaders on another origin', async () => {
      const r = await errand.get(redirectTo(`${alt}/headers`), {
        headers: { Authorization: 'Bearer cross', 'X-Api-Key': 'k' },
        cookies: { session: 'c' },
        sensitiveHeaders: ['X-Api-Key'],
      });
      const headers = r.json<HeadersEcho>().headers;
      expect([header(headers, 'authorization'), header(headers, 'cookie'), header(headers, 'x-api-key')]).toEqual([undefined, undefined, undefined]);
      const same = await errand.get(redirectTo('/headers'), { headers: { 'X-Api-Key': 'k' }, sensitiveHeaders: ['X-Api-Key'] });
      expect(header(same.json<HeadersEcho>().headers, 'x-api-key')).toBe('k');
    });

    it('refuses to follow a redirect to a non-http(s) URL', async () => {
      const error = await rejection(errand.get(redirectTo('ftp://example.com/file')));
      expect(error).toBeInstanceOf(errand.InvalidSchemaError);
      expect(error.message).toContain('ftp://example.com/file');
    });

    it('an unparsable Location (http://:1) is an InvalidURLError with the Location redacted', async () => {
      const error = await rejection(errand.get(redirectTo('http://:1/next?token=SECRET', 302)));
      expect(error).toBeInstanceOf(errand.InvalidURLError);
      expect(error.message).toContain('"http://:1/next?token=***"');
      expect(error.message).not.toContain('SECRET');
    });

    it('a redirect that asks for a streamed body again (307) fails clearly', async () => {
      const stream = new ReadableStream<Uint8Array>({ start: (c) => { c.enqueue(new TextEncoder().encode('once')); c.close(); } });
      const error = await rejection(errand.post(redirectTo('/anything', 307), { data: stream }));
      expect(error).toBeInstanceOf(errand.RequestError);
      expect(error.message).toMatch(/cannot be replayed/);
    });
  });

  describe.runIf(!errandFollows)('redirects: the browser follows them', () => {
    it('history is empty and url is the final one', async () => {
      const r = await errand.get(`${base}/redirect/3`);
      expect(r.history).toEqual([]);
      expect(r.url).toBe(`${base}/get`);
    });

    it('allowRedirects: false is refused with an UnsupportedError that names it', async () => {
      const error = await rejection(errand.get(`${base}/redirect/1`, { allowRedirects: false }));
      expect(error).toBeInstanceOf(errand.UnsupportedError);
      expect(error.message).toContain('allowRedirects');
    });

    it('fetch itself drops Authorization on a cross-origin redirect (Fetch spec), keeps it same-origin', async () => {
      const cross = await errand.get(redirectTo(`${alt}/headers`), { auth: ['user', 'pass'] });
      expect(cross.url).toBe(`${alt}/headers`);
      expect(header(cross.json<HeadersEcho>().headers, 'authorization')).toBeUndefined();
      const same = await errand.get(redirectTo('/headers'), { auth: ['user', 'pass'] });
      expect(header(same.json<HeadersEcho>().headers, 'authorization')).toBe('Basic dXNlcjpwYXNz');
    });

    // The browser cannot count redirects: a maxRedirects it cannot honour is refused, not ignored.
    it('maxRedirects is refused rather than silently ignored', async () => {
      const error = await rejection(errand.get(`${base}/redirect/5`, { maxRedirects: 2 }));
      expect(error).toBeInstanceOf(errand.UnsupportedError);
      expect(String(error)).toContain('maxRedirects');
    });
  });
}
