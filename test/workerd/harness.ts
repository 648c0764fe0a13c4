/**
 * Runs errand's BUILT edge bundle inside workerd (Cloudflare's runtime)
 * through miniflare 3, and lets a Node-side test call named scenarios in it.
 *
 *   const worker = await startWorker()
 *   afterAll(() => worker.close())
 *   const value = await worker.run('get-params-headers', inject('httpbinUrl'))
 *   const value = await worker.run('digest-auth', base, { algorithm: 'SHA-256' })
 *
 * The worker (test/workerd/worker.ts + worker-scenarios.ts) is bundled with
 * esbuild the way wrangler does it: conditions workerd, worker, browser; one
 * ESM file with tough-cookie and tldts inside; no Node built-ins (esbuild
 * refuses `node:*` for the browser platform, so a Node import in the edge
 * build fails here, loudly). workerd runs it with NO compatibility flags: the
 * edge build must not need nodejs_compat.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import type { ScenarioName } from './worker-scenarios.ts'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** The built edge entry the worker imports as `errand`. */
export const DEFAULT_ERRAND_ENTRY = here('../../dist/edge.js')

/**
 * The newest date workerd 1.20250718 (miniflare 3's) accepts. Newer dates are
 * refused by this workerd; older ones would hide behaviour real Workers have.
 */
export const COMPATIBILITY_DATE = '2025-07-18'

export interface WorkerError {
  name: string
  message: string
  /** Constructor names up the prototype chain, most derived first. */
  classes: string[]
  stack: string
}

export type WorkerOutcome = { ok: true; value: unknown } | { ok: false; error: WorkerError }

/** A scenario threw inside the worker; `.remote` is what it threw. */
export class WorkerScenarioError extends Error {
  override name = 'WorkerScenarioError'
  constructor(
    readonly scenario: string,
    readonly remote: WorkerError,
  ) {
    super(`scenario ${JSON.stringify(scenario)} threw ${remote.name}: ${remote.message}\n--- worker stack ---\n${remote.stack}`)
  }
}

export interface Worker {
  /**
   * Runs a scenario; resolves with its value, rejects with WorkerScenarioError. `args` (JSON) reaches the
   * scenario as its third parameter. The scenario's `alt` is `base` with 127.0.0.1 replaced by localhost:
   * the same server as another origin.
   */
  run(test: ScenarioName, base: string, args?: unknown): Promise<unknown>
  /** Runs a scenario and returns the raw outcome, thrown errors included. */
  outcome(test: ScenarioName | (string & {}), base: string, args?: unknown): Promise<WorkerOutcome>
  /** Sends a request to the worker itself (for a worker that is not the scenario runner: `entry`). */
  dispatch(url: string): Promise<{ status: number; headers: Record<string, string>; text: string }>
  close(): Promise<void>
}

export interface StartWorkerOptions {
  /** The module aliased to `errand` inside the worker; default dist/edge.js. */
  errandEntry?: string
  /** Default: none. The edge build must work without nodejs_compat. */
  compatibilityFlags?: string[]
  /** The worker's entry; default test/workerd/worker.ts (the scenario runner). */
  entry?: string
  /** Text bindings (the worker's `env`). */
  bindings?: Record<string, string>
}

/** Bundles the worker into a temp dir; returns the file and the dir. */
async function bundleWorker(errandEntry: string, entry = here('./worker.ts')): Promise<{ dir: string; file: string }> {
  if (!existsSync(errandEntry)) {
    throw new Error(`${errandEntry} is missing: the workerd tests run the built edge bundle. Run \`npm run build\` first (\`npm test\` does).`)
  }
  const dir = await mkdtemp(join(tmpdir(), 'errand-workerd-'))
  const file = join(dir, 'worker.mjs')
  try {
    await build({
      entryPoints: [entry],
      outfile: file,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['browser', 'module', 'main'],
      alias: { errand: errandEntry },
      logLevel: 'silent',
    })
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw new Error(`bundling the worker around ${errandEntry} failed (does the edge build import a Node built-in?)`, { cause: error })
  }
  return { dir, file }
}

export async function startWorker(options: StartWorkerOptions = {}): Promise<Worker> {
  const { dir, file } = await bundleWorker(options.errandEntry ?? DEFAULT_ERRAND_ENTRY, options.entry)
  let mf: Miniflare
  try {
    mf = new Miniflare({
      modules: true,
      scriptPath: file,
      // Module names are paths relative to this; the default (the cwd) would
      // give `../../tmp/...`, which workerd refuses.
      modulesRoot: dir,
      compatibilityDate: COMPATIBILITY_DATE,
      compatibilityFlags: options.compatibilityFlags ?? [],
      bindings: options.bindings ?? {},
    })
    await mf.ready
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }

  const outcome = async (test: string, base: string, args?: unknown): Promise<WorkerOutcome> => {
    const response = await mf.dispatchFetch('http://worker.test/run', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ test, base, args: args ?? null }),
    })
    const text = await response.text()
    if (response.status !== 200) throw new Error(`worker answered ${response.status}: ${text}`)
    return JSON.parse(text) as WorkerOutcome
  }

  return {
    outcome,
    async dispatch(url) {
      const response = await mf.dispatchFetch(url)
      return { status: response.status, headers: Object.fromEntries(response.headers), text: await response.text() }
    },
    async run(test, base, args) {
      const result = await outcome(test, base, args)
      if (!result.ok) throw new WorkerScenarioError(test, result.error)
      return result.value
    },
    async close() {
      try {
        await mf.dispose()
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    },
  }
}
