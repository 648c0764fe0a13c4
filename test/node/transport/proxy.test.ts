// Proxies through the Node transport, against a real forward proxy (the `proxy` package) and a real
// SOCKS5 server (@mongodb-js/socksv5) on loopback.
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConnectionError, HTTPProxyAuth, ProxyError } from 'errand';
import { trackedSessions } from '../tracked-sessions.ts';
import type { EchoBody } from '../../servers/echo-body.ts';
import { rawHeaderValues, startForwardProxy, type TestForwardProxy } from '../../servers/forward-proxy.ts';
import { startProxy, type TestProxy } from '../../servers/proxy.ts';
import { startSocks, type TestSocks } from '../../servers/socks.ts';

const httpbin = inject('httpbinUrl');
const https = inject('httpsUrl');
const ca = inject('caCertPem');
const httpsHost = new URL(https).host;

let open: TestProxy;
let locked: TestProxy;
let socks: TestSocks;
let socksLocked: TestSocks;
let forwarder: TestForwardProxy;
const session = trackedSessions({ retries: 0 });

const withCredentials = (url: string, user: string, pass: string) => url.replace('://', `://${user}:${pass}@`);

const aliceToken = `Basic ${btoa('alice:s3cret')}`;

/**
 * The proxy that asks for alice's credentials, and every Proxy-Authorization value it received.
 * https:// tunnels through CONNECT (the `proxy` package): the origin sees what errand sends inside
 * the tunnel. http:// is forwarded in absolute form, where the `proxy` package would strip
 * Proxy-Authorization itself and hide a copy errand sent too many: that half goes through our
 * forwarder, which consumes only the one line carrying its credentials and forwards all the rest.
 */
function authenticatingProxy(scheme: string): { url: string; authorizations: () => string[] } {
  if (scheme === 'https') return { url: locked.url, authorizations: () => locked.hits.map((hit) => hit.proxyAuthorization ?? '') };
  return {
    url: forwarder.url,
    authorizations: () => forwarder.hits.flatMap((hit) => rawHeaderValues(hit.rawHeaders, 'proxy-authorization')),
  };
}

/** The origin's view holds no Proxy-Authorization, and no header carries the proxy's credentials. */
function expectNoCredentials(echoed: Record<string, string>): void {
  expect(echoed['Proxy-Authorization']).toBeUndefined();
  for (const value of Object.values(echoed)) {
    expect(value).not.toContain(btoa('alice:s3cret'));
    expect(value).not.toContain('s3cret');
  }
}

beforeAll(async () => {
  [open, locked, socks, socksLocked, forwarder] = await Promise.all([
    startProxy(), startProxy({ auth: ['alice', 's3cret'] }), startSocks(), startSocks({ auth: ['bob', 'hunter2'] }),
    startForwardProxy({ auth: ['alice', 's3cret'] }),
  ]);
});
afterEach(async () => {
  open.hits.length = 0;
  locked.hits.length = 0;
  forwarder.hits.length = 0;
  socks.hits.length = 0;
  socksLocked.hits.length = 0;
  socksLocked.logins.length = 0;
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY']) delete process.env[name];
});
afterAll(() => Promise.all([open, locked, socks, socksLocked, forwarder].map((server) => server.close())));

describe('HTTP proxy', () => {
  it('forwards an http:// request in absolute form', async () => {
    const r = await session().get(`${httpbin}/get?x=1`, { proxies: { http: open.url } });
    expect(r.statusCode).toBe(200);
    expect(r.json<EchoBody>().args).toEqual({ x: '1' });
    expect(open.hits).toEqual([{ method: 'GET', target: `${httpbin}/get?x=1`, proxyAuthorization: undefined }]);
  });

  it('tunnels an https:// request through CONNECT', async () => {
    const r = await session({ verify: ca }).get(`${https}/get`, { proxies: { https: open.url } });
    expect(r.statusCode).toBe(200);
    expect(open.hits).toEqual([{ method: 'CONNECT', target: httpsHost, proxyAuthorization: undefined }]);
  });

  it('keeps the connection to the proxy alive across requests', async () => {
    const s = session({ proxies: { http: open.url } });
    const before = open.connections;
    for (let i = 0; i < 20; i++) await s.get(`${httpbin}/get`);
    // undici's Pool may open a second socket when the next request is dispatched in the tick the
    // previous one completes (undici.request does the same); never one per request.
    expect(open.connections - before).toBeLessThanOrEqual(2);
  });

  it.each([['http', httpbin], ['https', https]])('sends user:pass@ from the proxy URL to the proxy only (%s)', async (scheme, base) => {
    const proxy = authenticatingProxy(scheme);
    const r = await session({ verify: ca }).get(`${base}/headers`, { proxies: { all: withCredentials(proxy.url, 'alice', 's3cret') } });
    expect(r.statusCode).toBe(200);
    expect(proxy.authorizations()).toEqual([aliceToken]);
    expectNoCredentials(r.json<EchoBody>().headers);
  });

  it.each([['http', httpbin], ['https', https]])('sends HTTPProxyAuth credentials to the proxy, not the origin (%s)', async (scheme, base) => {
    const proxy = authenticatingProxy(scheme);
    const s = session({ verify: ca, proxies: { all: proxy.url } });
    const r = await s.get(`${base}/headers`, { auth: new HTTPProxyAuth('alice', 's3cret') });
    expect(r.statusCode).toBe(200);
    expect(proxy.authorizations()).toEqual([aliceToken]);
    expectNoCredentials(r.json<EchoBody>().headers);
  });

  it.each([['http', httpbin], ['https', https]])('a 407 is a ProxyError naming the proxy, password redacted (%s)', async (_scheme, base) => {
    const proxy = withCredentials(locked.url, 'alice', 'wrong-password');
    const error = await session({ verify: ca }).get(`${base}/get`, { proxies: { all: proxy } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as Error).message).toContain('407');
    expect((error as Error).message).toContain(`127.0.0.1:${locked.port}`);
    expect((error as Error).message).not.toContain('wrong-password');
  });

  it('a refused proxy is a ProxyError naming the proxy', async () => {
    const dead = await startProxy();
    await dead.close();
    const error = await session().get(`${httpbin}/get`, { proxies: { http: withCredentials(dead.url, 'u', 'pw-42') } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain(`127.0.0.1:${dead.port}`);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).message).not.toContain('pw-42');
  });

  it("picks proxies in requests' order: 'scheme://host', then scheme, then all", async () => {
    const host = new URL(httpbin).hostname;
    const s = session({ proxies: { [`http://${host}`]: open.url, http: 'http://127.0.0.1:9', all: 'http://127.0.0.1:9' } });
    expect((await s.get(`${httpbin}/get`)).statusCode).toBe(200);
    expect(open.hits).toHaveLength(1);
    const viaAll = await session({ proxies: { all: open.url } }).get(`${httpbin}/get`);
    expect(viaAll.statusCode).toBe(200);
    expect(open.hits).toHaveLength(2);
  });

  it('a call can drop a session proxy with null', async () => {
    const s = session({ proxies: { http: 'http://127.0.0.1:9' } });
    expect((await s.get(`${httpbin}/get`, { proxies: { http: null } })).statusCode).toBe(200);
  });
});

