import { describe, expect, it } from 'vitest';
import { InvalidHeaderError, Request, Session } from 'errand';
import { encodeMultipart } from '../../src/core/multipart.ts';

async function parse(files: unknown, data?: unknown) {
  const encoded = encodeMultipart(files as never, data);
  const blob = encoded.body as Blob;
  const raw = await blob.text();
  const form = await new globalThis.Response(blob, { headers: { 'content-type': encoded.contentType! } }).formData();
  return { encoded, blob, raw, form };
}

const boundaryOf = (contentType: string) => /boundary=(.+)$/.exec(contentType)![1]!;

describe('multipart/form-data', () => {
  it('builds a body fetch can parse back, with a known length and its boundary in the Content-Type', async () => {
    const { encoded, blob, raw, form } = await parse({ f: new Blob(['hello'], { type: 'text/plain' }) });
    expect(encoded.contentType).toMatch(/^multipart\/form-data; boundary=\S+$/);
    expect(encoded.length).toBe(blob.size);
    const boundary = boundaryOf(encoded.contentType!);
    expect(raw.startsWith(`--${boundary}\r\n`)).toBe(true);
    expect(raw.endsWith(`--${boundary}--\r\n`)).toBe(true);
    const file = form.get('f') as File;
    expect(await file.text()).toBe('hello');
    expect(file.type).toBe('text/plain');
  });

  it('uses a fresh boundary each time', () => {
    const a = encodeMultipart({ f: 'x' }, undefined).contentType!;
    const b = encodeMultipart({ f: 'x' }, undefined).contentType!;
    expect(a).not.toBe(b);
  });

  it('puts data fields first, in order, then the files', async () => {
    const { raw, form } = await parse({ f1: 'one', f2: 'two' }, { a: '1', b: ['2', '3'], c: 4 });
    expect([...form.keys()]).toEqual(['a', 'b', 'b', 'c', 'f1', 'f2']);
    expect(form.getAll('b')).toEqual(['2', '3']);
    expect(form.get('c')).toBe('4');
    const at = (name: string) => raw.indexOf(`name="${name}"`);
    expect(at('a')).toBeLessThan(at('b'));
    expect(at('c')).toBeLessThan(at('f1'));
    expect(at('f1')).toBeLessThan(at('f2'));
  });

  it('sends data fields as plain fields, without a filename', async () => {
    const { raw, form } = await parse({ f: 'x' }, { a: 'é' });
    expect(form.get('a')).toBe('é');
    expect(raw).toContain('Content-Disposition: form-data; name="a"\r\n\r\né\r\n');
  });

  it('names a bare Blob, bytes or string after its field, as requests does', async () => {
    const { raw, form } = await parse({ doc: new Blob(['d']), bytes: new Uint8Array([1]), str: 'text' });
    expect(raw).toContain('name="doc"; filename="doc"');
    expect(raw).toContain('name="bytes"; filename="bytes"');
    expect(raw).toContain('name="str"; filename="str"');
    expect((form.get('str') as File).name).toBe('str');
  });

  it("uses a File's own name", async () => {
    const { raw, form } = await parse({ upload: new File(['a,b'], 'report.csv', { type: 'text/csv' }) });
    expect(raw).toContain('Content-Disposition: form-data; name="upload"; filename="report.csv"\r\nContent-Type: text/csv\r\n');
    const file = form.get('upload') as File;
    expect(file.name).toBe('report.csv');
    expect(file.type).toBe('text/csv');
  });

  it('takes filename, content type and extra headers from a tuple', async () => {
    const { raw, form } = await parse({ f: ['a.txt', 'content', 'text/markdown', { 'X-Extra': '1', 'Content-Language': 'fr' }] });
    expect(raw).toContain(
      'Content-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/markdown\r\nX-Extra: 1\r\nContent-Language: fr\r\n\r\ncontent\r\n',
    );
    const file = form.get('f') as File;
    expect(file.name).toBe('a.txt');
    expect(file.type).toBe('text/markdown');
  });

  it("lets the tuple's content type win over the Blob's", async () => {
    const { raw } = await parse({ f: ['x.bin', new Blob(['x'], { type: 'text/plain' }), 'application/octet-stream'] });
    expect(raw).toContain('Content-Type: application/octet-stream\r\n');
    expect(raw).not.toContain('Content-Type: text/plain');
  });

  it('sends a tuple with a null filename as a plain field', async () => {
    const { raw, form } = await parse({ note: [null, 'just text'] });
    expect(raw).toContain('Content-Disposition: form-data; name="note"\r\n\r\njust text\r\n');
    expect(form.get('note')).toBe('just text');
  });

  it('adds no Content-Type line for parts that have none', async () => {
    const { raw } = await parse({ f: 'plain' });
    expect(raw).toContain('name="f"; filename="f"\r\n\r\nplain\r\n');
  });

  it('escapes quotes and newlines in field names and filenames', async () => {
    const { raw } = await parse({ 'we"ird\nna\rme': ['a"b\n.txt', 'x'] });
    expect(raw).toContain('name="we%22ird%0Ana%0Dme"; filename="a%22b%0A.txt"');
    // Nothing after the escaping may break the header line.
    expect(raw).not.toContain('we"ird');
  });

  it('refuses a part header with CR or LF with InvalidHeaderError', () => {
    expect(() => encodeMultipart({ f: ['a.txt', 'x', 'text/plain', { 'X-Bad': 'a\r\nInjected: 1' }] }, undefined)).toThrow(InvalidHeaderError);
  });

  // Every line of a part head goes through src/core/wire.ts (issue 10): refused before any byte is encoded.
  it.each([
    ['a content type with CR/LF', { f: ['a.txt', 'x', 'text/plain\r\nX-Injected: yes'] }],
    ['a content type with a lone LF', { f: ['a.txt', 'x', 'text/plain\nX-Injected: yes'] }],
    ['a content type with NUL', { f: ['a.txt', 'x', 'text/plain\0'] }],
    ['a part header value with a control character', { f: ['a.txt', 'x', 'text/plain', { 'X-Bad': 'a\u0001b' }] }],
    ['a part header name that is not a token', { f: ['a.txt', 'x', 'text/plain', { 'X-Bad\r\nX-Injected': 'yes' }] }],
    ['a part header name with a colon', { f: ['a.txt', 'x', 'text/plain', { 'X-Bad: yes\r\nX': 'z' }] }],
    ['a filename with NUL (truncates it in C parsers)', { f: ['evil.php\0.jpg', 'x'] }],
    ['a field name with a control character', { 'f\u0007': ['a.txt', 'x'] }],
    ['a data field name with NUL', { f: ['a.txt', 'x'] }, { 'n\0': 'v' }],
  ])('refuses %s with InvalidHeaderError', (_what, files, data?: unknown) => {
    expect(() => encodeMultipart(files as never, data)).toThrow(InvalidHeaderError);
  });

  it('takes null as "no extra headers" in a tuple, and refuses headers that are not an object', () => {
    expect(() => encodeMultipart({ f: ['a.txt', 'x', 'text/plain', null] } as never, undefined)).not.toThrow();
    expect(() => encodeMultipart({ f: ['a.txt', 'x', 'text/plain', 'X-A: 1'] } as never, undefined)).toThrow(TypeError);
  });

  it('does not quote the refused value in the message', () => {
    const error = (() => { try { encodeMultipart({ f: ['a.txt', 'x', 'text/plain', { 'X-Key': 'SECRET-VALUE\r\n' }] }, undefined); } catch (e) { return e as Error; } })()!;
    expect(error).toBeInstanceOf(InvalidHeaderError);
    expect(error.message).toContain("part 'f'");
    expect(error.message).not.toContain('SECRET');
  });

  it('writes a non-ASCII field name and filename as UTF-8 (as browsers do), and HTAB in a header value', async () => {
    const { raw, form } = await parse({ 'pièce': ['résumé ☃.txt', 'x', 'text/plain', { 'X-Note': 'a\tb' }] });
    expect(raw).toContain('name="pièce"; filename="résumé ☃.txt"');
    expect(raw).toContain('X-Note: a\tb\r\n');
    expect((form.get('pièce') as File).name).toBe('résumé ☃.txt');
  });

  it('keeps binary content byte for byte: Uint8Array, ArrayBuffer, UTF-8 string', async () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const { form } = await parse({
      u8: ['u8.bin', all],
      ab: ['ab.bin', new Uint8Array([0xff, 0x00, 0x0d, 0x0a]).buffer],
      str: ['s.txt', 'héllo ☃'],
    });
    expect(new Uint8Array(await (form.get('u8') as File).arrayBuffer())).toEqual(all);
    expect([...new Uint8Array(await (form.get('ab') as File).arrayBuffer())]).toEqual([0xff, 0x00, 0x0d, 0x0a]);
    expect(new Uint8Array(await (form.get('str') as File).arrayBuffer())).toEqual(new TextEncoder().encode('héllo ☃'));
  });

  it('accepts pairs for files, repeating a field', async () => {
    const { form } = await parse([['f', 'one'], ['f', 'two']]);
    expect(await Promise.all(form.getAll('f').map((f) => (f as File).text()))).toEqual(['one', 'two']);
  });

  it('combines data given as FormData (strings and Files) with files, data first', async () => {
    const data = new FormData();
    data.append('a', '1');
    data.append('doc', new File(['zz'], 'z.txt', { type: 'text/plain' }));
    const { form } = await parse({ f: ['f.txt', 'ff'] }, data);
    expect([...form.keys()]).toEqual(['a', 'doc', 'f']);
    expect(form.get('a')).toBe('1');
    const doc = form.get('doc') as File;
    expect(doc.name).toBe('z.txt');
    expect(doc.type).toBe('text/plain');
    expect(await doc.text()).toBe('zz');
  });

  it.each([
    ['a number', 5, 'number'],
    ['an object', { a: 1 }, 'object'],
    ['null', null, 'null'],
    ['a boolean', true, 'boolean'],
  ])('refuses %s as file content with a TypeError naming the field', (_label, value, kind) => {
    let error: unknown;
    try {
      encodeMultipart({ avatar: value as never }, undefined);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain("'avatar'");
    expect((error as Error).message).toContain(kind);
  });

  it('refuses bad content inside a tuple too', () => {
    expect(() => encodeMultipart({ avatar: ['a.png', 5 as never] }, undefined)).toThrow(/'avatar'/);
  });

  it.each([
    ['a string', 'a=1'],
    ['bytes', new Uint8Array([1])],
    ['a Blob', new Blob(['x'])],
    ['a stream', new ReadableStream()],
  ])('refuses %s as data alongside files', (_label, data) => {
    expect(() => encodeMultipart({ f: 'x' }, data)).toThrow(TypeError);
  });

  it('is what prepare sends for files, with its Content-Type, ignoring json', async () => {
    const prepared = await new Session().prepareRequest(
      new Request('POST', 'https://x.test/up', { files: { f: ['a.txt', 'A'] }, data: { k: 'v' }, json: { ignored: true } }),
    );
    const contentType = prepared.headers.get('content-type')!;
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new globalThis.Response(prepared.body as Blob, { headers: { 'content-type': contentType } }).formData();
    expect([...form.keys()]).toEqual(['k', 'f']);
    expect(await new globalThis.Response(prepared.body as Blob).text()).not.toContain('ignored');
  });
});
