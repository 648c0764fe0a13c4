// errand's cache against the HTTP caching conformance suite (npm http-cache-tests), private and shared,
// each in a child process of its own (the suite keeps module-level state and its own server). About a
// minute: the suite pauses to let responses go stale. The score must beat every anchor, and every
// required test errand fails must be one conformance.ts explains. With CACHE_TESTS_DIR=<checkout of
// http-tests/cache-tests>, the repository's current suite runs instead, held to its own anchors and reasons.
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NPM_ANCHORS, NPM_KNOWN_FAILURES, REPO_ANCHORS, REPO_KNOWN_FAILURES } from './conformance.ts';
import type { Score } from './cache-tests-score.ts';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const runner = fileURLToPath(new URL('./cache-tests-run.ts', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function runSuite(shared: boolean): Promise<Score> {
  const env = { ...process.env, CACHE_TESTS_PORT: String(await freePort()), CACHE_SHARED: String(shared), NODE_OPTIONS: '' };
  const { stdout } = await exec(process.execPath, ['--import', 'tsx', runner], { cwd: root, env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Score;
}

const suite = process.env.CACHE_TESTS_DIR
  ? { name: 'the repository', anchors: REPO_ANCHORS, known: REPO_KNOWN_FAILURES }
  : { name: 'npm 0.4.5', anchors: NPM_ANCHORS, known: NPM_KNOWN_FAILURES };

describe(`HTTP caching conformance (http-tests/cache-tests, ${suite.name})`, () => {
  // Both runs start with the first test that needs one, and run side by side.
  let runs: Record<'private' | 'shared', Promise<Score>> | undefined;
  const run = (kind: 'private' | 'shared') => (runs ??= { private: runSuite(false), shared: runSuite(true) })[kind];
  const best = Math.max(...suite.anchors.map((row) => row.passed));
  const fewest = Math.min(...suite.anchors.map((row) => row.failed));

  for (const kind of ['private', 'shared'] as const) {
    it(`a ${kind} cache passes more tests than undici and the browsers, and fails fewer required ones`, async () => {
      const score = await run(kind);
      console.info(`cache-tests (${suite.name}), errand ${kind}: ${score.passed} passed / ${score.failed} required failed`);
      expect(score.passed).toBeGreaterThan(best);
      expect(score.failed).toBeLessThan(fewest);
    }, 300_000);

    it(`a ${kind} cache fails no required test but those conformance.ts explains`, async () => {
      const score = await run(kind);
      expect(Object.keys(score.failures).filter((id) => !(id in suite.known[kind]))).toEqual([]);
    }, 300_000);
  }
});
