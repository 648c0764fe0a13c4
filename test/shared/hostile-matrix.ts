// The hostile-server matrix (issue 10, "A hostile-server kit, kept"): every path on which errand sends
// another request (a row) against every way a server can misbehave (a column). Platform-free: the Node
// matrix (test/node/faults/hostile-matrix.test.ts), the edge VM (test/edge/hostile-matrix.test.ts) and
// a worker in workerd (test/workerd/hostile-matrix.test.ts) run the same cells and expect the same
// outcomes; the server side of each cell is test/servers/hostile-routes.ts.
//
// A cell is the path `/hostile/<runtime>/<row>/<column>` on the raw server: its first answer is the row's
// trigger sent properly (a 302 to itself, a 401, a 503...), and every later answer is the same trigger
// sent with the column's misbehaviour. So the path always starts, and a server that never stops asking
// meets the call's budget (README "Every call has a budget"). The bounds below are the contract's
// numbers, written out, not read from src: a budget raised in src must fail the cells.
// Only types from env.ts: this file is bundled into the workerd worker, which has no vitest.
import type { Errand } from './env.ts';

/** Where a cell runs. */
export type Runtime = 'node' | 'edge' | 'workerd';

/** What the call gave: an error's name (a constant per class), or `response <status>`. */
export type Outcome = string;

export interface Row {
  slug: string;
  title: string;
  /** Requests the path sends when every answer invites another (the budget), for the whole call. */
  bound: number;
  /** What the call gives once that budget is spent and the last answer was sent properly. */
  spent: Outcome;
  /** Whether the call then reads the body of the last answer (not when it ends in an error first). */
  readsLastBody: boolean;
  /** Whether the path is a retry (its trigger spends one of the call's retries). */
  retries?: true;
  /** Whether the call is `s.events()`, iterated to its end (else `s.get()`). */
  events?: true;
  /** Runtimes the row runs in (the others cannot: say why beside the row). */
  runtimes: readonly Runtime[];
  /** The call's options (auth, retries...) besides the column's timeouts. */
  options(errand: Errand): Record<string, unknown>;
  /** Where the call goes instead of the cell's path (the connect rows): a refused port, or a port that never accepts. */
  target?: 'refused' | 'blackhole';
  /** Set when the row's cells other than "answers forever" cannot combine, and why. */
  folded?: string;
}

/** A platform letting a misbehaviour through to what follows the call (see Column.leaks). */
export interface Leak {
  /** What the session's next request gets. */
  next: [number, string];
  /** Connections of the cell the platform keeps open until then. */
  pooled: number;
  why: string;
}

export interface Column {
  slug: string;
  title: string;
  /**
   * Where the misbehaviour shows. `head`: the answer cannot be read at all, so the call ends at the
   * second request (the first misbehaving answer) with `error`: not retried, the server got the request
   * (a read failure; `read: 0`). `body`: the head is fine, so the path goes on to its bound (a hop's body
   * is discarded unread) and `error` comes from reading the last body, if the call reads it.
   */
  shows: 'nowhere' | 'head' | 'body';
  error?: Outcome | Partial<Record<Runtime, Outcome>>;
  /**
   * Runtimes whose fetch rejects without saying why (no `code` on the cause): errand cannot tell that
   * the request was sent, so it counts a failure there as a failure to connect, which is retried
   * (README "Retries, precisely"): the head column's call goes on until the call's retries are spent.
   */
  opaque?: readonly Runtime[];
  /** The timeouts of the call (a read timeout is Node-only: elsewhere the total timeout stands in). */
  timeout(runtime: Runtime): number | Record<string, number>;
  runtimes: readonly Runtime[];
  /**
   * A runtime whose platform lets the misbehaviour reach the session's next request: what that request
   * gets, how many connections of the cell the platform keeps open until then (its pool), and why.
   */
  leaks?: Partial<Record<Runtime, Leak>>;
}

/** The contract's numbers (DESIGN.md "Every call has a budget", "Retries, precisely"). */
export const BUDGET = { maxRedirects: 30, authReplaysPerHop: 2, retriesTotal: 2, maxReconnects: 5 } as const;

