// Every call has a budget (DESIGN.md): a server that keeps asking gets the last response or the
// matching error, never another request; and whatever ends a call releases the response it held, at
// once, not at session.close(). Counted from the server's side; nothing is timed.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AuthBase, HTTPDigestAuth, RequestError, Response, TimeoutError, TooManyRedirectsError, type PreparedRequest,
} from 'errand';
import { head, respond, type Behaviour } from '../../servers/behaviours.ts';
import { startRawServer, type RawServer } from '../../servers/raw-server.ts';
import { rejection, withFault } from './_harness.ts';

let server: RawServer;
beforeAll(async () => { server = await startRawServer(); });
afterAll(() => server.close());

const url = (path: string) => `${server.url}${path}`;
const MiB = Buffer.alloc(1024 * 1024, 'x');

/** 401 with a fresh nonce and stale=true, every time: the server that got 27,199 requests for one call. */
const staleForever: Behaviour = (exchange) => {
  const nonce = Math.random().toString(16).slice(2);
  return respond(401, [['WWW-Authenticate', `Digest realm="r", nonce="${nonce}", qop="auth", stale=true`]], 'no')(exchange);
};

describe('the budget of one call', { timeout: 20_000 }, () => {
  it('Digest against a server that answers every attempt 401 stale=true: three requests (challenge, replay, one renewal), then the 401', async () => {
    server.route('/stale-forever', staleForever);
    await withFault(server, {}, async (s) => {
      const r = await s.get(url('/stale-forever'), { auth: new HTTPDigestAuth('u', 'p') });
      expect(r.statusCode).toBe(401);
      expect(server.count('/stale-forever')).toBe(3);
      expect(r.history.map((h) => h.statusCode)).toEqual([401, 401]);
      const sent = server.requests.filter((q) => q.path === '/stale-forever');
      expect(sent.map((q) => q.headers['authorization']?.startsWith('Digest ') ?? false)).toEqual([false, true, true]);
    });
  });

  it('a custom auth whose challenge() always asks again is answered at most twice per hop', async () => {
    class Insistent extends AuthBase {
      apply(request: PreparedRequest) { return request; }
      override challenge(response: Response, request: PreparedRequest) { return response.statusCode === 401 ? request.copy() : undefined; }
    }
    server.route('/always-401', respond(401, [], 'no'));
    await withFault(server, {}, async (s) => {
      const r = await s.get(url('/always-401'), { auth: new Insistent() });
      expect([r.statusCode, server.count('/always-401')]).toEqual([401, 3]);
    });
  });

  it('each redirect hop gets its own two auth replays, and the redirects stop at maxRedirects', async () => {
    let hop = 0;
    server.route('/auth-hop', (exchange) => {
      // 401, 401, then a redirect to a fresh URL of the same path: the loop never ends on its own.
      const seen = server.count('/auth-hop');
      return seen % 3 === 0 ? respond(302, [['Location', `/auth-hop?h=${++hop}`]])(exchange) : staleForever(exchange);
    });
    await withFault(server, {}, async (s) => {
      const error = await rejection(s.get(url('/auth-hop'), { auth: new HTTPDigestAuth('u', 'p'), maxRedirects: 2 }));
      expect(error).toBeInstanceOf(TooManyRedirectsError);
      // Three hops of three requests each (401, replay, renewal → 302 on the third), no more.
      expect(server.count('/auth-hop')).toBe(9);
    });
  });
});

