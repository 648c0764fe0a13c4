// Streamed bodies through the runtime's transport: uploads of every stream kind arrive whole and
// chunked, with progress, and a large upload stays in bounded memory. (Streamed downloads: ../streaming.ts.)
import { describe, expect, it } from 'vitest';
import { header } from '../env.ts';
import { trackedSessions, type TransportSuite } from './env.ts';

interface Consumed { bytes: number; sha256: string; headers: Record<string, string> }

const CHUNK = new Uint8Array(64 * 1024).fill(0x65);

async function* generate(chunks: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < chunks; i++) yield CHUNK.slice();
}

function readable(chunks: number): ReadableStream<Uint8Array> {
  let left = chunks;
  return new ReadableStream({ pull(controller) { if (left-- > 0) controller.enqueue(CHUNK.slice()); else controller.close(); } });
}

async function sha256(chunks: number): Promise<string> {
  const whole = new Uint8Array(chunks * CHUNK.length).fill(0x65);
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', whole))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export const streamingSuite: TransportSuite = (errand, env) => {
  const session = trackedSessions(errand, { retries: 0 });
  const consume = async (data: unknown, options: Record<string, unknown> = {}): Promise<Consumed> =>
    (await session().post(`${env.rig.httpbin}/consume`, { data: data as never, ...options })).json<Consumed>();

  describe('transport: streamed uploads', () => {
    it.each([['a ReadableStream', () => readable(16)], ['an async generator', () => generate(16)]])('%s arrives whole, chunked', async (_what, body) => {
      const seen = await consume(body());
      expect(seen.bytes).toBe(16 * CHUNK.length);
      expect(seen.sha256).toBe(await sha256(16));
      expect(header(seen.headers, 'transfer-encoding')).toBe('chunked');
    });

    // Deno's fetch sets Content-Length itself and sends every stream chunked (below).
    it.skipIf(env.runtime === 'deno')('a stream with a Content-Length given is sent with it (node, bun)', async () => {
      const seen = await consume(generate(2), { headers: { 'Content-Length': String(2 * CHUNK.length) } });
      expect(seen.bytes).toBe(2 * CHUNK.length);
      expect(header(seen.headers, 'content-length')).toBe(String(2 * CHUNK.length));
    });

    it.runIf(env.runtime === 'deno')('deno: a stream with a Content-Length given still arrives whole, chunked', async () => {
      const seen = await consume(generate(2), { headers: { 'Content-Length': String(2 * CHUNK.length) } });
      expect(seen.bytes).toBe(2 * CHUNK.length);
      expect(header(seen.headers, 'transfer-encoding')).toBe('chunked');
    });

    it('onUploadProgress counts a streamed body as it is read', async () => {
      const loaded: number[] = [];
      await consume(generate(4), { onUploadProgress: (p: { loaded: number }) => loaded.push(p.loaded) });
      expect(loaded.at(-1)).toBe(4 * CHUNK.length);
      expect(loaded.length).toBeGreaterThan(1);
    });

    it('a 64 MiB streamed upload does not grow RSS by the body size', async () => {
      await consume(generate(4)); // the transport loaded and a connection open before measuring
      const chunks = (64 * 1024 * 1024) / CHUNK.length;
      async function* same(): AsyncGenerator<Uint8Array> {
        // The same chunk each time: only what the transport copies or gathers can raise the peak.
        for (let i = 0; i < chunks; i++) yield CHUNK;
      }
      env.resetPeakRss();
      const before = env.peakRss();
      const seen = await consume(same());
      expect(seen.bytes).toBe(chunks * CHUNK.length);
      // A sanity bound below the body size; bench/runtime-upload.mjs measures the real figures.
      expect(env.peakRss() - before).toBeLessThan(48 * 1024 * 1024);
    }, 60_000);
  });
};
