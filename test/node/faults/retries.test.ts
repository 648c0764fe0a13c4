// The retry policy against a real misbehaving server: Retry-After (seconds and HTTP-date), methods,
// one-shot bodies, redirects, the total timeout, the retry hook and r.retries. What the server saw
// is counted; delays are read from the retry hook (what errand was about to wait), never timed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, TimeoutError, type RetryInfo } from 'errand';
import { resetAfter, respond } from '../../servers/behaviours.ts';
import { startRawServer, type RawServer } from '../../servers/raw-server.ts';
import { rejection, withFault } from './_harness.ts';

let server: RawServer;
beforeAll(async () => { server = await startRawServer(); });
afterAll(() => server.close());

const url = (path: string) => `${server.url}${path}`;
const unavailable = (retryAfter?: string) => respond(503, retryAfter === undefined ? [] : [['Retry-After', retryAfter]], 'busy');
const okWith = (body: string) => respond(200, [['Content-Type', 'text/plain']], body);

/** A retry hook that records what it is told. */
function recorder() {
  const seen: { attempt: number; delay: number; status?: number | undefined; error?: string | undefined; method: string }[] = [];
  const retry = (info: RetryInfo) => {
    seen.push({ attempt: info.attempt, delay: info.delay, status: info.response?.statusCode, error: (info.error as Error | undefined)?.name, method: info.request.method });
  };
  return { seen, hooks: { retry } };
}

/** A one-shot request body. */
function oneShot(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({ start(controller) { controller.enqueue(new TextEncoder().encode(text)); controller.close(); } });
}

describe('retries: status and Retry-After', { timeout: 20_000 }, () => {
  it('503 then 200 with Retry-After: 0 → 200, r.retries 1, two requests at the server', async () => {
    server.route('/503-then-200', unavailable('0'), okWith('recovered'));
    await withFault(server, {}, async (s) => {
      const r = await s.get(url('/503-then-200'));
      expect([r.statusCode, r.text, r.retries]).toEqual([200, 'recovered', 1]);
      expect(server.count('/503-then-200')).toBe(2);
    });
  });

  it('the retry hook sees attempts 1 and 2 with the Retry-After delays, then r.retries is 2', async () => {
    server.route('/twice', unavailable('0'), respond(502, [['Retry-After', '0']]), okWith('third time'));
    await withFault(server, {}, async (s) => {
      const log = recorder();
      const r = await s.get(url('/twice'), { hooks: log.hooks });
      expect(log.seen).toEqual([
        { attempt: 1, delay: 0, status: 503, error: undefined, method: 'GET' },
        { attempt: 2, delay: 0, status: 502, error: undefined, method: 'GET' },
      ]);
      expect([r.text, r.retries]).toEqual(['third time', 2]);
    });
  });

  it('without Retry-After the hook is told the backoff: backoffFactor × 2^(n-1) plus up to backoffJitter', async () => {
    server.route('/backoff', unavailable(), unavailable(), okWith('done'));
    await withFault(server, {}, async (s) => {
      const log = recorder();
      await s.get(url('/backoff'), { retries: { backoffFactor: 20, backoffJitter: 10 }, hooks: log.hooks });
      expect(log.seen.map((e) => e.attempt)).toEqual([1, 2]);
      expect(log.seen[0]!.delay).toBeGreaterThanOrEqual(20);
      expect(log.seen[0]!.delay).toBeLessThanOrEqual(30);
      expect(log.seen[1]!.delay).toBeGreaterThanOrEqual(40);
      expect(log.seen[1]!.delay).toBeLessThanOrEqual(50);
    });
  });

  it('429 with Retry-After as an HTTP-date: a past date means no wait, then the date is read and waited for', async () => {
    const past = new Date(Date.now() - 60_000).toUTCString();
    const soon = new Date(Date.now() + 40_000).toUTCString();
    server.route('/429-date', respond(429, [['Retry-After', past]]), respond(429, [['Retry-After', soon]]), okWith('let in'));
    await withFault(server, {}, async (s) => {
      const log = recorder();
      // The hook aborts the 40 s wait at once: what matters is what errand was about to wait.
      const controller = new AbortController();
      const pending = s.get(url('/429-date'), { signal: controller.signal, hooks: { retry: (info) => { log.hooks.retry(info); if (info.attempt === 2) controller.abort(new Error('seen')); } } });
      expect((await rejection(pending)).message).toBe('seen');
      expect(log.seen[0]).toMatchObject({ status: 429, delay: 0 });
      expect(log.seen[1]!.delay).toBeGreaterThan(30_000);
      expect(log.seen[1]!.delay).toBeLessThanOrEqual(40_000);
    });
  });

  // DESIGN.md "Retries, precisely": waiting less than the server asked would be refused again.
  it('a Retry-After longer than maxBackoff ends the retries: the 429 is returned at once, one request', async () => {
    const far = new Date(Date.now() + 3_600_000).toUTCString();
    server.route('/429-far', respond(429, [['Retry-After', far]]), okWith('too early'));
    server.route('/503-long', unavailable('3600'), okWith('too early'));
    await withFault(server, {}, async (s) => {
      const log = recorder();
      const r = await s.get(url('/429-far'), { retries: { maxBackoff: 50 }, hooks: log.hooks });
      expect([r.statusCode, r.retries, log.seen.length, server.count('/429-far')]).toEqual([429, 0, 0, 1]);
      const seconds = await s.get(url('/503-long'), { retries: { maxBackoff: 50 }, hooks: log.hooks });
      expect([seconds.statusCode, log.seen.length, server.count('/503-long')]).toEqual([503, 0, 1]);
    });
  });

  it('when the retries run out the last 503 is returned (raiseForStatus then throws), not an error', async () => {
    server.route('/always-503', unavailable('0'));
    await withFault(server, {}, async (s) => {
      const r = await s.get(url('/always-503'));
      expect([r.statusCode, r.retries, server.count('/always-503')]).toEqual([503, 2, 3]);
      expect(() => r.raiseForStatus()).toThrow(/503/);
    });
  });

  it('retries: 0 turns retrying off', async () => {
    server.route('/off', unavailable('0'), okWith('no'));
    await withFault(server, { retries: 0 }, async (s) => {
      expect((await s.get(url('/off'))).statusCode).toBe(503);
      expect(server.count('/off')).toBe(1);
    });
  });
});

