// What errand feeds http-cache-semantics (RFC 9111's rules for a recipient) and how it picks a variant.
import { describe, expect, it } from 'vitest';
import { newPolicy, readableHeaders, varyMatches, type PolicyRequest } from '../../src/core/cache/policy.ts';
import { parseHttpDate } from '../../src/core/http-date.ts';
import { MemoryCacheStore } from '../../src/core/cache/memory-store.ts';
import type { CacheEntry } from '../../src/core/cache/store.ts';

const settings = { store: new MemoryCacheStore(), shared: false, maxEntrySize: 1e6, heuristic: true };
const request = (headers: Record<string, string> = {}): PolicyRequest => ({ url: 'http://a.test/x', method: 'GET', headers: { host: 'a.test', ...headers } });

describe('HTTP-date (RFC 9110 §5.6.7)', () => {
  it.each([
    ['Sun, 06 Nov 1994 08:49:37 GMT', '1994-11-06T08:49:37.000Z'],
    ['Sunday, 06-Nov-94 08:49:37 GMT', '1994-11-06T08:49:37.000Z'],
    ['Sun Nov  6 08:49:37 1994', '1994-11-06T08:49:37.000Z'],
    ['sun, 06 nov 1994 08:49:37 gmt', '1994-11-06T08:49:37.000Z'],
  ])('reads %j', (text, iso) => {
    expect(new Date(parseHttpDate(text)!).toISOString()).toBe(iso);
  });

  it.each(['Sun, 06 Nov 1994 8:49:37 GMT', 'Sun, 06-Nov-1994 08:49:37 GMT', 'Sun, 06  Nov 1994 08:49:37 GMT', 'Sun 06 Nov 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 08:49:37 UTC', 'Sun, 31 Feb 1994 08:49:37 GMT', '0', '-1', ''])('refuses %j', (text) => {
    expect(parseHttpDate(text)).toBeUndefined();
  });
});

describe('fields as the policy reads them', () => {
  const read = (init: [string, string][]) => readableHeaders(new Headers(init));

  it('Cache-Control directive names are case-insensitive (RFC 9111 §5.2)', () => {
    expect(read([['cache-control', 'Max-Age=60, No-CaChE']])['cache-control']).toBe('max-age=60, no-cache');
  });

  it('an Age that is not delta-seconds is ignored; a list gives its first member (§5.1)', () => {
    expect(read([['age', 'abc']])['age']).toBeUndefined();
    expect(read([['age', '-5']])['age']).toBeUndefined();
    expect(read([['age', '7200.0']])['age']).toBeUndefined();
    expect(read([['age', '0, 7200']])['age']).toBe('0');
  });

  it('an Expires that is not an HTTP-date is already expired; an invalid Date is dropped (§5.3)', () => {
    const fields = read([['expires', 'Thu, 01 Jan 2099 1:00:00 GMT'], ['date', 'yesterday']]);
    expect(fields['expires']).toBe('invalid');
    expect(fields['date']).toBeUndefined();
    const policy = newPolicy(request(), 200, new Headers({ expires: 'Thu, 01 Jan 2099 1:00:00 GMT' }), settings);
    expect(policy.stale()).toBe(true);
  });

  it('Set-Cookie lines stay apart', () => {
    const headers = new Headers();
    headers.append('set-cookie', 'a=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT');
    headers.append('set-cookie', 'b=2');
    expect(readableHeaders(headers)['set-cookie']!.split('\n')).toEqual(['a=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT', 'b=2']);
  });
});

describe('storability beyond the library (RFC 9111 §3, §5.2.2.3)', () => {
  it('a final status the library does not know is stored with explicit freshness, not heuristically', () => {
    expect(newPolicy(request(), 500, new Headers({ 'cache-control': 'max-age=60' }), settings).storable()).toBe(true);
    expect(newPolicy(request(), 500, new Headers({ 'last-modified': 'Sun, 06 Nov 1994 08:49:37 GMT' }), settings).storable()).toBe(false);
    expect(newPolicy(request(), 206, new Headers({ 'cache-control': 'max-age=60' }), settings).storable()).toBe(false);
  });

  it('must-understand overrides no-store for an understood status only', () => {
    const cc = { 'cache-control': 'max-age=60, no-store, must-understand' };
    expect(newPolicy(request(), 200, new Headers(cc), settings).storable()).toBe(true);
    expect(newPolicy(request(), 599, new Headers(cc), settings).storable()).toBe(false);
  });
});

describe('variant selection (RFC 9111 §4.1)', () => {
  const stored = (vary: string, headers: Record<string, string>) =>
    newPolicy(request(headers), 200, new Headers({ 'cache-control': 'max-age=60', vary }), settings).toObject() as unknown as Record<string, unknown>;

  it('matches the nominated fields after whitespace normalisation; absent matches absent', () => {
    expect(varyMatches(stored('Foo', { foo: '1,2' }), request({ foo: ' 1, 2 ' }))).toBe(true);
    expect(varyMatches(stored('Foo', { foo: '1' }), request({ foo: '2' }))).toBe(false);
    expect(varyMatches(stored('Foo', {}), request({}))).toBe(true);
    expect(varyMatches(stored('Foo', {}), request({ foo: '1' }))).toBe(false);
  });

  it('Vary: * matches nothing', () => {
    expect(varyMatches(stored('*', {}), request({}))).toBe(false);
  });
});

describe('MemoryCacheStore', () => {
  const entry = (size: number): CacheEntry[] => [{ policy: {}, status: 200, statusText: 'OK', body: new Uint8Array(size) }];

  it('stays under maxSize, dropping the least recently used first', () => {
    const store = new MemoryCacheStore({ maxSize: 3000 });
    store.set('a', entry(900));
    store.set('b', entry(900));
    store.set('c', entry(900));
    store.get('a'); // a is now the most recent
    store.set('d', entry(900));
    expect(store.size).toBeLessThanOrEqual(3000);
    expect(['a', 'b', 'c', 'd'].filter((key) => store.get(key))).toEqual(['a', 'c', 'd']);
  });

  it('keeps nothing larger than maxSize, and replaces a key in place', () => {
    const store = new MemoryCacheStore({ maxSize: 1000 });
    store.set('big', entry(5000));
    expect([store.get('big'), store.size]).toEqual([undefined, 0]);
    store.set('k', entry(100));
    const before = store.size;
    store.set('k', entry(100));
    expect([store.count, store.size]).toEqual([1, before]);
    store.delete('k');
    expect([store.count, store.size]).toEqual([0, 0]);
  });

  it('refuses a maxSize that is not a byte count', () => {
    expect(() => new MemoryCacheStore({ maxSize: -1 })).toThrow(TypeError);
  });
});
