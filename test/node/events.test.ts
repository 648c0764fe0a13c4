// Event streams in Node beyond the shared suite: through a real proxy, a read timeout that reconnects,
// the events that arrived with a drop, a body that cannot be sent twice, option checks.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConnectionError, ReadTimeoutError, RequestError, Session, type ReconnectInfo, type ServerSentEvent } from 'errand';
import { startProxy, type TestProxy } from '../servers/proxy.ts';
import { collect } from '../shared/events.ts';

const base = inject('httpbinUrl');

describe('event streams in Node: through a proxy', () => {
  let proxy: TestProxy;
  beforeAll(async () => { proxy = await startProxy(); });
  afterAll(() => proxy.close());

  it('every connection, reconnects included, goes through the proxy', async () => {
    const s = new Session({ proxies: { http: proxy.url } });
    // end: 'close' (the proxy package leaves its client waiting when the server drops a response midway).
    const events = await collect(s.events(`${base}/sse/feed`, { params: { total: 4, per: 2, retry: 0, end: 'close' } }));
    expect(events.map((e) => e.id)).toEqual(['1', '2', '3', '4']);
    // Two connections with events, then the one that gets the 204.
    expect(proxy.hits.filter((hit) => hit.target.startsWith(`${base}/sse/feed`)).map((hit) => hit.method)).toEqual(['GET', 'GET', 'GET']);
    await s.close();
  });
});

describe('event streams in Node: timeouts', () => {
  it('a read timeout on a silent stream ends the connection and errand reconnects', async () => {
    const reconnects: ReconnectInfo[] = [];
    const events: ServerSentEvent[] = [];
    for await (const event of new Session().events(`${base}/sse/hold`, { params: { n: 1 }, timeout: { read: 150 }, reconnectDelay: 0, onReconnect: (info) => { reconnects.push(info); } })) {
      events.push(event);
      if (events.length === 2) break;
    }
    expect(events.map((e) => e.data)).toEqual(['event 1', 'event 1']);
    expect(reconnects).toHaveLength(1);
    expect(reconnects[0]!.error).toBeInstanceOf(ReadTimeoutError);
    expect(reconnects[0]!.lastEventId).toBe('1');
  });
});

describe('event streams in Node: a drop that arrives with the last events', () => {
  // A raw server: headers, two whole events and half of a third in one write, then a reset, all before
  // the client reads a byte of the body.
  let server: Server;
  let url: string;
  let dropped: Promise<void>;
  beforeAll(async () => {
    let onDrop!: () => void;
    dropped = new Promise((resolve) => { onDrop = resolve; });
    server = createServer((socket: Socket) => {
      socket.once('data', () => {
        const body = 'id: 1\ndata: one\n\nid: 2\ndata: two\n\nid: 3\ndata: thr';
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n`, () => {
          socket.resetAndDestroy();
          onDrop();
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('delivers the events completed before the drop, then the error', async () => {
    const r = await new Session({ retries: 0 }).get(url, { stream: true });
    await dropped;
    // Let the reset reach the client before the body is read.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const events: string[] = [];
    let error: unknown;
    try {
      for await (const event of r.iterEvents()) events.push(event.data);
    } catch (e) {
      error = e;
    }
    expect(events).toEqual(['one', 'two']);
    expect(error).toBeInstanceOf(ConnectionError);
  });
});

describe('event streams in Node: what cannot be done', () => {
  it('a body that is a one-shot stream cannot be sent again: a reconnect is refused clearly', async () => {
    const data = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(new TextEncoder().encode('{}')); c.close(); } });
    const stream = new Session().events(`${base}/sse/feed`, { method: 'POST', data, params: { total: 4, per: 2, retry: 0 } });
    const got: string[] = [];
    const error = await (async () => {
      try {
        for await (const event of stream) got.push(event.id);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(got).toEqual(['1', '2']);
    expect(error).toBeInstanceOf(RequestError);
    expect(error?.message).toMatch(/cannot reconnect, the request body was a stream.*maxReconnects: 0/);
  });

  it.each([
    [{ maxReconnects: -1 }, /maxReconnects must be an integer >= 0 or Infinity/],
    [{ maxReconnects: 1.5 }, /maxReconnects/],
    [{ reconnectDelay: Number.NaN }, /reconnectDelay must be a finite number/],
    [{ lastEventId: 7 as unknown as string }, /lastEventId must be a string/],
    [{ onReconnect: 'log' as unknown as () => void }, /onReconnect must be a function/],
    [{ timeout: -5 }, /timeout must be a finite number/],
    [{ stream: false, maxReconnects: 0 } as object, null],
  ])('checks its options: %o', async (options, message) => {
    const run = collect(new Session().events(`${base}/sse/echo`, { maxReconnects: 0, ...options }));
    if (message) await expect(run).rejects.toThrow(message);
    else expect(await run).toHaveLength(1);
  });

  it('a session header removed by the call (null) is not sent; Accept can be replaced', async () => {
    const s = new Session({ headers: { 'X-Session': 'yes', Accept: 'application/json' } });
    const [event] = await collect(s.events(`${base}/sse/echo`, { headers: { 'X-Session': null }, maxReconnects: 0, hooks: { request: (r) => { expect(r.headers.has('x-session')).toBe(false); } } }));
    expect(JSON.parse(event!.data).accept).toBe('text/event-stream');
  });
});