describe('retries: methods and bodies', { timeout: 20_000 }, () => {
  it('a POST answered 503 is not retried by default', async () => {
    server.route('/post-503', unavailable('0'), okWith('would be a duplicate'));
    await withFault(server, {}, async (s) => {
      const r = await s.post(url('/post-503'), { data: 'order #1' });
      expect([r.statusCode, r.retries]).toEqual([503, 0]);
      expect(server.count('/post-503')).toBe(1);
    });
  });

  it('a POST answered 503 is retried when allowedMethods lists POST, with the same body', async () => {
    server.route('/post-allowed', unavailable('0'), okWith('taken'));
    await withFault(server, {}, async (s) => {
      const r = await s.post(url('/post-allowed'), { json: { order: 1 }, retries: { allowedMethods: ['post'] } });
      expect([r.text, r.retries]).toEqual(['taken', 1]);
      const sent = server.requests.filter((q) => q.path === '/post-allowed');
      expect(sent.map((q) => [q.method, q.body.toString(), q.headers['content-type']])).toEqual([
        ['POST', '{"order":1}', 'application/json'], ['POST', '{"order":1}', 'application/json'],
      ]);
    });
  });

  it('a POST whose connection is reset is not retried: ConnectionError after one request', async () => {
    server.route('/post-reset', resetAfter(), okWith('no'));
    await withFault(server, {}, async (s) => {
      expect(await rejection(s.post(url('/post-reset'), { data: 'x' }))).toBeInstanceOf(ConnectionError);
      expect(server.count('/post-reset')).toBe(1);
    });
  });

  it('a GET whose connection is reset after it was sent is not retried by default (read: 0): one request', async () => {
    server.route('/get-reset', resetAfter(), okWith('healed'));
    await withFault(server, {}, async (s) => {
      expect(await rejection(s.get(url('/get-reset')))).toBeInstanceOf(ConnectionError);
      expect(server.count('/get-reset')).toBe(1);
    });
  });

  it('with retries.read it is retried; the hook is told the error, not a response', async () => {
    server.route('/get-reset-read', resetAfter(), okWith('healed'));
    await withFault(server, {}, async (s) => {
      const log = recorder();
      const r = await s.get(url('/get-reset-read'), { retries: { read: 1 }, hooks: log.hooks });
      expect([r.text, r.retries]).toEqual(['healed', 1]);
      expect(log.seen.map((e) => [e.attempt, e.error, e.status])).toEqual([[1, 'ConnectionError', undefined]]);
    });
  });

  it('a streamed (ReadableStream) PUT is never sent again, even on 503 with PUT allowed: the server sees exactly one request', async () => {
    server.route('/stream-put', unavailable('0'), okWith('would need the body again'));
    await withFault(server, {}, async (s) => {
      const log = recorder();
      const r = await s.put(url('/stream-put'), { data: oneShot('one-shot payload'), hooks: log.hooks });
      expect([r.statusCode, r.retries, log.seen.length]).toEqual([503, 0, 0]);
      const sent = server.requests.filter((q) => q.path === '/stream-put');
      expect(sent.map((q) => [q.method, q.body.toString()])).toEqual([['PUT', 'one-shot payload']]);
    });
  });

  it('a streamed PUT whose connection is reset fails with ConnectionError after one request', async () => {
    server.route('/stream-put-reset', resetAfter(), okWith('no'));
    await withFault(server, {}, async (s) => {
      expect(await rejection(s.put(url('/stream-put-reset'), { data: oneShot('once') }))).toBeInstanceOf(ConnectionError);
      expect(server.count('/stream-put-reset')).toBe(1);
    });
  });

  it('a PUT with a bytes body is retried (idempotent, replayable) and sends the same bytes', async () => {
    server.route('/bytes-put', unavailable('0'), okWith('stored'));
    await withFault(server, {}, async (s) => {
      const r = await s.put(url('/bytes-put'), { data: new Uint8Array([1, 2, 3, 250]) });
      expect([r.text, r.retries]).toEqual(['stored', 1]);
      expect(server.requests.filter((q) => q.path === '/bytes-put').map((q) => [...q.body])).toEqual([[1, 2, 3, 250], [1, 2, 3, 250]]);
    });
  });
});

