import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig, type Plugin } from 'vitest/config'

/**
 * Four projects, one per kind of host. Each resolves the bare specifier
 * `errand` to the entry of its runtime, so shared suites are written once
 * (`import * as errand from 'errand'`):
 *
 * - node:    Node's own globals; src/node.ts.
 * - edge:    vitest's `edge-runtime` environment (@edge-runtime/vm globals:
 *            fetch, Request, Headers, crypto... of the Vercel Edge runtime);
 *            src/edge.ts.
 * - browser: real Chromium through playwright (Debian's /usr/bin/chromium,
 *            never a downloaded one); src/browser.ts. The page is served by
 *            vitest, so every request to httpbin is cross-origin (CORS).
 * - package: the packed tarball loaded under each export condition; needs
 *            the build.
 * - workerd: Node tests that drive a Cloudflare worker in miniflare; the
 *            worker bundles the BUILT dist/edge.js (see test/workerd/).
 * - bun, deno: Node tests that run the suites inside a Bun or Deno child
 *            process (the binaries from npm) on src/bun.ts or src/deno.ts, and
 *            report each of the child's tests as their own (test/runtimes/).
 *
 * The root globalSetup starts the loopback servers once for the whole run;
 * every project sees what it provides (`inject('httpbinUrl')`, ...).
 */

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** `errand` exactly (not `errand-foo`, not `errand/x`) to one entry file. */
const errandIs = (entry: string) => [{ find: /^errand$/, replacement: here(`./src/${entry}`) }]

const clearEnv = './test/setup/clear-env.ts'

/**
 * msw's service worker, served at the browser page's origin as /mockServiceWorker.js for
 * test/browser/msw*.test.ts (setupWorker). Read from the installed msw each time, so it always matches
 * the msw version (no copied file to drift; `npx msw init` is not needed).
 */
function mswServiceWorker(): Plugin {
  const file = createRequire(import.meta.url).resolve('msw/mockServiceWorker.js')
  return {
    name: 'errand-test:msw-service-worker',
    configureServer(server) {
      server.middlewares.use('/mockServiceWorker.js', (_req, res) => {
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8')
        res.setHeader('Cache-Control', 'no-store')
        res.end(readFileSync(file))
      })
    },
  }
}

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    reporters: ['default', './test/setup/summary-reporter.ts'],
    projects: [
      {
        resolve: { alias: errandIs('node.ts') },
        test: {
          name: 'node',
          environment: 'node',
          // Some tests do a lot of real work (1,000 requests, child processes, property runs); vitest's
          // 5 s default is a guess about the machine, not about errand. Hangs still end here.
          testTimeout: 20_000,
          include: [
            'test/unit/**/*.test.ts',
            'test/node/**/*.test.ts',
            'test/msw/**/*.test.ts',
            'test/wire/**/*.test.ts',
            // the test servers' own checks
            'test/servers/**/*.test.ts',
            // the user-facing msw example suite
            'examples/testing-with-msw/**/*.test.ts',
            // the runtime parity table (README) and the tests behind each cell
            'test/parity.test.ts',
          ],
          setupFiles: [clearEnv],
        },
      },
      {
        // Dependencies (tough-cookie) are loaded by Node itself here, with
        // Node's conditions; the workerd project checks the bundled build.
        resolve: { alias: errandIs('edge.ts') },
        test: {
          name: 'edge',
          environment: 'edge-runtime',
          include: ['test/edge/**/*.test.ts'],
          setupFiles: [clearEnv],
        },
      },
      {
        resolve: { alias: errandIs('browser.ts') },
        plugins: [mswServiceWorker()],
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: chromiumPath,
                // Without the background-networking flags Chromium keeps
                // dialling Google's hosts, which this network refuses.
                args: [
                  '--no-sandbox',
                  '--disable-gpu',
                  '--disable-quic',
                  '--no-first-run',
                  '--disable-background-networking',
                  '--disable-component-update',
                  '--disable-sync',
                  // The tests only talk to loopback: never through a proxy
                  // from the environment.
                  '--no-proxy-server',
                ],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        test: {
          // The published package: npm pack, install, load under each
          // export condition (needs `npm run build`, which `npm test` does).
          name: 'package',
          environment: 'node',
          include: ['test/package/**/*.test.ts'],
          setupFiles: [clearEnv],
          // After the other projects: its npm installs and tsc runs (types.test.ts) are CPU-heavy, and
          // would slow the timed tests of the others on a small machine.
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'workerd',
          environment: 'node',
          include: ['test/workerd/**/*.test.ts'],
          setupFiles: [clearEnv],
          // Bundling the worker and booting workerd happen in beforeAll.
          hookTimeout: 60_000,
        },
      },
      ...(['bun', 'deno'] as const).map((name) => ({
        test: {
          name,
          environment: 'node',
          include: [`test/${name}/**/*.test.ts`],
          setupFiles: [clearEnv],
        },
      })),
    ],
  },
})