/** The outcome of an `s.events()` call that ended without an error (its reconnects spent after streams that ended). */
export const ENDED = 'ended quietly';

/** Whether an outcome is an error (not a response, nor an event stream that ended quietly). */
export const isError = (outcome: Outcome) => !outcome.startsWith('response ') && outcome !== ENDED;

/**
 * The retry rows set each kind's count above the total, so that the call's `total` (the default, 2)
 * is what ends them; the per-kind counts have their own tests (test/node/faults/retries.test.ts).
 * Backoff of 1 ms: the matrix never waits on purpose.
 */
const RETRIES = { total: BUDGET.retriesTotal, connect: 5, status: 5, backoffFactor: 1, backoffJitter: 0 };
const ALL: readonly Runtime[] = ['node', 'edge', 'workerd'];
/** Where nothing listens (env.ts's REFUSED_URL: port 2 is not one of fetch's bad ports, so it is dialled). */
export const REFUSED_URL = 'http://127.0.0.1:2/';
/** A ceiling for cells that end on their own: far above what they take, so only a hang meets it. */
const GUARD = 15_000;

/** An AuthBase that sends nothing up front and answers every Basic 401 with credentials: it never gives up. */
function basicOnChallenge(errand: Errand) {
  return new (class extends errand.AuthBase {
    apply(request: Parameters<InstanceType<Errand['AuthBase']>['apply']>[0]) { return request; }
    override challenge(response: { statusCode: number; headers: Headers }, request: { copy(): any }) {
      if (response.statusCode !== 401 || !/^Basic/i.test(response.headers.get('www-authenticate') ?? '')) return undefined;
      const replay = request.copy();
      replay.headers.set('Authorization', `Basic ${btoa('user:pass')}`);
      return replay;
    }
  })();
}

const noHead = 'nothing connects, so no answer can misbehave';

export const ROWS: readonly Row[] = [
  { slug: 'redirect', title: 'redirect (302 to itself)', bound: BUDGET.maxRedirects + 1, spent: 'TooManyRedirectsError', readsLastBody: false, runtimes: ALL, options: () => ({}) },
  { slug: 'basic', title: 'Basic 401 (HTTPBasicAuth)', bound: 1, spent: 'response 401', readsLastBody: true, runtimes: ALL,
    options: (errand) => ({ auth: new errand.HTTPBasicAuth('user', 'pass') }),
    folded: 'HTTPBasicAuth sends its credentials up front and answers no challenge: the first 401 is the answer, no later answer is asked for' },
  { slug: 'auth', title: 'auth challenge (AuthBase answering Basic 401)', bound: 1 + BUDGET.authReplaysPerHop, spent: 'response 401', readsLastBody: true, runtimes: ALL,
    options: (errand) => ({ auth: basicOnChallenge(errand) }) },
  { slug: 'digest', title: 'Digest stale (401 stale=true, fresh nonce)', bound: 1 + BUDGET.authReplaysPerHop, spent: 'response 401', readsLastBody: true, runtimes: ALL,
    options: (errand) => ({ auth: new errand.HTTPDigestAuth('user', 'pass') }) },
  { slug: 'status', title: 'status retry (503, backoff)', bound: 1 + BUDGET.retriesTotal, spent: 'response 503', readsLastBody: true, retries: true, runtimes: ALL, options: () => ({ retries: RETRIES }) },
  { slug: 'retry-after-s', title: 'Retry-After: 0 (seconds)', bound: 1 + BUDGET.retriesTotal, spent: 'response 503', readsLastBody: true, retries: true, runtimes: ALL, options: () => ({ retries: RETRIES }) },
  { slug: 'retry-after-date', title: 'Retry-After: HTTP-date (429)', bound: 1 + BUDGET.retriesTotal, spent: 'response 429', readsLastBody: true, retries: true, runtimes: ALL, options: () => ({ retries: RETRIES }) },
  { slug: 'connect-refused', title: 'connect retry (refused)', bound: 1 + BUDGET.retriesTotal, spent: 'ConnectionError', readsLastBody: false, runtimes: ALL,
    options: () => ({ retries: RETRIES }), target: 'refused', folded: noHead },
  // Node only: a connect timeout is an UnsupportedError elsewhere (README "What each runtime does").
  { slug: 'connect-timeout', title: 'connect retry (connect timeout)', bound: 1 + BUDGET.retriesTotal, spent: 'ConnectTimeoutError', readsLastBody: false, runtimes: ['node'],
    options: () => ({ retries: RETRIES, timeout: { connect: 100, total: GUARD } }), target: 'blackhole', folded: noHead },
  // Each connection brings an event, but none is steady (open a second), so the default maxReconnects in a row ends it.
  { slug: 'events', title: 's.events() reconnect (one event per connection, retry: 0)', bound: 1 + BUDGET.maxReconnects, spent: ENDED, readsLastBody: true,
    events: true, runtimes: ALL, options: () => ({}),
    folded: 'a misbehaving answer ends its connection with a ConnectionError or TimeoutError, which s.events() reconnects like a stream that ended, within the same maxReconnects (test/shared/events.ts: "with the last failure when the reconnects are spent on failures")' },
];

