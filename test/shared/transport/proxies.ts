// Proxies through the runtime's transport, against real proxies on loopback: a forward proxy (the
// `proxy` package: absolute-form http://, CONNECT for https://), with and without Basic credentials,
// and SOCKS5 servers (@mongodb-js/socksv5). Bun's fetch has no SOCKS: runtime-limits.ts checks the refusal.
// Bun keeps one connection pool for the whole process, CONNECT tunnels included, which closing a
// Session does not end: a test that counts CONNECTs uses a proxy URL and target no other test tunnels.
import { beforeEach, describe, expect, it } from 'vitest';
import { rejection } from '../env.ts';
import { proxyState, scopedEnv, trackedSessions, withCredentials, type TransportSuite } from './env.ts';

export const proxiesSuite: TransportSuite = (errand, env) => {
  const { rig } = env;
  const { httpbin, httpsbin, httpsbinAlt } = rig;
  const ca = rig.httpsbinCa;
  const httpsHost = new URL(httpsbin).host;
  const session = trackedSessions(errand, { retries: 0 });
  const setEnv = scopedEnv(env);
  const hits = async (name: 'open' | 'locked' | 'socks' | 'socksLocked') => (await proxyState(env, name)).hits;

  // Forget what the proxies saw before this test.
  beforeEach(async () => {
    await Promise.all((['open', 'locked', 'socks', 'socksLocked'] as const).map((name) => proxyState(env, name)));
  });

  describe('transport: HTTP proxy', () => {
    it('forwards an http:// request in absolute form', async () => {
      const r = await session().get(`${httpbin}/get?x=1`, { proxies: { http: rig.proxy.open } });
      expect(r.statusCode).toBe(200);
      expect(r.json<{ args: unknown }>().args).toEqual({ x: '1' });
      expect(await hits('open')).toEqual([{ method: 'GET', target: `${httpbin}/get?x=1` }]);
    });

    it('tunnels an https:// request through CONNECT', async () => {
      const r = await session({ verify: ca }).get(`${httpsbin}/get`, { proxies: { https: rig.proxy.open } });
      expect(r.statusCode).toBe(200);
      expect(await hits('open')).toEqual([{ method: 'CONNECT', target: httpsHost }]);
    });

    it('keeps the connection to the proxy alive across requests', async () => {
      const s = session({ proxies: { http: rig.proxy.open } });
      const before = (await proxyState(env, 'open')).connections!;
      for (let i = 0; i < 20; i++) await s.get(`${httpbin}/get`);
      // Never one connection per request (a pool may open a second one while the first is being freed).
      expect((await proxyState(env, 'open')).connections! - before).toBeLessThanOrEqual(2);
    });

    const viaLocked = async (base: string, options: Record<string, unknown>) => {
      const r = await session({ verify: ca }).get(`${base}/headers`, options);
      expect(r.statusCode).toBe(200);
      expect((await hits('locked'))[0]!.proxyAuthorization).toBe(`Basic ${btoa('alice:s3cret')}`);
      expect(r.json<{ headers: Record<string, string> }>().headers['Proxy-Authorization']).toBeUndefined();
    };

    it('sends user:pass@ from the proxy URL to the proxy only (http)', async () => {
      await viaLocked(httpbin, { proxies: { all: withCredentials(rig.proxy.locked, 'alice', 's3cret') } });
    });

    it('sends HTTPProxyAuth credentials to the proxy, not the origin (http)', async () => {
      await viaLocked(httpbin, { proxies: { all: rig.proxy.locked }, auth: new errand.HTTPProxyAuth('alice', 's3cret') });
    });

    // Deno would forward them to the origin: refused there (below).
    it.skipIf(env.runtime === 'deno')('sends user:pass@ from the proxy URL to the proxy only (https; node, bun)', async () => {
      await viaLocked(httpsbin, { proxies: { all: withCredentials(rig.proxy.locked, 'alice', 's3cret') } });
    });

    it.skipIf(env.runtime === 'deno')('sends HTTPProxyAuth credentials to the proxy, not the origin (https; node, bun)', async () => {
      await viaLocked(httpsbinAlt, { proxies: { all: rig.proxy.locked }, auth: new errand.HTTPProxyAuth('alice', 's3cret') });
    });

    it.runIf(env.runtime === 'deno')("deno: proxy credentials for an https:// request are refused with an UnsupportedError (Deno's fetch would send them to the origin too)", async () => {
      for (const options of [{ proxies: { all: withCredentials(rig.proxy.locked, 'alice', 's3cret') } }, { proxies: { all: rig.proxy.locked }, auth: new errand.HTTPProxyAuth('alice', 's3cret') }]) {
        const error = await rejection(session({ verify: ca }).get(`${httpsbin}/headers`, options));
        expect(error).toBeInstanceOf(errand.UnsupportedError);
        expect(error.message).toContain('proxies');
        expect(error.message).toContain('deno');
        expect(error.message).not.toContain('s3cret');
      }
      expect(await hits('locked')).toEqual([]);
    });

    it('a 407 is a ProxyError naming the proxy, password redacted (http)', async () => {
      const error = await rejection(session().get(`${httpbin}/get`, { proxies: { all: withCredentials(rig.proxy.locked, 'alice', 'wrong-password') } }));
      expect(error).toBeInstanceOf(errand.ProxyError);
      expect(error.message).toContain('407');
      expect(error.message).toContain(new URL(rig.proxy.locked).host);
      expect(error.message).not.toContain('wrong-password');
    });

    it.skipIf(env.runtime === 'deno')('a 407 is a ProxyError naming the proxy, password redacted (https; node, bun)', async () => {
      const error = await rejection(session({ verify: ca }).get(`${httpsbin}/get`, { proxies: { all: withCredentials(rig.proxy.locked, 'alice', 'wrong-password') } }));
      expect(error).toBeInstanceOf(errand.ProxyError);
      expect(error.message).toContain('407');
      expect(error.message).toContain(new URL(rig.proxy.locked).host);
      expect(error.message).not.toContain('wrong-password');
    });

    it('a refused proxy is a ProxyError naming the proxy', async () => {
      const error = await rejection(session().get(`${httpbin}/get`, { proxies: { http: withCredentials(rig.proxy.dead, 'u', 'pw-42') } }));
      expect(error).toBeInstanceOf(errand.ProxyError);
      expect(error).toBeInstanceOf(errand.ConnectionError);
      expect(error.message).toContain(new URL(rig.proxy.dead).host);
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.message).not.toContain('pw-42');
    });

    it("picks proxies in requests' order: 'scheme://host', then scheme, then all", async () => {
      const host = new URL(httpbin).hostname;
      const s = session({ proxies: { [`http://${host}`]: rig.proxy.open, http: rig.proxy.dead, all: rig.proxy.dead } });
      expect((await s.get(`${httpbin}/get`)).statusCode).toBe(200);
      expect(await hits('open')).toHaveLength(1);
      const viaAll = await session({ proxies: { all: rig.proxy.open } }).get(`${httpbin}/get`);
      expect(viaAll.statusCode).toBe(200);
      expect(await hits('open')).toHaveLength(1);
    });

    it('a call can drop a session proxy with null', async () => {
      const s = session({ proxies: { http: rig.proxy.dead } });
      expect((await s.get(`${httpbin}/get`, { proxies: { http: null } })).statusCode).toBe(200);
    });
  });

  describe('transport: proxies from the environment (trustEnv)', () => {
    it('uses HTTP_PROXY and HTTPS_PROXY', async () => {
      setEnv('HTTP_PROXY', rig.proxy.openAlt);
      setEnv('HTTPS_PROXY', rig.proxy.openAlt);
      const s = session({ verify: ca });
      await s.get(`${httpbin}/get`);
      await s.get(`${httpsbinAlt}/get`);
      expect((await hits('open')).map((hit) => hit.method)).toEqual(['GET', 'CONNECT']);
    });

    it('ALL_PROXY, and NO_PROXY sends matching hosts direct', async () => {
      setEnv('ALL_PROXY', rig.proxy.open);
      await session().get(`${httpbin}/get`);
      expect(await hits('open')).toHaveLength(1);
      setEnv('NO_PROXY', 'example.com, 127.0.0.0/8');
      await session().get(`${httpbin}/get`);
      expect(await hits('open')).toHaveLength(0);
    });

    it('a Session reads the environment at its first request and keeps it; a new Session reads it afresh', async () => {
      const s = session();
      await s.get(`${httpbin}/get`);
      setEnv('HTTP_PROXY', rig.proxy.open);
      await s.get(`${httpbin}/get`);
      expect(await hits('open')).toHaveLength(0);
      await session().get(`${httpbin}/get`);
      expect(await hits('open')).toHaveLength(1);
    });

    // Deno's fetch reads the proxy variables itself: refused there (below).
    it.skipIf(env.runtime === 'deno')('trustEnv: false ignores the environment (node, bun)', async () => {
      setEnv('HTTP_PROXY', rig.proxy.dead);
      setEnv('NO_PROXY', 'example.com');
      const r = await session({ trustEnv: false }).get(`${httpbin}/get`);
      expect(r.statusCode).toBe(200);
    });

    it.runIf(env.runtime === 'deno')("deno: trustEnv: false with a proxy in the environment is refused with an UnsupportedError (Deno's fetch would use it)", async () => {
      setEnv('HTTP_PROXY', withCredentials(rig.proxy.dead, 'u', 'pw-42'));
      const error = await rejection(session({ trustEnv: false }).get(`${httpbin}/get`));
      expect(error).toBeInstanceOf(errand.UnsupportedError);
      expect(error.message).toContain('trustEnv');
      expect(error.message).toContain('deno');
      expect(error.message).not.toContain('pw-42');
      // What the environment exempts is no conflict.
      setEnv('NO_PROXY', '127.0.0.0/8');
      expect((await session({ trustEnv: false }).get(`${httpbin}/get`)).statusCode).toBe(200);
    });
  });

  describe.runIf(env.runtime !== 'bun')('transport: SOCKS5 proxy (node, deno)', () => {
    it.each(['socks5', 'socks5h'])('carries http:// and https:// requests (%s://)', async (scheme) => {
      const s = session({ verify: ca, proxies: { all: rig.proxy.socks.replace('socks5', scheme) } });
      expect((await s.get(`${httpbin}/get`)).json<{ url: string }>().url).toBe(`${httpbin}/get`);
      expect((await s.get(`${httpsbin}/get`)).statusCode).toBe(200);
      expect((await hits('socks')).map((hit) => `${(hit as unknown as { dstAddr: string }).dstAddr}:${(hit as unknown as { dstPort: number }).dstPort}`))
        .toEqual([new URL(httpbin).host, httpsHost]);
    });

    it('authenticates with user:pass@ from the proxy URL', async () => {
      const r = await session().get(`${httpbin}/get`, { proxies: { http: withCredentials(rig.proxy.socksLocked, 'bob', 'hunter2') } });
      expect(r.statusCode).toBe(200);
    });

    it('wrong credentials are a ProxyError without the password', async () => {
      const error = await rejection(session().get(`${httpbin}/get`, { proxies: { http: withCredentials(rig.proxy.socksLocked, 'bob', 'nope-77') } }));
      expect(error).toBeInstanceOf(errand.ProxyError);
      expect(error.message).toContain(new URL(rig.proxy.socksLocked).host);
      expect(error.message).not.toContain('nope-77');
    });
  });

  // Bun's fetch keeps one process-wide pool that errand cannot close: its idle sockets end on Bun's own timeout.
  describe.runIf(env.runtime !== 'bun')('transport: closing (node, deno)', () => {
    it('session.close() closes the connections the session opened to a proxy', async () => {
      const s = new errand.Session({ proxies: { http: rig.proxy.open } });
      await s.get(`${httpbin}/get`);
      expect((await proxyState(env, 'open')).open).toBeGreaterThan(0);
      await s.close();
      let open = -1;
      for (let i = 0; i < 100 && open !== 0; i++) {
        open = (await proxyState(env, 'open')).open!;
        if (open) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(open).toBe(0);
    });
  });
};
