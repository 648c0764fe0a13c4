// The pure parts of s.events(): when to reconnect and after how long, which responses carry a stream,
// which failures a reconnect may mend, the headers of each connection; and iterJSON's line limit.
import { describe, expect, it } from 'vitest';
import {
  ConnectionError, ContentDecodingError, ConnectTimeoutError, HTTPError, PreparedRequest, ReadTimeoutError, RequestError,
  Response, SSLError, TimeoutError,
} from '../../src/core/index.ts';
import { DEFAULT_RECONNECT_MS, STEADY_CONNECTION_MS, checkEventStream, eventStreamHeaders, isReconnectable, isSteady, nextReconnect } from '../../src/core/events.ts';
import { MAX_LINE_CHARS, parseJSONLines } from '../../src/core/json-lines.ts';

function response(status: number, contentType: string | null): Response {
  const request = new PreparedRequest();
  request.url = 'https://api.test/feed?token=secret';
  const headers = contentType === null ? undefined : { 'content-type': contentType };
  return new Response({ status, statusText: '', headers: new Headers(headers), body: null, platform: () => new globalThis.Response(null) }, request, { elapsed: 0 });
}

describe('isSteady', () => {
  it('a connection that brought an event and stayed open a second; not one without an event, nor a short one', () => {
    expect(STEADY_CONNECTION_MS).toBe(1000);
    expect(isSteady({ events: 1, since: 5000, until: 6000 })).toBe(true);
    expect(isSteady({ events: 1, since: 5000, until: 5999 })).toBe(false);
    expect(isSteady({ events: 0, since: 5000, until: 9000 })).toBe(false);
    // No stream began (the request failed): never steady.
    expect(isSteady({ events: 0, since: 0, until: 0 })).toBe(false);
  });
});

describe('nextReconnect', () => {
  it("waits the stream's retry, else the default (3000 ms), and sends the last event ID", () => {
    expect(DEFAULT_RECONNECT_MS).toBe(3000);
    expect(nextReconnect({ lastEventId: '', retry: undefined }, 0, 5)).toEqual({ delay: 3000, lastEventId: '' });
    expect(nextReconnect({ lastEventId: '9', retry: 0 }, 0, 5, 100)).toEqual({ delay: 0, lastEventId: '9' });
    expect(nextReconnect({ lastEventId: '9', retry: undefined }, 0, 5, 100)).toEqual({ delay: 100, lastEventId: '9' });
    // A retry: past what a timer can wait (it would fire at once) waits the longest a timer can.
    expect(nextReconnect({ lastEventId: '', retry: 1e20 }, 0, 5)?.delay).toBe(2 ** 31 - 1);
  });

  it('with maxReconnects: Infinity, waits at least STEADY_CONNECTION_MS after an unsteady connection, whatever retry: says', () => {
    const state = { lastEventId: '', retry: 0 };
    expect(nextReconnect(state, 1e6, Infinity, 0, false)?.delay).toBe(STEADY_CONNECTION_MS);
    expect(nextReconnect(state, 0, Infinity, 0, true)?.delay).toBe(0);
    expect(nextReconnect({ lastEventId: '', retry: 5000 }, 3, Infinity, 0, false)?.delay).toBe(5000);
    // A bounded count is the budget: the server's retry: is kept as it is.
    expect(nextReconnect(state, 3, 5, 0, false)?.delay).toBe(0);
  });

  it('none once maxReconnects reconnects in a row are spent', () => {
    const state = { lastEventId: '', retry: 10 };
    expect(nextReconnect(state, 2, 3)).toBeDefined();
    expect(nextReconnect(state, 3, 3)).toBeUndefined();
    expect(nextReconnect(state, 0, 0)).toBeUndefined();
    expect(nextReconnect(state, 1e6, Infinity)).toBeDefined();
  });
});

describe('checkEventStream', () => {
  it('a 2xx text/event-stream carries a stream; a 204 means stop', () => {
    expect(checkEventStream(response(200, 'text/event-stream'))).toBe(true);
    expect(checkEventStream(response(200, 'Text/Event-Stream; charset=utf-8'))).toBe(true);
    expect(checkEventStream(response(204, null))).toBe(false);
  });

  it('any other status throws (HTTPError from 400), with the URL redacted', () => {
    for (const [status, Class] of [[500, HTTPError], [401, HTTPError], [302, RequestError], [304, RequestError]] as const) {
      let error: Error | undefined;
      try { checkEventStream(response(status, 'text/event-stream')); } catch (e) { error = e as Error; }
      expect(error).toBeInstanceOf(Class);
      if (status < 400) expect(error).not.toBeInstanceOf(HTTPError);
      expect(error!.message).toContain(`answered ${status}`);
      expect(error!.message).not.toContain('secret');
    }
  });

  it('a Content-Type other than text/event-stream throws a RequestError naming it', () => {
    expect(() => checkEventStream(response(200, 'application/json'))).toThrow(/Content-Type application\/json, not text\/event-stream/);
    expect(() => checkEventStream(response(200, null))).toThrow(/Content-Type \(none\)/);
    expect(() => checkEventStream(response(200, 'text/event-streamx'))).toThrow(RequestError);
  });
});

describe('isReconnectable', () => {
  it('a broken or refused connection and timeouts, not TLS, HTTP or decoding errors', () => {
    expect([new ConnectionError('x'), new ConnectTimeoutError('x'), new ReadTimeoutError('x'), new TimeoutError('x')].map(isReconnectable)).toEqual([true, true, true, true]);
    expect([new SSLError('x'), new HTTPError('x'), new ContentDecodingError('x'), new RequestError('x'), new TypeError('x'), 'x'].map(isReconnectable)).toEqual([false, false, false, false, false, false]);
  });
});

describe('eventStreamHeaders', () => {
  it('Accept first, the call\'s headers over it (any case), Last-Event-ID last and UTF-8 encoded', () => {
    expect(eventStreamHeaders(undefined, '')).toEqual({ Accept: 'text/event-stream' });
    expect(eventStreamHeaders({ 'X-A': '1', 'X-B': null }, '7')).toEqual({ Accept: 'text/event-stream', 'X-A': '1', 'X-B': null, 'Last-Event-ID': '7' });
    const ordered = Object.entries(eventStreamHeaders(new Headers({ accept: 'application/x' }), 'é'));
    expect(ordered).toEqual([['Accept', 'text/event-stream'], ['accept', 'application/x'], ['Last-Event-ID', '\u00c3\u00a9']]);
    expect(eventStreamHeaders([['Last-Event-ID', 'mine']], '')).toEqual({ Accept: 'text/event-stream', 'Last-Event-ID': 'mine' });
  });
});

describe('parseJSONLines: limits', () => {
  it('refuses a line that never ends instead of holding it without bound', async () => {
    async function* endless(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('{"a":1}\n"');
      const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
      for (let i = 0; i < 32; i++) yield chunk;
    }
    const values: unknown[] = [];
    let error: Error | undefined;
    try {
      for await (const value of parseJSONLines(endless(), response(200, 'application/x-ndjson'), 'the body')) values.push(value);
    } catch (e) {
      error = e as Error;
    }
    expect(values).toEqual([{ a: 1 }]);
    expect(error).toBeInstanceOf(RequestError);
    expect(error!.message).toBe(`the body: line 2 is longer than ${MAX_LINE_CHARS} characters; stopped reading it`);
  });
});
