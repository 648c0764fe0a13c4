// Event streams against the httpbin's streaming routes (test/servers/httpbin-routes-sse.ts):
// r.iterEvents(), r.iterJSON(), and s.events() reconnecting, in every runtime that runs the suites.
import { describe, expect, it } from 'vitest';
import { REFUSED_URL, b64, type Errand, type SuiteEnv } from './env.ts';

type ServerSentEvent = { event: string; data: string; id: string; retry: number | undefined };
type ReconnectInfo = { attempt: number; delay: number; lastEventId: string; error?: unknown };
/** What /sse/feed and /sse/echo put in each event's data: what that connection was asked with. */
type Seen = { n?: number; method: string; lastEventId: string | null; accept: string | null; authorization: string | null; cookie: string | null; contentType: string | null; body: string };

/** The items of an async iterable, stopping (and so closing it) after `max`. */
export async function collect<T>(iterable: AsyncIterable<T>, max = 100): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}

async function failure(iterable: AsyncIterable<unknown>): Promise<Error & { response?: any }> {
  try {
    for await (const _ of iterable) { /* drain */ }
  } catch (error) {
    return error as Error;
  }
  expect.fail('expected the stream to throw, but it ended');
}

const key = () => `k${Math.random().toString(36).slice(2)}${Date.now()}`;
/** The raw-bytes route: each chunk written apart, so the client is likely to get them apart. */
const raw = (base: string, chunks: (string | number[])[], ct = 'text/event-stream') => {
  const params = new URLSearchParams({ ct });
  for (const chunk of chunks) params.append('chunk', b64(typeof chunk === 'string' ? chunk : new Uint8Array(chunk)));
  return `${base}/stream-raw?${params}`;
};

