// r.timings in Node, against loopback servers: which moments and phases a hop has, and in what order.
// Only presence and order are asserted, never how long anything took (that is the bench's business).
import net, { type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Response, type Timings } from 'errand';
import { startServer, type TestServer } from '../transport/_server.ts';
import { startProxy, type TestProxy } from '../../servers/proxy.ts';
import { startSocks, type TestSocks } from '../../servers/socks.ts';
import { trackedSessions } from '../tracked-sessions.ts';

const httpbinAlt = inject('httpbinAltUrl'); // http://localhost:PORT: a name to look up
const httpsAlt = inject('httpsAltUrl'); // https://localhost:PORT
const ca = inject('caCertPem');
const session = trackedSessions({ verify: ca, retries: 0 });

const MOMENTS = ['start', 'socket', 'lookup', 'connect', 'secureConnect', 'upload', 'response', 'end'] as const;
const PHASES = ['wait', 'dns', 'tcp', 'tls', 'request', 'firstByte', 'download', 'total'] as const;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const withHost = (url: string, host: string) => url.replace('127.0.0.1', host);

/** The moments that are set, in the order got lists them; each must come after the one before. */
function expectInOrder(t: Timings): void {
  const set = MOMENTS.map((name) => [name, t[name]] as const).filter(([, at]) => at !== undefined);
  for (let i = 1; i < set.length; i++) expect(set[i]![1], `${set[i]![0]} after ${set[i - 1]![0]}`).toBeGreaterThan(set[i - 1]![1]!);
}

function expectPhases(t: Timings, present: readonly (typeof PHASES)[number][]): void {
  for (const phase of PHASES) {
    if (present.includes(phase)) expect(t.phases[phase], phase).toBeGreaterThan(0);
    else expect(t.phases[phase], phase).toBeUndefined();
  }
}

describe.each([
  { scheme: 'http', base: () => httpbinAlt, tls: false },
  { scheme: 'https', base: () => httpsAlt, tls: true },
])('timings against a local $scheme server', ({ base, tls }) => {
  it('a first request has every phase, positive and in order', async () => {
    const r = await session().get(`${base()}/get`);
    const t = r.timings;
    expectInOrder(t);
    expectPhases(t, ['wait', 'dns', 'tcp', ...(tls ? ['tls' as const] : []), 'request', 'firstByte', 'download', 'total']);
    for (const moment of MOMENTS) expect(t[moment] === undefined, moment).toBe(moment === 'secureConnect' && !tls);
    // Epoch milliseconds, like Date.now() (got's), from the same clock as performance.now().
    expect(t.start).toBeGreaterThan(performance.timeOrigin);
    expect(t.phases.total).toBeCloseTo(t.end! - t.start!, 2);
    expect(t.phases.firstByte).toBeCloseTo(t.response! - t.upload!, 2);
  });

  it('an IP address needs no lookup: dns is 0', async () => {
    const r = await session().get(`${base().replace('localhost', '127.0.0.1')}/get`);
    expect(r.timings.lookup).toBe(r.timings.socket);
    expect(r.timings.phases.dns).toBe(0);
    expect(r.timings.phases.tcp).toBeGreaterThan(0);
  });

  it('a second request on the same socket has no dns, tcp or tls', async () => {
    const s = session();
    await s.get(`${base()}/get`);
    await nextTurn(); // the socket is back in the pool
    const r = await s.get(`${base()}/get`);
    const t = r.timings;
    expectInOrder(t);
    expect([t.lookup, t.connect, t.secureConnect]).toEqual([undefined, undefined, undefined]);
    expectPhases(t, ['wait', 'request', 'firstByte', 'download', 'total']);
  });
});

describe('timings through a proxy: the connection is the one to the proxy', () => {
  let proxy: TestProxy;
  let socks: TestSocks;
  beforeAll(async () => {
    [proxy, socks] = await Promise.all([startProxy(), startSocks()]);
  });
  afterAll(() => Promise.all([proxy.close(), socks.close()]));

  it('an http:// request forwarded by an HTTP proxy: dns and tcp of the proxy, no tls', async () => {
    const s = session({ proxies: { http: withHost(proxy.url, 'localhost') } });
    const r = await s.get(`${httpbinAlt}/get`);
    expect(proxy.hits.at(-1)).toMatchObject({ method: 'GET', target: `${httpbinAlt}/get` });
    expectInOrder(r.timings);
    expectPhases(r.timings, ['wait', 'dns', 'tcp', 'request', 'firstByte', 'download', 'total']);
    await nextTurn();
    const again = await s.get(`${httpbinAlt}/get`);
    expectPhases(again.timings, ['wait', 'request', 'firstByte', 'download', 'total']);
  });

  it('an https:// request through a CONNECT tunnel: tls counts the tunnel and the handshake with the server', async () => {
    const s = session({ proxies: { https: withHost(proxy.url, 'localhost') } });
    const r = await s.get(`${httpsAlt}/get`);
    expect(proxy.hits.at(-1)).toMatchObject({ method: 'CONNECT', target: new URL(httpsAlt).host });
    expectInOrder(r.timings);
    expectPhases(r.timings, ['wait', 'dns', 'tcp', 'tls', 'request', 'firstByte', 'download', 'total']);
    await nextTurn();
    const again = await s.get(`${httpsAlt}/get`);
    expect(proxy.hits.filter((hit) => hit.method === 'CONNECT')).toHaveLength(1);
    expectPhases(again.timings, ['wait', 'request', 'firstByte', 'download', 'total']);
  });

  it('an https:// request through SOCKS5: tls counts the SOCKS handshake and the one with the server', async () => {
    const r = await session({ proxies: { https: withHost(socks.url, 'localhost') } }).get(`${httpsAlt}/get`);
    expect(socks.hits).toHaveLength(1);
    expectInOrder(r.timings);
    expectPhases(r.timings, ['wait', 'dns', 'tcp', 'tls', 'request', 'firstByte', 'download', 'total']);
  });
});

