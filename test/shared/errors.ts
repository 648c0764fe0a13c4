// Timeouts, aborts and errors: TimeoutError, AbortError, ConnectionError, invalid URLs, unknown options.
import { describe, expect, it } from 'vitest';
import { REFUSED_URL, rejection, type Errand, type SuiteEnv } from './env.ts';

export function errorsSuite(errand: Errand, env: SuiteEnv): void {
  const { base } = env;

  describe('timeouts and aborts', () => {
    it('a total timeout ends a slow request with TimeoutError naming the timeout', async () => {
      const error = await rejection(errand.get(`${base}/delay/2`, { timeout: 300 }));
      expect(error).toBeInstanceOf(errand.TimeoutError);
      expect(error).toBeInstanceOf(errand.RequestError);
      expect(error.name).toBe('TimeoutError');
      expect(error.message).toContain('300 ms');
      expect(error.request?.url).toBe(`${base}/delay/2`);
    });

    it('the total timeout covers reading the body, not just the headers', async () => {
      // /drip sends its headers at once, then one byte every 500 ms.
      const error = await rejection(errand.get(`${base}/drip`, { params: { duration: 2, numbytes: 4 }, timeout: 300 }));
      expect(error).toBeInstanceOf(errand.TimeoutError);
    });

    it('{ total } is the same timeout; a Session default applies too', async () => {
      expect(await rejection(errand.get(`${base}/delay/2`, { timeout: { total: 300 } }))).toBeInstanceOf(errand.TimeoutError);
      const s = new errand.Session({ timeout: 300 });
      expect(await rejection(s.get(`${base}/delay/2`))).toBeInstanceOf(errand.TimeoutError);
    });

    it('a timeout that does not fire changes nothing', async () => {
      const r = await errand.get(`${base}/delay/0`, { timeout: 10_000 });
      expect(r.statusCode).toBe(200);
    });

    it('aborting the signal rejects with an AbortError', async () => {
      const controller = new AbortController();
      const pending = errand.get(`${base}/delay/2`, { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      const error = await rejection(pending);
      expect(error.name).toBe('AbortError');
    });

    it('an already aborted signal rejects at once, with its reason', async () => {
      const reason = new Error('stopped by the caller');
      const error = await rejection(errand.get(`${base}/get`, { signal: AbortSignal.abort(reason) }));
      expect(error).toBe(reason);
    });

    it('signal and timeout combine: whichever comes first', async () => {
      const controller = new AbortController();
      const error = await rejection(errand.get(`${base}/delay/2`, { signal: controller.signal, timeout: 200 }));
      expect(error).toBeInstanceOf(errand.TimeoutError);
      expect(controller.signal.aborted).toBe(false);
    });

    it('refuses a timeout that is not milliseconds', async () => {
      await expect(errand.get(`${base}/get`, { timeout: -1 })).rejects.toThrow(TypeError);
      await expect(errand.get(`${base}/get`, { timeout: { totl: 5 } as never })).rejects.toThrow(/did you mean 'total'/);
    });
  });

  describe('errors: connection', () => {
    it('a refused connection is a ConnectionError carrying the request', async () => {
      const error = await rejection(errand.get(REFUSED_URL, { retries: 0 }));
      expect(error).toBeInstanceOf(errand.ConnectionError);
      expect(error).toBeInstanceOf(errand.RequestError);
      expect(error.name).toBe('ConnectionError');
      expect(error.request?.url).toBe(REFUSED_URL);
      expect(error.response).toBeUndefined();
      // Node and edge name the cause; Chromium tells scripts only "Failed to fetch".
      expect(error.message).toMatch(env.runtime === 'browser' ? /Failed to fetch/ : /ECONNREFUSED/);
    });

    it('is still a ConnectionError after the retries run out', async () => {
      const error = await rejection(errand.get(REFUSED_URL, { retries: { total: 1, backoffFactor: 1 } }));
      expect(error).toBeInstanceOf(errand.ConnectionError);
    });

    it('a fetch "bad port" is a ConnectionError too', async () => {
      const error = await rejection(errand.get('http://127.0.0.1:1/', { retries: 0 }));
      expect(error).toBeInstanceOf(errand.ConnectionError);
      // Node and edge report fetch's reason; Chromium gives no reason to scripts. fetch blocks port 1 as
      // a "bad port" (Deno in its own words); Node's undici transport (like requests) and Bun find it refused.
      const reasons = { node: /bad port|ECONNREFUSED/, edge: /bad port/, bun: /ECONNREFUSED/, deno: /port 1 are blocked/ };
      if (env.runtime !== 'browser') expect(error.message).toMatch(reasons[env.runtime]);
    });

    it('messages never contain credentials or query values', async () => {
      const error = await rejection(errand.get(REFUSED_URL.replace('://', '://user:s3cret@') + '?token=t0k', { retries: 0 }));
      expect(error.message).not.toContain('s3cret');
      expect(error.message).not.toContain('t0k');
    });
  });

  describe('errors: invalid input', () => {
    it.each([
      ['no scheme', 'example.com/path', 'MissingSchemaError', /no scheme supplied.*https:\/\/example\.com\/path/],
      ['host:port without a scheme', 'localhost:8080/x', 'MissingSchemaError', /no scheme/],
      ['not a URL at all', 'not a url', 'MissingSchemaError', /Invalid URL/],
      ['no host', 'http://', 'InvalidURLError', /Invalid URL/],
      // Not a space: Chromium's URL parser accepts one in a host (as %20), unlike the WHATWG spec.
      ['a forbidden character in the host', 'http://exa<mple.com/', 'InvalidURLError', /Invalid URL/],
      ['a newline', 'http://example.com/a\r\nInjected: 1', 'InvalidURLError', /CR, LF/],
      ['an unmounted scheme', 'ftp://example.com/file', 'InvalidSchemaError', /No adapter/],
    ] as const)('%s: %s', async (_label, url, name, message) => {
      const error = await rejection(errand.get(url));
      expect(error).toBeInstanceOf(errand.InvalidURLError);
      expect(error).toBeInstanceOf(errand[name]);
      expect(error.name).toBe(name);
      expect(error.message).toMatch(message);
    });

    it('an unknown option is a TypeError that suggests the right name', async () => {
      const error = await rejection(errand.get(`${base}/get`, { header: { a: 'b' } } as never));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toMatch(/unknown option 'header'; did you mean 'headers'\?/);
      await expect(errand.post(`${base}/post`, { jsn: {} } as never)).rejects.toThrow(/did you mean 'json'/);
      await expect(errand.get(`${base}/get`, { allowRedirect: false } as never)).rejects.toThrow(/did you mean 'allowRedirects'/);
    });

    it('an invalid method is a TypeError', async () => {
      await expect(errand.request('GE T', `${base}/get`)).rejects.toThrow(TypeError);
    });

    it('json that cannot be serialised is an InvalidJSONError', async () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      expect(await rejection(errand.post(`${base}/post`, { json: cyclic }))).toBeInstanceOf(errand.InvalidJSONError);
      expect(await rejection(errand.post(`${base}/post`, { json: { n: 1n } }))).toBeInstanceOf(errand.InvalidJSONError);
    });

    it('errors keep request and response out of JSON dumps', async () => {
      const r = await errand.get(`${base}/status/404`, { auth: ['user', 'hunter2'] });
      let dumped = '';
      try {
        r.raiseForStatus();
      } catch (error) {
        dumped = JSON.stringify(error);
      }
      expect(dumped).not.toContain('hunter2');
      expect(dumped).not.toContain('Basic ');
    });
  });
}
