// Query params and request bodies: form, JSON, multipart, Blob, bytes, URLSearchParams, FormData, streams.
import { describe, expect, it } from 'vitest';
import { header, rejection, type Echo, type Errand, type SuiteEnv } from './env.ts';

/** Parses the multipart body /echo-raw sent back, with the platform's own parser. */
async function parseMultipart(r: { content: Uint8Array; headers: Headers }): Promise<FormData> {
  const raw = new Response(r.content as BodyInit, { headers: { 'Content-Type': r.headers.get('content-type') ?? '' } });
  return raw.formData();
}

export function bodiesSuite(errand: Errand, env: SuiteEnv): void {
  const { base } = env;

  describe('params', () => {
    it('merge with the URL query (URL first), arrays repeat the key, null/undefined are dropped', async () => {
      const r = await errand.get(`${base}/get?a=1`, { params: { b: '2', tag: ['x', 'y'], gone: null, absent: undefined, n: 3, yes: true } });
      expect(r.url).toBe(`${base}/get?a=1&b=2&tag=x&tag=y&n=3&yes=true`);
      expect(r.json<Echo>().args).toEqual({ a: '1', b: '2', tag: ['x', 'y'], n: '3', yes: 'true' });
    });

    it('encode unicode and reserved characters as requests does (quote_plus)', async () => {
      const params = { q: 'café ☕', 'ключ': 'значение', odd: "a&b=c+d/e?f#g!'()*" };
      const r = await errand.get(`${base}/get`, { params });
      expect(r.json<Echo>().args).toEqual(params);
      expect(r.url).toContain('q=caf%C3%A9+%E2%98%95');
      expect(r.url).toContain('odd=a%26b%3Dc%2Bd%2Fe%3Ff%23g%21%27%28%29%2A');
    });

    it('accept URLSearchParams, pairs and a string', async () => {
      const forms = [new URLSearchParams([['k', '1'], ['k', '2']]), [['k', '1'], ['k', '2']] as [string, string][], 'k=1&k=2'];
      for (const params of forms) {
        const r = await errand.get(`${base}/get`, { params });
        expect(r.json<Echo>().args).toEqual({ k: ['1', '2'] });
      }
    });
  });

  describe('bodies', () => {
    it('json is serialised with Content-Type: application/json', async () => {
      const json = { name: 'ünïcødé ✓', list: [1, true, null], nested: { a: { b: 'c' } } };
      const r = await errand.post(`${base}/post`, { json });
      const body = r.json<Echo>();
      expect(body.json).toEqual(json);
      expect(header(body.headers, 'content-type')).toBe('application/json');
    });

    it('json is ignored when data is given, as in requests', async () => {
      const r = await errand.post(`${base}/post`, { json: { ignored: true }, data: { used: 'yes' } });
      const body = r.json<Echo>();
      expect(body.form).toEqual({ used: 'yes' });
      expect(body.json).toBeNull();
    });

    it('an object or pairs as data are form-encoded', async () => {
      for (const data of [{ a: '1', b: ['x', 'y'], sp: 'a b&c' }, [['a', '1'], ['b', 'x'], ['b', 'y'], ['sp', 'a b&c']] as [string, string][]]) {
        const r = await errand.post(`${base}/post`, { data });
        const body = r.json<Echo>();
        expect(body.form).toEqual({ a: '1', b: ['x', 'y'], sp: 'a b&c' });
        expect(header(body.headers, 'content-type')).toBe('application/x-www-form-urlencoded');
      }
    });

    it('a string is sent as UTF-8 with no Content-Type of its own', async () => {
      const r = await errand.post(`${base}/post`, { data: 'plain ✓' });
      const body = r.json<Echo>();
      expect(body.data).toBe('plain ✓');
      expect(header(body.headers, 'content-length')).toBe(String(new TextEncoder().encode('plain ✓').byteLength));
      expect(header(body.headers, 'content-type')).toBeUndefined();
    });

    it('a Blob is sent as it is, with its type', async () => {
      const r = await errand.put(`${base}/put`, { data: new Blob(['blob body'], { type: 'text/x-blob' }) });
      const body = r.json<Echo>();
      expect(body.data).toBe('blob body');
      expect(header(body.headers, 'content-type')).toBe('text/x-blob');
    });

    it('Uint8Array and ArrayBuffer bodies arrive byte for byte', async () => {
      const bytes = Uint8Array.from([0, 1, 2, 127, 128, 254, 255]);
      for (const data of [bytes, bytes.buffer.slice(0)]) {
        const r = await errand.post(`${base}/echo-raw`, { data, headers: { 'Content-Type': 'application/octet-stream' } });
        expect([...r.content]).toEqual([...bytes]);
      }
    });

    it('URLSearchParams is form-encoded', async () => {
      const r = await errand.post(`${base}/post`, { data: new URLSearchParams({ a: '1', b: 'ü' }) });
      const body = r.json<Echo>();
      expect(body.form).toEqual({ a: '1', b: 'ü' });
      expect(header(body.headers, 'content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    });

    it('FormData is sent as multipart by the platform', async () => {
      const form = new FormData();
      form.append('field', 'value');
      form.append('upload', new Blob(['file text'], { type: 'text/plain' }), 'notes.txt');
      const r = await errand.post(`${base}/post`, { data: form });
      const body = r.json<Echo>();
      expect(body.form).toEqual({ field: 'value' });
      expect(body.files).toEqual({ upload: 'file text' });
      expect(header(body.headers, 'content-type')).toMatch(/^multipart\/form-data; boundary=/);
    });
  });

  describe('send() sends exactly the prepared request', () => {
    // Before issue 10 the Node transport and fetch both added `Content-Type: text/plain;charset=UTF-8`.
    it('a string body set by hand goes as UTF-8 with no Content-Type added', async () => {
      const s = new errand.Session();
      const prepared = await s.prepareRequest(new errand.Request('POST', `${base}/anything/raw`));
      prepared.body = 'héllo ☃';
      const body = (await s.send(prepared)).json<Echo>();
      expect(body.data).toBe('héllo ☃');
      expect(header(body.headers, 'content-type')).toBeUndefined();
      expect(header(body.headers, 'content-length')).toBe(String(new TextEncoder().encode('héllo ☃').byteLength));
    });
  });

  describe('multipart files', () => {
    it('files and data fields reach httpbin as files and form', async () => {
      const r = await errand.post(`${base}/post`, {
        files: { report: ['report.csv', 'a,b\n1,2\n', 'text/csv'], bytes: new TextEncoder().encode('raw bytes') },
        data: { field: 'v', multi: ['1', '2'] },
      });
      const body = r.json<Echo>();
      expect(body.files).toEqual({ report: 'a,b\n1,2\n', bytes: 'raw bytes' });
      expect(body.form).toEqual({ field: 'v', multi: ['1', '2'] });
      expect(header(body.headers, 'content-type')).toMatch(/^multipart\/form-data; boundary=/);
    });

    it('each part carries its filename and content type (parsed back from /echo-raw)', async () => {
      const r = await errand.post(`${base}/echo-raw`, {
        files: {
          report: ['report.csv', 'a,b\n', 'text/csv'],
          photo: new File([Uint8Array.from([0xff, 0xd8, 0xff])], 'photo.jpg', { type: 'image/jpeg' }),
          blob: new Blob(['{}'], { type: 'application/json' }),
          extra: ['notes.txt', 'n', 'text/plain', { 'X-Part': 'yes' }],
          unicode: ['résumé ✓.txt', 'u', 'text/plain; charset=utf-8'],
        },
        data: { title: 'Résumé ✓' },
      });
      const form = await parseMultipart(r);
      expect(form.get('title')).toBe('Résumé ✓');
      const report = form.get('report') as File;
      expect([report.name, report.type, await report.text()]).toEqual(['report.csv', 'text/csv', 'a,b\n']);
      const photo = form.get('photo') as File;
      expect([photo.name, photo.type, [...new Uint8Array(await photo.arrayBuffer())]]).toEqual(['photo.jpg', 'image/jpeg', [0xff, 0xd8, 0xff]]);
      // A bare Blob is named after its field, as requests does, and keeps its type (read from the part's
      // header as sent: Bun's Blob adds a charset to the type, which Bun's own formData() then drops).
      expect((form.get('blob') as File).name).toBe('blob');
      expect(r.text).toMatch(/name="blob"; filename="blob"\r\nContent-Type: application\/json(;[^\r]*)?\r\n/);
      expect(r.text).toContain('X-Part: yes');
      expect((form.get('unicode') as File).name).toBe('résumé ✓.txt');
    });
  });

  describe('streamed request bodies', () => {
    const chunks = ['first chunk\n', 'second chunk\n', 'third ✓\n'];
    const makeStream = (): ReadableStream<Uint8Array> => {
      let i = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (i < chunks.length) controller.enqueue(new TextEncoder().encode(chunks[i++]));
          else controller.close();
        },
      });
    };

    // Chromium streams request bodies only over HTTP/2; the test server speaks HTTP/1.1 (FACTS.md).
    it.skipIf(env.runtime === 'browser')('a ReadableStream body is streamed, chunked (node, edge)', async () => {
      const r = await errand.post(`${base}/post`, { data: makeStream() });
      const body = r.json<Echo>();
      expect(body.data).toBe(chunks.join(''));
      expect(header(body.headers, 'transfer-encoding')).toBe('chunked');
      expect(header(body.headers, 'content-length')).toBeUndefined();
    });

    it.skipIf(env.runtime === 'browser')('an async generator body is streamed (node, edge)', async () => {
      async function* generate(): AsyncGenerator<string | Uint8Array> {
        yield 'text, ';
        yield new TextEncoder().encode('bytes');
      }
      const r = await errand.put(`${base}/put`, { data: generate() });
      expect(r.json<Echo>().data).toBe('text, bytes');
    });

    it.runIf(env.runtime === 'browser')('browser: a streamed body over HTTP/1.1 rejects with a RequestError, never hangs', async () => {
      const error = await rejection(errand.post(`${base}/post`, { data: makeStream(), retries: 0 }));
      expect(error).toBeInstanceOf(errand.RequestError);
    });

    // The browser adapter knows it cannot stream uploads (streamingUploads: false in src/browser.ts), so it
    // refuses the stream itself instead of passing on Chromium's bare "Failed to fetch".
    (env.runtime === 'browser' ? it : it.skip)('browser: a streamed body is refused with an UnsupportedError that says why', async () => {
      const error = await rejection(errand.post(`${base}/post`, { data: makeStream(), retries: 0 }));
      expect(error).toBeInstanceOf(errand.UnsupportedError);
      expect(error.message).toMatch(/stream/i);
    });
  });
}
