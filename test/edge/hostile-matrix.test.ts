// The hostile-server matrix in the edge VM (test/shared/hostile-matrix.ts): the cells that depend only
// on errand's loop over fetch. The raw server runs in the global setup (inject('hostileUrl')) with the
// cells' routes preset; its control endpoint says how many requests a path got and whether a
// connection of it is still open, which stands in for Node's handle check. Read timeouts are Node-only
// here (an UnsupportedError), so headers that never end meet the total timeout.
import * as errand from 'errand';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { REFUSED_URL, callCell, cellPath, cells, expected, isError, serverView } from '../shared/hostile-matrix.ts';

const base = inject('hostileUrl');

beforeAll(async () => {
  await fetch(`${base}/__reset?prefix=/hostile/edge/`, { method: 'POST' });
});

describe('hostile-server matrix (edge VM)', { timeout: 30_000 }, () => {
  for (const { name, row, column, folded } of cells('edge')) {
    if (folded) {
      it.skip(`${name}: folded into "${row.title} × answers forever", ${folded}`, () => {});
      continue;
    }
    it(name, async () => {
      const path = cellPath('edge', row, column);
      const s = new errand.Session();
      try {
        const got = await callCell(errand, s, row.target === 'refused' ? REFUSED_URL : `${base}${path}`, row, column, 'edge');
        const view = await serverView(base, path);
        // The refused row reaches no server: errand's own count of attempts stands in.
        expect({ outcome: got.outcome, requests: row.target ? got.attempts : view.count }).toEqual(expected(row, column, 'edge'));
        if (!row.target) expect(got.attempts).toBe(view.count);
        expect(view.open).toBe(0);
        if (isError(got.outcome)) expect(got.classes).toContain('RequestError');
        // The same Session still works.
        const healthy = await s.get(`${base}/healthy`, { retries: 0 });
        expect([healthy.statusCode, healthy.text]).toEqual([200, 'ok']);
      } finally {
        await s.close();
      }
    });
  }
});
