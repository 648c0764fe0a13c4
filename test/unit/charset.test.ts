import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, detectEncoding, encodingFromContentType, parseContentType } from '../../src/core/charset.ts';
import { fuzz } from './fuzz-options.ts';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('parseContentType', () => {
  it('lower-cases the type and parameter names, keeping values as sent', () => {
    expect(parseContentType('Text/HTML; Charset="UTF-8"; Level=1')).toEqual({ type: 'text/html', params: { charset: 'UTF-8', level: '1' } });
  });

  it('keeps ; and = inside a quoted value, and unescapes quoted pairs', () => {
    expect(parseContentType('multipart/form-data; boundary="a;b=c"; name="x\\"y"')).toEqual({
      type: 'multipart/form-data', params: { boundary: 'a;b=c', name: 'x"y' },
    });
  });

  it('tolerates spaces and empty parts', () => {
    expect(parseContentType('  application/json ;  charset = utf-8 ; ; junk ')).toEqual({ type: 'application/json', params: { charset: 'utf-8' } });
  });

  it('keeps the first of repeated parameters', () => {
    expect(parseContentType('text/plain; charset=utf-8; charset=latin1').params).toEqual({ charset: 'utf-8' });
  });

  it.each([null, ''])('gives an empty result for %j', (value) => {
    expect(parseContentType(value)).toEqual({ type: '', params: {} });
  });

  it('reads back generated parameters, quoted or not (property)', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9!#$&^_.+-]{1,10}$/);
    const quotable = fc.string({ unit: fc.constantFrom(...'aZ9 ;,=\\"/é\t'.split('')), maxLength: 12 });
    const param = fc.oneof(
      fc.record({ value: token, quoted: fc.constant(false) }),
      fc.record({ value: quotable, quoted: fc.constant(true) }),
    );
    const params = fc.uniqueArray(fc.tuple(token, param), { maxLength: 5, selector: ([name]) => name.toLowerCase() });
    fc.assert(
      fc.property(token, token, params, fc.constantFrom(';', '; ', ' ; '), (type, subtype, list, separator) => {
        const header = [
          `${type}/${subtype}`,
          ...list.map(([name, p]) => `${name}=${p.quoted ? `"${p.value.replace(/[\\"]/g, (c) => `\\${c}`)}"` : p.value}`),
        ].join(separator);
        const parsed = parseContentType(header);
        expect(parsed.type).toBe(`${type}/${subtype}`.toLowerCase());
        expect(parsed.params).toEqual(Object.fromEntries(list.map(([name, p]) => [name.toLowerCase(), p.value])));
      }),
      fuzz(),
    );
  });
});

describe('encodingFromContentType', () => {
  it.each([
    ['text/html; charset=UTF-8', 'UTF-8'],
    ['text/html; charset="utf-8"', 'utf-8'],
    ["text/html; charset='utf-8'", 'utf-8'],
    ['text/plain', 'ISO-8859-1'],
    ['TEXT/CSV', 'ISO-8859-1'],
    ['application/json', 'utf-8'],
    ['application/vnd.api+json', 'utf-8'],
    ['application/json; charset=latin1', 'latin1'],
    ['application/xml', null],
    ['image/png', null],
    ['', null],
    [null, null],
  ])('%j → %j', (contentType, expected) => {
    expect(encodingFromContentType(contentType)).toBe(expected);
  });

  it('finds charset among other parameters, whatever its position or case', () => {
    expect(encodingFromContentType('text/html; q=1; CHARSET=Shift_JIS; x=y')).toBe('Shift_JIS');
  });

  it('returns the charset for any generated value (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/), fc.boolean(), fc.constantFrom('text/plain', 'application/json', 'image/x'), (charset, quoted, type) => {
        expect(encodingFromContentType(`${type}; charset=${quoted ? `"${charset}"` : charset}`)).toBe(charset);
      }),
      fuzz(200),
    );
  });
});

describe('decode', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);

  it.each(['ISO-8859-1', 'iso-8859-1', 'latin1', 'Latin-1', 'l1', 'cp819', ' ISO-8859-1 '])('maps every byte to U+00XX for %j', (label) => {
    expect([...decode(all, label)].map((c) => c.charCodeAt(0))).toEqual([...all]);
  });

  it('decodes a large Latin-1 body exactly (no argument-count limits)', () => {
    const big = Uint8Array.from({ length: 200_000 }, (_, i) => i % 256);
    const text = decode(big, 'ISO-8859-1');
    expect(text.length).toBe(big.length);
    expect(text.charCodeAt(0x8000 + 0x81)).toBe(0x81);
    expect(text.charCodeAt(199_999)).toBe(199_999 % 256);
  });

  it('decodes UTF-8 and UTF-16', () => {
    expect(decode(new TextEncoder().encode('grüße ☃ 😀'), 'utf-8')).toBe('grüße ☃ 😀');
    expect(decode(bytes(0x41, 0x00, 0xac, 0x20), 'utf-16le')).toBe('A€');
  });

  it('decodes an unknown label as UTF-8 instead of throwing', () => {
    expect(decode(new TextEncoder().encode('é'), 'x-no-such-charset')).toBe('é');
  });

  it('replaces invalid UTF-8 instead of throwing', () => {
    expect(decode(bytes(0x61, 0xff, 0x62), 'utf-8')).toBe('a\ufffdb');
  });

  // Not left to TextDecoder, which on Node 20.20.x (STYLE.md §10) and workerd maps 0x80-0x9F to
  // U+0080-U+009F. Python's cp1252 gives € “ ” ….
  it('decodes windows-1252 0x80-0x9F as cp1252 on every runtime', () => {
    expect(decode(bytes(0x80, 0x85, 0x93, 0x94, 0x99), 'windows-1252')).toBe('€…“”™');
    expect(decode(bytes(0x80), 'cp1252')).toBe('€');
  });
});

describe('detectEncoding', () => {
  it.each([
    ['a UTF-8 BOM', [0xef, 0xbb, 0xbf, 0x68, 0x69], 'utf-8'],
    ['a UTF-16LE BOM', [0xff, 0xfe, 0x68, 0x00], 'utf-16le'],
    ['a UTF-16BE BOM', [0xfe, 0xff, 0x00, 0x68], 'utf-16be'],
    ['ASCII', [0x68, 0x69, 0x0a, 0x7f], 'ascii'],
    ['nothing', [], 'ascii'],
    ['valid UTF-8', [...new TextEncoder().encode('naïve 😀')], 'utf-8'],
    ['a lone continuation byte', [0x61, 0x80], 'windows-1252'],
    ['a truncated sequence', [0x61, 0xe2, 0x82], 'windows-1252'],
    ['Latin-1 é', [0x63, 0x61, 0x66, 0xe9], 'windows-1252'],
  ])('%s → %s', (_label, values, expected) => {
    expect(detectEncoding(new Uint8Array(values))).toBe(expected);
  });

  it('calls any valid UTF-8 text with a non-ASCII character utf-8 (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }).filter((s) => /[^\x00-\x7f]/.test(s)), (text) => {
        expect(detectEncoding(new TextEncoder().encode(text))).toBe('utf-8');
      }),
      fuzz(200),
    );
  });
});