describe('timings after a connect timeout', () => {
  // A TCP relay to the HTTPS httpbin that leaves the first connection hanging: its TLS handshake never
  // starts, so the first attempt ends in a connect timeout and the retry gets through.
  let relay: net.Server;
  let port: number;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    let first = true;
    const target = Number(new URL(httpsAlt).port);
    relay = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      if (first) { first = false; return; }
      const upstream = net.connect(target, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    port = (relay.address() as AddressInfo).port;
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    relay.close();
  });

  it('the response has the timings of the attempt that got through, a new connection of its own', async () => {
    let retriedAt: number | undefined;
    const r = await session({ retries: { connect: 1, backoffFactor: 0, backoffJitter: 0 } }).get(`https://localhost:${port}/get`, {
      timeout: { connect: 300 },
      hooks: { retry: () => { retriedAt = performance.timeOrigin + performance.now(); } },
    });
    expect(r.retries).toBe(1);
    expect(r.timings.start).toBeGreaterThan(retriedAt!);
    expectInOrder(r.timings);
    expectPhases(r.timings, ['wait', 'dns', 'tcp', 'tls', 'request', 'firstByte', 'download', 'total']);
  });
});

describe('timings per hop and per body', () => {
  let slow: TestServer;
  const waiting: (() => void)[] = [];
  beforeAll(async () => {
    slow = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk\n');
      // The rest waits until the test lets it go.
      waiting.push(() => res.end('last chunk\n'));
    });
  });
  afterAll(() => slow.close());

  it('each response in history has its own timings, one after the other', async () => {
    const r = await session().get(`${httpbinAlt}/redirect/2`);
    const hops = [...r.history, r];
    expect(hops).toHaveLength(3);
    for (const hop of hops) {
      expectInOrder(hop.timings);
      expect(hop.timings.phases.firstByte, hop.url).toBeGreaterThan(0);
    }
    for (let i = 1; i < hops.length; i++) expect(hops[i]!.timings.start).toBeGreaterThan(hops[i - 1]!.timings.response!);
    // The first hop opened the connection; the final one read its body.
    expect(hops[0]!.timings.phases.tcp).toBeGreaterThan(0);
    expect(r.timings.phases.total).toBeGreaterThan(0);
  });

  it('a streamed body: end is set once it has been read, not before', async () => {
    const r = await session().get(`${withHost(slow.url, 'localhost')}/stream`, { stream: true });
    expect(r.timings.response).toBeDefined();
    expect(r.timings.end).toBeUndefined();
    expect(r.timings.phases.download).toBeUndefined();
    expect(r.timings.phases.total).toBeUndefined();
    const chunks: string[] = [];
    for await (const chunk of r.iterContent()) {
      chunks.push(new TextDecoder().decode(chunk));
      expect(r.timings.end).toBeUndefined();
      waiting.shift()?.();
    }
    expect(chunks.join('')).toBe('first chunk\nlast chunk\n');
    expectInOrder(r.timings);
    expect(r.timings.phases.download).toBeGreaterThan(0);
  });

  it('a streamed body read with read() sets end too', async () => {
    const r = await session().get(`${withHost(slow.url, 'localhost')}/stream`, { stream: true });
    expect(r.timings.end).toBeUndefined();
    setImmediate(() => waiting.shift()?.());
    await r.read();
    expect(r.text).toBe('first chunk\nlast chunk\n');
    expect(r.timings.end).toBeGreaterThan(r.timings.response!);
  });

  it('a streamed upload: upload is when the last byte of the body was written', async () => {
    async function* body() {
      yield new TextEncoder().encode('a');
      await new Promise((resolve) => setTimeout(resolve, 20));
      yield new TextEncoder().encode('b');
    }
    const r = await session().post(`${httpbinAlt}/post`, { data: body() });
    expect(r.json<{ data: string }>().data).toBe('ab');
    expectInOrder(r.timings);
    expect(r.timings.phases.request).toBeGreaterThan(0);
  });

  it('a HEAD (no body to read) has an end', async () => {
    const r = await session().head(`${httpbinAlt}/get`);
    expectInOrder(r.timings);
    expect(r.timings.phases.download).toBeGreaterThan(0);
  });

  it('a Response made by hand (a hook) measured nothing: every field is undefined', () => {
    const t = new Response(new globalThis.Response('x'), undefined as never, { elapsed: 0 }).timings;
    for (const moment of MOMENTS) expect(t[moment]).toBeUndefined();
    for (const phase of PHASES) expect(t.phases[phase]).toBeUndefined();
  });
});