describe('retries: with redirects and the total timeout', { timeout: 20_000 }, () => {
  it('compose with redirects: 503 → retry → 302 → 503 → retry → 200; history holds the redirect only', async () => {
    server.route('/hop-a', unavailable('0'), respond(302, [['Location', '/hop-b']]));
    server.route('/hop-b', unavailable('0'), okWith('landed'));
    await withFault(server, {}, async (s) => {
      const log = recorder();
      const r = await s.get(url('/hop-a'), { hooks: log.hooks });
      expect([r.statusCode, r.text, r.url]).toEqual([200, 'landed', url('/hop-b')]);
      expect(r.history.map((h) => h.statusCode)).toEqual([302]);
      expect([server.count('/hop-a'), server.count('/hop-b')]).toEqual([2, 2]);
      // The call has one budget (DESIGN.md "Every call has a budget"): the second hop's retry is the call's second.
      expect(log.seen.map((e) => e.attempt)).toEqual([1, 2]);
      // r.retries counts the retries of its own hop.
      expect([r.history[0]!.retries, r.retries]).toEqual([1, 1]);
    });
  });

  it('the retries are the call\'s, not each hop\'s: two spent before a redirect leave none after it', async () => {
    server.route('/hop-e', unavailable('0'), unavailable('0'), respond(302, [['Location', '/hop-f']]));
    server.route('/hop-f', unavailable('0'), okWith('would need a third retry'));
    await withFault(server, {}, async (s) => {
      const r = await s.get(url('/hop-f'.replace('f', 'e')));
      expect([r.statusCode, r.url, r.retries, r.history[0]!.retries]).toEqual([503, url('/hop-f'), 0, 2]);
      expect([server.count('/hop-e'), server.count('/hop-f')]).toEqual([3, 1]);
    });
  });

  // r.retries counts only the last hop; the retries made before a redirect are reported nowhere
  // (src/core/send.ts sets `response.retries = attempt` on the final response only).
  it('each response in history reports the retries made for its hop', async () => {
    server.route('/hop-c', unavailable('0'), respond(302, [['Location', '/hop-d']]));
    server.route('/hop-d', okWith('landed'));
    await withFault(server, {}, async (s) => {
      const r = await s.get(url('/hop-c'));
      expect(r.history[0]!.retries).toBe(1);
    });
  });

  it('the total timeout bounds the retries: always 503 with Retry-After: 1 and timeout: 1500 → TimeoutError', async () => {
    server.route('/always-busy', unavailable('1'));
    await withFault(server, {}, async (s) => {
      const error = await rejection(s.get(url('/always-busy'), { timeout: 1500 }));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.message).toMatch(/total timeout of 1500 ms/);
      // Three attempts need at least 2 s of Retry-After: the third is never sent.
      expect(server.count('/always-busy')).toBeGreaterThanOrEqual(1);
      expect(server.count('/always-busy')).toBeLessThanOrEqual(2);
    });
  });

  it('an abort during the wait between retries ends the call with the abort reason and clears the wait', async () => {
    server.route('/abort-wait', unavailable('30'));
    await withFault(server, {}, async (s) => {
      const controller = new AbortController();
      const pending = s.get(url('/abort-wait'), { signal: controller.signal, hooks: { retry: () => { setTimeout(() => controller.abort(new Error('stop waiting')), 20); } } });
      expect((await rejection(pending)).message).toBe('stop waiting');
      expect(server.count('/abort-wait')).toBe(1);
    });
  });
});
