import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConnectionError, ConnectTimeoutError, InvalidSchemaError, ProxyError, ReadTimeoutError, SSLError, TimeoutError,
} from 'errand';
import { nextRetry, normalizeRetries, parseRetryAfter, sleep, type RetryPolicy } from '../../src/core/retry.ts';
import { Response } from '../../src/core/response.ts';
import { preparedFor } from './_helpers.ts';

const half = () => 0.5;

function answer(status: number, headers: Record<string, string> = {}) {
  return new Response(new globalThis.Response(null, { status, headers }), preparedFor('https://x.test/'), { elapsed: 0 });
}

describe('normalizeRetries', () => {
  it('defaults to 2 retries of idempotent methods on 413/429/502/503/504', () => {
    const policy = normalizeRetries(undefined);
    expect(policy.total).toBe(2);
    expect([...policy.statusForcelist].sort()).toEqual([413, 429, 502, 503, 504]);
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']) expect(policy.allowedMethods).toContain(method);
    expect(policy.allowedMethods).not.toContain('POST');
    expect(policy.allowedMethods).not.toContain('PATCH');
    expect(policy.respectRetryAfter).toBe(true);
  });

  it('takes a number as the total, 0 turning retries off', () => {
    expect(normalizeRetries(0).total).toBe(0);
    expect(normalizeRetries(5)).toMatchObject({ total: 5, statusForcelist: normalizeRetries(undefined).statusForcelist });
  });

  it('fills options from the defaults and upper-cases methods', () => {
    const policy = normalizeRetries({ total: 4, allowedMethods: ['get', 'Post'], backoffFactor: undefined as unknown as number });
    expect(policy.total).toBe(4);
    expect(policy.allowedMethods).toEqual(['GET', 'POST']);
    expect(policy.backoffFactor).toBe(normalizeRetries(undefined).backoffFactor);
  });

  it.each([-1, 1.5, Number.NaN])('refuses the count %s', (n) => {
    expect(() => normalizeRetries(n)).toThrow(TypeError);
  });

  it('refuses an unknown option, naming the closest', () => {
    expect(() => normalizeRetries({ totl: 3 } as never)).toThrow(/'totl'.*'total'/);
    expect(() => normalizeRetries('3' as never)).toThrow(TypeError);
  });
});

