// Event streams in real Chromium beyond the shared suite: credentials. The page is http://localhost:VITE_PORT;
// httpbinAltUrl (http://localhost:PORT) is cross-origin but same-site, so the browser keeps its cookies and
// sends them with credentials: 'include'. Every connection is a CORS request: Last-Event-ID and a JSON
// body are preflighted, and the stream's Content-Type is a safelisted response header.
import * as errand from 'errand'
import { afterAll, describe, expect, inject, test } from 'vitest'

const alt = () => inject('httpbinAltUrl')
const name = `errand_sse_${Date.now()}`

type Seen = { n?: number; cookie: string | null; lastEventId: string | null }

describe("browser: event streams with credentials: 'include'", () => {
  afterAll(async () => {
    await errand.get(`${alt()}/cookies/delete`, { params: { [name]: '', feed: '' }, credentials: 'include' })
  })

  test("each connection carries the browser's cookies, and a cookie set by one connection goes with the next", async () => {
    await errand.get(`${alt()}/set-cookie`, { params: { raw: `${name}=on; Path=/` }, credentials: 'include' })
    const s = new errand.Session({ credentials: 'include' })
    const seen: Seen[] = []
    for await (const event of s.events(`${alt()}/sse/feed`, { params: { total: 2, per: 1, retry: 0, cookie: 1, linger: 100 } })) seen.push(JSON.parse(event.data) as Seen)
    expect(seen.map((d) => [d.n, d.lastEventId])).toEqual([[1, null], [2, '1']])
    expect(seen[0]!.cookie).toContain(`${name}=on`)
    expect(seen[0]!.cookie).not.toContain('feed=')
    expect(seen[1]!.cookie).toContain('feed=0')
  })

  test('without credentials the stream carries no cookie', async () => {
    for await (const event of new errand.Session().events(`${alt()}/sse/echo`, { maxReconnects: 0 })) {
      expect((JSON.parse(event.data) as Seen).cookie).toBeNull()
    }
  })
})
