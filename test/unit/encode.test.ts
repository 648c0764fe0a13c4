import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidJSONError, Request, RequestError, Session, type DataInput, type ParamsInput } from 'errand';
import { appendParams, encodePairs, toPairs } from '../../src/core/encode.ts';
import { encodeData, encodeJson, toBytes } from '../../src/core/body-encoding.ts';
import { fuzz } from './fuzz-options.ts';

const text = (bytes: unknown) => new TextDecoder().decode(bytes as Uint8Array);

/** The final URL errand would send for these params. */
async function urlWith(url: string, params: unknown): Promise<string> {
  const prepared = await new Session().prepareRequest(new Request('GET', url, { params: params as never }));
  return prepared.url;
}

describe('params: byte-for-byte as Python urlencode(doseq=True)', () => {
  // Expected strings produced by CPython 3: urllib.parse.urlencode(params, doseq=True).
  it.each([
    ['UTF-8 letters', { q: 'é' }, 'q=%C3%A9'],
    ['an emoji (4 UTF-8 bytes)', { e: '😀' }, 'e=%F0%9F%98%80'],
    ['reserved characters', { r: '&=+/?#%' }, 'r=%26%3D%2B%2F%3F%23%25'],
    ['a space as +', { s: 'a b' }, 's=a+b'],
    ['a tilde as it is', { t: '~' }, 't=~'],
    ["!'()* escaped (encodeURIComponent keeps them)", { u: "!'()*" }, 'u=%21%27%28%29%2A'],
    ['keys encoded like values', { 'k y&': 'v' }, 'k+y%26=v'],
    ['unreserved characters as they are', { a: 'AZaz09-_.~' }, 'a=AZaz09-_.~'],
    ['arrays repeating the key', { tag: ['a', 'b'], x: '' }, 'tag=a&tag=b&x='],
    ['an empty array dropping the key', { tag: [], x: '1' }, 'x=1'],
  ])('%s', (_label, params, expected) => {
    expect(encodePairs(toPairs(params) as [string, string][])).toBe(expected);
  });

  it('drops null and undefined values, also inside arrays', () => {
    expect(encodePairs(toPairs({ a: null, b: undefined, c: 'x', d: ['1', null, undefined, '2'] }) as [string, string][])).toBe('c=x&d=1&d=2');
  });

  it('writes booleans and numbers as JavaScript prints them', () => {
    expect(encodePairs(toPairs({ t: true, f: false, n: 0, x: 1.5, neg: -3 }) as [string, string][])).toBe('t=true&f=false&n=0&x=1.5&neg=-3');
  });

  it('refuses an object value with a TypeError naming the key', () => {
    expect(() => toPairs({ nested: { a: 1 } })).toThrow(/'nested'/);
  });

  it('accepts pairs, keeping their order and repeated keys', async () => {
    expect(await urlWith('https://x.test/p', [['b', '1'], ['a', '2'], ['b', '3']])).toBe('https://x.test/p?b=1&a=2&b=3');
  });

  it('accepts URLSearchParams and a query string', async () => {
    expect(await urlWith('https://x.test/p', new URLSearchParams([['a', '1'], ['b', 'x y']]))).toBe('https://x.test/p?a=1&b=x+y');
    expect(await urlWith('https://x.test/p', 'a=1&b=2&b=3')).toBe('https://x.test/p?a=1&b=2&b=3');
  });

  it("appends after the URL's own query, which comes first and is kept as it is", async () => {
    expect(await urlWith('https://x.test/p?z=1&y=%2F', { a: 'é' })).toBe('https://x.test/p?z=1&y=%2F&a=%C3%A9');
  });

  it('keeps the fragment after the query', async () => {
    expect(await urlWith('https://x.test/p?z=1#frag', { a: '2' })).toBe('https://x.test/p?z=1&a=2#frag');
  });

  it('leaves the URL alone when there are no params', async () => {
    expect(await urlWith('https://x.test/p?z=1', {})).toBe('https://x.test/p?z=1');
    const url = new URL('https://x.test/p');
    appendParams(url, []);
    expect(url.href).toBe('https://x.test/p');
  });

  it('round-trips: URLSearchParams reads back exactly the pairs encodePairs wrote', () => {
    const pairs = fc.array(fc.tuple(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })), { maxLength: 8 });
    fc.assert(
      fc.property(pairs, (input) => {
        const encoded = encodePairs(input);
        expect([...new URLSearchParams(encoded)]).toEqual(input);
        // Only the characters Python's quote_plus leaves, escapes and separators.
        expect(encoded).toMatch(/^[A-Za-z0-9_.~+%=&-]*$/);
      }),
      fuzz(),
    );
  });
});