describe('nextRetry', () => {
  const policy = normalizeRetries(undefined);
  const get = preparedFor('https://x.test/');

  it.each([413, 429, 502, 503, 504])('retries a GET answered %d', (status) => {
    expect(nextRetry(policy, get, answer(status), 0, half)).toEqual({ delay: 150 });
  });

  it.each([200, 301, 400, 404, 500, 501])('does not retry a GET answered %d', (status) => {
    expect(nextRetry(policy, get, answer(status), 0, half)).toBeUndefined();
  });

  it('follows a custom status list', () => {
    const custom = normalizeRetries({ statusForcelist: [500] });
    expect(nextRetry(custom, get, answer(500), 0, half)).toBeDefined();
    expect(nextRetry(custom, get, answer(503), 0, half)).toBeUndefined();
  });

  it('does not retry a POST, by default', () => {
    expect(nextRetry(policy, preparedFor('https://x.test/', 'POST'), answer(503), 0, half)).toBeUndefined();
    expect(nextRetry(policy, preparedFor('https://x.test/', 'POST'), new ConnectionError('refused'), 0, half)).toBeUndefined();
  });

  it('retries a POST when allowedMethods lists it', () => {
    const withPost = normalizeRetries({ allowedMethods: ['POST'] });
    expect(nextRetry(withPost, preparedFor('https://x.test/', 'POST'), answer(503), 0, half)).toBeDefined();
    expect(nextRetry(withPost, get, answer(503), 0, half)).toBeUndefined();
  });

  it('does not retry a request whose body is a one-shot stream', () => {
    const streaming = preparedFor('https://x.test/', 'PUT');
    streaming.body = new ReadableStream<Uint8Array>();
    expect(nextRetry(policy, streaming, answer(503), 0, half)).toBeUndefined();
    expect(nextRetry(policy, streaming, new ConnectionError('reset'), 0, half)).toBeUndefined();
    const bytes = preparedFor('https://x.test/', 'PUT');
    bytes.body = new Uint8Array([1]);
    expect(nextRetry(policy, bytes, answer(503), 0, half)).toBeDefined();
  });

  it('retries connection failures and read timeouts', () => {
    expect(nextRetry(policy, get, new ConnectionError('refused'), 0, half)).toEqual({ delay: 150 });
    expect(nextRetry(policy, get, new ReadTimeoutError('slow'), 0, half)).toEqual({ delay: 150 });
  });

  // ConnectTimeoutError extends TimeoutError, not ConnectionError, yet a connect timeout is the safest
  // failure to retry (nothing was sent; requests' ConnectTimeout is a ConnectionError, and urllib3 counts
  // it as a connect error).
  it('retries a connect timeout like any connection failure', () => {
    expect(nextRetry(policy, get, new ConnectTimeoutError('no connect'), 0, half)).toEqual({ delay: 150 });
  });

  it.each([
    ['an SSLError', new SSLError('bad cert')],
    ['a ProxyError', new ProxyError('407')],
    ['a total TimeoutError', new TimeoutError('total')],
    ['an InvalidSchemaError', new InvalidSchemaError('ftp')],
    ['a plain TypeError', new TypeError('bug')],
  ])('does not retry %s', (_label, error) => {
    expect(nextRetry(policy, get, error, 0, half)).toBeUndefined();
  });

  it('stops when the total is reached', () => {
    expect(nextRetry(policy, get, answer(503), 1, half)).toBeDefined();
    expect(nextRetry(policy, get, answer(503), 2, half)).toBeUndefined();
    expect(nextRetry(normalizeRetries(0), get, answer(503), 0, half)).toBeUndefined();
    expect(nextRetry(normalizeRetries(0), get, new ConnectionError('x'), 0, half)).toBeUndefined();
  });

  it('waits as long as Retry-After says in seconds, whatever the jitter', () => {
    expect(nextRetry(policy, get, answer(503, { 'retry-after': '3' }), 0, half)).toEqual({ delay: 3000 });
    expect(nextRetry(policy, get, answer(429, { 'retry-after': '0' }), 0, half)).toEqual({ delay: 0 });
  });

  it('waits until a Retry-After HTTP-date, not before now', () => {
    expect(nextRetry(policy, get, answer(503, { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }), 0, half)).toEqual({ delay: 0 });
    const far = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000).toUTCString();
    expect(nextRetry(normalizeRetries({ maxBackoff: 60_000 }), get, answer(503, { 'retry-after': far }), 0, half)).toEqual({ delay: 60_000 });
  });

  it('caps Retry-After at maxBackoff', () => {
    expect(nextRetry(normalizeRetries({ maxBackoff: 5000 }), get, answer(503, { 'retry-after': '3600' }), 0, half)).toEqual({ delay: 5000 });
  });

  it('ignores Retry-After when respectRetryAfter is false, or when it cannot be read', () => {
    expect(nextRetry(normalizeRetries({ respectRetryAfter: false }), get, answer(503, { 'retry-after': '30' }), 0, half)).toEqual({ delay: 150 });
    expect(nextRetry(policy, get, answer(503, { 'retry-after': 'soon' }), 0, half)).toEqual({ delay: 150 });
  });

  it('backs off exponentially with full jitter: random() * backoffFactor * 2^attempt', () => {
    const custom = normalizeRetries({ total: 10, backoffFactor: 100 });
    expect([0, 1, 2, 3].map((attempt) => nextRetry(custom, get, answer(503), attempt, half)!.delay)).toEqual([50, 100, 200, 400]);
    expect(nextRetry(custom, get, answer(503), 3, () => 0)!.delay).toBe(0);
  });

  it('keeps every delay in [0, min(backoffFactor * 2^attempt, maxBackoff)) (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 200_000 }),
        (r, attempt, backoffFactor, maxBackoff) => {
          const custom: RetryPolicy = normalizeRetries({ total: 100, backoffFactor, maxBackoff });
          const { delay } = nextRetry(custom, get, new ConnectionError('x'), attempt, () => r)!;
          const ceiling = Math.min(backoffFactor * 2 ** attempt, maxBackoff);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(ceiling);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:27:50 GMT');

  it.each([
    ['120', 120_000],
    [' 5 ', 5000],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 10_000],
    ['Wed, 21 Oct 2015 07:00:00 GMT', 0],
  ])('%j → %d ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([null, '', 'soon'])('gives undefined for %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });

  // V8's Date.parse reads leniently ('1.5' → 2001-01-05, '-5' → 2001-05-01): a malformed value taken for
  // a date in the past would fire the retry at once instead of backing off. urllib3 accepts only digits
  // or an HTTP-date (RFC 9110 §10.2.3).
  it.each(['-5', '1.5'])('gives undefined for the malformed value %j, not a date in 2001', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });

  it('backs off normally after a malformed Retry-After instead of retrying at once', () => {
    const get = preparedFor('https://x.test/');
    expect(nextRetry(normalizeRetries(undefined), get, answer(503, { 'retry-after': '1.5' }), 0, half)).toEqual({ delay: 150 });
  });
});

describe('sleep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects at once with the reason of an already aborted signal, starting no timer', async () => {
    vi.useFakeTimers();
    const reason = new Error('stopped');
    const promise = sleep(10_000, AbortSignal.abort(reason));
    expect(vi.getTimerCount()).toBe(0);
    await expect(promise).rejects.toBe(reason);
  });

  it('rejects with the reason when the signal aborts mid-wait, clearing its timer', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const promise = sleep(10_000, controller.signal);
    expect(vi.getTimerCount()).toBe(1);
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(promise).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves after the delay and stops listening to the signal', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const removed = vi.spyOn(controller.signal, 'removeEventListener');
    let done = false;
    const promise = sleep(500, controller.signal).then(() => { done = true; });
    await vi.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await promise;
    expect(done).toBe(true);
    expect(removed).toHaveBeenCalledWith('abort', expect.any(Function));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves at once for 0 ms without a timer', async () => {
    vi.useFakeTimers();
    const promise = sleep(0, new AbortController().signal);
    expect(vi.getTimerCount()).toBe(0);
    await expect(promise).resolves.toBeUndefined();
  });
});
