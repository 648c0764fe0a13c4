// errand's cache and Chromium's own HTTP cache: without errand's, the browser's answers and a call's
// `cache` mode reaches it; under errand's, the browser's is skipped, so nothing is cached twice.
import * as errand from 'errand'
import { describe, expect, inject, test } from 'vitest'

const base = () => inject('httpbinUrl')
const newKey = () => `b${Math.random().toString(36).slice(2)}`
const lab = (key: string) => `${base()}/cache-lab/${key}?h.Cache-Control=max-age%3D600`
const seen = async (key: string) => (await errand.get(`${base()}/cache-lab/${key}/count`)).json<{ count: number }>().count

describe("browser: errand's cache over the browser's HTTP cache", () => {
  test("without errand's cache, the browser's HTTP cache answers, and a call's cache mode reaches it", async () => {
    const key = newKey()
    const plain = new errand.Session()
    const first = await plain.get(lab(key))
    const second = await plain.get(lab(key))
    expect([first.cacheStatus, second.cacheStatus, second.json<{ n: number }>().n]).toEqual([undefined, undefined, 1])
    expect(await seen(key)).toBe(1)
    await plain.get(lab(key), { cache: 'no-store' })
    expect(await seen(key)).toBe(2)
  })

  test("under errand's cache the browser's HTTP cache is skipped (fetch cache: 'no-store')", async () => {
    const key = newKey()
    const cached = new errand.Session({ cache: true })
    expect((await cached.get(lab(key))).cacheStatus).toBe('miss')
    expect((await cached.get(lab(key))).cacheStatus).toBe('hit')
    // Nothing went into the browser's cache: a Session without errand's cache goes to the server.
    expect((await new errand.Session().get(lab(key))).json<{ n: number }>().n).toBe(2)
    expect(await seen(key)).toBe(2)
  })
})