describe('data', () => {
  it('sends a string as its UTF-8 bytes with no Content-Type', () => {
    const encoded = encodeData('héllo ☃');
    expect(encoded.body).toBeInstanceOf(Uint8Array);
    expect(text(encoded.body)).toBe('héllo ☃');
    expect(encoded.contentType).toBeUndefined();
    expect(encoded.length).toBe(new TextEncoder().encode('héllo ☃').byteLength);
  });

  it('sends a Uint8Array as it is', () => {
    const bytes = new Uint8Array([0, 1, 254, 255]);
    const encoded = encodeData(bytes);
    expect(encoded.body).toBe(bytes);
    expect(encoded.contentType).toBeUndefined();
    expect(encoded.length).toBe(4);
  });

  it('sends an ArrayBuffer as its bytes', () => {
    const encoded = encodeData(new Uint8Array([9, 8, 7]).buffer);
    expect([...(encoded.body as Uint8Array)]).toEqual([9, 8, 7]);
    expect(encoded.length).toBe(3);
  });

  it('sends exactly the window of a DataView', () => {
    const buffer = new Uint8Array([0, 1, 2, 3, 4, 5, 6]).buffer;
    const encoded = encodeData(new DataView(buffer, 2, 3));
    expect([...(encoded.body as Uint8Array)]).toEqual([2, 3, 4]);
    expect(encoded.length).toBe(3);
  });

  it('sends a Blob as it is and keeps its type', () => {
    const blob = new Blob(['a,b\n'], { type: 'text/csv' });
    const encoded = encodeData(blob);
    expect(encoded.body).toBe(blob);
    expect(encoded.contentType).toBe('text/csv');
    expect(encoded.length).toBe(4);
    expect(encodeData(new Blob(['x'])).contentType).toBeUndefined();
  });

  it('leaves FormData to fetch (which adds the boundary)', () => {
    const form = new FormData();
    form.append('a', '1');
    const encoded = encodeData(form);
    expect(encoded.body).toBe(form);
    expect(encoded.contentType).toBeUndefined();
  });

  it('sends URLSearchParams as a form', () => {
    const params = new URLSearchParams({ a: '1' });
    const encoded = encodeData(params);
    expect(encoded.body).toBe(params);
    expect(encoded.contentType).toMatch(/^application\/x-www-form-urlencoded/);
  });

  it('form-encodes an object and pairs with the params rules', () => {
    const fromObject = encodeData({ a: 'x y', b: ['1', '2'], c: null, d: 'é' });
    expect(fromObject.contentType).toBe('application/x-www-form-urlencoded');
    expect(text(fromObject.body)).toBe('a=x+y&b=1&b=2&d=%C3%A9');
    expect(fromObject.length).toBe(text(fromObject.body).length);
    const fromPairs = encodeData([['z', '1'], ['a', '2'], ['z', '3']]);
    expect(fromPairs.contentType).toBe('application/x-www-form-urlencoded');
    expect(text(fromPairs.body)).toBe('z=1&a=2&z=3');
  });

  it('passes a ReadableStream through untouched', () => {
    const stream = new ReadableStream<Uint8Array>();
    expect(encodeData(stream).body).toBe(stream);
  });

  it('streams an async generator, which reads back fully and in order', async () => {
    async function* parts() {
      yield 'ab';
      yield new Uint8Array([0x63]);
      yield 'é';
      yield new Uint8Array([0x64, 0x65]).buffer;
    }
    const encoded = encodeData(parts());
    expect(encoded.body).toBeInstanceOf(ReadableStream);
    expect(encoded.length).toBeUndefined();
    expect(await new globalThis.Response(encoded.body as ReadableStream).text()).toBe('abcéde');
  });

  it('pulls from the generator only as the stream is read', async () => {
    let produced = 0;
    async function* parts() {
      for (let i = 0; i < 100; i++) {
        produced++;
        yield `${i},`;
      }
    }
    const stream = encodeData(parts()).body as ReadableStream<Uint8Array>;
    const reader = stream.getReader();
    await reader.read();
    // A pull stream asks for at most the next chunk or two ahead (highWaterMark), never the whole generator.
    expect(produced).toBeLessThan(5);
    await reader.cancel();
  });

  it('refuses a chunk that is neither bytes nor a string', () => {
    expect(() => toBytes(42)).toThrow(TypeError);
    expect(() => toBytes({})).toThrow(TypeError);
  });

  it.each([
    ['a number', 42],
    ['a boolean', true],
    ['a symbol', Symbol('x')],
  ])('refuses %s with a TypeError', (_label, value) => {
    expect(() => encodeData(value)).toThrow(TypeError);
  });
});

