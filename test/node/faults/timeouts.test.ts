// Headers that never finish and bodies that trickle, against connect/read/total timeouts. Only the
// error class and what the server saw are asserted, never how long anything took.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectTimeoutError, ReadTimeoutError, TimeoutError } from 'errand';
import { head, stall, trickle } from '../../servers/behaviours.ts';
import { startRawServer, type RawServer } from '../../servers/raw-server.ts';
import { startBlackhole } from '../transport/_server.ts';
import { rejection, withFault } from './_harness.ts';

let server: RawServer;
beforeAll(async () => { server = await startRawServer(); });
afterAll(() => server.close());

const url = (path: string) => `${server.url}${path}`;
/** A status line and one header, and then nothing: the headers never finish. */
const unfinishedHeaders = stall('HTTP/1.1 200 OK\r\nX-Started: yes\r\n');

describe('headers that never finish', { timeout: 20_000 }, () => {
  it('timeout: { read: 200 } → ReadTimeoutError naming the headers; not retried with retries: 0', async () => {
    server.route('/never-read', unfinishedHeaders);
    await withFault(server, { retries: 0 }, async (s) => {
      const error = await rejection(s.get(url('/never-read'), { timeout: { read: 200 } }));
      expect(error).toBeInstanceOf(ReadTimeoutError);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.message).toMatch(/headers/);
      expect(server.count('/never-read')).toBe(1);
    });
  });

  // DESIGN.md "Retries, precisely": a read timeout counts against `read`, 0 by default, so a user who
  // asks for a 200 ms read timeout hears back after one, not after every retry's worth of them.
  it('a read timeout is not retried by default: one request, and the error says nothing of attempts', async () => {
    server.route('/never-read-once', unfinishedHeaders);
    await withFault(server, {}, async (s) => {
      const error = await rejection(s.get(url('/never-read-once'), { timeout: { read: 200 } }));
      expect(error).toBeInstanceOf(ReadTimeoutError);
      expect(error.message).not.toMatch(/attempts/);
      expect(server.count('/never-read-once')).toBe(1);
    });
  });

  it('with retries.read a read timeout is retried for a GET (and never for a POST); the error says how many attempts', async () => {
    server.route('/never-read-retried', unfinishedHeaders);
    await withFault(server, { retries: { read: 1, backoffFactor: 0, backoffJitter: 0 } }, async (s) => {
      const error = await rejection(s.get(url('/never-read-retried'), { timeout: { read: 200 } }));
      expect(error).toBeInstanceOf(ReadTimeoutError);
      expect(error.message).toMatch(/\(2 attempts\)$/);
      expect(server.count('/never-read-retried')).toBe(2);
      server.route('/never-read-retried', unfinishedHeaders);
      expect(await rejection(s.post(url('/never-read-retried'), { data: 'x', timeout: { read: 200 } }))).toBeInstanceOf(ReadTimeoutError);
      expect(server.count('/never-read-retried')).toBe(1);
    });
  });

  it('timeout: 300 (total) → TimeoutError that is neither a read nor a connect timeout, and says total', async () => {
    server.route('/never-total', unfinishedHeaders);
    await withFault(server, {}, async (s) => {
      const error = await rejection(s.get(url('/never-total'), { timeout: 300 }));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).not.toBeInstanceOf(ReadTimeoutError);
      expect(error).not.toBeInstanceOf(ConnectTimeoutError);
      expect(error.message).toMatch(/total timeout of 300 ms/);
    });
  });

  it('a connect timeout does not fire once connected: headers that never finish end at the total timeout', async () => {
    server.route('/never-connected', unfinishedHeaders);
    await withFault(server, {}, async (s) => {
      const error = await rejection(s.get(url('/never-connected'), { timeout: { connect: 100, total: 500 } }));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).not.toBeInstanceOf(ConnectTimeoutError);
    });
  });

  it('a session-level read timeout applies to its requests', async () => {
    server.route('/never-session', unfinishedHeaders);
    await withFault(server, { timeout: { read: 200 }, retries: 0 }, async (s) => {
      expect(await rejection(s.get(url('/never-session')))).toBeInstanceOf(ReadTimeoutError);
    });
  });
});

