import { inspect } from 'node:util';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { HTTPError, JSONDecodeError, RequestError, SchemaValidationError } from 'errand';
import { jsonErrorOffset } from '../../src/core/json-error.ts';
import { Response } from '../../src/core/response.ts';
import { fuzz } from './fuzz-options.ts';
import { preparedFor } from './_helpers.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** A loaded errand Response over a platform Response built from bytes (no automatic Content-Type). */
async function loaded(body: Uint8Array | string | null, init: ResponseInit = {}, url = 'https://x.test/res') {
  const bytes = typeof body === 'string' ? utf8(body) : body;
  const r = new Response(new globalThis.Response(bytes as BodyInit | null, init), preparedFor(url), { elapsed: 1 });
  return r.read();
}

/** A streamed (not loaded) errand Response whose body arrives in the given chunks. */
function streamed(chunks: (Uint8Array | string)[], init: ResponseInit = {}, onCancel?: () => void) {
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) {
        const chunk = chunks[i++]!;
        controller.enqueue(typeof chunk === 'string' ? utf8(chunk) : chunk);
      } else controller.close();
    },
    cancel() {
      onCancel?.();
    },
  });
  return new Response(new globalThis.Response(stream, init), preparedFor('https://x.test/stream'), { elapsed: 1 });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('encoding', () => {
  it.each([
    ['text/html; charset=UTF-8', 'UTF-8'],
    ['text/html; charset="utf-8"', 'utf-8'],
    ["text/html; charset='windows-1251'", 'windows-1251'],
    ['text/html;charset=shift_jis;q=1', 'shift_jis'],
    ['text/plain', 'ISO-8859-1'],
    ['text/csv; header=present', 'ISO-8859-1'],
    ['application/json', 'utf-8'],
    ['application/problem+json', 'utf-8'],
    ['application/json; charset=iso-8859-1', 'iso-8859-1'],
    ['application/octet-stream', null],
    ['image/png', null],
  ])('%s → %s', async (contentType, expected) => {
    expect((await loaded('x', { headers: { 'content-type': contentType } })).encoding).toBe(expected);
  });

  it('is null without a Content-Type, and text then uses apparentEncoding', async () => {
    const r = await loaded(utf8('naïve ☃'));
    expect(r.encoding).toBeNull();
    expect(r.apparentEncoding).toBe('utf-8');
    expect(r.text).toBe('naïve ☃');
  });

  // Not through the platform TextDecoder, which on Node 20.20.x (and workerd) maps 0x80-0x9F to C1
  // controls instead of the cp1252 characters Python gives (STYLE.md §10).
  it('decodes a body detected as windows-1252 as cp1252 (0x80 → €)', async () => {
    const cp1252 = await loaded(new Uint8Array([0x80, 0x20, 0x93, 0x94]));
    expect(cp1252.apparentEncoding).toBe('windows-1252');
    expect(cp1252.text).toBe('\u20ac \u201c\u201d');
  });

  it('decodes text/* without a charset as ISO-8859-1, as requests does', async () => {
    const r = await loaded(utf8('é'), { headers: { 'content-type': 'text/plain' } });
    expect(r.text).toBe('Ã©');
  });

  it('decodes text again when encoding is set', async () => {
    const r = await loaded(utf8('é'), { headers: { 'content-type': 'text/plain' } });
    r.encoding = 'utf-8';
    expect(r.encoding).toBe('utf-8');
    expect(r.text).toBe('é');
    r.encoding = 'ISO-8859-1';
    expect(r.text).toBe('Ã©');
    r.encoding = null;
    expect(r.encoding).toBeNull();
    expect(r.text).toBe('é'); // apparentEncoding
  });

  it('maps Latin-1 bytes 0x80-0xFF to U+0080-U+00FF exactly (not windows-1252)', async () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (const label of ['ISO-8859-1', 'latin1', 'iso8859-1']) {
      const r = await loaded(bytes, { headers: { 'content-type': `text/plain; charset=${label}` } });
      expect([...r.text].map((c) => c.charCodeAt(0))).toEqual([...bytes]);
    }
  });

  it.each([
    ['a UTF-8 BOM', [0xef, 0xbb, 0xbf, 0x41], 'utf-8'],
    ['a UTF-16LE BOM', [0xff, 0xfe, 0x41, 0x00], 'utf-16le'],
    ['a UTF-16BE BOM', [0xfe, 0xff, 0x00, 0x41], 'utf-16be'],
    ['ASCII', [...utf8('plain ascii')], 'ascii'],
    ['UTF-8', [...utf8('grüße')], 'utf-8'],
    ['bytes that are not UTF-8', [0x63, 0x61, 0x66, 0xe9], 'windows-1252'],
  ])('apparentEncoding of %s is %s', async (_label, bytes, expected) => {
    expect((await loaded(new Uint8Array(bytes))).apparentEncoding).toBe(expected);
  });

  it('is the empty string for an empty body', async () => {
    expect((await loaded(null, { headers: { 'content-type': 'text/plain' } })).text).toBe('');
  });
});

