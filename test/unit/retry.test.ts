import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConnectionError, ConnectTimeoutError, InvalidSchemaError, ProxyError, ReadTimeoutError, SSLError, TimeoutError,
} from 'errand';
import {
  failureKind, markSent, nextRetry, noRetries, normalizeRetries, parseRetryAfter, sleep, type RetryCounts, type RetryPolicy,
} from '../../src/core/retry.ts';
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

  it("has urllib3's separate counts: connect and status default to the total, read to 0", () => {
    expect(normalizeRetries(undefined)).toMatchObject({ total: 2, connect: 2, read: 0, status: 2 });
    expect(normalizeRetries(5)).toMatchObject({ total: 5, connect: 5, read: 0, status: 5 });
    expect(normalizeRetries({ total: 4, connect: 1 })).toMatchObject({ total: 4, connect: 1, read: 0, status: 4 });
    expect(normalizeRetries({ read: 3 })).toMatchObject({ total: 2, read: 3 });
  });

  it.each([['connect', -1], ['read', 1.5], ['status', Number.NaN], ['backoffJitter', -5], ['maxBackoff', Number.NaN]])('refuses retries.%s = %s', (name, value) => {
    expect(() => normalizeRetries({ [name]: value })).toThrow(TypeError);
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
  /** Retries already spent in the call. */
  const used = (counts: Partial<RetryCounts> = {}): RetryCounts => ({ ...noRetries(), ...counts });
  // The first retry waits backoffFactor (300) plus half the jitter (300): 450 with random() = 0.5.
  const first = { delay: 450 };

  it.each([413, 429, 502, 503, 504])('retries a GET answered %d, as a status retry', (status) => {
    expect(nextRetry(policy, get, answer(status), used(), half)).toEqual({ kind: 'status', ...first });
  });

  it.each([200, 301, 400, 404, 500, 501])('does not retry a GET answered %d', (status) => {
    expect(nextRetry(policy, get, answer(status), used(), half)).toBeUndefined();
  });

  it('follows a custom status list', () => {
    const custom = normalizeRetries({ statusForcelist: [500] });
    expect(nextRetry(custom, get, answer(500), used(), half)).toBeDefined();
    expect(nextRetry(custom, get, answer(503), used(), half)).toBeUndefined();
  });

  it('does not retry a POST, by default', () => {
    expect(nextRetry(policy, preparedFor('https://x.test/', 'POST'), answer(503), used(), half)).toBeUndefined();
    expect(nextRetry(policy, preparedFor('https://x.test/', 'POST'), new ConnectionError('refused'), used(), half)).toBeUndefined();
  });

  it('retries a POST when allowedMethods lists it', () => {
    const withPost = normalizeRetries({ allowedMethods: ['POST'] });
    expect(nextRetry(withPost, preparedFor('https://x.test/', 'POST'), answer(503), used(), half)).toBeDefined();
    expect(nextRetry(withPost, get, answer(503), used(), half)).toBeUndefined();
  });

  it('does not retry a request whose body is a one-shot stream', () => {
    const streaming = preparedFor('https://x.test/', 'PUT');
    streaming.body = new ReadableStream<Uint8Array>();
    expect(nextRetry(policy, streaming, answer(503), used(), half)).toBeUndefined();
    expect(nextRetry(policy, streaming, new ConnectionError('reset'), used(), half)).toBeUndefined();
    const bytes = preparedFor('https://x.test/', 'PUT');
    bytes.body = new Uint8Array([1]);
    expect(nextRetry(policy, bytes, answer(503), used(), half)).toBeDefined();
  });

  it('retries a failure before the request was sent as a connect retry: refused, DNS, connect timeout', () => {
    expect(nextRetry(policy, get, new ConnectionError('refused'), used(), half)).toEqual({ kind: 'connect', ...first });
    expect(nextRetry(policy, get, new ConnectTimeoutError('no connect'), used(), half)).toEqual({ kind: 'connect', ...first });
  });

  it('by default does not retry a read timeout or a connection lost after sending (read: 0, as in requests)', () => {
    const lost = markSent(new ConnectionError('reset after the request was written'));
    expect(failureKind(lost)).toBe('read');
    expect(failureKind(new ReadTimeoutError('slow'))).toBe('read');
    expect(nextRetry(policy, get, lost, used(), half)).toBeUndefined();
    expect(nextRetry(policy, get, new ReadTimeoutError('slow'), used(), half)).toBeUndefined();
  });

  it('a platform error the adapter marked as sent makes the error that wraps it a read failure', () => {
    const platform = markSent(new TypeError('other side closed'));
    expect(failureKind(new ConnectionError('lost', { cause: platform }))).toBe('read');
    expect(failureKind(new ConnectionError('refused', { cause: new TypeError('ECONNREFUSED') }))).toBe('connect');
  });

  it('retries read failures when read allows it, up to that count', () => {
    const reads = normalizeRetries({ read: 1 });
    expect(nextRetry(reads, get, new ReadTimeoutError('slow'), used(), half)).toEqual({ kind: 'read', ...first });
    expect(nextRetry(reads, get, new ReadTimeoutError('slow'), used({ total: 1, read: 1 }), half)).toBeUndefined();
  });

  it('caps each kind by its own count, and all of them by the total', () => {
    const capped = normalizeRetries({ total: 5, connect: 1, status: 2 });
    expect(nextRetry(capped, get, new ConnectionError('refused'), used({ total: 1, connect: 1 }), half)).toBeUndefined();
    expect(nextRetry(capped, get, answer(503), used({ total: 1, connect: 1 }), half)?.kind).toBe('status');
    expect(nextRetry(capped, get, answer(503), used({ total: 3, connect: 1, status: 2 }), half)).toBeUndefined();
    const total = normalizeRetries({ total: 2, connect: 5, status: 5 });
    expect(nextRetry(total, get, answer(503), used({ total: 2, connect: 2 }), half)).toBeUndefined();
    expect(nextRetry(normalizeRetries(0), get, answer(503), used(), half)).toBeUndefined();
    expect(nextRetry(normalizeRetries(0), get, new ConnectionError('x'), used(), half)).toBeUndefined();
  });

  it.each([
    ['an SSLError', new SSLError('bad cert')],
    ['a ProxyError', new ProxyError('407')],
    ['a total TimeoutError', new TimeoutError('total')],
    ['an InvalidSchemaError', new InvalidSchemaError('ftp')],
    ['a plain TypeError', new TypeError('bug')],
  ])('does not retry %s', (_label, error) => {
    expect(nextRetry(policy, get, error, used(), half)).toBeUndefined();
  });

  it('waits as long as Retry-After says in seconds, whatever the jitter', () => {
    expect(nextRetry(policy, get, answer(503, { 'retry-after': '3' }), used(), half)).toEqual({ kind: 'status', delay: 3000 });
    expect(nextRetry(policy, get, answer(429, { 'retry-after': '0' }), used(), half)).toEqual({ kind: 'status', delay: 0 });
  });

  it('waits until a Retry-After HTTP-date, not before now', () => {
    expect(nextRetry(policy, get, answer(503, { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }), used(), half)).toEqual({ kind: 'status', delay: 0 });
    const soon = new Date(Date.now() + 30_000).toUTCString();
    const step = nextRetry(normalizeRetries({ maxBackoff: 60_000 }), get, answer(503, { 'retry-after': soon }), used(), half);
    expect(step?.delay).toBeGreaterThan(20_000);
    expect(step?.delay).toBeLessThanOrEqual(30_000);
  });

  it('ends the retries when Retry-After asks for longer than maxBackoff (seconds or a date): the response stands', () => {
    expect(nextRetry(normalizeRetries({ maxBackoff: 5000 }), get, answer(503, { 'retry-after': '3600' }), used(), half)).toBeUndefined();
    const far = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000).toUTCString();
    expect(nextRetry(normalizeRetries({ maxBackoff: 60_000 }), get, answer(503, { 'retry-after': far }), used(), half)).toBeUndefined();
    expect(nextRetry(normalizeRetries({ maxBackoff: 5000 }), get, answer(503, { 'retry-after': '5' }), used(), half)).toEqual({ kind: 'status', delay: 5000 });
  });

  it('ignores Retry-After when respectRetryAfter is false, or when it cannot be read', () => {
    expect(nextRetry(normalizeRetries({ respectRetryAfter: false }), get, answer(503, { 'retry-after': '30' }), used(), half)).toEqual({ kind: 'status', ...first });
    expect(nextRetry(policy, get, answer(503, { 'retry-after': 'soon' }), used(), half)).toEqual({ kind: 'status', ...first });
  });

  it("backs off as urllib3 does: backoffFactor × 2^(n-1) for the call's n-th retry, plus up to backoffJitter", () => {
    const custom = normalizeRetries({ total: 10, backoffFactor: 100, backoffJitter: 40 });
    const delays = [0, 1, 2, 3].map((n) => nextRetry(custom, get, answer(503), used({ total: n }), half)!.delay);
    expect(delays).toEqual([120, 220, 420, 820]);
    expect(nextRetry(custom, get, answer(503), used({ total: 3 }), () => 0)!.delay).toBe(800);
    expect(nextRetry(normalizeRetries({ backoffJitter: 0 }), get, answer(503), used(), half)!.delay).toBe(300);
  });

  it('keeps every delay in [base, base + jitter], base = min(backoffFactor × 2^(n-1), maxBackoff), never over maxBackoff (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 200_000 }),
        (r, spent, backoffFactor, backoffJitter, maxBackoff) => {
          const custom: RetryPolicy = normalizeRetries({ total: 100, backoffFactor, backoffJitter, maxBackoff });
          const { delay } = nextRetry(custom, get, new ConnectionError('x'), used({ total: spent }), () => r)!;
          const base = backoffFactor * 2 ** spent;
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeLessThanOrEqual(maxBackoff);
          expect(delay).toBeGreaterThanOrEqual(Math.min(Math.floor(base), maxBackoff));
          expect(delay).toBeLessThanOrEqual(base + backoffJitter);
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
    expect(nextRetry(normalizeRetries(undefined), get, answer(503, { 'retry-after': '1.5' }), noRetries(), half)).toEqual({ kind: 'status', delay: 450 });
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
