// Text decoding (requests' encoding rules, apparentEncoding) and compressed bodies.
import { describe, expect, it } from 'vitest';
import { b64, type Errand, type SuiteEnv } from './env.ts';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

export function encodingSuite(errand: Errand, env: SuiteEnv): void {
  const { base } = env;
  /** /charset answers with exactly these bytes and this Content-Type (none when ct is undefined). */
  const charset = (body: Uint8Array, ct?: string) =>
    errand.get(`${base}/charset`, { params: { b64: b64(body), ...(ct === undefined ? {} : { ct }) } });

  describe('encoding: which charset text uses', () => {
    it('the Content-Type charset wins', async () => {
      const r = await charset(utf8('café ✓'), 'text/plain; charset=utf-8');
      expect(r.encoding).toBe('utf-8');
      expect(r.text).toBe('café ✓');
    });

    it('a quoted charset works, and non-UTF-8 charsets decode', async () => {
      // "Привет" in windows-1251
      const r = await charset(bytes(0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2), 'text/plain; charset="windows-1251"');
      expect(r.encoding).toBe('windows-1251');
      expect(r.text).toBe('Привет');
    });

    it('text/* without a charset is ISO-8859-1, as requests does (RFC 2616)', async () => {
      const r = await charset(bytes(0x63, 0x61, 0x66, 0xe9), 'text/plain');
      expect(r.encoding).toBe('ISO-8859-1');
      expect(r.text).toBe('café');
    });

    it('ISO-8859-1 maps every byte to U+00XX, like Python (not windows-1252)', async () => {
      const r = await charset(bytes(0x80, 0x93, 0x9f, 0xff), 'text/html');
      expect(r.text).toBe('\u0080\u0093\u009f\u00ff');
    });

    it('JSON without a charset is UTF-8', async () => {
      const r = await charset(utf8('{"s":"é✓"}'), 'application/json');
      expect(r.encoding).toBe('utf-8');
      expect(r.json()).toEqual({ s: 'é✓' });
    });

    it('json() reads UTF-8 even when a text/* type implies ISO-8859-1 (no explicit charset)', async () => {
      const r = await charset(utf8('{"s":"é"}'), 'text/plain');
      expect(r.json()).toEqual({ s: 'é' });
    });

    it('no encoding for other types: text falls back to apparentEncoding', async () => {
      const r = await charset(utf8('naïve ✓'), 'application/octet-stream');
      expect(r.encoding).toBeNull();
      expect(r.apparentEncoding).toBe('utf-8');
      expect(r.text).toBe('naïve ✓');
    });

    it('no Content-Type at all: encoding null, text still decodes', async () => {
      const r = await charset(utf8('plain ascii'));
      expect(r.encoding).toBeNull();
      expect(r.text).toBe('plain ascii');
    });

    it('encoding is writable: text decodes with the new value', async () => {
      const r = await charset(utf8('café'), 'text/plain');
      expect(r.text).toBe('cafÃ©');
      r.encoding = 'utf-8';
      expect(r.encoding).toBe('utf-8');
      expect(r.text).toBe('café');
    });
  });

  // One label table (src/core/charset.ts) for text and iterLines(): before issue 10 iterLines() knew only four
  // Latin-1 spellings and handed the rest (and windows-1252) to TextDecoder, which differs by runtime.
  describe('encoding: one label table for text and iterLines()', () => {
    const high = bytes(0x80, 0x93, 0x9f, 0xe9, 0x0a, 0x41);
    const LATIN1 = '\u0080\u0093\u009fé\nA';
    const CP1252 = '€“Ÿé\nA';
    it.each([
      ['ISO-8859-1', LATIN1], ['latin1', LATIN1], ['cp819', LATIN1], ['l1', LATIN1], ['ibm819', LATIN1], ['iso-ir-100', LATIN1],
      ['csisolatin1', LATIN1], ['iso_8859-1:1987', LATIN1], ['iso88591', LATIN1], ['ascii', LATIN1],
      ['windows-1252', CP1252], ['cp1252', CP1252], ['x-cp1252', CP1252],
    ])('charset=%s decodes alike through text and iterLines()', async (label, expected) => {
      const loaded = await charset(high, `text/plain; charset=${label}`);
      expect(loaded.text).toBe(expected);
      const r = await errand.get(`${base}/charset`, { params: { b64: b64(high), ct: `text/plain; charset=${label}` }, stream: true });
      const lines: string[] = [];
      for await (const line of r.iterLines()) lines.push(line);
      expect(lines).toEqual(expected.split('\n'));
    });
  });

  describe('encoding: apparentEncoding', () => {
    it.each([
      ['ASCII', utf8('just ascii'), 'ascii'],
      ['valid UTF-8', utf8('Здравствуй, мир'), 'utf-8'],
      ['a UTF-8 BOM', bytes(0xef, 0xbb, 0xbf, 0x41), 'utf-8'],
      ['a UTF-16LE BOM', bytes(0xff, 0xfe, 0x41, 0x00), 'utf-16le'],
      ['bytes that are not UTF-8', bytes(0x63, 0x61, 0x66, 0xe9), 'windows-1252'],
    ])('detects %s', async (_label, body, expected) => {
      const r = await charset(body, 'application/octet-stream');
      expect(r.apparentEncoding).toBe(expected);
    });

    it('a real UTF-8 page: charset from the header, text intact', async () => {
      const r = await errand.get(`${base}/encoding/utf8`);
      expect(r.encoding).toBe('utf-8');
      expect(r.apparentEncoding).toBe('utf-8');
      expect(r.text).toContain('Καλημέρα κόσμε');
      expect(r.text).toContain('🎉🚀');
    });
  });

  describe('encoding: compressed bodies are decoded', () => {
    it.each([
      ['gzip', 'gzip', 'gzipped'],
      ['deflate', 'deflate', 'deflated'],
      ['brotli', 'br', 'brotli'],
    ])('%s', async (path, contentEncoding, flag) => {
      const r = await errand.get(`${base}/${path}`);
      expect(r.statusCode).toBe(200);
      expect(r.headers.get('content-encoding')).toBe(contentEncoding);
      expect(r.json<Record<string, unknown>>()[flag]).toBe(true);
      expect(r.json<{ method: string }>().method).toBe('GET');
    });
  });
}
