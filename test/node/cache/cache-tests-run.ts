/**
 * Runs the HTTP caching conformance suite (http-tests/cache-tests, the suite behind cache-tests.fyi)
 * against one errand Session with the cache on, in this process, and prints one JSON line of results.
 * The suite starts its scripted server here and talks to it through `fetch`; errand is put in fetch's
 * place by a thin shim, as undici's test/cache-interceptor does for its own interceptor.
 *
 *   CACHE_TESTS_DIR  the suite: the npm package `http-cache-tests` (default), or a checkout of the
 *                    repository (its test-engine/ layout)
 *   CACHE_TESTS_PORT the server's port
 *   CACHE_SHARED     'true' for a shared cache
 *   CACHE_CLIENT     'errand' (default) or 'undici' (undici's cache interceptor, to measure the anchor)
 *   CACHE_STORE      'memory' (default) or 'disk' (DiskCacheStore in a temp dir)
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiskCacheStore, Session, UndiciAdapter } from '../../../src/node.ts';
import { classify, type SuiteTest } from './cache-tests-score.ts';

const dir = process.env.CACHE_TESTS_DIR ?? join(import.meta.dirname, '../../../node_modules/http-cache-tests');
const port = Number(process.env.CACHE_TESTS_PORT ?? 8000);
const shared = process.env.CACHE_SHARED === 'true';
const client = process.env.CACHE_CLIENT ?? 'errand';
const base = `http://localhost:${port}`;
// The repository moved the engine under test-engine/ and reads the global fetch; the npm package takes it as an argument.
const engine = existsSync(join(dir, 'test-engine')) ? join(dir, 'test-engine') : dir;
const load = (path: string) => import(pathToFileURL(join(path)).href);

process.env['npm_config_protocol'] = 'http';
process.env['npm_config_port'] = String(port);
process.env['npm_config_pidfile'] = join(tmpdir(), `errand-cache-tests-${port}.pid`);
await load(join(engine, 'server/server.mjs'));
await waitForServer();

const diskDir = process.env.CACHE_STORE === 'disk' ? mkdtempSync(join(tmpdir(), 'errand-cache-tests-disk-')) : undefined;
const fetchShim = client === 'undici' ? await undiciFetch() : errandFetch();
globalThis.fetch = fetchShim as typeof fetch;

const { runTests, getResults } = await load(join(engine, 'client/runner.mjs'));
const only = process.env.CACHE_TESTS_ONLY?.split(',');
const tests: { id?: string; tests: SuiteTest[] }[] = (await load(join(dir, 'tests/index.mjs'))).default
  .filter((suite: { id: string }) => !only || only.includes(suite.id));
// browserCache = true: the suite talks to the client's own cache (no cache-busting headers).
if (runTests.length >= 4) await runTests(tests, fetchShim, true, base);
else await runTests(tests, true, base);

const results = getResults() as Record<string, true | [string, string]>;
const scored = classify(tests, results);
if (diskDir) rmSync(diskDir, { recursive: true, force: true });
console.log(JSON.stringify({ client, shared, store: process.env.CACHE_STORE ?? 'memory', ...scored }));
process.exit(0);

/** fetch over an errand Session with its cache on: what the suite sees of errand is only this. */
function errandFetch() {
  const session = new Session({
    cache: { shared, ...(diskDir ? { store: new DiskCacheStore({ path: diskDir }) } : {}) },
    // A fetch retries nothing; errand's default retries would resend a 503 the suite means to see.
    retries: 0,
  });
  // errand would follow the replaced globalThis.fetch (for msw); here that is this shim itself.
  session.mount('http://', new UndiciAdapter({ followPatchedFetch: false }));
  return async (input: string | URL, init: RequestInit = {}) => {
    const r = await session.request(init.method ?? 'GET', String(input), {
      headers: [...new Headers(init.headers)],
      data: (init.body as string | undefined) ?? null,
      cache: (init.cache as RequestCache | undefined) ?? null,
      signal: init.signal ?? null,
      allowRedirects: init.redirect !== 'manual',
    });
    // The suite checks statuses a platform Response refuses (its server's 999), so it gets a plain object.
    return {
      status: r.statusCode, statusText: r.reason, ok: r.statusCode < 300, url: r.url, headers: r.headers,
      text: async () => r.text, json: async () => r.json(), arrayBuffer: async () => r.content.buffer,
    };
  };
}

async function undiciFetch() {
  const undici = await import('undici');
  const dispatcher = new undici.Agent().compose(undici.interceptors.cache({ type: shared ? 'shared' : 'private', methods: ['GET', 'HEAD'] }));
  return (input: string | URL, init: RequestInit = {}) => undici.fetch(input, { ...(init as object), dispatcher } as Parameters<typeof undici.fetch>[1]);
}

// The server does not say when it listens (nor answer / in every version): wait until a TCP connect works.
async function waitForServer(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((done) => {
      const socket = connect({ host: 'localhost', port }, () => { socket.end(); done(true); });
      socket.once('error', () => done(false));
    });
    if (up) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`the cache-tests server did not start on ${base}`);
}
