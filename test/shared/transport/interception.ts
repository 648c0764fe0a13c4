// msw's setupServer (and nock, fetch-mock, vi.stubGlobal) replace globalThis.fetch: errand calls it at
// request time, so a fetch replaced after errand was loaded still sees every request, as on Node.
import { describe, expect, it } from 'vitest';
import { trackedSessions, type TransportSuite } from './env.ts';

export const interceptionSuite: TransportSuite = (errand, env) => {
  const session = trackedSessions(errand, { retries: 0 });

  describe('transport: a replaced globalThis.fetch', () => {
    it('sees every request, redirects included, and its answers are the responses', async () => {
      const original = globalThis.fetch;
      const seen: string[] = [];
      globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input instanceof Request ? input.url : input);
        seen.push(`${init?.method ?? 'GET'} ${url}`);
        if (url.endsWith('/start')) return new Response(null, { status: 302, headers: { Location: '/mocked' } });
        return new Response(JSON.stringify({ mocked: true }), { status: 200, headers: { 'Content-Type': 'application/json' } });
      }) as typeof fetch;
      try {
        const r = await session().get(`${env.rig.httpbin}/start`);
        expect(r.json()).toEqual({ mocked: true });
        expect(r.history.map((h) => h.statusCode)).toEqual([302]);
        expect(seen).toEqual([`GET ${env.rig.httpbin}/start`, `GET ${env.rig.httpbin}/mocked`]);
      } finally {
        globalThis.fetch = original;
      }
    });
  });
};
