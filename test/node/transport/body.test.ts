// Response bodies on the Dispatcher path: Content-Encoding decoded by errand (node:zlib), corrupt bodies
// failing fast, headers and reason phrase as sent, and streamed bodies freeing their sockets.
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ContentDecodingError, Session } from 'errand';
import type { EchoBody } from '../../servers/echo-body.ts';
import { startServer, type TestServer } from './_server.ts';

const httpbin = inject('httpbinUrl');
const TEXT = 'errand decodes this body itself. '.repeat(200);
const zstdCompress = (zlib as unknown as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync;

const encoded: Record<string, Buffer> = {
  gzip: gzipSync(TEXT),
  deflate: deflateSync(TEXT),
  'deflate-raw': deflateRawSync(TEXT),
  br: brotliCompressSync(TEXT),
  'gzip, br': brotliCompressSync(gzipSync(TEXT)),
  ...(zstdCompress ? { zstd: zstdCompress(Buffer.from(TEXT)) } : {}),
};
const corrupt = Buffer.from(encoded.gzip!);
for (let i = 12; i < corrupt.length; i += 9) corrupt[i] = corrupt[i]! ^ 0x5a;

let server: TestServer;
let session: Session;
const CHUNK = Buffer.alloc(1024 * 1024, 'y');
let hugeWritten = 0;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const coding = url.searchParams.get('coding');
    if (url.pathname === '/encoded') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': coding === 'deflate-raw' ? 'deflate' : coding! });
      return res.end(encoded[coding!]);
    }
    if (url.pathname === '/corrupt') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      return res.end(corrupt);
    }
    if (url.pathname === '/unknown-coding') {
      res.writeHead(200, { 'content-encoding': 'x-custom' });
      return res.end('as sent');
    }
    if (url.pathname === '/cookies') {
      res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT']);
      return res.end('ok');
    }
    if (url.pathname === '/reason') {
      res.statusMessage = 'Quite Fine Indeed';
      return res.end('ok');
    }
    if (url.pathname === '/odd-status') return res.writeHead(599 + 400, 'Beyond Fetch').end('odd');
    if (url.pathname === '/big') return res.end(Buffer.alloc(1024 * 1024, 'x'));
    if (url.pathname === '/huge') {
      // 64 MiB written with back-pressure; `written` counts what the socket accepted.
      res.writeHead(200, { 'content-length': String(64 * CHUNK.length) });
      let left = 64;
      const pump = () => {
        while (left > 0) {
          left--;
          hugeWritten += CHUNK.length;
          if (!res.write(CHUNK)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => { left = 0; });
      return pump();
    }
    res.writeHead(204).end();
  });
  session = new Session({ retries: 0 });
});
afterAll(async () => {
  await session.close();
  await server.close();
});

describe('Content-Encoding', () => {
  it('advertises what it can decode', async () => {
    const sent = (await session.get(`${httpbin}/headers`)).json<EchoBody>().headers['Accept-Encoding'];
    expect(sent).toBe(zstdCompress ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br');
  });

  it.each(Object.keys(encoded))('decodes %s', async (coding) => {
    const r = await session.get(`${server.url}/encoded?coding=${encodeURIComponent(coding)}`);
    expect(r.text).toBe(TEXT);
  });

  it.each(['gzip', 'deflate', 'brotli'])('decodes httpbin /%s', async (path) => {
    expect((await session.get(`${httpbin}/${path}`)).statusCode).toBe(200);
  });

  it('passes an unknown coding through as sent', async () => {
    expect((await session.get(`${server.url}/unknown-coding`)).text).toBe('as sent');
  });

  it('a corrupt gzip body is a ContentDecodingError, 300 times out of 300, and none hangs', async () => {
    const outcomes: unknown[] = [];
    for (let round = 0; round < 15; round++) {
      outcomes.push(...await Promise.all(Array.from({ length: 20 }, () => session.get(`${server.url}/corrupt`).then(() => 'decoded', (e: unknown) => e))));
    }
    expect(outcomes).toHaveLength(300);
    expect(outcomes.filter((e) => e instanceof ContentDecodingError)).toHaveLength(300);
    expect((outcomes[0] as Error).message).toContain('gzip');
  });

  it('with stream: true the error comes from the read, and names the response', async () => {
    const r = await session.get(`${server.url}/corrupt`, { stream: true });
    const error = await r.read().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ContentDecodingError);
    expect((error as ContentDecodingError).response).toBe(r);
  });
});