describe('json()', () => {
  it('parses UTF-8 JSON', async () => {
    const r = await loaded('{"name":"Zoë","n":[1,2]}', { headers: { 'content-type': 'application/json' } });
    expect(r.json()).toEqual({ name: 'Zoë', n: [1, 2] });
    expect(await r.json()).toEqual({ name: 'Zoë', n: [1, 2] });
  });

  it('reads JSON as UTF-8 even when the Content-Type says nothing', async () => {
    expect((await loaded('{"a":"é"}', { headers: { 'content-type': 'application/octet-stream' } })).json()).toEqual({ a: 'é' });
  });

  it('decodes JSON with the declared charset', async () => {
    const utf16 = new Uint8Array(Buffer.from('{"a":"é"}', 'utf16le'));
    expect((await loaded(utf16, { headers: { 'content-type': 'application/json; charset=utf-16le' } })).json()).toEqual({ a: 'é' });
  });

  // Parameter names are case-insensitive (RFC 9110 §5.6.6): `Charset=` declares the charset as
  // `charset=` does, for json() as for `encoding` and `text`.
  it('decodes JSON with the declared charset whatever the case of the parameter name', async () => {
    const utf16 = new Uint8Array(Buffer.from('{"a":"é"}', 'utf16le'));
    const r = await loaded(utf16, { headers: { 'content-type': 'application/json; Charset=UTF-16LE' } });
    expect(r.encoding).toBe('UTF-16LE');
    expect(r.json()).toEqual({ a: 'é' });
  });

  it('raises JSONDecodeError whose message gives position, size and media type, never body text', async () => {
    const r = await loaded('<html>not json</html>', { status: 502, headers: { 'content-type': 'text/html; charset=utf-8' } });
    let error: unknown;
    try {
      r.json();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JSONDecodeError);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as JSONDecodeError).response).toBe(r);
    expect((error as Error).message).toBe('the response from https://x.test/res (502) is not valid JSON: error at line 1, column 1 (character 0); the body has 21 bytes (Content-Type: text/html)');
    expect((error as JSONDecodeError).position).toEqual({ offset: 0, line: 1, column: 1 });
    expect((error as JSONDecodeError).snippet).toBe('<html>not json</html>');
  });

  it('gives line and column of an error deep in the body, and keeps the text there on a hidden snippet only', async () => {
    const body = `{\n  "user": "ada",\n  "token": "SECRET-TOKEN-123" oops\n}`;
    const r = await loaded(body, { headers: { 'content-type': 'application/json' } });
    const error = (() => { try { r.json(); } catch (e) { return e as JSONDecodeError; } })()!;
    expect(error.position).toEqual({ offset: body.indexOf('oops'), line: 3, column: 31 });
    expect(error.message).toContain('line 3, column 31');
    expect(error.snippet).toContain('SECRET-TOKEN-123" oops');
    // Not in any view a log takes of the error: String(), JSON.stringify(), util.inspect() (no cause either).
    for (const view of [String(error), JSON.stringify(error), inspect(error), inspect(error, { depth: 10 }), error.stack ?? '']) {
      expect(view).not.toContain('SECRET');
    }
    expect(Object.keys(error)).not.toContain('snippet');
    expect(error.cause).toBeUndefined();
  });

  it('finds the error position on any text that JSON.parse refuses, and none on text it accepts (property)', () => {
    const jsonish = fc.oneof(
      fc.json(),
      fc.json().map((text) => text.slice(0, Math.max(0, text.length - 1))),
      fc.tuple(fc.json(), fc.string({ unit: fc.constantFrom(...'{}[],:"\\ \n0-1eE.tfn\u0001'.split('')), maxLength: 6 }), fc.nat()).map(([text, noise, at]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + noise + text.slice(i);
      }),
    );
    fc.assert(fc.property(jsonish, (text) => {
      let valid = true;
      try { JSON.parse(text); } catch { valid = false; }
      expect(jsonErrorOffset(text) === undefined).toBe(valid);
    }), fuzz(2000));
  });

  it('scans 100,000 nested brackets without overflowing the stack', () => {
    expect(jsonErrorOffset('['.repeat(100_000))).toBe(100_000);
    expect(jsonErrorOffset(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBeUndefined();
  });

  // JSON.parse's own message quotes the body around the failing position (V8), so it must not be
  // embedded: text from anywhere in the body (a token, say) would reach the message.
  it('keeps no more than ~60 characters of the body in the message', async () => {
    // The parser fails far into the body: the text around that point must not reach the message either.
    const body = `[${'1, '.repeat(60)}LEAKED_SECRET_TOKEN]`;
    const r = await loaded(body, { headers: { 'content-type': 'application/json' } });
    const error = (() => { try { r.json(); } catch (e) { return e as Error; } })()!;
    expect(error).toBeInstanceOf(JSONDecodeError);
    expect(error.message).not.toContain('LEAKED');
    expect(error.message).not.toContain('SECRET');
  });

  it('does not quote the body past 60 characters even when the parser fails early', async () => {
    const body = `not json ${'x'.repeat(200)} SECRET`;
    const r = await loaded(body);
    expect(() => r.json()).toThrow(JSONDecodeError);
    const message = (() => { try { r.json(); } catch (e) { return (e as Error).message; } })()!;
    expect(message).not.toContain('SECRET');
    expect(message).not.toContain('x'.repeat(70));
  });

  it('raises JSONDecodeError for an empty body', async () => {
    expect(() => streamed([]).json()).toThrow(RequestError); // not loaded yet
    const r = await loaded(null, { headers: { 'content-type': 'application/json' } });
    expect(() => r.json()).toThrow(JSONDecodeError);
  });

  it('validates with a zod 4 schema and returns its typed output', async () => {
    const User = z.object({ id: z.number(), name: z.string().transform((s) => s.toUpperCase()) });
    const r = await loaded('{"id":7,"name":"ada","extra":true}', { headers: { 'content-type': 'application/json' } });
    const user = r.json(User);
    // zod declares every schema's validate as sync-or-async, so the type is the output or a Promise of it...
    expectTypeOf(user).toEqualTypeOf<{ id: number; name: string } | Promise<{ id: number; name: string }>>();
    expectTypeOf(await user).toEqualTypeOf<{ id: number; name: string }>();
    // ...while this schema, synchronous, gives the output itself.
    expect(user).toEqual({ id: 7, name: 'ADA' });
  });

  it('raises SchemaValidationError with the issues when zod rejects', async () => {
    const r = await loaded('{"id":"seven"}', { headers: { 'content-type': 'application/json' } });
    let error: unknown;
    try {
      r.json(z.object({ id: z.number() }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SchemaValidationError);
    expect(error).toBeInstanceOf(RequestError);
    const issues = (error as SchemaValidationError).issues;
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]!.path).toEqual(['id']);
    expect((error as Error).message).toContain('id');
    expect((error as SchemaValidationError).response).toBe(r);
  });

  it('validates with a valibot schema', async () => {
    const Item = v.object({ sku: v.string(), qty: v.pipe(v.number(), v.minValue(1)) });
    const ok = await loaded('{"sku":"A1","qty":2}', { headers: { 'content-type': 'application/json' } });
    const item = ok.json(Item);
    expectTypeOf(await item).toEqualTypeOf<{ sku: string; qty: number }>();
    expect(item).toEqual({ sku: 'A1', qty: 2 });
    const bad = await loaded('{"sku":"A1","qty":0}', { headers: { 'content-type': 'application/json' } });
    let error: unknown;
    try {
      bad.json(Item);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SchemaValidationError);
    const issue = (error as SchemaValidationError).issues[0]!;
    const path = issue.path?.map((p) => (typeof p === 'object' ? p.key : p));
    expect(path).toEqual(['qty']);
  });

  it('returns a promise for an async schema and rejects it on failure', async () => {
    const Async = z.object({ id: z.number() }).refine(async (value) => value.id > 0, 'id must be positive');
    const good = await loaded('{"id":1}', { headers: { 'content-type': 'application/json' } });
    // The refinement is invisible in the schema's type: why json(zodSchema) is typed `Output | Promise<Output>`.
    expectTypeOf(good.json(Async)).toEqualTypeOf<{ id: number } | Promise<{ id: number }>>();
    expect(good.json(Async)).toBeInstanceOf(Promise);
    await expect(good.json(Async)).resolves.toEqual({ id: 1 });
    const bad = await loaded('{"id":-1}', { headers: { 'content-type': 'application/json' } });
    await expect(bad.json(Async)).rejects.toBeInstanceOf(SchemaValidationError);
  });
});

