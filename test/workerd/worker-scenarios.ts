/**
 * Scenarios that run INSIDE a Cloudflare worker (workerd, through miniflare),
 * against the built edge bundle. Each one gets the errand module and the
 * httpbin base URL and returns something JSON-serialisable; the Node-side
 * test (test/workerd/*.test.ts) asserts on it.
 *
 * To add one: add a function here, then `await worker.run('name', base)` in
 * a test. Keep assertions on the Node side, so a failure shows a diff; a
 * scenario that throws comes back as a WorkerScenarioError carrying the
 * worker-side error's name, message and stack.
 */
import { z } from 'zod'
import type * as Errand from '../../src/edge.ts'
import { COLUMNS, REFUSED_URL, ROWS, afterwards, callCell, cellPath, serverView } from '../shared/hostile-matrix.ts'
import { eventScenarios } from './events-scenarios.ts'

export type ErrandModule = typeof Errand
/** `args` is the JSON the test passed to `worker.run(name, base, args)` (null without). */
export type Scenario = (errand: ErrandModule, base: string, args: any) => Promise<unknown>

/** The same httpbin as another origin and host (127.0.0.1 → localhost), as the global setup's httpbinAltUrl. */
function altOf(base: string): string {
  const url = new URL(base)
  url.hostname = 'localhost'
  return url.origin
}

/** httpbin echoes header names in its own case; look them up in any case. */
function header(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value
  return undefined
}

/** The names of an error's classes, most derived first: ['HTTPError', 'RequestError', 'Error']. */
function classNames(error: unknown): string[] {
  const names: string[] = []
  for (let p = Object.getPrototypeOf(error); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    names.push(p.constructor.name)
  }
  return names
}

/** What a rejected promise rejected with, as plain data (the test asserts on it). */
async function caught(errand: ErrandModule, promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    const e = error as Error
    return {
      name: e?.name ?? typeof error,
      message: String(e?.message ?? error),
      classes: classNames(error),
      isRequestError: error instanceof errand.RequestError,
      isUnsupported: error instanceof errand.UnsupportedError,
      isTimeout: error instanceof errand.TimeoutError,
      isHTTPError: error instanceof errand.HTTPError,
    }
  }
  return { name: 'resolved', message: 'the promise resolved', classes: [], isRequestError: false, isUnsupported: false, isTimeout: false, isHTTPError: false }
}

type Echo = { args: Record<string, unknown>; form: Record<string, unknown>; files: Record<string, unknown>; json: unknown; data: string; headers: Record<string, string>; method: string; url: string }

/** A response as plain data: status, final URL, and each hop of its history. */
function hops(r: Errand.Response) {
  return {
    statusCode: r.statusCode,
    url: r.url,
    history: r.history.map((h) => ({ statusCode: h.statusCode, url: h.url, location: h.headers.get('location') })),
  }
}

/** Three chunks of bytes as a ReadableStream (no length known: sent chunked). */
function byteStream(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(encoder.encode(chunks[i++]))
      else controller.close()
    },
  })
}