describe('what the server sent', () => {
  it('keeps each Set-Cookie line separate', async () => {
    const r = await session.get(`${server.url}/cookies`);
    expect(r.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT']);
    expect(r.cookies).toEqual({ a: '1', b: '2' });
  });

  it('keeps the reason phrase', async () => {
    expect((await session.get(`${server.url}/reason`)).reason).toBe('Quite Fine Indeed');
  });

  it('keeps a status the platform Response refuses (999)', async () => {
    const r = await session.get(`${server.url}/odd-status`);
    expect([r.statusCode, r.reason, r.text]).toEqual([999, 'Beyond Fetch', 'odd']);
  });

  it('r.raw is a platform Response holding the body that was read, status and reason kept', async () => {
    const r = await session.get(`${server.url}/odd-status`);
    expect(r.text).toBe('odd');
    expect(r.raw).toBeInstanceOf(Response);
    expect([r.raw.status, r.raw.statusText, await r.raw.text()]).toEqual([999, 'Beyond Fetch', 'odd']);
    const streamed = await session.get(`${server.url}/encoded?coding=gzip`, { stream: true });
    expect(await streamed.raw.text()).toBe(TEXT);
    await expect(streamed.read()).rejects.toThrow(/already consumed/);
  });

  it('HEAD and 204 have empty bodies', async () => {
    expect((await session.head(`${server.url}/big`)).content).toHaveLength(0);
    const r = await session.get(`${server.url}/nothing`);
    expect([r.statusCode, r.content.byteLength]).toEqual([204, 0]);
  });

  it('reports download progress as bytes arrive', async () => {
    const seen: { loaded: number; total?: number }[] = [];
    await session.get(`${server.url}/big`, { onDownloadProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toEqual({ loaded: 1024 * 1024, total: 1024 * 1024, percent: 100 });
  });
});

describe('streamed responses', () => {
  it('1,000 streamed responses closed unread do not exhaust the pool', async () => {
    for (let i = 0; i < 1000; i++) {
      const r = await session.get(`${server.url}/big`, { stream: true });
      await r.close();
    }
    expect((await session.get(`${server.url}/reason`)).statusCode).toBe(200);
  });

  it('a streamed body nobody reads stops the socket reads (back-pressure) instead of filling memory', async () => {
    hugeWritten = 0;
    const r = await session.get(`${server.url}/huge`, { stream: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // 64 KiB held by errand plus the kernel's socket buffers, far from the 64 MiB on offer.
    expect(hugeWritten).toBeLessThan(24 * CHUNK.length);
    let read = 0;
    for await (const chunk of r.iterContent()) read += chunk.byteLength;
    expect(read).toBe(64 * CHUNK.length);
  });

  it('a closed response refuses to be read, and a second reader of a body is refused', async () => {
    const r = await session.get(`${server.url}/big`, { stream: true });
    await r.close();
    await expect(r.read()).rejects.toThrow(/already consumed/);
    const twice = await session.get(`${server.url}/big`, { stream: true });
    const first = twice.iterContent().next();
    await expect(twice.read()).rejects.toThrow();
    await first;
    await twice.close();
  });

  it('iterContent yields exact chunk sizes from the decoded body', async () => {
    const r = await session.get(`${server.url}/encoded?coding=gzip`, { stream: true });
    const sizes: number[] = [];
    for await (const chunk of r.iterContent(1000)) sizes.push(chunk.byteLength);
    expect(sizes.slice(0, -1).every((n) => n === 1000)).toBe(true);
    expect(sizes.reduce((a, b) => a + b)).toBe(TEXT.length);
  });
});
