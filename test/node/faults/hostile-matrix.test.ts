// The hostile-server matrix in Node (test/shared/hostile-matrix.ts): every path on which errand sends
// another request × every way a server misbehaves. Each cell asserts what the call gave (an error class,
// or the last response where the contract says so), how many requests reached the server (the budget's
// exact bound), that nothing is left open (withFault: sockets and timers, client side; and the server's
// view of the cell's connections) and that the same Session still works. Nothing is timed.
// HOSTILE_TABLE=1 prints the matrix as a table (outcome, requests seen) after the run.
import * as errand from 'errand';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hostileRoutes } from '../../servers/hostile-routes.ts';
import { startRawServer, type RawServer } from '../../servers/raw-server.ts';
import { COLUMNS, REFUSED_URL, ROWS, callCell, cellPath, cells, expected, isError, type Row } from '../../shared/hostile-matrix.ts';
import { startBlackhole } from '../transport/_server.ts';
import { withFault } from './_harness.ts';

let server: RawServer;
let blackhole: Awaited<ReturnType<typeof startBlackhole>>;
beforeAll(async () => { [server, blackhole] = await Promise.all([startRawServer({ routes: hostileRoutes }), startBlackhole()]); });
afterAll(async () => {
  await server.close();
  blackhole.close();
});

const seen = new Map<string, string>();

/** Where a cell's call goes: its path on the server, or a port that refuses or never accepts. */
function target(row: Row, path: string): string {
  if (row.target === 'refused') return REFUSED_URL;
  if (row.target === 'blackhole') return `${blackhole.url}/`;
  return `${server.url}${path}`;
}

/** Polls the server's view until the cell's connections are closed (only the final state is asserted). */
async function serverLetGo(path: string): Promise<number> {
  for (let i = 0; i < 150 && server.openFor(path); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return server.openFor(path);
}

describe('hostile-server matrix (node)', { timeout: 30_000 }, () => {
  let path = '';
  // A cell that failed may leave a connection open, and the server (in this process) still feeding it:
  // closed here, so that the failure stays the cell's own and the next cell starts clean.
  afterEach(() => server.reset(path));
  for (const { name, row, column, folded } of cells('node')) {
    if (folded) {
      it.skip(`${name}: folded into "${row.title} × answers forever", ${folded}`, () => {});
      continue;
    }
    it(name, async () => {
      path = cellPath('node', row, column);
      const want = expected(row, column, 'node');
      await withFault(server, {}, async (s) => {
        const got = await callCell(errand, s, target(row, path), row, column, 'node');
        // The connect rows reach no server: errand's own count of attempts stands in.
        const requests = row.target ? got.attempts : server.count(path);
        seen.set(`${row.slug}|${column.slug}`, `${got.outcome} (${requests})`);
        expect({ outcome: got.outcome, requests }).toEqual(want);
        if (!row.target) expect(got.attempts).toBe(requests);
        if (isError(got.outcome)) {
          expect(got.classes[0]).toBe(got.outcome);
          expect(got.classes).toContain('RequestError');
        }
      });
      expect(await serverLetGo(path)).toBe(0);
    });
  }
});

afterAll(() => {
  if (!process.env.HOSTILE_TABLE) return;
  const lines = [`| path \\ misbehaviour | ${COLUMNS.map((c) => c.title).join(' | ')} |`, `| --- |${COLUMNS.map(() => ' --- |').join('')}`];
  for (const row of ROWS) lines.push(`| ${row.title} | ${COLUMNS.map((c) => seen.get(`${row.slug}|${c.slug}`) ?? 'n/a').join(' | ')} |`);
  console.log(lines.join('\n'));
});