describe('json() types', () => {
  const body = () => loaded('{"n":"42"}', { headers: { 'content-type': 'application/json' } });
  const read = (value: unknown) => Number((value as { n: string }).n);

  it('is unknown without a schema, or what json<T>() says', async () => {
    const r = await body();
    expectTypeOf(r.json()).toBeUnknown();
    expectTypeOf(r.json<{ n: string }>()).toEqualTypeOf<{ n: string }>();
    expect(r.json<{ n: string }>().n).toBe('42');
  });

  it('is the output for a schema whose validate is declared synchronous', async () => {
    const sync = { '~standard': { version: 1, vendor: 'test', validate: (value: unknown) => ({ value: read(value) }) } } as const;
    const n = (await body()).json(sync);
    expectTypeOf(n).toEqualTypeOf<number>();
    expect(n).toBe(42);
  });

  it('is a Promise of the output for a schema whose validate is declared async', async () => {
    const later = { '~standard': { version: 1, vendor: 'test', validate: async (value: unknown) => ({ value: read(value) }) } } as const;
    const n = (await body()).json(later);
    expectTypeOf(n).toEqualTypeOf<Promise<number>>();
    expect(n).toBeInstanceOf(Promise);
    expect(await n).toBe(42);
  });
});

describe('status', () => {
  it.each([
    [200, true], [204, true], [301, true], [304, true], [399, true],
    [400, false], [404, false], [418, false], [500, false], [599, false],
  ])('ok for %d is %s (below 400, as in requests)', async (status, ok) => {
    expect((await loaded(null, { status })).ok).toBe(ok);
  });

  it.each([
    [301, true, true], [302, true, false], [303, true, false], [307, true, false], [308, true, true],
    [300, false, false], [304, false, false], [200, false, false],
  ])('%d with a Location: isRedirect %s, isPermanentRedirect %s', async (status, redirect, permanent) => {
    const r = await loaded(null, { status, headers: { location: '/next' } });
    expect(r.isRedirect).toBe(redirect);
    expect(r.isPermanentRedirect).toBe(permanent);
  });

  it('is no redirect without a Location', async () => {
    const r = await loaded(null, { status: 301 });
    expect(r.isRedirect).toBe(false);
    expect(r.isPermanentRedirect).toBe(false);
  });

  it('gives statusCode and reason', async () => {
    const r = await loaded(null, { status: 418, statusText: "I'm a teapot" });
    expect(r.statusCode).toBe(418);
    expect(r.reason).toBe("I'm a teapot");
  });
});