describe('trustEnv: proxies from the environment', () => {
  it('uses HTTP_PROXY and HTTPS_PROXY', async () => {
    process.env.HTTP_PROXY = open.url;
    process.env.HTTPS_PROXY = open.url;
    const s = session({ verify: ca });
    await s.get(`${httpbin}/get`);
    await s.get(`${https}/get`);
    expect(open.hits.map((hit) => hit.method)).toEqual(['GET', 'CONNECT']);
  });

  it('ALL_PROXY, and NO_PROXY sends matching hosts direct', async () => {
    process.env.ALL_PROXY = open.url;
    await session().get(`${httpbin}/get`);
    expect(open.hits).toHaveLength(1);
    process.env.NO_PROXY = 'example.com, 127.0.0.0/8';
    await session().get(`${httpbin}/get`);
    expect(open.hits).toHaveLength(1);
  });

  it('a Session reads the environment at its first request and keeps it; a new Session reads it afresh', async () => {
    const s = session();
    await s.get(`${httpbin}/get`);
    process.env.HTTP_PROXY = open.url;
    await s.get(`${httpbin}/get`);
    expect(open.hits).toHaveLength(0);
    await session().get(`${httpbin}/get`);
    expect(open.hits).toHaveLength(1);
  });

  it('trustEnv: false ignores the environment', async () => {
    process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    const r = await session({ trustEnv: false }).get(`${httpbin}/get`);
    expect(r.statusCode).toBe(200);
  });
});

describe('SOCKS5 proxy', () => {
  it.each(['socks5', 'socks5h'])('carries http:// and https:// requests (%s://)', async (scheme) => {
    const proxy = socks.url.replace('socks5', scheme);
    const s = session({ verify: ca, proxies: { all: proxy } });
    expect((await s.get(`${httpbin}/get`)).json<EchoBody>().url).toBe(`${httpbin}/get`);
    expect((await s.get(`${https}/get`)).statusCode).toBe(200);
    expect(socks.hits.map((hit) => `${hit.dstAddr}:${hit.dstPort}`)).toEqual([new URL(httpbin).host, httpsHost]);
  });

  it('authenticates with user:pass@ from the proxy URL', async () => {
    const r = await session().get(`${httpbin}/get`, { proxies: { http: withCredentials(socksLocked.url, 'bob', 'hunter2') } });
    expect(r.statusCode).toBe(200);
    // The request went through this proxy, after an RFC 1929 login it accepted.
    expect(socksLocked.logins).toEqual([{ user: 'bob', accepted: true }]);
    expect(socksLocked.hits).toEqual([{ dstAddr: '127.0.0.1', dstPort: Number(new URL(httpbin).port) }]);
  });

  it('without credentials the authenticating proxy refuses: a ProxyError, nothing forwarded', async () => {
    const error = await session().get(`${httpbin}/get`, { proxies: { http: socksLocked.url } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyError);
    expect(socksLocked.logins).toEqual([]);
    expect(socksLocked.hits).toEqual([]);
  });

  it('wrong credentials are a ProxyError without the password', async () => {
    const error = await session().get(`${httpbin}/get`, { proxies: { http: withCredentials(socksLocked.url, 'bob', 'nope-77') } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as Error).message).toContain(`127.0.0.1:${socksLocked.port}`);
    expect((error as Error).message).not.toContain('nope-77');
  });
});
