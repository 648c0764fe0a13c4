// Where the milliseconds of a request went: r.timings, with got's names (Node sees every phase).
import { Session } from 'errand';

export default async function (base: string): Promise<unknown> {
  await using s = new Session();
  const first = await s.get(`${base}/get`);
  // Once the first connection is back in the pool, the next request reuses it: no dns, tcp or tls.
  await new Promise((resolve) => setImmediate(resolve));
  const second = await s.get(`${base}/get`);
  const round = (phases: object) => Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, v === undefined ? 'undefined' : Number(v.toFixed(3))]));
  return {
    first: round(first.timings.phases),
    second: round(second.timings.phases),
    // Moments are epoch milliseconds, like Date.now().
    startedWithin: first.timings.start! <= Date.now() + 1,
  };
}