describe('the types of data and params follow what toPairs accepts', () => {
  // Each `@ts-expect-error` is checked by `npm run typecheck`: the type must refuse what the runtime throws on.
  it('refuses nested objects, in the types as at run time', () => {
    // @ts-expect-error a form body has no nesting
    const nested: DataInput = { a: { b: 1 } };
    // @ts-expect-error nor has an array of objects
    const objects: DataInput = { a: [{ b: 1 }] };
    // @ts-expect-error nor a pair whose value is an object
    const pair: DataInput = [['a', { b: 1 }]];
    // @ts-expect-error a query string has no nesting either
    const params: ParamsInput = { filter: { status: 'open' } };
    for (const input of [nested, objects, pair]) expect(() => encodeData(input), JSON.stringify(input)).toThrow(TypeError);
    expect(() => toPairs(params)).toThrow(/value of 'filter' must be a string, number or boolean/);
  });

  it('accepts the flat values it writes as text, Dates included', () => {
    const since = new Date(Date.UTC(2024, 0, 2));
    const data: DataInput = { s: 'x', n: 1, b: false, big: 10n, when: since, none: null, gone: undefined, list: ['a', 2] };
    const params: ParamsInput = [['q', 'x'], ['when', since], ['tag', ['a', 'b']]];
    expect(text(encodeData(data).body)).toBe('s=x&n=1&b=false&big=10&when=2024-01-02T00%3A00%3A00.000Z&list=a&list=2');
    expect(toPairs(params)).toEqual([['q', 'x'], ['when', '2024-01-02T00:00:00.000Z'], ['tag', 'a'], ['tag', 'b']]);
  });
});

describe('json', () => {
  it('serialises with Content-Type application/json', () => {
    const encoded = encodeJson({ a: [1, 'é'], b: null });
    expect(encoded.contentType).toBe('application/json');
    expect(text(encoded.body)).toBe('{"a":[1,"é"],"b":null}');
    expect(encoded.length).toBe(new TextEncoder().encode('{"a":[1,"é"],"b":null}').byteLength);
  });

  it('turns a BigInt into InvalidJSONError (a RequestError), not a bare TypeError', () => {
    expect(() => encodeJson({ n: 10n })).toThrow(InvalidJSONError);
    expect(() => encodeJson({ n: 10n })).toThrow(RequestError);
  });

  it('turns a cycle into InvalidJSONError with the cause kept', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    let error: unknown;
    try {
      encodeJson(cyclic);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidJSONError);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it('refuses a value with no JSON form', () => {
    expect(() => encodeJson(undefined)).toThrow(InvalidJSONError);
    expect(() => encodeJson(() => 1)).toThrow(InvalidJSONError);
  });

  it('raises InvalidJSONError from prepare for a bad json option', async () => {
    await expect(new Session().prepareRequest(new Request('POST', 'https://x.test/', { json: { n: 1n } }))).rejects.toBeInstanceOf(InvalidJSONError);
  });

  it('sends no body for json: undefined', async () => {
    const prepared = await new Session().prepareRequest(new Request('POST', 'https://x.test/', { json: undefined }));
    expect(prepared.body).toBeNull();
    expect(prepared.headers.has('content-type')).toBe(false);
  });
});