export const COLUMNS: readonly Column[] = [
  { slug: 'forever', title: 'answers forever', shows: 'nowhere', timeout: () => GUARD, runtimes: ALL },
  { slug: 'huge-headers', title: 'huge headers (1.2 MB)', shows: 'head', error: 'ConnectionError', opaque: ['workerd'], timeout: () => GUARD, runtimes: ALL },
  // Node: the read timeout (undici's headersTimeout covers the whole head, however it trickles).
  { slug: 'endless-headers', title: 'headers never end', shows: 'head', error: { node: 'ReadTimeoutError', edge: 'TimeoutError', workerd: 'TimeoutError' },
    timeout: (runtime) => (runtime === 'node' ? { read: 300, total: GUARD } : 1000), runtimes: ALL },
  // workerd's HTTP client keeps a connection whose answer had bytes past its Content-Length, once that
  // answer's body was read to its end, and reads them as the answer to the next request on it (Node's
  // and the edge VM's undici close it). A body left unread (a redirect hop's) makes it drop the connection.
  { slug: 'longer-body', title: 'body longer than Content-Length', shows: 'body', timeout: () => GUARD, runtimes: ALL,
    leaks: { workerd: { next: [200, 'smuggled'], pooled: 1, why: "workerd reads the excess as the next request's answer" } } },
  { slug: 'shorter-body', title: 'body shorter than Content-Length, then close', shows: 'body', error: 'ConnectionError', timeout: () => GUARD, runtimes: ALL },
  { slug: 'endless-body', title: 'body never ends', shows: 'body', error: 'TimeoutError', timeout: () => 1500, runtimes: ALL },
  { slug: 'chunk-not-hex', title: 'chunk size not hex', shows: 'body', error: 'ConnectionError', timeout: () => GUARD, runtimes: ALL },
  { slug: 'chunk-overrun', title: 'chunk data overruns its size', shows: 'body', error: 'ConnectionError', timeout: () => GUARD, runtimes: ALL },
  { slug: 'chunk-absurd', title: 'chunk size absurd (24 hex digits)', shows: 'body', error: 'ConnectionError', timeout: () => GUARD, runtimes: ALL },
  { slug: 'chunk-cut', title: 'chunked cut before the last chunk, then close', shows: 'body', error: 'ConnectionError', timeout: () => GUARD, runtimes: ALL },
];

/** The path of a cell on the raw server. */
export const cellPath = (runtime: Runtime, row: Row, column: Column) => `/hostile/${runtime}/${row.slug}/${column.slug}`;

