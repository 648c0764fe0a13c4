// examples/cached-fetch-worker/worker.ts, bundled and run in workerd: errand's cache over caches.default.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { fileURLToPath } from 'node:url'
import { startWorker, type Worker } from './harness.ts'

describe('examples/cached-fetch-worker in workerd', () => {
  let worker: Worker
  beforeAll(async () => {
    worker = await startWorker({
      entry: fileURLToPath(new URL('../../examples/cached-fetch-worker/worker.ts', import.meta.url)),
      bindings: { API_URL: `${inject('httpbinUrl')}/` },
      ...(process.env.ERRAND_DEV_EDGE_ENTRY ? { errandEntry: process.env.ERRAND_DEV_EDGE_ENTRY } : {}),
    })
  })
  afterAll(async () => {
    await worker?.close()
  })

  test('the second request for a fresh response is answered from caches.default, the upstream asked once', async () => {
    const key = `worker${Math.random().toString(36).slice(2)}`
    const path = `http://worker.test/cache-lab/${key}?h.Cache-Control=public%2C%20max-age%3D60`
    const first = await worker.dispatch(path)
    const second = await worker.dispatch(path)
    expect([first.status, first.headers['x-cache'], second.status, second.headers['x-cache']]).toEqual([200, 'miss', 200, 'hit'])
    expect(JSON.parse(second.text)).toMatchObject({ key, n: 1 })
    const seen = await fetch(`${inject('httpbinUrl')}/cache-lab/${key}/count`)
    expect(((await seen.json()) as { count: number }).count).toBe(1)
  })

  test('a private response is not kept by the shared cache', async () => {
    const path = `http://worker.test/cache-lab/w${Math.random().toString(36).slice(2)}?h.Cache-Control=private%2C%20max-age%3D60`
    await worker.dispatch(path)
    expect((await worker.dispatch(path)).headers['x-cache']).toBe('miss')
  })
})
