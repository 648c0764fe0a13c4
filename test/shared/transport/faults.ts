// Connection failures through the runtime's transport, classified as the Node build does (urllib3's
// model, core/retry.ts): refused before anything was sent is a connect failure, retried by `connect`;
// lost after the request was written is a read failure, retried only when `read` allows it (default 0).
import { describe, expect, it } from 'vitest';
import { rejection } from '../env.ts';
import { requestsTo, trackedSessions, type TransportSuite } from './env.ts';

export const faultsSuite: TransportSuite = (errand, env) => {
  const { rig } = env;
  const session = trackedSessions(errand);
  const url = (path: string) => `${rig.faulty}${path}`;

  describe('transport: connection failures', () => {
    it('a refused connection is a ConnectionError (not a ProxyError) naming ECONNREFUSED', async () => {
      const error = await rejection(session().get(rig.proxy.dead, { retries: 0 }));
      expect(error).toBeInstanceOf(errand.ConnectionError);
      expect(error).not.toBeInstanceOf(errand.ProxyError);
      expect(error.message).toContain('ECONNREFUSED');
    });

    it.each([
      ['reset after the request was read', '/fault/reset-after-request'],
      ['closed without an answer', '/fault/hang-up'],
    ])('a connection %s is a ConnectionError, sent once by default (read: 0)', async (_what, path) => {
      await requestsTo(env, path);
      const error = await rejection(session().get(url(path)));
      expect(error).toBeInstanceOf(errand.ConnectionError);
      expect(await requestsTo(env, path)).toBe(1);
    });

    it.each([
      ['reset after the request was read', '/fault/reset-after-request'],
      ['closed without an answer', '/fault/hang-up'],
    ])('a connection %s counts against retries.read: read 2 sends it three times', async (_what, path) => {
      await requestsTo(env, path);
      const error = await rejection(session().get(url(path), { retries: { total: 5, read: 2, connect: 0, backoffFactor: 0 } }));
      expect(error).toBeInstanceOf(errand.ConnectionError);
      expect(await requestsTo(env, path)).toBe(3);
    });

    it('a connection reset while the body arrives is a ConnectionError carrying the response', async () => {
      const error = await rejection(session().get(url('/fault/reset-mid-body'), { retries: 0 }));
      expect(error).toBeInstanceOf(errand.ConnectionError);
      expect((error.response as { statusCode: number } | undefined)?.statusCode).toBe(200);
    });

    it('a body cut short of its Content-Length is a ConnectionError (stream: true: from read())', async () => {
      expect(await rejection(session().get(url('/fault/cut-short'), { retries: 0 }))).toBeInstanceOf(errand.ConnectionError);
      const r = await session().get(url('/fault/cut-short'), { retries: 0, stream: true });
      expect(await rejection(r.read())).toBeInstanceOf(errand.ConnectionError);
    });

    it('an answer that is not HTTP is a ConnectionError whose message keeps the query token out', async () => {
      const error = await rejection(session().get(url('/fault/not-http?token=s3cr3t-t0ken'), { retries: 0 }));
      expect(error).toBeInstanceOf(errand.ConnectionError);
      expect(error.message).not.toContain('s3cr3t-t0ken');
    });

    it('the same session answers a healthy request after each fault', async () => {
      const s = session({ retries: 0 });
      for (const path of ['/fault/reset-after-request', '/fault/hang-up', '/fault/reset-mid-body', '/fault/cut-short']) {
        await rejection(s.get(url(path)));
        expect((await s.get(url('/healthy'))).text).toBe('ok');
      }
    });
  });
};
