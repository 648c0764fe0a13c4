// A body that does not decode as its Content-Encoding says: a ContentDecodingError every time, never
// a hang (50 times each), whether the server closes, keeps the connection alive or goes silent.
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentDecodingError } from 'errand';
import { head, respond, stall, type Behaviour } from '../../servers/behaviours.ts';
import { startRawServer, type RawServer } from '../../servers/raw-server.ts';
import { rejection, withFault } from './_harness.ts';
import { corruptMiddle, noise, payload } from '../../servers/decoding-fixtures.ts';

let server: RawServer;
beforeAll(async () => { server = await startRawServer(); });
afterAll(() => server.close());

const LOOPS = 50;

const codings = {
  gzip: { compress: (b: Buffer) => zlib.gzipSync(b) },
  deflate: { compress: (b: Buffer) => zlib.deflateSync(b) },
  br: { compress: (b: Buffer) => zlib.brotliCompressSync(b) },
} as const;

type Coding = keyof typeof codings;
const CODINGS = Object.keys(codings) as Coding[];

/** The bodies each coding is given: text that was never compressed, random bytes, valid data corrupted. */
function badBodies(coding: Coding): [string, Buffer][] {
  return [
    ['plain text', Buffer.from('this body was never compressed, whatever the header says')],
    ['noise', noise(512, 42)],
    ['valid data corrupted in the middle', corruptMiddle(codings[coding].compress(payload))],
  ];
}

describe.each(CODINGS)('Content-Encoding: %s', (coding) => {
  it.each(badBodies(coding))(`%s: ContentDecodingError, ${LOOPS} times out of ${LOOPS}, connection closed after`, async (_kind, body) => {
    server.route(`/${coding}/close`, respond(200, [['Content-Encoding', coding]], body));
    await withFault(server, {}, async (s) => {
      for (let i = 0; i < LOOPS; i++) {
        const error = await rejection(s.get(`${server.url}/${coding}/close`));
        expect(error).toBeInstanceOf(ContentDecodingError);
        expect(error.message).toContain(`Content-Encoding: ${coding}`);
        expect((error.response as { statusCode: number }).statusCode).toBe(200);
      }
      // Decoding errors are not retried: every request was sent once.
      expect(server.count(`/${coding}/close`)).toBe(LOOPS);
    });
  });

  it(`a bad body on a kept-alive connection: ContentDecodingError ${LOOPS} times, and the connection stays usable`, async () => {
    const [, body] = badBodies(coding)[0]!;
    server.route(`/${coding}/keep-alive`, respond(200, [['Content-Encoding', coding]], body, { keepAlive: true }));
    await withFault(server, {}, async (s) => {
      for (let i = 0; i < LOOPS; i++) expect(await rejection(s.get(`${server.url}/${coding}/keep-alive`))).toBeInstanceOf(ContentDecodingError);
      // The same pool then serves a good response (the frame of the bad one was complete).
      const good = await s.get(`${server.url}/healthy`);
      expect(good.text).toBe('ok');
    }, { checkAfterFault: false });
  });

  it(`a bad body from a server that then goes silent (no read timeout set): ContentDecodingError, ${LOOPS} times, no hang`, async () => {
    const [, body] = badBodies(coding)[1]!;
    // Content-Length promises more than is sent: only the decoder can end this request.
    const silent: Behaviour = stall(Buffer.concat([head(200, [['Content-Encoding', coding], ['Content-Length', '100000']]), body]));
    server.route(`/${coding}/silent`, silent);
    await withFault(server, {}, async (s) => {
      for (let i = 0; i < LOOPS; i++) expect(await rejection(s.get(`${server.url}/${coding}/silent`))).toBeInstanceOf(ContentDecodingError);
    });
  });

  it(`with stream: true the error comes from read() and iterContent(), ${LOOPS} times`, async () => {
    const [, body] = badBodies(coding)[2]!;
    server.route(`/${coding}/stream`, respond(200, [['Content-Encoding', coding]], body));
    await withFault(server, {}, async (s) => {
      for (let i = 0; i < LOOPS; i++) {
        const r = await s.get(`${server.url}/${coding}/stream`, { stream: true });
        if (i % 2) {
          expect(await rejection(r.read())).toBeInstanceOf(ContentDecodingError);
        } else {
          const chunks = (async () => { for await (const _ of r.iterContent(1024)) { /* drain */ } })();
          expect(await rejection(chunks)).toBeInstanceOf(ContentDecodingError);
        }
      }
    });
  });
});

describe('Content-Encoding: stacked and unknown', () => {
  it('gzip over a bad br layer ("br, gzip") is a ContentDecodingError', async () => {
    server.route('/stacked', respond(200, [['Content-Encoding', 'br, gzip']], zlib.gzipSync(Buffer.from('not brotli inside'))));
    await withFault(server, {}, async (s) => {
      expect(await rejection(s.get(`${server.url}/stacked`))).toBeInstanceOf(ContentDecodingError);
    });
  });

  it('a good body in each coding still decodes (the faults above are about the bytes, not the codings)', async () => {
    for (const coding of CODINGS) server.route(`/${coding}/good`, respond(200, [['Content-Encoding', coding]], codings[coding].compress(payload)));
    await withFault(server, {}, async (s) => {
      for (const coding of CODINGS) expect((await s.get(`${server.url}/${coding}/good`)).content.byteLength).toBe(payload.byteLength);
    });
  });

  it('a truncated but otherwise valid gzip body yields what decodes (lenient, like curl and browsers), never hangs', async () => {
    const whole = zlib.gzipSync(payload);
    const half = whole.subarray(0, Math.floor(whole.length / 2));
    // What those bytes decode to: zlib itself, told not to insist on the end of the stream.
    const prefix = zlib.gunzipSync(half, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    expect(prefix.byteLength).toBeGreaterThan(payload.byteLength / 4);
    expect(payload.subarray(0, prefix.byteLength).equals(prefix)).toBe(true);
    server.route('/truncated', respond(200, [['Content-Encoding', 'gzip']], half));
    await withFault(server, {}, async (s) => {
      const loaded = await s.get(`${server.url}/truncated`);
      expect(Buffer.from(loaded.content).equals(prefix)).toBe(true);
      const streamed = await s.get(`${server.url}/truncated`, { stream: true });
      const chunks: Uint8Array[] = [];
      for await (const chunk of streamed.iterContent(1024)) chunks.push(chunk);
      expect(Buffer.concat(chunks).equals(prefix)).toBe(true);
    });
  });
});
