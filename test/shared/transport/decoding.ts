// Content-Encoding as the Node build does it, whatever the runtime's fetch would do on its own: every
// coding errand advertises decodes (deflate zlib-wrapped or raw, stacked codings), and a body that does
// not decode is a ContentDecodingError every time (never a ConnectionError, never a hang), whether the
// server closes, keeps the connection alive, or goes silent; then the connection is not reused.
import { describe, expect, it } from 'vitest';
import { header, rejection } from '../env.ts';
import { requestsTo, trackedSessions, type TransportSuite } from './env.ts';

const LOOPS = 10;
const CODINGS = ['gzip', 'deflate', 'br'] as const;
const BAD = ['plain', 'noise', 'corrupt'] as const;

export const decodingSuite: TransportSuite = (errand, env) => {
  const { rig } = env;
  const session = trackedSessions(errand, { retries: 0 });
  const get = (path: string, options = {}) => session().get(`${rig.faulty}${path}`, options);

  describe('transport: Content-Encoding decoded', () => {
    it('advertises gzip, deflate and br', async () => {
      const r = await session().get(`${rig.httpbin}/headers`);
      expect(header(r.json<{ headers: Record<string, string> }>().headers, 'accept-encoding')).toMatch(/^gzip, deflate, br\b/);
    });

    it.each(CODINGS)('a good %s body decodes', async (coding) => {
      expect((await get(`/decode/${coding}/good`)).content.byteLength).toBe(rig.payloadLength);
    });

    it.each([['gzip', '/gzip', 'gzipped'], ['deflate', '/deflate', 'deflated'], ['br', '/brotli', 'brotli']])("httpbin's %s route decodes to its JSON", async (_coding, path, flag) => {
      expect((await session().get(`${rig.httpbin}${path}`)).json<Record<string, unknown>>()[flag]).toBe(true);
    });

    it('raw deflate (no zlib header), as some servers send, decodes too', async () => {
      expect((await get('/decode/deflate/raw')).content.byteLength).toBe(rig.payloadLength);
    });

    it('x-gzip and stacked codings ("gzip, br": br undone first) decode', async () => {
      expect((await get('/decode/x-gzip')).content.byteLength).toBe(rig.payloadLength);
      expect((await get('/decode/stacked/good')).content.byteLength).toBe(rig.payloadLength);
    });

    it('an unknown coding leaves the body as sent; an empty gzip body stays empty', async () => {
      expect((await get('/decode/unknown')).text).toBe('as sent');
      expect((await get('/decode/empty')).content.byteLength).toBe(0);
    });

    it('a truncated but otherwise valid gzip body yields what decodes or a RequestError, never hangs', async () => {
      const outcome = await get('/decode/truncated').then((r) => r.content, (e: unknown) => e);
      if (outcome instanceof Uint8Array) expect(outcome.byteLength).toBeLessThanOrEqual(rig.payloadLength);
      else expect(outcome).toBeInstanceOf(errand.RequestError);
    });
  });

  describe.each(CODINGS)('transport: a %s body that does not decode', (coding) => {
    it.each(BAD)(`%s: ContentDecodingError, ${LOOPS} times out of ${LOOPS}, sent once each`, async (kind) => {
      const path = `/decode/${coding}/${kind}`;
      await requestsTo(env, path);
      for (let i = 0; i < LOOPS; i++) {
        const error = await rejection(get(path, { retries: 2 }));
        expect(error).toBeInstanceOf(errand.ContentDecodingError);
        expect(error.message).toContain(`Content-Encoding: ${coding}`);
        expect((error.response as { statusCode: number }).statusCode).toBe(200);
      }
      // Decoding errors are not retried.
      expect(await requestsTo(env, path)).toBe(LOOPS);
    });

    it('on a kept-alive connection, and the session still answers after', async () => {
      const s = session();
      for (let i = 0; i < LOOPS; i++) expect(await rejection(s.get(`${rig.faulty}/decode/${coding}/keep-alive`))).toBeInstanceOf(errand.ContentDecodingError);
      const good = await s.get(`${rig.faulty}/healthy`);
      expect(good.text).toBe('ok');
    });

    it('from a server that then goes silent (no read timeout set): no hang', async () => {
      for (let i = 0; i < LOOPS; i++) expect(await rejection(get(`/decode/${coding}/silent`))).toBeInstanceOf(errand.ContentDecodingError);
    });

    it('with stream: true the error comes from read() and from iterContent()', async () => {
      const first = await get(`/decode/${coding}/corrupt`, { stream: true });
      expect(await rejection(first.read())).toBeInstanceOf(errand.ContentDecodingError);
      const second = await get(`/decode/${coding}/corrupt`, { stream: true });
      const drained = (async () => { for await (const _ of second.iterContent(1024)) { /* drain */ } })();
      expect(await rejection(drained)).toBeInstanceOf(errand.ContentDecodingError);
    });
  });

  describe('transport: stacked codings that do not decode', () => {
    it('gzip over a bad br layer ("br, gzip") is a ContentDecodingError', async () => {
      expect(await rejection(get('/decode/stacked/bad'))).toBeInstanceOf(errand.ContentDecodingError);
    });
  });
};