describe('a connection that is never accepted', { timeout: 20_000 }, () => {
  let blackhole: Awaited<ReturnType<typeof startBlackhole>>;
  beforeAll(async () => { blackhole = await startBlackhole(); });
  afterAll(() => blackhole.close());

  it('timeout: { connect: 150 } → ConnectTimeoutError; the session then works against a healthy server', async () => {
    await withFault(server, { retries: 0 }, async (s) => {
      const error = await rejection(s.get(`${blackhole.url}/`, { timeout: { connect: 150 } }));
      expect(error).toBeInstanceOf(ConnectTimeoutError);
      expect(error).toBeInstanceOf(TimeoutError);
    });
  });
});

describe('a body that trickles', { timeout: 20_000 }, () => {
  const bytes = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26)));

  it('one byte every 50 ms, with a read timeout of 300 ms: the gaps stay within it, so it succeeds', async () => {
    server.route('/trickle-ok', trickle(head(200, [['Content-Length', '12']]), bytes(12), 50));
    await withFault(server, { retries: 0 }, async (s) => {
      const r = await s.get(url('/trickle-ok'), { timeout: { read: 300 } });
      expect(r.text).toBe('abcdefghijkl');
    });
  });

  it('the same trickle with a total timeout shorter than the whole body → TimeoutError (total bounds the body too)', async () => {
    server.route('/trickle-total', trickle(head(200, [['Content-Length', '40']]), bytes(40), 50));
    await withFault(server, { retries: 0 }, async (s) => {
      const error = await rejection(s.get(url('/trickle-total'), { timeout: { read: 300, total: 500 } }));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).not.toBeInstanceOf(ReadTimeoutError);
      expect(error.message).toMatch(/total/);
    });
  });

  // undici's headers/body timers have ~0.5–1 s resolution (lib/util/timers.js "fast timers"), so a
  // read timeout of 200 ms lets gaps of ~500 ms through; the gap here is far beyond that.
  it('a gap between bytes longer than the read timeout → ReadTimeoutError naming the body, not retried', async () => {
    server.route('/trickle-gap', trickle(head(200, [['Content-Length', '3']]), ['a', 'b', 'c'], 2500));
    await withFault(server, {}, async (s) => {
      const error = await rejection(s.get(url('/trickle-gap'), { timeout: { read: 200 } }));
      expect(error).toBeInstanceOf(ReadTimeoutError);
      expect(error.message).toMatch(/body/);
      expect((error.response as { statusCode: number }).statusCode).toBe(200);
      expect(server.count('/trickle-gap')).toBe(1);
    });
  });

  it('with stream: true, a gap beyond the read timeout fails the read() of the body', async () => {
    server.route('/trickle-stream', trickle(head(200, [['Content-Length', '3']]), ['a', 'b', 'c'], 2500));
    await withFault(server, { retries: 0 }, async (s) => {
      const r = await s.get(url('/trickle-stream'), { timeout: { read: 200 }, stream: true });
      expect(await rejection(r.read())).toBeInstanceOf(ReadTimeoutError);
    });
  });

  it('an abort signal ends a trickle at once, with its reason, and leaves nothing open', async () => {
    server.route('/trickle-abort', trickle(head(200, [['Content-Length', '100']]), bytes(100), 50));
    await withFault(server, { retries: 0 }, async (s) => {
      const controller = new AbortController();
      const pending = s.get(url('/trickle-abort'), { signal: controller.signal });
      setTimeout(() => controller.abort(new Error('enough')), 200);
      expect((await rejection(pending)).message).toBe('enough');
    });
  });
});
