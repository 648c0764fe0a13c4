// Streamed responses: stream: true, read(), iterContent(chunkSize), iterLines(), download progress.
import { describe, expect, it } from 'vitest';
import { rejection, thrown, type Errand, type SuiteEnv } from './env.ts';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function join(chunks: Uint8Array[]): number[] {
  return chunks.flatMap((chunk) => [...chunk]);
}

export function streamingSuite(errand: Errand, env: SuiteEnv): void {
  const { base } = env;

  describe('streaming: stream: true', () => {
    it('content, text and json() throw a clear error until read()', async () => {
      const r = await errand.get(`${base}/json`, { stream: true });
      expect(r.statusCode).toBe(200);
      for (const get of [() => r.content, () => r.text, () => r.json()]) {
        const error = thrown(get);
        expect(error).toBeInstanceOf(errand.RequestError);
        expect(error.message).toMatch(/not loaded.*read\(\)/);
      }
      expect(await r.read()).toBe(r);
      expect(r.json<{ slideshow: { author: string } }>().slideshow.author).toBe('errand');
      await r.read(); // a second read() is a no-op
      expect(r.content.byteLength).toBeGreaterThan(0);
    });

    it('a Session honours stream: true as well, as a default too', async () => {
      const s = new errand.Session({ stream: true });
      const r = await s.get(`${base}/bytes/10`);
      expect(() => r.content).toThrow(errand.RequestError);
      expect((await r.read()).content.byteLength).toBe(10);
      await s.close();
    });

    it('a streamed body is read once: read() after iterContent() rejects clearly', async () => {
      const r = await errand.get(`${base}/bytes/32`, { stream: true });
      expect(join(await collect(r.iterContent()))).toHaveLength(32);
      const error = await rejection(r.read());
      expect(error).toBeInstanceOf(errand.RequestError);
      expect(error.message).toMatch(/already consumed/);
    });

    it('the signal still stops a streamed body after the call has resolved', async () => {
      const controller = new AbortController();
      const r = await errand.get(`${base}/drip`, { params: { duration: 2, numbytes: 4 }, stream: true, signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      const error = await rejection(collect(r.iterContent()));
      expect(error.name).toBe('AbortError');
    });

    it('close() releases a body that was never read: the server sees the transfer cut short', async () => {
      // One byte a second for 30 s: only a released body ends it early.
      const token = `response-close-${Math.random()}`;
      const r = await errand.get(`${base}/drip`, { params: { duration: 30, numbytes: 30, watch: token }, stream: true });
      await expect(r.close()).resolves.toBeUndefined();
      // The server's view of the request (test/servers/watch.ts), once its response has settled.
      const seen = await errand.get(`${base}/watch/${token}`, { params: { until: 'response', timeout: 3 } });
      expect(seen.json()).toMatchObject({ response: 'aborted' });
      const error = await rejection(r.read());
      expect(error.message).toMatch(/already consumed/);
    });
  });

  describe('streaming: iterContent', () => {
    it('yields chunks of exactly chunkSize bytes, the last one shorter, whatever the server\'s chunks', async () => {
      const whole = await errand.get(`${base}/bytes/1000`, { params: { seed: 'errand' } });
      const r = await errand.get(`${base}/stream-bytes/1000`, { params: { seed: 'errand', chunk_size: 77 }, stream: true });
      const chunks = await collect(r.iterContent(128));
      expect(chunks.map((c) => c.byteLength)).toEqual([128, 128, 128, 128, 128, 128, 128, 104]);
      expect(join(chunks)).toEqual([...whole.content]);
    });

    it('without a size, yields non-empty chunks as they arrive', async () => {
      const r = await errand.get(`${base}/stream-bytes/5000`, { params: { seed: 's', chunk_size: 1000 }, stream: true });
      const chunks = await collect(r.iterContent());
      expect(chunks.every((c) => c.byteLength > 0)).toBe(true);
      expect(join(chunks)).toHaveLength(5000);
    });

    it('works on a loaded (non-streamed) response too', async () => {
      const r = await errand.get(`${base}/bytes/10`);
      expect((await collect(r.iterContent(4))).map((c) => c.byteLength)).toEqual([4, 4, 2]);
      expect(r.content.byteLength).toBe(10);
    });

    it('refuses a chunkSize that is not a positive integer', async () => {
      const r = await errand.get(`${base}/bytes/10`);
      await expect(r.iterContent(0).next()).rejects.toThrow(TypeError);
      await expect(r.iterContent(1.5).next()).rejects.toThrow(TypeError);
    });

    it('breaking out early cancels the rest of the body', async () => {
      const r = await errand.get(`${base}/stream-bytes/200000`, { params: { chunk_size: 1024 }, stream: true });
      let seen = 0;
      for await (const chunk of r.iterContent(1024)) {
        seen += chunk.byteLength;
        if (seen >= 4096) break;
      }
      expect(seen).toBe(4096);
      expect(r.raw.bodyUsed).toBe(true);
    });
  });

  describe('streaming: iterLines', () => {
    it('yields each line of /stream/n', async () => {
      const r = await errand.get(`${base}/stream/4`, { stream: true });
      const lines = await collect(r.iterLines());
      expect(lines).toHaveLength(4);
      expect(lines.map((line) => (JSON.parse(line) as { id: number }).id)).toEqual([0, 1, 2, 3]);
    });

    it('splits on \\r\\n, keeps empty lines in the middle, and takes a delimiter', async () => {
      const body = btoa('one\r\ntwo\n\nthree');
      const r = await errand.get(`${base}/charset`, { params: { ct: 'text/plain; charset=utf-8', b64: body }, stream: true });
      expect(await collect(r.iterLines())).toEqual(['one', 'two', '', 'three']);
      const d = await errand.get(`${base}/charset`, { params: { ct: 'text/plain; charset=utf-8', b64: btoa('a;b;c') } });
      expect(await collect(d.iterLines({ delimiter: ';' }))).toEqual(['a', 'b', 'c']);
    });
  });

  describe('streaming: onDownloadProgress', () => {
    it('reports loaded bytes and the total from Content-Length', async () => {
      const events: { loaded: number; total?: number; percent?: number }[] = [];
      const r = await errand.get(`${base}/bytes/50000`, { onDownloadProgress: (p) => events.push(p) });
      expect(r.content.byteLength).toBe(50000);
      expect(events.length).toBeGreaterThan(0);
      const loaded = events.map((e) => e.loaded);
      expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
      expect(events.at(-1)).toEqual({ loaded: 50000, total: 50000, percent: 100 });
      expect(events.every((e) => e.total === 50000)).toBe(true);
    });

    it('has no total without Content-Length (chunked) or with Content-Encoding', async () => {
      const chunked: { loaded: number; total?: number }[] = [];
      await errand.get(`${base}/stream-bytes/3000`, { params: { chunk_size: 1000 }, onDownloadProgress: (p) => chunked.push(p) });
      expect(chunked.at(-1)?.loaded).toBe(3000);
      expect(chunked.every((e) => e.total === undefined)).toBe(true);
      const gzip: { loaded: number; total?: number }[] = [];
      const r = await errand.get(`${base}/gzip`, { onDownloadProgress: (p) => gzip.push(p) });
      expect(gzip.at(-1)?.loaded).toBe(r.content.byteLength);
      expect(gzip.every((e) => e.total === undefined)).toBe(true);
    });

    it('fires as a streamed body is iterated', async () => {
      const events: number[] = [];
      const r = await errand.get(`${base}/stream-bytes/4096`, { params: { chunk_size: 1024 }, stream: true, onDownloadProgress: (p) => events.push(p.loaded) });
      expect(events).toEqual([]);
      await collect(r.iterContent(1024));
      expect(events.at(-1)).toBe(4096);
    });
  });
}