export const scenarios = {
  /** Which build answered, and what the worker's global scope looks like. */
  async runtime(errand) {
    return {
      runtime: errand.runtime,
      hasProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined',
      userAgent: (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? null,
    }
  },

  async 'get-params-headers'(errand, base) {
    const r = await errand.get(`${base}/get`, {
      params: { a: '1', b: 'two words' },
      headers: { 'X-Test': 'yes' },
    })
    const body = r.json() as { args: Record<string, string>; headers: Record<string, string> }
    return {
      statusCode: r.statusCode,
      ok: r.ok,
      url: r.url,
      args: body.args,
      xTest: header(body.headers, 'X-Test') ?? null,
    }
  },

  async 'post-json'(errand, base) {
    const r = await errand.post(`${base}/post`, { json: { hello: 'world', n: 1, list: [1, 2] } })
    const body = r.json() as { json: unknown; headers: Record<string, string> }
    return {
      statusCode: r.statusCode,
      json: body.json,
      contentType: header(body.headers, 'Content-Type') ?? null,
    }
  },

  /** Errors keep their classes in the bundle (minifiers must not rename them). */
  async 'error-classes'(errand, base) {
    const out: Record<string, unknown> = {}
    try {
      await errand.get('example.com/no-scheme')
      out.missingSchema = 'no error'
    } catch (error) {
      out.missingSchema = {
        name: (error as Error).name,
        classes: classNames(error),
        isRequestError: error instanceof errand.RequestError,
      }
    }
    const r = await errand.get(`${base}/status/404`)
    try {
      r.raiseForStatus()
      out.raiseForStatus = 'no error'
    } catch (error) {
      out.raiseForStatus = {
        name: (error as Error).name,
        classes: classNames(error),
        isRequestError: error instanceof errand.RequestError,
        isHTTPError: error instanceof errand.HTTPError,
      }
    }
    return out
  },

  // ---- bodies ----------------------------------------------------------------------------------

  async 'post-form'(errand, base) {
    const r = await errand.post(`${base}/post`, { data: { a: '1', list: ['x', 'y'], 'ü': 'ß & =' } })
    const body = r.json() as Echo
    return { statusCode: r.statusCode, form: body.form, contentType: header(body.headers, 'Content-Type') ?? null }
  },

  async 'post-multipart'(errand, base) {
    const r = await errand.post(`${base}/post`, {
      data: { field: 'value' },
      files: {
        text: ['notes.txt', 'hello from workerd', 'text/plain'],
        bytes: ['data.bin', new Uint8Array([1, 2, 3, 255])],
        blob: new Blob(['blob body'], { type: 'text/plain' }),
      },
    })
    const body = r.json() as Echo
    const raw = await errand.post(`${base}/echo-raw`, { files: { text: ['notes.txt', 'hello from workerd', 'text/plain'] } })
    return {
      statusCode: r.statusCode,
      form: body.form,
      files: body.files,
      contentType: header(body.headers, 'Content-Type') ?? null,
      raw: raw.text,
    }
  },

  async 'blob-file-formdata'(errand, base) {
    const blob = (await errand.post(`${base}/post`, { data: new Blob(['blob body'], { type: 'text/plain' }) })).json() as Echo
    const file = (await errand.put(`${base}/put`, { data: new File(['file body ✓'], 'notes.txt', { type: 'text/plain' }) })).json() as Echo
    const form = new FormData()
    form.append('field', 'value')
    form.append('upload', new File(['in a form'], 'form.txt', { type: 'text/plain' }))
    const multipart = (await errand.post(`${base}/post`, { data: form })).json() as Echo
    return {
      blob: { data: blob.data, contentType: header(blob.headers, 'Content-Type') ?? null },
      file: { data: file.data },
      formData: { form: multipart.form, files: multipart.files, contentType: header(multipart.headers, 'Content-Type') ?? null },
    }
  },

  async 'put-patch-delete'(errand, base) {
    const s = new errand.Session({ headers: { 'X-Session': 's' } })
    const out: Record<string, unknown> = {}
    for (const method of ['put', 'patch', 'delete'] as const) {
      const r = await s[method](`${base}/${method}`, { json: { method }, headers: { 'X-Call': method } })
      const body = r.json() as Echo
      out[method] = { statusCode: r.statusCode, json: body.json, xSession: header(body.headers, 'X-Session'), xCall: header(body.headers, 'X-Call') }
    }
    return out
  },

  // ---- redirects ---------------------------------------------------------------------------------

  /** workerd's own fetch with redirect: 'manual': the real 3xx, Location and Set-Cookie (what errand builds on). */
  async 'platform-manual-redirect'(_errand, base) {
    const raw = await fetch(`${base}/cookies/set?flavour=oatmeal`, { redirect: 'manual' })
    await raw.body?.cancel()
    return { status: raw.status, location: raw.headers.get('location'), setCookie: raw.headers.getSetCookie() }
  },

  async 'redirect-chain'(errand, base) {
    const r = await errand.get(`${base}/redirect/3`)
    const absolute = await errand.get(`${base}/absolute-redirect/2`)
    return { relative: hops(r), absolute: hops(absolute), finalRequestUrl: r.request.url }
  },

  async 'redirect-303-307'(errand, base) {
    const see = await errand.post(`${base}/redirect-to`, { params: { url: '/anything/after', status_code: 303 }, data: 'payload' })
    const keep = await errand.post(`${base}/redirect-to`, { params: { url: '/anything/after', status_code: 307 }, data: 'payload' })
    const a = see.json() as Echo
    const b = keep.json() as Echo
    return {
      see: { method: a.method, data: a.data, history: see.history.map((h) => h.statusCode) },
      keep: { method: b.method, data: b.data, history: keep.history.map((h) => h.statusCode) },
    }
  },

  async 'allow-redirects-false'(errand, base) {
    const r = await errand.get(`${base}/redirect-to`, { params: { url: '/get', status_code: 302 }, allowRedirects: false })
    const s = new errand.Session()
    const followed = r.next ? await s.send(r.next) : undefined
    return {
      statusCode: r.statusCode,
      isRedirect: r.isRedirect,
      location: r.headers.get('location'),
      history: r.history.length,
      next: r.next ? { method: r.next.method, url: r.next.url } : null,
      followed: followed ? { statusCode: followed.statusCode, url: followed.url } : null,
    }
  },

  async 'too-many-redirects'(errand, base) {
    const error = await caught(errand, errand.get(`${base}/redirect/5`, { maxRedirects: 2 }))
    return error
  },

  /** Authorization is dropped on 127.0.0.1 → localhost (another origin), kept on the same origin. */
  async 'redirect-strips-auth'(errand, base) {
    const alt = altOf(base)
    const cross = await errand.get(`${base}/redirect-to`, {
      params: { url: `${alt}/headers` },
      auth: ['user', 'pass'],
      headers: { 'X-Api-Key': 'k-secret', 'X-Keep': 'kept' },
      sensitiveHeaders: ['X-Api-Key'],
    })
    const same = await errand.get(`${base}/redirect-to`, { params: { url: '/headers' }, auth: ['user', 'pass'] })
    const bearer = await errand.get(`${base}/redirect-to`, { params: { url: `${alt}/headers` }, headers: { Authorization: 'Bearer t0ken' } })
    const crossHeaders = (cross.json() as Echo).headers
    return {
      cross: {
        ...hops(cross),
        firstHopAuthorization: cross.history[0]?.request.headers.get('authorization') ?? null,
        authorization: header(crossHeaders, 'Authorization') ?? null,
        apiKey: header(crossHeaders, 'X-Api-Key') ?? null,
        keep: header(crossHeaders, 'X-Keep') ?? null,
      },
      same: { authorization: header((same.json() as Echo).headers, 'Authorization') ?? null },
      bearer: { authorization: header((bearer.json() as Echo).headers, 'Authorization') ?? null },
    }
  },

  // ---- cookies -----------------------------------------------------------------------------------

  /** The jar (tough-cookie, bundled) keeps /cookies/set across requests and redirect hops. */
  async 'cookie-jar'(errand, base) {
    const alt = altOf(base)
    const s = new errand.Session()
    const set = await s.get(`${base}/cookies/set`, { params: { flavour: 'oatmeal', n: '1' } })
    const again = await s.get(`${base}/cookies`)
    // A cookie set on the middle hop of a chain reaches the end of it.
    const chain = await s.get(`${base}/redirect-to`, { params: { url: '/cookies/set?hop=middle' } })
    const deleted = await s.get(`${base}/cookies/delete`, { params: { n: '' } })
    // Host-only: 127.0.0.1's cookies are not sent to localhost.
    const other = await s.get(`${alt}/cookies`)
    s.cookies.set('byhand', 'yes', { domain: '127.0.0.1' })
    const byHand = await s.get(`${base}/cookies`)
    return {
      afterSet: { ...hops(set), cookies: (set.json() as { cookies: unknown }).cookies, firstHopSet: set.history[0]?.cookies ?? null },
      again: (again.json() as { cookies: unknown }).cookies,
      chain: { cookies: (chain.json() as { cookies: unknown }).cookies, history: chain.history.map((h) => h.statusCode) },
      deleted: (deleted.json() as { cookies: unknown }).cookies,
      otherHost: (other.json() as { cookies: unknown }).cookies,
      byHand: (byHand.json() as { cookies: unknown }).cookies,
      dict: s.cookies.getDict(),
      jarIsCookieJar: s.cookies instanceof errand.CookieJar,
    }
  },

  /** The cookies option and an explicit Cookie header reach the server (workerd lets a Worker set Cookie). */
  async 'cookies-option'(errand, base) {
    const s = new errand.Session({ cookies: { session_level: 's' } })
    const call = await s.get(`${base}/cookies`, { cookies: { flavour: 'oatmeal' } })
    const explicit = await errand.get(`${base}/cookies`, { headers: { Cookie: 'by=header' } })
    return {
      call: (call.json() as { cookies: unknown }).cookies,
      kept: s.cookies.getDict(),
      explicit: (explicit.json() as { cookies: unknown }).cookies,
    }
  },

  async 'cookie-jar-json'(errand, base) {
    const s = new errand.Session()
    await s.get(`${base}/cookies/set`, { params: { saved: 'yes' } })
    const text = JSON.stringify(s.cookies.toJSON())
    const t = new errand.Session()
    t.cookies = errand.CookieJar.fromJSON(text)
    const r = await t.get(`${base}/cookies`)
    return (r.json() as { cookies: unknown }).cookies
  },

  // ---- auth --------------------------------------------------------------------------------------

  async 'digest-auth'(errand, base, args: { algorithm: string; qop?: string }) {
    const qop = args?.qop ?? 'auth'
    const url = `${base}/digest-auth/${qop}/user/pass/${args.algorithm}`
    const s = new errand.Session({ auth: new errand.HTTPDigestAuth('user', 'pass') })
    const r = await s.get(url)
    const second = await s.get(url)
    const wrong = await errand.get(url, { auth: new errand.HTTPDigestAuth('user', 'nope') })
    return {
      statusCode: r.statusCode,
      body: r.json(),
      history: r.history.map((h) => h.statusCode),
      authorization: r.request.headers.get('authorization')?.replace(/response="[0-9a-f]+"/, 'response="…"').replace(/cnonce="[0-9a-f]+"/, 'cnonce="…"').replace(/nonce="[^"]+"/, 'nonce="…"') ?? null,
      // With the nonce known, the second request is signed up front: no 401 round trip.
      second: { statusCode: second.statusCode, history: second.history.length },
      wrong: wrong.statusCode,
    }
  },

  async 'basic-and-bearer'(errand, base) {
    const basic = await errand.get(`${base}/basic-auth/user/pass`, { auth: ['user', 'pass'] })
    const bearer = await errand.get(`${base}/bearer`, { auth: new errand.BearerAuth('tok') })
    return { basic: basic.json(), bearer: bearer.json() }
  },

  // ---- timings -----------------------------------------------------------------------------------

  /** r.timings: which moments and phases are numbers (the rest is undefined), and whether they are in order. */
  async timings(errand, base) {
    const shape = (t: Errand.Timings) => ({
      moments: Object.fromEntries(Object.entries(t).filter(([k]) => k !== 'phases').map(([k, v]) => [k, typeof v])),
      phases: Object.fromEntries(Object.entries(t.phases).map(([k, v]) => [k, typeof v])),
      inOrder: t.start! <= t.response! && t.response! <= (t.end ?? Infinity),
      nonNegative: Object.values(t.phases).every((v) => v === undefined || v >= 0),
    })
    const r = await errand.get(`${base}/redirect/2`)
    const hops = [...r.history, r]
    const streamed = await errand.get(`${base}/stream/3`, { stream: true })
    const endBeforeReading = typeof streamed.timings.end
    await streamed.read()
    return {
      final: shape(r.timings),
      hopsInOrder: hops.every((hop, i) => i === 0 || hop.timings.start! >= hops[i - 1]!.timings.response!),
      hopsWithFirstByte: hops.filter((hop) => typeof hop.timings.phases.firstByte === 'number').length,
      endBeforeReading,
      endAfterReading: typeof streamed.timings.end,
    }
  },

  // ---- timeouts and aborts -----------------------------------------------------------------------

  async 'total-timeout'(errand, base) {
    const started = Date.now()
    const error = await caught(errand, errand.get(`${base}/delay/3`, { timeout: 200 }))
    const body = await caught(errand, errand.get(`${base}/slow-body`, { params: { chunks: 10, interval_ms: 200 }, timeout: { total: 300 } }))
    return { error, body, elapsed: Date.now() - started }
  },

  async 'signal-abort'(errand, base) {
    const controller = new AbortController()
    const started = Date.now()
    setTimeout(() => controller.abort(), 100)
    const error = await caught(errand, errand.get(`${base}/delay/3`, { signal: controller.signal }))
    const pre = new AbortController()
    pre.abort(new Error('stopped before it started'))
    const early = await caught(errand, errand.get(`${base}/get`, { signal: pre.signal }))
    return { error, early, elapsed: Date.now() - started }
  },

  /** Nothing listens on port 2: a ConnectionError carrying the request, after no retries. */
  async 'connection-refused'(errand) {
    try {
      await errand.get('http://127.0.0.1:2/', { retries: 0 })
      return { name: 'resolved' }
    } catch (error) {
      const e = error as Errand.ConnectionError
      return { name: e.name, isConnectionError: error instanceof errand.ConnectionError, requestUrl: e.request?.url ?? null, message: e.message }
    }
  },

  // ---- what the edge cannot do -------------------------------------------------------------------

  async 'unsupported-options'(errand, base) {
    const cases = {
      proxies: { proxies: { https: 'http://user:pr0xy-secret@127.0.0.1:3128', http: 'http://127.0.0.1:3128' } },
      verify: { verify: false },
      cert: { cert: ['client.pem', 'client.key'] },
      'timeout.connect': { timeout: { connect: 100 } },
      'timeout.read': { timeout: { read: 100 } },
    } as const
    const out: Record<string, unknown> = {}
    for (const [name, options] of Object.entries(cases)) out[name] = await caught(errand, errand.get(`${base}/get`, options as Errand.RequestOptions))
    out.sessionDefault = await caught(errand, new errand.Session({ verify: false }).get(`${base}/get`))
    return out
  },

  /** `credentials` is the browser's fetch mode; what a shared client module passing it gets on workerd. */
  async credentials(errand, base) {
    const r = await caught(errand, errand.get(`${base}/get`, { credentials: 'include' }))
    return r
  },

  /** `credentials: 'omit'` turns the session's cookie jar off for the call, as fetch's mode means. */
  async 'credentials-omit'(errand, base) {
    const s = new errand.Session()
    await s.get(`${base}/cookies/set/kept/1`)
    const sent = (await s.get(`${base}/cookies`, { credentials: 'omit' })).json()
    await s.get(`${base}/cookies/set/other/2`, { credentials: 'omit', allowRedirects: false })
    return { sent, jar: s.cookies.getDict() }
  },

  // ---- responses ---------------------------------------------------------------------------------

  async 'raise-for-status'(errand, base) {
    const ok = await errand.get(`${base}/status/204`)
    const teapot = await errand.get(`${base}/status/418`)
    const server = await errand.get(`${base}/status/503`, { retries: 0 })
    let error: unknown
    try { teapot.raiseForStatus() } catch (e) { error = e }
    const e = error as Errand.HTTPError
    let serverError: unknown
    try { server.raiseForStatus() } catch (e2) { serverError = e2 }
    return {
      okReturnsItself: ok.raiseForStatus() === ok,
      teapot: { name: e.name, message: e.message, isHTTPError: error instanceof errand.HTTPError, status: e.response?.statusCode, body: e.response?.text },
      server: { name: (serverError as Error).name, message: (serverError as Error).message },
    }
  },

  /** json(schema) with zod 4 bundled into the worker (workerd forbids eval: zod must run without its JIT). */
  async 'json-schema'(errand, base) {
    const Slideshow = z.object({ slideshow: z.object({ title: z.string(), slides: z.array(z.object({ title: z.string() })) }) })
    const r = await errand.get(`${base}/json`)
    const parsed = await r.json(Slideshow)
    const bad = await errand.get(`${base}/get`)
    let failure: Record<string, unknown> = { name: 'no error' }
    try {
      bad.json(Slideshow)
    } catch (error) {
      const e = error as Errand.SchemaValidationError
      failure = { name: e.name, message: e.message, isSchemaError: error instanceof errand.SchemaValidationError, issues: (e.issues ?? []).length }
    }
    return { title: parsed.slideshow.title, slides: parsed.slideshow.slides.length, failure }
  },

  async 'json-decode-error'(errand, base) {
    const r = await errand.get(`${base}/html`)
    try {
      r.json()
      return { name: 'no error' }
    } catch (error) {
      return { name: (error as Error).name, isRequestError: error instanceof errand.RequestError }
    }
  },

  async 'links-pagination'(errand, base) {
    const s = new errand.Session()
    const pages: unknown[] = []
    for await (const page of s.paginate(`${base}/paginate/7`, { params: { per_page: 3 } })) pages.push(page.json())
    return pages
  },

  // ---- streaming ---------------------------------------------------------------------------------

  async 'stream-iter-lines'(errand, base) {
    const r = await errand.get(`${base}/stream/4`, { stream: true })
    let notLoaded: string | null = null
    try { void r.text } catch (error) { notLoaded = (error as Error).message }
    const lines: number[] = []
    for await (const line of r.iterLines()) lines.push((JSON.parse(line) as { id: number }).id)
    const slow = await errand.get(`${base}/slow-body`, { params: { chunks: 3, interval_ms: 50 }, stream: true })
    const slowLines: string[] = []
    for await (const line of slow.iterLines()) slowLines.push(line)
    return { statusCode: r.statusCode, notLoaded, lines, slowLines }
  },

  async 'stream-iter-content'(errand, base) {
    const r = await errand.get(`${base}/stream-bytes/1000`, { params: { chunk_size: 128, seed: 7 }, stream: true })
    const sizes: number[] = []
    for await (const chunk of r.iterContent(300)) sizes.push(chunk.byteLength)
    const whole = await errand.get(`${base}/bytes/1000`, { params: { seed: 7 } })
    return { sizes, total: whole.content.byteLength }
  },

  async 'download-progress'(errand, base) {
    const events: { loaded: number; total?: number; percent?: number }[] = []
    const r = await errand.get(`${base}/bytes/5000`, { onDownloadProgress: (e) => events.push({ ...e }) })
    const chunked: { loaded: number; total?: number }[] = []
    await errand.get(`${base}/stream-bytes/3000`, { params: { chunk_size: 1000 }, onDownloadProgress: (e) => chunked.push({ ...e }) })
    return { size: r.content.byteLength, events, chunked }
  },

  async 'streaming-upload'(errand, base) {
    const stream = await errand.put(`${base}/consume`, { data: byteStream(['one,', 'two,', 'three']) })
    async function* generate() {
      yield new TextEncoder().encode('gen-a,')
      yield 'gen-b'
    }
    const generated = await errand.post(`${base}/anything`, { data: generate() })
    const s = stream.json() as { bytes: number; headers: Record<string, string> }
    return {
      stream: { bytes: s.bytes, transferEncoding: header(s.headers, 'Transfer-Encoding') ?? null, contentLength: header(s.headers, 'Content-Length') ?? null },
      generated: (generated.json() as Echo).data,
    }
  },

  async 'upload-progress'(errand, base) {
    const streamed: { loaded: number }[] = []
    await errand.put(`${base}/consume`, { data: byteStream(['aaaa', 'bbbbbb', 'cc']), onUploadProgress: (e) => streamed.push({ ...e }) })
    const bytes: { loaded: number; total?: number; percent?: number }[] = []
    await errand.post(`${base}/post`, { data: new Uint8Array(2048), onUploadProgress: (e) => bytes.push({ ...e }) })
    return { streamed, bytes }
  },

  // ---- interception ------------------------------------------------------------------------------

  /**
   * errand reads globalThis.fetch at each request (what msw and other interceptors patch). msw has no
   * Workers integration; a patched fetch is the interception point there.
   */
  async 'fetch-interception'(errand, base) {
    const original = globalThis.fetch
    const seen: string[] = []
    const s = new errand.Session({ headers: { 'X-Session': 'yes' } })
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input)
      seen.push(`${init?.method ?? 'GET'} ${new URL(url).pathname} x-session=${new Headers(init?.headers).get('x-session')}`)
      if (new URL(url).pathname === '/mocked/login') return new Response(null, { status: 302, headers: { location: '/mocked/me', 'set-cookie': 'sid=abc; Path=/' } })
      if (new URL(url).pathname === '/mocked/me') {
        const cookie = new Headers(init?.headers).get('cookie')
        return Response.json({ cookie })
      }
      return original(input, init)
    }) as typeof fetch
    try {
      const r = await s.post(`${base}/mocked/login`, { json: { user: 'u' } })
      return { seen, statusCode: r.statusCode, url: r.url, history: r.history.map((h) => h.statusCode), body: r.json(), jar: s.cookies.getDict() }
    } finally {
      globalThis.fetch = original
    }
  },

  /**
   * The HTTP cache inside a worker, with MemoryCacheStore or WebCacheStore over caches.default: for each
   * check, the cacheStatus of each call and what reached the server (/cache-lab counts it).
   */
  async 'cache-semantics'(errand, base, args: { store: 'memory' | 'web' }) {
    const platform = (globalThis as unknown as { caches: { default: Errand.WebCache } }).caches.default
    const store = args.store === 'web' ? new errand.WebCacheStore(platform) : new errand.MemoryCacheStore()
    const s = new errand.Session({ cache: { store } })
    const newKey = () => `w${Math.random().toString(36).slice(2)}`
    const lab = (key: string, query: Record<string, string>) => `${base}/cache-lab/${key}?${new URLSearchParams(query)}`
    const seen = async (key: string) => (await errand.get(`${base}/cache-lab/${key}/count`)).json() as { count: number; conditional: number }
    const FRESH = { 'h.Cache-Control': 'max-age=60' }

    const k1 = newKey()
    const fresh = [(await s.get(lab(k1, FRESH))).cacheStatus, (await s.get(lab(k1, FRESH))).cacheStatus]
    const k2 = newKey()
    const validated = lab(k2, { 'h.Cache-Control': 'no-cache', 'h.ETag': '"v1"' })
    const revalidation = [(await s.get(validated)).cacheStatus, (await s.get(validated)).cacheStatus]
    const k3 = newKey()
    const varied = lab(k3, { ...FRESH, 'h.Vary': 'Accept-Language' })
    const vary = []
    for (const lang of ['en', 'fr', 'en']) vary.push((await s.get(varied, { headers: { 'Accept-Language': lang } })).cacheStatus)
    const k4 = newKey()
    const invalidated = []
    for (const method of ['GET', 'GET', 'POST', 'GET']) invalidated.push((await s.request(method, lab(k4, FRESH))).cacheStatus)
    const k5 = newKey()
    const onlyIfCached = [(await s.get(lab(k5, FRESH), { cache: 'only-if-cached' })).statusCode, (await s.get(lab(k5, FRESH))).cacheStatus,
      (await s.get(lab(k5, FRESH), { cache: 'only-if-cached' })).cacheStatus]
    await s.close()
    return {
      fresh, freshSeen: (await seen(k1)).count,
      revalidation, revalidationSeen: await seen(k2),
      vary, varySeen: (await seen(k3)).count,
      invalidated, invalidatedSeen: (await seen(k4)).count,
      onlyIfCached, onlyIfCachedSeen: (await seen(k5)).count,
    }
  },

  /**
   * One cell of the hostile-server matrix (test/shared/hostile-matrix.ts) against the raw server at
   * `args.hostile`: the call's outcome and attempts, then whether the same Session still works. The test
   * asks the server's control endpoint what it saw; whether a connection of the cell is still open is
   * asked from here, before the invocation ends.
   */
  async 'hostile-cell'(errand, _base, args: { hostile: string; row: string; column: string }) {
    const row = ROWS.find((r) => r.slug === args.row)!
    const column = COLUMNS.find((c) => c.slug === args.column)!
    const s = new errand.Session()
    try {
      const path = cellPath('workerd', row, column)
      const got = await callCell(errand, s, row.target === 'refused' ? REFUSED_URL : `${args.hostile}${path}`, row, column, 'workerd')
      // Asked now, inside the invocation: when it ends, workerd cancels whatever it still holds.
      const { open: openAfter } = await serverView(args.hostile, path, afterwards(row, column, 'workerd').pooled)
      const healthy = await s.get(`${args.hostile}/healthy`, { retries: 0 })
      return { ...got, openAfter, healthy: [healthy.statusCode, healthy.text] }
    } finally {
      await s.close()
    }
  },

  // ---- event streams (events-scenarios.ts) -------------------------------------------------------
  ...eventScenarios,
} satisfies Record<string, Scenario>

export type ScenarioName = keyof typeof scenarios
