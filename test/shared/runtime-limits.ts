// What only some runtimes can do (DESIGN.md "What each runtime does"): where a runtime cannot, errand
// says so with an UnsupportedError naming the option, never silently.
import { describe, expect, it } from 'vitest';
import { header, rejection, type Echo, type Errand, type SuiteEnv } from './env.ts';

export function runtimeLimitsSuite(errand: Errand, env: SuiteEnv): void {
  const { base, alt } = env;
  const webOnly = env.runtime === 'edge' || env.runtime === 'browser';

  describe('runtime limits: credentials', () => {
    // Outside a browser the session jar is errand's; 'include' changes nothing, 'omit' turns the jar off.
    it.runIf(env.runtime !== 'browser')("credentials: 'include' is accepted and changes nothing (node, edge)", async () => {
      const s = new errand.Session();
      await s.get(`${base}/cookies/set/kept/1`);
      const r = await s.get(`${base}/cookies`, { credentials: 'include' });
      expect(r.json()).toEqual({ cookies: { kept: '1' } });
    });

    it.runIf(env.runtime !== 'browser')("credentials: 'omit' neither sends nor stores the jar's cookies (node, edge)", async () => {
      const s = new errand.Session();
      await s.get(`${base}/cookies/set/kept/1`);
      expect((await s.get(`${base}/cookies`, { credentials: 'omit' })).json()).toEqual({ cookies: {} });
      await s.get(`${base}/cookies/set/other/2`, { credentials: 'omit', allowRedirects: false });
      expect((await s.get(`${base}/cookies`)).json()).toEqual({ cookies: { kept: '1' } });
    });
  });

  describe('runtime limits: Node-only transport options', () => {
    const nodeOnly = [
      ['proxies', { proxies: { http: 'http://user:pr0xy-secret@127.0.0.1:3128' } }],
      ['verify', { verify: false }],
      ['cert', { cert: ['client.pem', 'client.key'] as const }],
      ['timeout.connect', { timeout: { connect: 100 } }],
      ['timeout.read', { timeout: { read: 100 } }],
    ] as const;

    const refusedBy = async (name: string, options: object) => {
      const error = await rejection(errand.get(`${base}/get`, options));
      expect(error).toBeInstanceOf(errand.UnsupportedError);
      expect(error.name).toBe('UnsupportedError');
      expect(error.message).toContain(name);
      expect(error.message).toContain(env.runtime);
      expect(error.message).not.toContain('pr0xy-secret');
    };

    it.runIf(webOnly).each(nodeOnly)('%s is refused with an UnsupportedError naming it (edge, browser)', refusedBy);

    it.runIf(webOnly)('a Session default is refused the same way (edge, browser)', async () => {
      const s = new errand.Session({ verify: false });
      const error = await rejection(s.get(`${base}/get`));
      expect(error).toBeInstanceOf(errand.UnsupportedError);
      expect(error.message).toContain('verify');
    });

    // What Bun's fetch and Deno's have no means for (their transports take proxies and TLS otherwise).
    const bunRefuses = [
      ['proxies', 'a SOCKS proxy', { proxies: { all: 'socks5://user:pr0xy-secret@127.0.0.1:1080' } }],
      ['timeout.connect', 'a connect timeout', { timeout: { connect: 100 } }],
      ['timeout.read', 'a read timeout', { timeout: { read: 100 } }],
    ] as const;
    const denoRefuses = [
      ['verify', 'verify: false', { verify: false }],
      ['proxies', 'a Proxy-Authorization other than Basic', { proxies: { http: 'http://user:pr0xy-secret@127.0.0.1:3128' }, headers: { 'Proxy-Authorization': 'Bearer pr0xy-secret' } }],
      ['timeout.connect', 'a connect timeout', { timeout: { connect: 100 } }],
      ['timeout.read', 'a read timeout', { timeout: { read: 100 } }],
    ] as const;

    it.runIf(env.runtime === 'bun').each(bunRefuses)('bun: %s (%s) is refused with an UnsupportedError naming it and bun', (name, _what, options) => refusedBy(name, options));
    it.runIf(env.runtime === 'deno').each(denoRefuses)('deno: %s (%s) is refused with an UnsupportedError naming it and deno', (name, _what, options) => refusedBy(name, options));

    it.runIf(env.runtime === 'bun' || env.runtime === 'deno')('bun, deno: a Session default is refused the same way, before anything is sent', async () => {
      const s = new errand.Session({ timeout: { connect: 100 } });
      const error = await rejection(s.get(`${base}/get`));
      expect(error).toBeInstanceOf(errand.UnsupportedError);
      expect(error.message).toContain('timeout.connect');
    });

    // Node gives proxies, verify, cert and connect/read timeouts through its undici transport.
    (env.runtime === 'node' ? it : it.skip)('node: verify: false and a connect timeout are accepted', async () => {
      expect((await errand.get(`${base}/get`, { verify: false })).statusCode).toBe(200);
      expect((await errand.get(`${base}/get`, { timeout: { connect: 1000, read: 5000 } })).statusCode).toBe(200);
    });

    it.runIf(env.runtime === 'bun')('bun: verify: false is accepted', async () => {
      expect((await errand.get(`${base}/get`, { verify: false })).statusCode).toBe(200);
    });
  });

  describe('runtime limits: cookies', () => {
    it.skipIf(env.runtime === 'browser')('the cookies option sends a Cookie header, merged with the session\'s (node, edge)', async () => {
      const one = await errand.get(`${base}/cookies`, { cookies: { flavour: 'oatmeal', n: '1' } });
      expect(one.json<{ cookies: Record<string, string> }>().cookies).toEqual({ flavour: 'oatmeal', n: '1' });
      const s = new errand.Session({ cookies: { keep: 'k', drop: 'd' } });
      const merged = await s.get(`${base}/cookies`, { cookies: { drop: null, call: 'c' } });
      expect(merged.json<{ cookies: Record<string, string> }>().cookies).toEqual({ keep: 'k', call: 'c' });
    });

    // Cookie is a forbidden request header in browsers: fetch would drop it silently.
    it.runIf(env.runtime === 'browser')('browser: the cookies option is refused with an UnsupportedError pointing to credentials', async () => {
      const error = await rejection(errand.get(`${base}/cookies`, { cookies: { a: 'b' } }));
      expect(error).toBeInstanceOf(errand.UnsupportedError);
      expect(error.message).toMatch(/Cookie/);
      expect(error.message).toContain("credentials: 'include'");
      const header_ = await rejection(errand.get(`${base}/cookies`, { headers: { Cookie: 'a=b' } }));
      expect(header_).toBeInstanceOf(errand.UnsupportedError);
    });

    // The page is on localhost, so the alt origin (localhost:PORT) is same-site: its cookies are first-party.
    it.runIf(env.runtime === 'browser')('browser: credentials: \'include\' passes through (cross-origin, the browser keeps the cookies)', async () => {
      const name = `errand_shared_${Date.now()}`;
      const set = await errand.get(`${alt}/set-cookie`, { params: { raw: `${name}=yes; Path=/` }, credentials: 'include' });
      expect(set.statusCode).toBe(200);
      const withCredentials = await errand.get(`${alt}/cookies`, { credentials: 'include' });
      expect(withCredentials.json<{ cookies: Record<string, string> }>().cookies[name]).toBe('yes');
      // The default (same-origin) sends no cookies to another origin.
      const without = await errand.get(`${alt}/cookies`);
      expect(without.json<{ cookies: Record<string, string> }>().cookies[name]).toBeUndefined();
      const s = new errand.Session({ credentials: 'include' });
      expect((await s.get(`${alt}/cookies`)).json<{ cookies: Record<string, string> }>().cookies[name]).toBe('yes');
      await errand.get(`${alt}/cookies/delete`, { params: { [name]: '' }, credentials: 'include' });
      expect((await errand.get(`${alt}/cookies`, { credentials: 'include' })).json<{ cookies: Record<string, string> }>().cookies[name]).toBeUndefined();
    });
  });

  describe('runtime limits: upload progress', () => {
    // In a browser the call goes through XMLHttpRequest (fetch counts upload bytes only of a streamed
    // body, which Chromium sends only over HTTP/2); everywhere else through the runtime's own transport.
    it('onUploadProgress counts the bytes up to the total (node, edge, browser)', async () => {
      const events: { loaded: number; total?: number; percent?: number }[] = [];
      const data = new Uint8Array(100_000).fill(97);
      const r = await errand.post(`${base}/post`, { data, headers: { 'Content-Type': 'text/plain' }, onUploadProgress: (p) => events.push(p) });
      expect(r.json<Echo>().data).toHaveLength(100_000);
      expect(events.at(-1)).toEqual({ loaded: 100_000, total: 100_000, percent: 100 });
    });

    // A progress callback must not change what is sent: counting the bytes of a body of known length
    // must not turn it into a chunked upload.
    it('a counted body of known length keeps its Content-Length (node, edge, browser)', async () => {
      const r = await errand.post(`${base}/post`, { data: 'hello', onUploadProgress: () => {} });
      const body = r.json<Echo>();
      expect(body.data).toBe('hello');
      expect(header(body.headers, 'content-length')).toBe('5');
    });

    it('a counted form body keeps its Content-Type (node, edge, browser)', async () => {
      const r = await errand.post(`${base}/post`, { data: { a: '1' }, onUploadProgress: () => {} });
      const body = r.json<Echo>();
      expect(body.form).toEqual({ a: '1' });
      expect(header(body.headers, 'content-type')).toBe('application/x-www-form-urlencoded');
    });
  });
}