describe('raiseForStatus()', () => {
  const secretUrl = 'https://bob:hunter2@x.test/items?token=abc123&page=2';

  it('raises HTTPError for 4xx, naming a Client Error, with a redacted URL', async () => {
    const r = await loaded(null, { status: 404, statusText: 'Not Found' }, secretUrl);
    let error: unknown;
    try {
      r.raiseForStatus();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HTTPError);
    const message = (error as Error).message;
    expect(message).toMatch(/^404 Client Error: Not Found for url: /);
    expect(message).toContain('x.test/items');
    for (const secret of ['bob', 'hunter2', 'abc123']) expect(message).not.toContain(secret);
    expect(message).not.toMatch(/page=2/);
    expect((error as HTTPError).response).toBe(r);
    expect((error as HTTPError).request).toBe(r.request);
  });

  it('raises HTTPError for 5xx, naming a Server Error', async () => {
    const r = await loaded(null, { status: 503, statusText: 'Service Unavailable' });
    expect(() => r.raiseForStatus()).toThrow(/^503 Server Error: Service Unavailable for url: https:\/\/x\.test\/res$/);
  });

  it.each([200, 201, 204, 302, 399])('returns the response itself for %d', async (status) => {
    const r = await loaded(null, { status });
    expect(r.raiseForStatus()).toBe(r);
  });
});

describe('cookies', () => {
  it('lists the cookies of every Set-Cookie header', async () => {
    const headers = new Headers();
    headers.append('set-cookie', 'a=1; Path=/; HttpOnly');
    headers.append('set-cookie', 'b=two=2; Secure');
    headers.append('set-cookie', 'c=; Max-Age=0');
    const r = await loaded(null, { headers });
    expect(r.cookies).toEqual({ a: '1', b: 'two=2', c: '' });
  });

  it('is empty without Set-Cookie', async () => {
    expect((await loaded(null)).cookies).toEqual({});
  });
});

