// Streamed uploads on the Dispatcher path: every kind of stream body, chunked or with Content-Length,
// progress as bytes leave, and a 64 MiB upload in bounded memory.
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, openAsBlob, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
// Node's own class (the global one in Node); the DOM lib's ReadableStream type has no `from`.
import { ReadableStream } from 'node:stream/web';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Session } from 'errand';
import type { EchoBody } from '../../servers/echo-body.ts';

const httpbin = inject('httpbinUrl');
const CHUNK = Buffer.alloc(64 * 1024, 'e');
const FILE_SIZE = 3 * 1024 * 1024 + 17;

let dir: string;
let file: string;
let fileSha: string;
let session: Session;

interface Consumed { bytes: number; sha256: string; headers: Record<string, string> }
const consume = async (data: unknown, options: Record<string, unknown> = {}): Promise<Consumed> =>
  (await session.post(`${httpbin}/consume`, { data: data as never, ...options })).json() as Consumed;

async function* generate(chunks: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < chunks; i++) yield Buffer.from(CHUNK);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'errand-upload-'));
  file = join(dir, 'upload.bin');
  const content = Buffer.alloc(FILE_SIZE);
  for (let i = 0; i < content.length; i++) content[i] = (i * 31) & 0xff;
  writeFileSync(file, content);
  fileSha = createHash('sha256').update(content).digest('hex');
  session = new Session({ retries: 0 });
});
afterAll(async () => {
  await session.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('stream bodies', () => {
  it('fs.createReadStream, chunked', async () => {
    const seen = await consume(createReadStream(file));
    expect([seen.bytes, seen.sha256]).toEqual([FILE_SIZE, fileSha]);
    expect(seen.headers['Transfer-Encoding']).toBe('chunked');
  });

  it('fs.openAsBlob, with its Content-Length', async () => {
    const seen = await consume(await openAsBlob(file));
    expect([seen.bytes, seen.sha256]).toEqual([FILE_SIZE, fileSha]);
    expect(seen.headers['Content-Length']).toBe(String(FILE_SIZE));
    expect(seen.headers['Transfer-Encoding']).toBeUndefined();
  });

  it.each([
    ['a Node Readable', () => Readable.from(generate(4))],
    ['a ReadableStream', () => ReadableStream.from(generate(4))],
    ['an async generator', () => generate(4)],
  ])('%s, chunked', async (_what, body) => {
    const seen = await consume(body());
    expect(seen.bytes).toBe(4 * CHUNK.length);
    expect(seen.headers['Transfer-Encoding']).toBe('chunked');
  });

  it('a stream with an explicit Content-Length is sent with it', async () => {
    const seen = await consume(generate(2), { headers: { 'Content-Length': String(2 * CHUNK.length) } });
    expect(seen.bytes).toBe(2 * CHUNK.length);
    expect(seen.headers['Content-Length']).toBe(String(2 * CHUNK.length));
    expect(seen.headers['Transfer-Encoding']).toBeUndefined();
  });

  it('FormData with a file is sent as multipart', async () => {
    const form = new FormData();
    form.append('field', 'value');
    form.append('file', await openAsBlob(file), 'upload.bin');
    const r = (await session.post(`${httpbin}/anything`, { data: form })).json<EchoBody>();
    expect(r.form).toEqual({ field: 'value' });
    expect(r.headers['Content-Type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(Object.keys(r.files)).toEqual(['file']);
  });
});

describe('onUploadProgress', () => {
  it('fires as bytes leave, with the total when the size is known', async () => {
    const seen: { loaded: number; total?: number }[] = [];
    await consume(await openAsBlob(file), { onUploadProgress: (p: { loaded: number }) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toEqual({ loaded: FILE_SIZE, total: FILE_SIZE, percent: 100 });
  });

  it('counts a stream without a length, and bytes in slices', async () => {
    const streamed: number[] = [];
    await consume(generate(3), { onUploadProgress: (p: { loaded: number }) => streamed.push(p.loaded) });
    expect(streamed).toEqual([1, 2, 3].map((n) => n * CHUNK.length));
    const sliced: number[] = [];
    const seen = await consume(new Uint8Array(300_000), { onUploadProgress: (p: { loaded: number }) => sliced.push(p.loaded) });
    expect(seen.headers['Content-Length']).toBe('300000');
    expect(sliced.at(-1)).toBe(300_000);
    expect(sliced.length).toBeGreaterThan(1);
  });
});

describe('bounded memory', () => {
  it('a 64 MiB streamed upload does not grow RSS by the body size', async () => {
    await consume(generate(4)); // undici loaded and a socket open before measuring
    const before = process.memoryUsage().rss;
    let peak = before;
    const chunks = (64 * 1024 * 1024) / CHUNK.length;
    async function* sampled(): AsyncGenerator<Uint8Array> {
      // The same chunk each time: only what the transport holds can grow RSS, not the generator's garbage.
      for (let i = 0; i < chunks; i++) {
        const chunk = CHUNK;
        peak = Math.max(peak, process.memoryUsage.rss());
        yield chunk;
      }
    }
    const seen = await consume(sampled());
    expect(seen.bytes).toBe(chunks * CHUNK.length);
    // A sanity bound below the body size (measured here: ~30 MiB, flat from 64 to 256 MiB uploads, so
    // not proportional to the body); the benchmark measures the real figures.
    expect(peak - before).toBeLessThan(48 * 1024 * 1024);
  });
});
