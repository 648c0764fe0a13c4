// r.timings where errand sends through fetch and follows redirects itself (the edge VM, Bun, Deno):
// fetch shows when a hop was sent and when its headers came, nothing of the connection, so only
// firstByte, download and total are there; the rest is undefined. Node (errand's own connector) and the
// browser (Resource Timing) have suites of their own: test/node/timings/, test/browser/timings.test.ts.
import { describe, expect, it } from 'vitest';
import type { Errand, SuiteEnv } from './env.ts';

const UNSEEN = ['socket', 'lookup', 'connect', 'secureConnect', 'upload'] as const;

export function timingsSuite(errand: Errand, env: SuiteEnv): void {
  const { base } = env;
  const overFetch = env.runtime === 'edge' || env.runtime === 'bun' || env.runtime === 'deno';

  describe.runIf(overFetch)(`r.timings over fetch (${env.runtime})`, () => {
    it('firstByte, download and total; undefined for what fetch does not show', async () => {
      const r = await errand.post(`${base}/post`, { data: 'x' });
      const t = r.timings;
      for (const moment of UNSEEN) expect(t[moment], moment).toBeUndefined();
      for (const phase of ['wait', 'dns', 'tcp', 'tls', 'request'] as const) expect(t.phases[phase], phase).toBeUndefined();
      for (const phase of ['firstByte', 'download', 'total'] as const) expect(t.phases[phase], phase).toBeGreaterThanOrEqual(0);
      expect(t.response).toBeGreaterThan(t.start!);
      expect(t.end).toBeGreaterThanOrEqual(t.response!);
    });

    it('each redirect hop has its own timings, one after the other', async () => {
      const r = await errand.get(`${base}/redirect/2`);
      const hops = [...r.history, r];
      expect(hops).toHaveLength(3);
      for (let i = 1; i < hops.length; i++) expect(hops[i]!.timings.start).toBeGreaterThanOrEqual(hops[i - 1]!.timings.response!);
      for (const hop of hops) expect(hop.timings.phases.firstByte).toBeGreaterThan(0);
    });

    it('a streamed body: end once it has been read', async () => {
      const r = await errand.get(`${base}/stream/3`, { stream: true });
      expect(r.timings.end).toBeUndefined();
      let lines = 0;
      for await (const _ of r.iterLines()) lines++;
      expect(lines).toBe(3);
      expect(r.timings.end).toBeGreaterThanOrEqual(r.timings.response!);
    });
  });
}