export function eventsSuite(errand: Errand, env: SuiteEnv): void {
  const { base } = env;
  /** Waits until the server's record of a keyed connection satisfies `ok` (polling, no time asserted). */
  type Connection = { closed: boolean; written: number; blocked: boolean; done: boolean };
  async function until(id: string, ok: (seen: Connection) => boolean): Promise<Connection> {
    for (let i = 0; i < 200; i++) {
      const seen = (await errand.get(`${base}/sse/seen/${id}`)).json<Connection | null>();
      if (seen && ok(seen)) return seen;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect.fail(`the server never saw the expected state of connection ${id}`);
  }

  describe('event streams: r.iterEvents()', () => {
    it('reads a stream: true response as events, as they arrive', async () => {
      const r = await errand.get(`${base}/sse/feed`, { params: { total: 3, per: 3 }, stream: true });
      const events = await collect(r.iterEvents());
      expect(events.map((e) => [e.event, e.id, (JSON.parse(e.data) as Seen).n])).toEqual([['tick', '1', 1], ['tick', '2', 2], ['tick', '3', 3]]);
    });

    it('decodes UTF-8 split across network chunks, CRLF split between them, and a BOM', async () => {
      const r = await errand.get(raw(base, [[0xef, 0xbb], [0xbf, 0x64], 'ata: h', [0xc3], [0xa9, 0x6c], 'lo\r', '\ndata: 😀\r\n', '\r\nid: x\n'], 'text/event-stream; charset=iso-8859-1'), { stream: true });
      expect(await collect(r.iterEvents())).toEqual([{ event: 'message', data: 'héllo\n😀', id: '', retry: undefined }]);
    });
  });

  describe('event streams: mocked', () => {
    // errand calls globalThis.fetch at request time (the Node transport follows a replaced one), so a
    // mock that answers with a text/event-stream body is all an event stream needs: msw's handlers do this.
    it('a patched globalThis.fetch answering text/event-stream mocks a stream', async () => {
      const original = globalThis.fetch;
      const seen: string[] = [];
      globalThis.fetch = (async (input: RequestInfo | URL) => {
        seen.push(String(input instanceof Request ? input.url : input));
        return new Response('id: 1\ndata: mocked\n\n', { headers: { 'Content-Type': 'text/event-stream' } });
      }) as typeof fetch;
      try {
        const s = new errand.Session();
        const events = await collect(s.events(`${base}/not-a-stream`, { maxReconnects: 0 }), 1);
        expect(events.map((e) => [e.id, e.data])).toEqual([['1', 'mocked']]);
        expect(seen).toEqual([`${base}/not-a-stream`]);
      } finally {
        globalThis.fetch = original;
      }
    });
  });

  describe('event streams: r.iterJSON()', () => {
    it('yields one value per line, skipping blank lines, with lines split across chunks', async () => {
      const r = await errand.get(raw(base, ['{"a":1}\n\n  \r\n[1,', '2]\r\n"t', 'ext é"\n', '3'], 'application/x-ndjson'), { stream: true });
      expect(await collect(r.iterJSON())).toEqual([{ a: 1 }, [1, 2], 'text é', 3]);
    });

    it('a line that is not JSON → JSONDecodeError with its line number and none of its text', async () => {
      const r = await errand.get(raw(base, ['{"ok":true}\n\n{"token":"sk-secret-123"', '\n'], 'application/x-ndjson'), { stream: true });
      const seen: unknown[] = [];
      const error = await failure((async function* () { for await (const v of r.iterJSON()) { seen.push(v); yield v; } })());
      expect(error).toBeInstanceOf(errand.JSONDecodeError);
      expect(error.message).toMatch(/line 3 is not valid JSON/);
      expect(error.message).not.toContain('sk-secret');
      expect(String((error as { cause?: unknown }).cause ?? '')).not.toContain('sk-secret');
      expect(error.response?.statusCode).toBe(200);
      expect(seen).toEqual([{ ok: true }]);
    });
  });

  describe('event streams: s.events() reconnects', () => {
    it('after a drop mid-event: waits the server\'s retry, sends Last-Event-ID, never delivers the split event', async () => {
      const s = new errand.Session();
      const reconnects: ReconnectInfo[] = [];
      const events = await collect(s.events(`${base}/sse/feed`, { params: { total: 6, per: 2, retry: 7, end: 'drop', linger: 100 }, onReconnect: (info) => { reconnects.push(info); } }));
      const data = events.map((e) => JSON.parse(e.data) as Seen);
      expect(data.map((d) => d.n)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(data.map((d) => d.lastEventId)).toEqual([null, null, '2', '2', '4', '4']);
      expect(events.map((e) => e.id)).toEqual(['1', '2', '3', '4', '5', '6']);
      expect(events.every((e) => !e.data.includes('half'))).toBe(true);
      // Two drops (errors), one clean end after the last event; the next connection gets a 204 and ends it.
      expect(reconnects.map((r) => [r.attempt, r.delay, r.lastEventId])).toEqual([[1, 7, '2'], [2, 7, '4'], [3, 7, '6']]);
      expect(reconnects.map((r) => (r.error as Error | undefined)?.name)).toEqual(['ConnectionError', 'ConnectionError', undefined]);
      await s.close();
    });

    it('after a clean end mid-event: the unfinished event is dropped and asked for again', async () => {
      const reconnects: ReconnectInfo[] = [];
      const events = await collect(new errand.Session().events(`${base}/sse/feed`, { params: { total: 4, per: 2, retry: 0, end: 'close' }, onReconnect: (info) => { reconnects.push(info); } }));
      expect(events.map((e) => (JSON.parse(e.data) as Seen).n)).toEqual([1, 2, 3, 4]);
      expect(reconnects.map((r) => [r.delay, r.lastEventId, r.error])).toEqual([[0, '2', undefined], [0, '4', undefined]]);
    });

    it('waits 3000 ms by default (reconnectDelay) until the server sends retry:', async () => {
      const controller = new AbortController();
      const delays: number[] = [];
      const events = await collect(new errand.Session().events(`${base}/sse/feed`, {
        params: { total: 4, per: 2, linger: 100 }, signal: controller.signal,
        onReconnect: (info) => { delays.push(info.delay); controller.abort(); },
      }));
      expect(events).toHaveLength(2);
      expect(delays).toEqual([3000]);
    });

    it('POST with a JSON body and a Bearer token, streaming tokens back (LLM style), until [DONE]', async () => {
      const s = new errand.Session({ auth: new errand.BearerAuth('tok-1234567') });
      let text = '';
      let chunks = 0;
      for await (const event of s.events(`${base}/sse/chat`, { method: 'POST', json: { prompt: 'the quick  brown fox' }, maxReconnects: 0 })) {
        if (event.data === '[DONE]') break;
        const chunk = JSON.parse(event.data) as { token: number; choices: { delta: { content: string } }[] };
        expect(chunk.token).toBe('tok-1234567'.length);
        text += chunk.choices[0]!.delta.content;
        chunks++;
      }
      expect(text).toBe('the quick brown fox');
      expect(chunks).toBe(4);
    });

    it('sends Accept: text/event-stream, the call\'s headers, and lastEventId UTF-8 encoded', async () => {
      const [event] = await collect(new errand.Session().events(`${base}/sse/echo`, { headers: { 'X-Feed': 'news' }, lastEventId: 'é-1', maxReconnects: 0 }));
      const seen = JSON.parse(event!.data) as Seen;
      expect(seen.accept).toBe('text/event-stream');
      // The server reads header bytes as Latin-1: 'é' went as its two UTF-8 bytes.
      expect(new TextDecoder().decode(Uint8Array.from(seen.lastEventId!, (c) => c.charCodeAt(0)))).toBe('é-1');
      const [other] = await collect(new errand.Session().events(`${base}/sse/echo`, { headers: { accept: 'text/event-stream, */*;q=0.1' }, maxReconnects: 0 }));
      expect((JSON.parse(other!.data) as Seen).accept).toBe('text/event-stream, */*;q=0.1');
    });

    it.skipIf(env.runtime === 'browser')('cookies a connection set are sent on the next (the session\'s jar)', async () => {
      const events = await collect(new errand.Session().events(`${base}/sse/feed`, { params: { total: 2, per: 1, retry: 0, cookie: 1, linger: 100 } }));
      expect(events.map((e) => (JSON.parse(e.data) as Seen).cookie)).toEqual([null, 'feed=0']);
    });

    it('a 401, then Digest auth, then the stream', async () => {
      const [event] = await collect(new errand.Session().events(`${base}/sse/digest-auth/auth/user/pass/SHA-256`, { auth: new errand.HTTPDigestAuth('user', 'pass'), maxReconnects: 0 }));
      expect((JSON.parse(event!.data) as Seen).authorization).toMatch(/^Digest /);
    });

    it('each connection is an ordinary call: hooks see each, the stream is retried by the retry policy', async () => {
      const sent: string[] = [];
      const retried: number[] = [];
      const s = new errand.Session({ hooks: { request: (r) => { sent.push(r.headers.get('last-event-id') ?? '-'); }, retry: (info) => { retried.push(info.response?.statusCode ?? 0); } } });
      await collect(s.events(`${base}/sse/feed`, { params: { total: 2, per: 1, retry: 0, linger: 100 } }));
      expect(sent).toEqual(['-', '1', '2']);
      const error = await failure(s.events(`${base}/status/503`, { retries: { total: 1, backoffFactor: 0, backoffJitter: 0 } }));
      expect(error).toBeInstanceOf(errand.HTTPError);
      expect(retried).toEqual([503]);
    });
  });

  describe('event streams: s.events() stops', () => {
    it('with HTTPError on a non-2xx status, without reconnecting', async () => {
      const reconnects: unknown[] = [];
      const error = await failure(new errand.Session().events(`${base}/status/404`, { onReconnect: (info) => { reconnects.push(info); } }));
      expect(error).toBeInstanceOf(errand.HTTPError);
      expect(error.message).toMatch(/answered 404.*does not reconnect/);
      expect(error.response?.statusCode).toBe(404);
      expect(reconnects).toEqual([]);
    });

    it('with a RequestError on a Content-Type other than text/event-stream', async () => {
      const error = await failure(new errand.Session().events(`${base}/get`));
      expect(error).toBeInstanceOf(errand.RequestError);
      expect(error).not.toBeInstanceOf(errand.HTTPError);
      expect(error.message).toMatch(/Content-Type application\/json, not text\/event-stream/);
    });

    it('quietly on HTTP 204', async () => {
      const reconnects: unknown[] = [];
      expect(await collect(new errand.Session().events(`${base}/status/204`, { onReconnect: (info) => { reconnects.push(info); } }))).toEqual([]);
      expect(reconnects).toEqual([]);
    });

    it('quietly when maxReconnects reconnects in a row brought no event', async () => {
      let connections = 0;
      const attempts: number[] = [];
      const events = await collect(new errand.Session().events(raw(base, [': nothing here\n\n']), {
        maxReconnects: 2, reconnectDelay: 0, hooks: { request: () => { connections++; } }, onReconnect: (info) => { attempts.push(info.attempt); },
      }));
      expect(events).toEqual([]);
      expect(attempts).toEqual([1, 2]);
      expect(connections).toBe(3);
    });

    it('not while each connection is steady (an event, open a second): maxReconnects counts reconnects in a row after unsteady ones', async () => {
      // Each connection sends one event, then stays open 1.1 s before its drop: steady, so every reconnect is free.
      const events = await collect(new errand.Session().events(`${base}/sse/feed`, { params: { total: 3, per: 1, retry: 0, linger: 1100 }, maxReconnects: 1 }));
      expect(events.map((e) => e.id)).toEqual(['1', '2', '3']);
    });

    it('within its budget against a server that sends one event per connection and retry: 0 (maxReconnects in a row)', async () => {
      // Events alone do not free a reconnect: a connection that hangs up at once is not steady, so this
      // server, which would be reconnected to hundreds of times a second, gets 1 + maxReconnects requests.
      let connections = 0;
      const events = await collect(new errand.Session().events(`${base}/sse/feed`, {
        params: { total: 50, per: 1, retry: 0, end: 'close' }, maxReconnects: 2, hooks: { request: () => { connections++; } },
      }));
      expect(events.map((e) => e.id)).toEqual(['1', '2', '3']);
      expect(connections).toBe(3);
    });

    it('never, with maxReconnects: Infinity, but then a reconnect after an unsteady connection waits a second, whatever retry: says', async () => {
      const delays: number[] = [];
      const events = await collect(new errand.Session().events(`${base}/sse/feed`, {
        params: { total: 50, per: 1, retry: 0, end: 'close' }, maxReconnects: Infinity, onReconnect: (info) => { delays.push(info.delay); },
      }), 3);
      expect(events.map((e) => e.id)).toEqual(['1', '2', '3']);
      expect(delays).toEqual([1000, 1000]);
    });

    it('with the last failure when the reconnects are spent on failures', async () => {
      const errors: string[] = [];
      const error = await failure(new errand.Session().events(REFUSED_URL, { retries: 0, maxReconnects: 1, reconnectDelay: 0, onReconnect: (info) => { errors.push((info.error as Error).name); } }));
      expect(error).toBeInstanceOf(errand.ConnectionError);
      expect(errors).toEqual(['ConnectionError']);
    });

    it('quietly when the signal aborts mid-stream, and the server sees the connection close', async () => {
      const id = key();
      const controller = new AbortController();
      const got: string[] = [];
      for await (const event of new errand.Session().events(`${base}/sse/hold`, { params: { n: 2, key: id }, signal: controller.signal })) {
        got.push(event.data);
        if (got.length === 2) controller.abort();
      }
      expect(got).toEqual(['event 1', 'event 2']);
      expect((await until(id, (seen) => seen.closed)).closed).toBe(true);
    });

    it('breaking out of the loop closes the connection at once (the server sees it close)', async () => {
      const id = key();
      for await (const event of new errand.Session().events(`${base}/sse/hold`, { params: { n: 3, key: id } })) {
        expect(event.data).toBe('event 1');
        break;
      }
      expect((await until(id, (seen) => seen.closed)).closed).toBe(true);
    });

    it('a total timeout bounds each connection until its headers, not the stream', async () => {
      const reconnects: ReconnectInfo[] = [];
      const controller = new AbortController();
      const got: string[] = [];
      for await (const event of new errand.Session({ timeout: 300 }).events(`${base}/sse/hold`, { params: { n: 1 }, signal: controller.signal, onReconnect: (info) => { reconnects.push(info); } })) {
        got.push(event.data);
        // Outlive the timeout on an open stream, then stop.
        setTimeout(() => controller.abort(), 600);
      }
      expect(got).toEqual(['event 1']);
      expect(reconnects).toEqual([]);
      const error = await failure(new errand.Session().events(`${base}/delay/2`, { timeout: 100, maxReconnects: 0 }));
      expect(error).toBeInstanceOf(errand.TimeoutError);
      expect(error.message).toMatch(/no response headers within the total timeout of 100 ms/);
    });
  });

  describe('event streams: back-pressure', () => {
    it('a consumer that stops reading stops the server writing: nothing is read ahead without bound', async () => {
      const id = key();
      // 96 MiB of events on offer; the client takes one and pauses.
      const stream = new errand.Session().events(`${base}/sse/flood`, { params: { key: id, events: 98304, size: 1024 } });
      for await (const event of stream) {
        expect(event.id).toBe('1');
        const seen = await until(id, (s) => s.blocked);
        expect(seen.done).toBe(false);
        expect(seen.written).toBeLessThan(32 * 1024 * 1024);
        break;
      }
      expect((await until(id, (s) => s.closed)).closed).toBe(true);
    });
  });
}
