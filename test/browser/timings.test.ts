// r.timings in real Chromium. The page is cross-origin to httpbin: the browser's Resource Timing shows the
// phases only when the server sends Timing-Allow-Origin; without it, r.timings has fetch's own moments
// (firstByte, download, total) and undefined for the rest.
import * as errand from 'errand'
import { beforeEach, describe, expect, inject, test } from 'vitest'

const base = () => inject('httpbinUrl')
const entryFor = (url: string) => performance.getEntriesByName(url, 'resource').at(-1) as PerformanceResourceTiming
/**
 * The browser adds a fetch's Resource Timing entry when the response ends, a task after the body was read:
 * wait for it before reading r.timings (errand looks the entry up at the first read, and uses fetch's own
 * moments when there is none yet).
 */
async function settled(url: string): Promise<void> {
  for (let i = 0; i < 100 && !entryFor(url); i++) await new Promise((resolve) => setTimeout(resolve, 10))
}
const epoch = (mark: number) => performance.timeOrigin + mark

beforeEach(() => {
  // The test page loads hundreds of modules: make room in the Resource Timing buffer (250 entries by default).
  performance.clearResourceTimings()
  performance.setResourceTimingBufferSize(1000)
})

describe('r.timings in Chromium', () => {
  test('with Timing-Allow-Origin: the phases the browser measured, for a new connection and a reused one', async () => {
    // The first answer closes its connection, so the second request opens one.
    const urls = [`${base()}/response-headers?Timing-Allow-Origin=*&Connection=close`, `${base()}/response-headers?Timing-Allow-Origin=*`]
    let fresh = 0
    for (const url of urls) {
      const r = await errand.get(url)
      await settled(r.request.url)
      const t = r.timings
      const entry = entryFor(r.request.url)
      expect(entry.requestStart).toBeGreaterThan(0)
      // The browser's own moments, not fetch's: the first byte is responseStart.
      expect(t.response).toBeCloseTo(epoch(entry.responseStart), 1)
      expect(t.phases.firstByte).toBeCloseTo(entry.responseStart - entry.requestStart, 6)
      // The browser does not say when the upload ended.
      expect([t.upload, t.phases.request]).toEqual([undefined, undefined])
      expect(t.phases.download).toBeCloseTo(t.end! - t.response!, 2)
      if (entry.connectEnd > entry.fetchStart) {
        fresh++
        expect(t.lookup).toBeCloseTo(epoch(entry.domainLookupEnd), 1)
        expect(t.connect).toBeCloseTo(epoch(entry.connectEnd), 1)
        expect(t.phases.dns).toBeCloseTo(entry.domainLookupEnd - entry.domainLookupStart, 6)
        expect(t.phases.tcp).toBeGreaterThanOrEqual(0)
        expect(t.phases.wait).toBeGreaterThanOrEqual(0)
        expect(t.secureConnect).toBeUndefined() // plain http
      } else {
        expect([t.socket, t.lookup, t.connect, t.phases.dns, t.phases.tcp, t.phases.tls]).toEqual(Array(6).fill(undefined))
      }
      for (const [before, after] of [[t.start, t.response], [t.response, t.end], [t.socket ?? t.start, t.lookup ?? t.response], [t.lookup ?? t.start, t.connect ?? t.response]]) {
        expect(after!).toBeGreaterThanOrEqual(before!)
      }
    }
    expect(fresh).toBeGreaterThan(0)
  })

  test('without Timing-Allow-Origin: firstByte, download and total from fetch; undefined for the rest', async () => {
    const r = await errand.get(`${base()}/get`)
    await settled(r.request.url)
    const t = r.timings
    expect(entryFor(r.request.url).requestStart).toBe(0) // what the browser hides across origins
    // Browsers coarsen the clock (100 µs): a step may take no measurable time; what matters is that fetch's
    // three phases are there and the others are not.
    for (const phase of ['firstByte', 'download', 'total'] as const) expect(t.phases[phase], phase).toBeGreaterThanOrEqual(0)
    for (const phase of ['wait', 'dns', 'tcp', 'tls', 'request'] as const) expect(t.phases[phase], phase).toBeUndefined()
    expect([t.socket, t.lookup, t.connect, t.secureConnect, t.upload]).toEqual(Array(5).fill(undefined))
    expect(t.response).toBeGreaterThanOrEqual(t.start!)
    expect(t.end).toBeGreaterThanOrEqual(t.response!)
  })

  test('after redirects the browser followed: one timing for the whole chain, history empty', async () => {
    const r = await errand.get(`${base()}/redirect/2`)
    expect(r.history).toEqual([])
    expect(r.timings.phases.firstByte).toBeGreaterThan(0)
    expect(r.timings.phases.total).toBeGreaterThanOrEqual(r.timings.phases.firstByte!)
  })

  test('a streamed body: end once it has been read', async () => {
    const r = await errand.get(`${base()}/stream/3`, { stream: true })
    expect(r.timings.end).toBeUndefined()
    await r.read()
    expect(r.timings.end).toBeGreaterThanOrEqual(r.timings.response!)
  })
})