describe('streamed bodies', () => {
  it('refuses content, text and json() before read(), with a RequestError', async () => {
    const r = streamed(['{"a":1}']);
    expect(() => r.content).toThrow(RequestError);
    expect(() => r.text).toThrow(RequestError);
    expect(() => r.json()).toThrow(RequestError);
    await r.read();
    expect(r.json()).toEqual({ a: 1 });
    expect(r.text).toBe('{"a":1}');
  });

  it('joins the chunks in read()', async () => {
    const r = await streamed(['ab', new Uint8Array([0x63]), 'dé']).read();
    expect(r.text).toBe('abcdé');
  });

  it('yields chunks of exactly chunkSize bytes from odd-sized chunks, only the last shorter', async () => {
    const chunks = [3, 5, 1, 7, 2].map((n, k) => new Uint8Array(n).fill(k + 1));
    const pieces = await collect(streamed(chunks).iterContent(4));
    expect(pieces.map((p) => p.byteLength)).toEqual([4, 4, 4, 4, 2]);
    expect(Buffer.concat(pieces)).toEqual(Buffer.concat(chunks));
  });

  it('keeps the chunkSize contract for any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 20 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 9 }),
        async (chunks, size) => {
          const pieces = await collect(streamed(chunks).iterContent(size));
          const total = chunks.reduce((n, c) => n + c.byteLength, 0);
          expect(Buffer.concat(pieces)).toEqual(Buffer.concat(chunks));
          pieces.slice(0, -1).forEach((p) => expect(p.byteLength).toBe(size));
          if (pieces.length) expect(pieces.at(-1)!.byteLength).toBeGreaterThan(0);
          expect(pieces.length).toBe(Math.ceil(total / size));
        },
      ),
      { seed: 42, numRuns: 150 },
    );
  });

  it('iterates the loaded body too', async () => {
    const r = await streamed(['abcdefg']).read();
    expect((await collect(r.iterContent(3))).map((p) => new TextDecoder().decode(p))).toEqual(['abc', 'def', 'g']);
  });

  it('refuses a chunkSize that is not a positive integer', async () => {
    await expect(collect(streamed(['x']).iterContent(0))).rejects.toThrow(TypeError);
    await expect(collect(streamed(['x']).iterContent(1.5))).rejects.toThrow(TypeError);
  });

  it('splits lines on \\n and \\r\\n, also when a line break straddles two chunks', async () => {
    const r = streamed(['one\ntw', 'o\r', '\nthree\r\n', '\nfive'], { headers: { 'content-type': 'text/plain; charset=utf-8' } });
    expect(await collect(r.iterLines())).toEqual(['one', 'two', 'three', '', 'five']);
  });

  it('yields no trailing empty line', async () => {
    expect(await collect(streamed(['a\nb\n']).iterLines())).toEqual(['a', 'b']);
    expect(await collect(streamed(['a\r\n']).iterLines())).toEqual(['a']);
    expect(await collect(streamed([]).iterLines())).toEqual([]);
  });

  it('keeps inner empty lines', async () => {
    expect(await collect(streamed(['a\n\n\nb']).iterLines())).toEqual(['a', '', '', 'b']);
  });

  it('splits on a custom delimiter, also across chunks', async () => {
    expect(await collect(streamed(['a||b|', '|c||']).iterLines({ delimiter: '||' }))).toEqual(['a', 'b', 'c']);
  });

  it('decodes a multi-byte character split between chunks', async () => {
    const bytes = utf8('α\nβ');
    const r = streamed([bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4)], { headers: { 'content-type': 'text/plain; charset=utf-8' } });
    expect(await collect(r.iterLines())).toEqual(['α', 'β']);
  });

  it('decodes lines of a text/* body without charset as Latin-1', async () => {
    const r = streamed([new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a, 0x80])], { headers: { 'content-type': 'text/plain' } });
    expect(await collect(r.iterLines())).toEqual(['caf\u00e9', '\u0080']);
  });

  it('close() cancels an unread body', async () => {
    let cancelled = false;
    const r = streamed(['a', 'b'], {}, () => { cancelled = true; });
    await r.close();
    expect(cancelled).toBe(true);
  });

  it('stopping an iteration early cancels the rest of the body', async () => {
    let cancelled = false;
    const r = streamed(['a', 'b', 'c'], {}, () => { cancelled = true; });
    for await (const _chunk of r.iterContent()) break;
    expect(cancelled).toBe(true);
  });
});

describe('url and links', () => {
  it('falls back to the request URL and resolves Link targets against it', async () => {
    const r = await loaded(null, { headers: { link: '</items?page=3>; rel="next"' } }, 'https://api.test/items?page=2');
    expect(r.url).toBe('https://api.test/items?page=2');
    expect(r.links['next']?.url).toBe('https://api.test/items?page=3');
  });
});