describe('a response is released on every error path of the loop', { timeout: 20_000 }, () => {
  // Each answer carries 1 MiB that nobody reads: held, it keeps the connection (and the server's write)
  // open; withFault fails when a socket is still open after the fault, before session.close().
  const big = (status: number, headers: [string, string][] = []) => respond(status, [...headers, ['Content-Type', 'text/plain']], MiB, { keepAlive: true });

  it('too many redirects: every hop and the last 3xx (kept on the error) are released', async () => {
    server.route('/loop', big(302, [['Location', '/loop']]));
    await withFault(server, {}, async (s) => {
      const error = await rejection(s.get(url('/loop'), { maxRedirects: 2 }));
      expect(error).toBeInstanceOf(TooManyRedirectsError);
      expect(server.count('/loop')).toBe(3);
    });
    expect(server.open).toBe(0);
  });

  it('a response hook that throws: the response is released and the hook\'s error is the call\'s', async () => {
    server.route('/hook-throws', big(200));
    await withFault(server, {}, async (s) => {
      const error = await rejection(s.get(url('/hook-throws'), { hooks: { response: () => { throw new Error('hook failed'); } } }));
      expect(error.message).toBe('hook failed');
    });
    expect(server.open).toBe(0);
  });

  it('a redirect to an unusable Location: the 3xx is released', async () => {
    server.route('/bad-location', big(302, [['Location', 'http://:1/']]));
    await withFault(server, {}, async (s) => {
      expect(await rejection(s.get(url('/bad-location')))).toBeInstanceOf(RequestError);
    });
    expect(server.open).toBe(0);
  });

  it('a response a hook replaces: the one it replaced is released', async () => {
    server.route('/replaced', big(200));
    await withFault(server, {}, async (s) => {
      const r = await s.get(url('/replaced'), {
        hooks: { response: (original) => new Response(new globalThis.Response('instead'), original.request, { elapsed: 0 }) },
      });
      expect(r.text).toBe('instead');
    });
    expect(server.open).toBe(0);
  });
});

describe('stream: true and the total timeout', { timeout: 20_000 }, () => {
  /** Headers and the first bytes of a body that never ends. */
  const endless: Behaviour = ({ write }) => { write(Buffer.concat([head(200, [['Content-Length', '100000']]), Buffer.from('first bytes')])); };

  it('the total deadline covers reading a streamed body: TimeoutError while iterating', async () => {
    server.route('/endless', endless);
    await withFault(server, {}, async (s) => {
      const r = await s.get(url('/endless'), { stream: true, timeout: 300 });
      expect(r.statusCode).toBe(200);
      const error = await rejection((async () => { for await (const _ of r.iterContent()) { /* keep reading */ } })());
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.message).toMatch(/total timeout of 300 ms/);
    });
  });

  it('and read(): TimeoutError instead of waiting for the end', async () => {
    server.route('/endless-read', endless);
    await withFault(server, {}, async (s) => {
      const r = await s.get(url('/endless-read'), { stream: true, timeout: 300 });
      expect(await rejection(r.read())).toBeInstanceOf(TimeoutError);
    });
  });

  // The deadline's timer is unref'd (a body nobody reads must not hold the process), so the harness
  // cannot see it; what shows it was cleared is the call letting go of the caller's signal.
  const watchedSignal = () => {
    const controller = new AbortController();
    return { signal: controller.signal, released: vi.spyOn(controller.signal, 'removeEventListener') };
  };

  it('a streamed body read in time ends the deadline: the call lets go of the signal only then', async () => {
    server.route('/quick-stream', respond(200, [], 'all of it', { keepAlive: true }));
    await withFault(server, {}, async (s) => {
      const { signal, released } = watchedSignal();
      const r = await s.get(url('/quick-stream'), { stream: true, timeout: 60_000, signal });
      expect(released).not.toHaveBeenCalled();
      expect((await r.read()).text).toBe('all of it');
      expect(released).toHaveBeenCalledWith('abort', expect.any(Function));
    }, { checkAfterFault: false });
  });

  it('a streamed body closed unread ends the deadline too', async () => {
    server.route('/closed-stream', respond(200, [], MiB, { keepAlive: true }));
    await withFault(server, {}, async (s) => {
      const { signal, released } = watchedSignal();
      const r = await s.get(url('/closed-stream'), { stream: true, timeout: 60_000, signal });
      expect(released).not.toHaveBeenCalled();
      await r.close();
      expect(released).toHaveBeenCalledWith('abort', expect.any(Function));
    });
  });
});
