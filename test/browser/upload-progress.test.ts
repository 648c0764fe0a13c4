// Upload progress in real Chromium over HTTP/1.1 (the local httpbin is node:http): a call with
// onUploadProgress and a body that is not a stream goes through XMLHttpRequest (DESIGN.md "Browser upload
// progress"), and everything else about the call stays as over fetch: the Response, the errors, the
// timeout, the signal, hooks, retries. The page's origin is not httpbin's, so every request here is
// cross-origin; an upload listener makes XMLHttpRequest preflight it (XHR standard).
import * as errand from 'errand'
import { describe, expect, inject, test } from 'vitest'

const base = () => inject('httpbinUrl')
// Cross-origin but same-site with the page (http://localhost:VITE_PORT): its cookies are first-party.
const alt = () => inject('httpbinAltUrl')

type Progress = { loaded: number; total?: number; percent?: number }
type Echo = { data: string; form: Record<string, unknown>; headers: Record<string, string>; method: string }
type Consumed = { bytes: number; sha256: string; headers: Record<string, string> }
const header = (headers: Record<string, string>, name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]
const MiB = 1024 * 1024

/** `size` bytes of a repeating pattern, and its SHA-256 in hex (what /consume reports). */
async function payload(size: number): Promise<{ bytes: Uint8Array<ArrayBuffer>; sha256: string }> {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return { bytes, sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  return expect.fail('expected the call to fail')
}

describe('browser: onUploadProgress over HTTP/1.1 (XMLHttpRequest)', () => {
  test('a 10 MiB upload reports monotonic progress ending at the total, and the server gets every byte', async () => {
    const { bytes, sha256 } = await payload(10 * MiB)
    const events: Progress[] = []
    // The server reads slowly (2 ms after each chunk it reads), so the upload takes long enough for
    // XMLHttpRequest's progress events (at least every 50 ms while bytes move) to show it moving.
    const r = await errand.post(`${base()}/consume`, { params: { chunk_delay_ms: 2 }, data: bytes, onUploadProgress: (p) => events.push({ ...p }) })
    expect(r.statusCode).toBe(200)
    expect(r.json<Consumed>()).toMatchObject({ bytes: 10 * MiB, sha256 })
    expect(events.length).toBeGreaterThan(1)
    for (const [i, event] of events.entries()) {
      expect(event.total).toBe(10 * MiB)
      expect(event.percent).toBeCloseTo((event.loaded / (10 * MiB)) * 100, 6)
      if (i > 0) expect(event.loaded).toBeGreaterThan(events[i - 1]!.loaded)
    }
    expect(events.some((e) => e.loaded > 0 && e.loaded < 10 * MiB)).toBe(true)
    expect(events.at(-1)).toEqual({ loaded: 10 * MiB, total: 10 * MiB, percent: 100 })
  })

  test('the Response is the same as over fetch: status, reason, headers, url, content, text, json(), a Blob or form body', async () => {
    const events: Progress[] = []
    const r = await errand.post(`${base()}/post`, { params: { q: 'a b' }, data: { field: 'x y' }, onUploadProgress: (p) => events.push(p) })
    expect(r.statusCode).toBe(200)
    expect(r.reason).toBe('OK')
    expect(r.ok).toBe(true)
    expect(r.url).toBe(`${base()}/post?q=a+b`)
    expect(r.headers.get('content-type')).toMatch(/^application\/json/)
    expect(r.encoding).toBe('utf-8')
    const body = r.json<Echo>()
    expect(body.form).toEqual({ field: 'x y' })
    expect(header(body.headers, 'content-type')).toBe('application/x-www-form-urlencoded')
    expect(JSON.parse(r.text)).toEqual(body)
    expect(new TextDecoder().decode(r.content)).toBe(r.text)
    expect(events.at(-1)).toEqual({ loaded: 'field=x+y'.length, total: 'field=x+y'.length, percent: 100 })
    // A Blob keeps its type, as over fetch.
    const blob = (await errand.put(`${base()}/put`, { data: new Blob(['blob ✓'], { type: 'text/plain' }), onUploadProgress: () => {} })).json<Echo>()
    expect(blob).toMatchObject({ method: 'PUT', data: 'blob ✓' })
    expect(header(blob.headers, 'content-type')).toBe('text/plain')
  })

  test('the final URL after a redirect the browser followed', async () => {
    const r = await errand.post(`${base()}/redirect-to`, { params: { url: '/anything/after', status_code: 307 }, data: 'again', onUploadProgress: () => {} })
    expect(r.url).toBe(`${base()}/anything/after`)
    expect(r.history).toEqual([])
    expect(r.json<Echo>()).toMatchObject({ method: 'POST', data: 'again' })
  })

  test('stream: true gives a Response whose body is read as over fetch (read(), iterContent())', async () => {
    const streamed = await errand.put(`${base()}/anything/s`, { data: 'payload', stream: true, onUploadProgress: () => {} })
    expect(() => streamed.content).toThrow(/not loaded/)
    const chunks: Uint8Array[] = []
    for await (const chunk of streamed.iterContent(10)) chunks.push(chunk)
    expect(chunks.slice(0, -1).every((c) => c.byteLength === 10)).toBe(true)
    expect(JSON.parse(new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c]))))).toMatchObject({ data: 'payload' })
  })

  test('download progress of the same call comes from XMLHttpRequest, up to the total', async () => {
    const down: Progress[] = []
    const r = await errand.post(`${base()}/anything/d`, { data: 'x'.repeat(1000), onUploadProgress: () => {}, onDownloadProgress: (p) => down.push(p) })
    const length = Number(r.headers.get('content-length'))
    expect(length).toBeGreaterThan(1000)
    expect(down.at(-1)).toEqual({ loaded: length, total: length, percent: 100 })
  })

  test('a CORS preflight: a custom header is sent, the server sees it, the answer is read', async () => {
    const r = await errand.post(`${base()}/anything/preflight`, { data: 'p', headers: { 'X-Custom-Trace': 'abc-123' }, onUploadProgress: () => {} })
    expect(header(r.json<Echo>().headers, 'x-custom-trace')).toBe('abc-123')
  })

  test('a 4xx: the response, and raiseForStatus() throws HTTPError carrying it', async () => {
    const events: Progress[] = []
    const r = await errand.post(`${base()}/status/418`, { data: 'tea', onUploadProgress: (p) => events.push(p) })
    expect(r.statusCode).toBe(418)
    expect(r.ok).toBe(false)
    let error: unknown
    try {
      r.raiseForStatus()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(errand.HTTPError)
    expect((error as errand.HTTPError).response).toBe(r)
    expect((error as Error).message).toMatch(/^418 Client Error/)
    expect(events.at(-1)).toEqual({ loaded: 3, total: 3, percent: 100 })
  })

  test('abort mid-upload: the call rejects with the signal\'s reason once some but not all bytes are sent', async () => {
    const { bytes } = await payload(10 * MiB)
    const controller = new AbortController()
    const reason = new Error('stopped by the user')
    const events: Progress[] = []
    const error = await rejection(errand.post(`${base()}/consume`, {
      params: { chunk_delay_ms: 20 },
      data: bytes,
      retries: 0,
      signal: controller.signal,
      onUploadProgress: (p) => {
        events.push(p)
        if (p.loaded > 0 && p.loaded < 10 * MiB) controller.abort(reason)
      },
    }))
    expect(error).toBe(reason)
    expect(events.at(-1)!.loaded).toBeLessThan(10 * MiB)
  })

  test('a total timeout during the upload: TimeoutError naming the total timeout', async () => {
    const { bytes } = await payload(10 * MiB)
    // 20 ms after each chunk read: the 10 MiB cannot arrive within the timeout.
    const error = await rejection(errand.post(`${base()}/consume`, { params: { chunk_delay_ms: 20 }, data: bytes, timeout: 300, onUploadProgress: () => {} }))
    expect(error).toBeInstanceOf(errand.TimeoutError)
    expect(error.message).toMatch(/total timeout of 300 ms/)
  })

  test('a network error (the server closes the connection): ConnectionError, retried as over fetch', async () => {
    const retries: number[] = []
    const error = await rejection(errand.put(`${base()}/close`, {
      data: 'x',
      onUploadProgress: () => {},
      retries: { total: 1, backoffFactor: 0, backoffJitter: 0 },
      hooks: { retry: (info) => void retries.push(info.attempt) },
    }))
    expect(error).toBeInstanceOf(errand.ConnectionError)
    expect(error.message).toMatch(/XMLHttpRequest/)
    expect(retries).toEqual([1])
  })

  test('Digest with auth-int (the body is hashed): the 401 is answered and the body sent again, with its progress', async () => {
    const events: Progress[] = []
    const statuses: number[] = []
    const r = await errand.post(`${base()}/digest-auth/auth-int/user/pass/SHA-256`, {
      data: 'payload',
      auth: new errand.HTTPDigestAuth('user', 'pass'),
      onUploadProgress: (p) => events.push(p),
      hooks: { response: (res) => void statuses.push(res.statusCode) },
    })
    expect(r.statusCode).toBe(200)
    expect(r.request.headers.get('authorization')).toMatch(/^Digest .*qop=auth-int/)
    // Both sends went through XMLHttpRequest (a 401 was answered with the body hashed, then 200).
    expect(statuses).toEqual([401, 200])
    expect(events).toEqual([
      { loaded: 7, total: 7, percent: 100 },
      { loaded: 7, total: 7, percent: 100 },
    ])
  })

  test('r.timings: the start, the end of the upload, the headers and the end, in order; the connection\'s moments stay undefined', async () => {
    const r = await errand.post(`${base()}/post`, { data: 'x'.repeat(100_000), onUploadProgress: () => {} })
    const t = r.timings
    for (const moment of [t.start, t.upload, t.response, t.end]) expect(moment).toEqual(expect.any(Number))
    expect(t.start!).toBeLessThanOrEqual(t.upload!)
    expect(t.upload!).toBeLessThanOrEqual(t.response!)
    expect(t.response!).toBeLessThanOrEqual(t.end!)
    // Unlike fetch, XMLHttpRequest says when the upload ended: firstByte is the server's time alone.
    expect(t.phases.firstByte).toBeCloseTo(t.response! - t.upload!, 2)
    expect(t.phases.download).toBeCloseTo(t.end! - t.response!, 2)
    expect(t.phases.total).toBeCloseTo(t.end! - t.start!, 2)
    // Cross-origin without Timing-Allow-Origin, nothing shows the connection: never a guess.
    expect([t.socket, t.lookup, t.connect, t.secureConnect, t.phases.dns, t.phases.tcp, t.phases.tls, t.phases.request]).toEqual(Array(8).fill(undefined))
  })

  test('hooks run on the call, and a response hook sees the XMLHttpRequest response', async () => {
    const seen: string[] = []
    const r = await errand.post(`${base()}/anything/hooked`, {
      data: 'h',
      onUploadProgress: () => {},
      hooks: {
        request: (req) => { req.headers.set('X-From-Hook', 'yes'); seen.push(`request ${req.method}`) },
        response: (res) => void seen.push(`response ${res.statusCode}`),
      },
    })
    expect(seen).toEqual(['request POST', 'response 200'])
    expect(header(r.json<Echo>().headers, 'x-from-hook')).toBe('yes')
  })

  test("credentials: 'include' sends the browser's cookies with the upload; the default mode does not", async () => {
    const name = `errand_xhr_${Date.now()}`
    await errand.get(`${alt()}/set-cookie`, { params: { raw: `${name}=kept; Path=/` }, credentials: 'include' })
    try {
      const sent = (options: errand.RequestOptions) => errand.post(`${alt()}/anything/cookie`, { data: 'c', onUploadProgress: () => {}, ...options })
      expect(header((await sent({ credentials: 'include' })).json<Echo>().headers, 'cookie')).toContain(`${name}=kept`)
      expect(header((await sent({})).json<Echo>().headers, 'cookie') ?? '').not.toContain(name)
    } finally {
      await errand.get(`${alt()}/cookies/delete`, { params: { [name]: '' }, credentials: 'include' })
    }
  })

  test("credentials: 'omit' cannot be honoured by XMLHttpRequest: UnsupportedError, nothing sent", async () => {
    const error = await rejection(errand.post(`${base()}/post`, { data: 'x', credentials: 'omit', onUploadProgress: () => {} }))
    expect(error).toBeInstanceOf(errand.UnsupportedError)
    expect(error.message).toMatch(/credentials: 'omit'.*XMLHttpRequest/)
  })

  test('XHRAdapter mounted: every call goes through XMLHttpRequest, with or without progress', async () => {
    const s = new errand.Session()
    s.mount(`${base()}/`, new errand.XHRAdapter())
    const r = await s.get(`${base()}/get`, { params: { a: '1' } })
    expect(r.json<{ args: Record<string, string> }>().args).toEqual({ a: '1' })
    // Not a fetch response (a cross-origin one has type 'cors'): errand built it from the XMLHttpRequest.
    expect(r.raw.type).toBe('default')
    expect(r.raw.url).toBe(`${base()}/get?a=1`)
    const viaFetch = await errand.get(`${base()}/get`)
    expect(viaFetch.raw.type).toBe('cors')
    await s.close()
  })
})