/** What a cell must give, and how many requests the server must have seen (errand's attempts, for the connect rows). */
export function expected(row: Row, column: Column, runtime: Runtime): { outcome: Outcome; requests: number } {
  const error = typeof column.error === 'object' ? column.error[runtime] : column.error;
  if (column.shows === 'head' && row.bound > 1) {
    // The first answer was the trigger: in the retry rows it spent one retry already.
    const retriesLeft = BUDGET.retriesTotal - (row.retries ? 1 : 0);
    return { outcome: error!, requests: 2 + (column.opaque?.includes(runtime) ? retriesLeft : 0) };
  }
  if (column.shows === 'body' && row.readsLastBody && error) return { outcome: error, requests: row.bound };
  return { outcome: row.spent, requests: row.bound };
}

/**
 * What follows the cell: the connections of the cell the platform keeps open (none), and what the same
 * Session's next request (GET /healthy, answered 200 `ok`) gets; unless the runtime's platform lets the
 * misbehaviour through (Column.leaks) on a row that reads the last body to its end.
 */
export function afterwards(row: Row, column: Column, runtime: Runtime): { pooled: number; next: [number, string] } {
  const leak = row.readsLastBody ? column.leaks?.[runtime] : undefined;
  return leak ? { pooled: leak.pooled, next: leak.next } : { pooled: 0, next: [200, 'ok'] };
}

/** The cells of a runtime, each named "<row> × <column>", with why a cell is folded when it is. */
export function cells(runtime: Runtime): { name: string; row: Row; column: Column; folded?: string }[] {
  const out: { name: string; row: Row; column: Column; folded?: string }[] = [];
  for (const row of ROWS) {
    if (!row.runtimes.includes(runtime)) continue;
    for (const column of COLUMNS) {
      if (!column.runtimes.includes(runtime)) continue;
      const folded = row.folded && column.shows !== 'nowhere' ? row.folded : undefined;
      const leak = row.readsLastBody && !folded ? column.leaks?.[runtime] : undefined;
      const name = `${row.title} × ${column.title}${leak ? ` (platform flaw: ${leak.why})` : ''}`;
      out.push({ name, row, column, ...(folded ? { folded } : {}) });
    }
  }
  return out;
}

/**
 * Runs one cell on session `s`: the call, its outcome, and how many requests errand sent (a request
 * hook counts them, so the connect rows, which reach no server, are counted too).
 */
export async function callCell(errand: Errand, s: { get(url: string, options?: any): Promise<any>; events(url: string, options?: any): AsyncIterable<unknown> }, url: string,
  row: Row, column: Column, runtime: Runtime): Promise<{ outcome: Outcome; attempts: number; classes: string[] }> {
  let attempts = 0;
  const hooks = { request: (request: unknown) => { attempts++; return request; } };
  try {
    if (row.events) {
      for await (const _ of s.events(url, { timeout: column.timeout(runtime), ...row.options(errand), hooks })) { /* drain */ }
      return { outcome: ENDED, attempts, classes: [] };
    }
    const r = await s.get(url, { timeout: column.timeout(runtime), ...row.options(errand), hooks });
    return { outcome: `response ${r.statusCode}`, attempts, classes: [] };
  } catch (error) {
    if (!(error instanceof errand.RequestError)) throw error;
    const classes: string[] = [];
    for (let p = Object.getPrototypeOf(error); p && p !== Error.prototype; p = Object.getPrototypeOf(p)) classes.push(p.constructor.name);
    return { outcome: error.name, attempts, classes };
  }
}

/**
 * What the raw server saw of a path, through its control endpoint (GET /__count): requests, and
 * connections still open. Polls until at most `open` are, up to 3 s: only the final state is asserted.
 * Asked at `localhost`, another origin than the cells' 127.0.0.1, so that it never shares a pooled
 * connection with them (nor gets what a hostile answer left on one).
 */
export async function serverView(base: string, path: string, open = 0): Promise<{ count: number; open: number }> {
  const control = new URL(base);
  control.hostname = 'localhost';
  let view = { count: 0, open: 0 };
  for (let i = 0; i < 150; i++) {
    view = await (await fetch(`${control.origin}/__count?path=${encodeURIComponent(path)}`)).json() as typeof view;
    if (view.open <= open) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return view;
}
