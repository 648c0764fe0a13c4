// Wire data never shapes our objects (issue 10): every object keyed by names a server (or a .netrc) chose
// takes `__proto__`, `constructor` and `prototype` as names like any other, and reads nothing it was
// not given from Object.prototype.
import { describe, expect, it } from 'vitest';
import { CookieJar, PreparedRequest } from 'errand';
import { parseContentType } from '../../src/core/charset.ts';
import { parseLinks } from '../../src/core/links.ts';
import { Response } from '../../src/core/response.ts';
import { netrcAuth, parseNetrc } from '../../src/core/trust-env.ts';
import { preparedFor } from './_helpers.ts';

const KEYS = ['__proto__', 'constructor', 'prototype'] as const;

function response(headers: [string, string][], url = 'https://x.test/page'): Response {
  const platform = new globalThis.Response(null, { headers: new Headers(headers) });
  return new Response(platform, preparedFor(url), { elapsed: 0 });
}

/** Own entries, which is what a caller iterating the object sees. */
const entries = (object: object) => Object.entries(object);

describe('Response.links (parseLinks)', () => {
  it.each(KEYS)('rel="%s" is a key like any other; the object keeps no prototype to forge', (key) => {
    const links = response([['Link', `<http://evil/>; rel="${key}", <https://x.test/2>; rel="next"`]]).links;
    expect(Object.getPrototypeOf(links)).toBeNull();
    expect(Object.keys(links)).toEqual([key, 'next']);
    expect(links[key]!.url).toBe('http://evil/');
    // Before issue 10, rel="__proto__" made the evil link the prototype: links.url was the attacker's.
    expect((links as Record<string, unknown>)['url']).toBeUndefined();
    expect(links['next']!.url).toBe('https://x.test/2');
  });

  it.each(KEYS)('a link parameter named %s is a parameter like any other', (key) => {
    const links = parseLinks(`<https://x.test/a>; rel=next; ${key}="v"; ${key}*=UTF-8''w`);
    const next = links['next']!;
    expect(Object.getPrototypeOf(next)).toBeNull();
    expect(next[key]).toBe('w');
    expect(entries(next)).toContainEqual([key, 'w']);
  });

  it('reads no relation from Object.prototype', () => {
    const links = parseLinks('<https://x.test/a>; rel=next');
    for (const key of [...KEYS, 'toString', 'hasOwnProperty']) expect(links[key]).toBeUndefined();
    expect(links['next']!['constructor']).toBeUndefined();
  });
});

describe('Response.cookies (no jar)', () => {
  it.each(KEYS)('a cookie named %s is kept under its name', (key) => {
    const cookies = response([['Set-Cookie', `${key}=v1`], ['Set-Cookie', 'plain=v2']]).cookies;
    expect(Object.getPrototypeOf(cookies)).toBeNull();
    expect(entries(cookies)).toEqual([[key, 'v1'], ['plain', 'v2']]);
  });

  it('reads no cookie from Object.prototype', () => {
    const cookies = response([['Set-Cookie', 'a=1']]).cookies;
    for (const key of KEYS) expect(cookies[key]).toBeUndefined();
  });
});

describe('the cookie jar: storeFrom and getDict', () => {
  it.each(KEYS)('a cookie named %s is stored, reported and listed under its name', async (key) => {
    const jar = new CookieJar();
    await jar.ready(true);
    const kept = jar.storeFrom('https://x.test/', [`${key}=v1`, 'plain=v2']);
    expect(Object.getPrototypeOf(kept)).toBeNull();
    expect(entries(kept)).toEqual([[key, 'v1'], ['plain', 'v2']]);
    const dict = jar.getDict();
    expect(Object.getPrototypeOf(dict)).toBeNull();
    // Before issue 10, `name in dict` on a plain object skipped `constructor` and a `__proto__` value was lost.
    expect(entries(dict)).toEqual([[key, 'v1'], ['plain', 'v2']]);
    expect(jar.get(key)).toBe('v1');
  });
});

describe('parseContentType', () => {
  it.each(KEYS)('a parameter named %s is a parameter like any other', (key) => {
    const { params } = parseContentType(`text/plain; ${key}=x; charset=utf-8`);
    expect(Object.getPrototypeOf(params)).toBeNull();
    expect(entries(params)).toEqual([[key, 'x'], ['charset', 'utf-8']]);
  });

  it('reads no parameter from Object.prototype (no Content-Type, or one without parameters)', () => {
    for (const value of [null, 'text/plain']) {
      const { params } = parseContentType(value);
      for (const key of [...KEYS, 'toString']) expect(params[key]).toBeUndefined();
    }
  });
});

describe('loggable views: Response.toJSON and PreparedRequest.toJSON', () => {
  it.each(KEYS)('a header named %s is shown under its name', (key) => {
    const shown = response([[key, 'v'], ['x-other', 'w']]).toJSON() as { headers: Record<string, string> };
    expect(entries(shown.headers)).toEqual([[key, 'v'], ['x-other', 'w']]);
    const prepared = new PreparedRequest();
    prepared.headers.set(key, 'v');
    expect(entries((prepared.toJSON() as { headers: Record<string, string> }).headers)).toEqual([[key, 'v']]);
  });
});

describe('.netrc (parseNetrc, netrcAuth)', () => {
  it.each(KEYS)('a machine named %s is a host like any other, and its fields stay fields', (key) => {
    const text = `machine ${key} login u-${key} password p-${key}\nmachine other login o password q`;
    const entriesFound = parseNetrc(text);
    expect(entriesFound).toEqual([
      { machine: key, login: `u-${key}`, password: `p-${key}`, account: undefined },
      { machine: 'other', login: 'o', password: 'q', account: undefined },
    ]);
    expect(netrcAuth(`https://${key}/x`, text)).toEqual([`u-${key}`, `p-${key}`]);
    expect(netrcAuth('https://elsewhere/x', text)).toBeUndefined();
  });

  it.each(KEYS)('a field keyword %s is refused as a bad token, not written onto the entry', (key) => {
    expect(() => parseNetrc(`machine h ${key} x`)).toThrow(/bad token/);
  });
});
