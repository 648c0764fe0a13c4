/**
 * The runtime parity table: each DESIGN.md feature by runtime, and the test that proves each cell in that
 * runtime's vitest project. README.md shows `renderParityTable()` between `<!-- parity:start -->` and
 * `<!-- parity:end -->`; test/parity.test.ts checks that the README matches and that every cell's test
 * exists and runs in its column's project (not skipped there, not `.fails`, not `.todo`).
 *
 * A cell's `test` is `'<file>::<substring of the test title>'`. For a test.each title the substring is
 * matched against the template (`'%s is refused…'`). A file under test/shared/ is a suite that runners in
 * test/{node,edge,browser}/ call with their runtime; its `it.runIf`/`skipIf` gates are evaluated for the
 * cell's column.
 */

export const RUNTIMES = ['node', 'edge', 'browser', 'workerd', 'bun', 'deno'] as const
export type Runtime = (typeof RUNTIMES)[number]

/** Column headings. */
export const RUNTIME_TITLES: Record<Runtime, string> = {
  node: 'Node',
  edge: 'edge (Vercel edge-runtime)',
  browser: 'browser (Chromium)',
  workerd: 'workerd (Cloudflare)',
  bun: 'Bun',
  deno: 'Deno',
}

/**
 * Where each column's tests live: the directories its vitest project includes (vitest.config.ts).
 * test/shared/ suites count for a column when one of these files runs them.
 */
export const PROJECT_DIRS: Record<Runtime, readonly string[]> = {
  node: ['test/unit/', 'test/node/', 'test/msw/', 'test/wire/', 'examples/testing-with-msw/'],
  edge: ['test/edge/'],
  browser: ['test/browser/'],
  workerd: ['test/workerd/'],
  bun: ['test/bun/'],
  deno: ['test/deno/'],
}

export type Status = 'works' | 'note' | 'unsupported'

export interface Cell {
  /** works; works with a note; or an UnsupportedError (the note says why). */
  status: Status
  note?: string
  /** `'<file>::<substring of a test title>'` */
  test: string
  /** Where a note says that part of the feature raises UnsupportedError: the test that it does. */
  refused?: string
}

export interface Row {
  feature: string
  cells: Record<Runtime, Cell>
}

const works = (test: string): Cell => ({ status: 'works', test })
const note = (text: string, test: string, refused?: string): Cell => ({ status: 'note', note: text, test, ...(refused ? { refused } : {}) })
const unsupported = (test: string, why?: string): Cell => ({ status: 'unsupported', test, ...(why ? { note: why } : {}) })

/** The same shared-suite test for Node and the edge VM (and Bun and Deno, which run the same suites); a column that differs is given after it. */
const both = (cell: Cell): Pick<Record<Runtime, Cell>, 'node' | 'edge' | 'bun' | 'deno'> => ({ node: cell, edge: cell, bun: cell, deno: cell })

const B_FEAT = 'test/browser/parity-features.test.ts'
const B_LIMIT = 'test/browser/parity-limits.test.ts'
const W_REQ = 'test/workerd/requests.test.ts'
const W_RCA = 'test/workerd/redirects-cookies-auth.test.ts'
const W_LIMIT = 'test/workerd/limits.test.ts'
const W_EVENTS = 'test/workerd/events.test.ts'

const EDGE_REFUSED = "test/shared/runtime-limits.ts::%s is refused with an UnsupportedError naming it (edge, browser)"
const BUN_REFUSED = 'test/shared/runtime-limits.ts::bun: %s (%s) is refused with an UnsupportedError naming it and bun'
const DENO_REFUSED = 'test/shared/runtime-limits.ts::deno: %s (%s) is refused with an UnsupportedError naming it and deno'
const T_PROXY = 'test/shared/transport/proxies.ts'
const T_TLS = 'test/shared/transport/tls.ts'
const BROWSER_REFUSED = `${B_LIMIT}::%s → UnsupportedError naming it and the browser`
const WORKERD_REFUSED = `${W_LIMIT}::%s → UnsupportedError naming it and edge`

export const PARITY: Row[] = [
  {
    feature: 'cookie jar (`s.cookies`), kept across requests',
    cells: {
      ...both(works('test/shared/cookies.ts::then s.get(/cookies) shows it')),
      browser: note("the browser's own, via `credentials`; `s.cookies` holds nothing, `s.cookies.set()` throws UnsupportedError", `${B_LIMIT}::s.cookies.set → UnsupportedError`),
      workerd: works(`${W_RCA}::keeps /cookies/set across requests and redirect hops`),
    },
  },
  {
    feature: 'redirects followed, with `history`',
    cells: {
      ...both(works('test/shared/redirects.ts::history holds each hop, oldest first')),
      browser: note('the browser follows them; `history` is empty, `url` is the final one', `${B_FEAT}::history is empty, url is the final one`),
      workerd: works(`${W_RCA}::history holds every hop, oldest first`),
    },
  },
  {
    feature: '`allowRedirects: false` (the 3xx itself, with `next`)',
    cells: {
      ...both(works('test/shared/redirects.ts::allowRedirects: false returns the 3xx, with next')),
      browser: unsupported(`${B_LIMIT}::allowRedirects: false → UnsupportedError`, "Chromium's `redirect: 'manual'` gives an opaque response"),
      workerd: works(`${W_RCA}::allowRedirects: false returns the real 3xx with next`),
    },
  },
  {
    feature: '`maxRedirects`, `TooManyRedirectsError`',
    cells: {
      ...both(works('test/shared/redirects.ts::TooManyRedirectsError past maxRedirects')),
      browser: unsupported(`${B_LIMIT}::maxRedirects → UnsupportedError`, 'the browser follows up to 20 itself'),
      workerd: works(`${W_RCA}::TooManyRedirectsError past maxRedirects`),
    },
  },
  {
    feature: 'Authorization dropped on a cross-origin redirect',
    cells: {
      ...both(works('test/shared/redirects.ts::drops Authorization when redirected to another origin')),
      browser: note('fetch drops it itself, per the Fetch standard', 'test/shared/redirects.ts::fetch itself drops Authorization on a cross-origin redirect'),
      workerd: works(`${W_RCA}::Authorization is dropped on a 127.0.0.1 → localhost redirect`),
    },
  },
  {
    feature: 'cookies set and sent on every redirect hop',
    cells: {
      ...both(works('test/shared/cookies.ts::keeps the Set-Cookie of the first hop, a middle hop and the last response')),
      browser: note("the browser does it; `credentials: 'include'` across origins", `${B_FEAT}::cookies per hop: a cookie set on a redirect hop is sent on the next hop`),
      workerd: works(`${W_RCA}::keeps /cookies/set across requests and redirect hops`),
    },
  },
  {
    feature: '`cookies` option, `Cookie` header',
    cells: {
      ...both(works("test/shared/runtime-limits.ts::the cookies option sends a Cookie header, merged with the session's")),
      browser: unsupported(`${B_LIMIT}::the cookies option → UnsupportedError pointing to credentials`, '`Cookie` is a forbidden header in a page; use `credentials`'),
      workerd: works(`${W_RCA}::the cookies option (call and Session) and an explicit Cookie header are sent`),
    },
  },
  {
    feature: '`credentials` (fetch credentials mode)',
    cells: {
      ...both(note("`'omit'` turns the session's jar off for the call (nothing sent or stored); the other modes change nothing outside a browser", "test/shared/runtime-limits.ts::credentials: 'omit' neither sends nor stores the jar's cookies (node, edge)")),
      browser: works(`${B_FEAT}::a cookie set by a cross-origin, same-site server is kept by the browser and sent back with credentials`),
      workerd: note("`'omit'` turns the session's jar off for the call; the other modes change nothing (workerd ignores them)", `${W_LIMIT}::credentials: 'omit' turns the session's jar off`),
    },
  },
  {
    feature: '`proxies`',
    cells: {
      node: note('undici dispatcher: HTTP, HTTPS through CONNECT, SOCKS5', 'test/node/transport/proxy.test.ts::tunnels an https:// request through CONNECT'),
      edge: unsupported(EDGE_REFUSED),
      browser: unsupported(BROWSER_REFUSED),
      workerd: unsupported(WORKERD_REFUSED),
      bun: note("Bun's fetch `proxy`: HTTP, HTTPS through CONNECT; SOCKS → `UnsupportedError` (Bun's fetch has none)", `${T_PROXY}::tunnels an https:// request through CONNECT`, BUN_REFUSED),
      deno: note("a `Deno.createHttpClient` client: HTTP, HTTPS through CONNECT, SOCKS5; → `UnsupportedError`: proxy credentials for an https:// request (Deno's fetch would send them on to the origin), a non-Basic `Proxy-Authorization`, and going direct while `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY` name a proxy for the URL (Deno's fetch reads them itself, `trustEnv: false` or not)", `${T_PROXY}::tunnels an https:// request through CONNECT`, `${T_PROXY}::deno: proxy credentials for an https:// request are refused with an UnsupportedError`),
    },
  },
  {
    feature: '`verify` (`false`, CA bundle)',
    cells: {
      node: note('undici dispatcher', `${T_TLS}::verify: false skips verification (node, bun)`),
      edge: unsupported(EDGE_REFUSED),
      browser: unsupported(BROWSER_REFUSED),
      workerd: unsupported(WORKERD_REFUSED),
      bun: note("Bun's fetch `tls`", `${T_TLS}::verify: false skips verification (node, bun)`),
      deno: note("a `Deno.createHttpClient` client; a CA bundle is added to Deno's roots (it cannot replace them); `verify: false` → `UnsupportedError` (Deno's fetch always verifies: `--unsafely-ignore-certificate-errors` is a flag of the whole process)", `${T_TLS}::accepts a CA bundle as %s`, DENO_REFUSED),
    },
  },
  {
    feature: '`cert` (client certificate)',
    cells: {
      node: note('undici dispatcher', `${T_TLS}::presents a client certificate given as %s`),
      edge: unsupported(EDGE_REFUSED),
      browser: unsupported(BROWSER_REFUSED),
      workerd: unsupported(WORKERD_REFUSED),
      bun: note("Bun's fetch `tls`; errand decrypts a passphrase-protected key (node:crypto)", `${T_TLS}::presents a client certificate given as %s`),
      deno: note("a `Deno.createHttpClient` client; errand decrypts a passphrase-protected key (node:crypto)", `${T_TLS}::presents a client certificate given as %s`),
    },
  },
  {
    feature: '`timeout: { connect, read }`',
    cells: {
      node: note('undici dispatcher', 'test/node/transport/timeouts.test.ts::a TCP connect that never completes is a ConnectTimeoutError'),
      edge: unsupported(EDGE_REFUSED),
      browser: unsupported(BROWSER_REFUSED),
      workerd: unsupported(WORKERD_REFUSED),
      bun: unsupported(BUN_REFUSED, "Bun's fetch has only a total deadline"),
      deno: unsupported(DENO_REFUSED, "Deno's fetch has only a total deadline"),
    },
  },
  {
    feature: 'total timeout (`timeout: ms`) → `TimeoutError`',
    cells: {
      ...both(works('test/shared/errors.ts::a total timeout ends a slow request with TimeoutError')),
      browser: works(`${B_FEAT}::a total timeout is errand's TimeoutError`),
      workerd: works(`${W_LIMIT}::a total timeout ends a slow response`),
    },
  },
  {
    feature: '`signal` (AbortSignal)',
    cells: {
      ...both(works('test/shared/errors.ts::aborting the signal rejects with an AbortError')),
      browser: works(`${B_FEAT}::aborting the signal rejects with an AbortError, at once`),
      workerd: works(`${W_LIMIT}::aborting the signal rejects with its AbortError`),
    },
  },
  {
    feature: '`Blob`, `File`, `FormData` bodies',
    cells: {
      ...both(works('test/shared/bodies.ts::FormData is sent as multipart by the platform')),
      browser: works(`${B_FEAT}::FormData: multipart, built by the platform`),
      workerd: works(`${W_REQ}::Blob, File and FormData bodies`),
    },
  },
  {
    feature: 'multipart `files`',
    cells: {
      ...both(works('test/shared/bodies.ts::files and data fields reach httpbin as files and form')),
      browser: works(`${B_FEAT}::files: a File and a Blob through errand's own multipart`),
      workerd: works(`${W_REQ}::multipart body: files (tuple, bytes, Blob) and data fields`),
    },
  },
  {
    feature: 'streaming upload (`ReadableStream`, async iterable)',
    cells: {
      node: note('in bounded memory, through undici', 'test/node/transport/upload.test.ts::a 64 MiB streamed upload does not grow RSS by the body size'),
      edge: works('test/shared/bodies.ts::a ReadableStream body is streamed, chunked (node, edge)'),
      browser: unsupported(`${B_LIMIT}::a streamed ReadableStream upload → UnsupportedError at once, not a hang`, 'Chromium streams request bodies only over HTTP/2'),
      workerd: works(`${W_REQ}::streaming upload: a ReadableStream is sent chunked`),
      bun: note('in bounded memory', 'test/shared/transport/streaming.ts::a 64 MiB streamed upload does not grow RSS by the body size'),
      deno: note("in bounded memory; always chunked (Deno's fetch drops a `Content-Length` given for a stream)", 'test/shared/transport/streaming.ts::a 64 MiB streamed upload does not grow RSS by the body size'),
    },
  },
  {
    feature: 'streaming download (`stream: true`, `iterContent`, `iterLines`)',
    cells: {
      ...both(works('test/shared/streaming.ts::yields each line of /stream/n')),
      browser: works(`${B_FEAT}::stream: true + iterLines reads the body as it arrives`),
      workerd: works(`${W_REQ}::stream: true + iterLines reads the body as it arrives`),
    },
  },
  {
    feature: '`r.iterEvents()`: Server-Sent Events by the HTML standard\'s rules',
    cells: {
      ...both(works('test/shared/events.ts::decodes UTF-8 split across network chunks, CRLF split between them, and a BOM')),
      browser: works('test/shared/events.ts::decodes UTF-8 split across network chunks, CRLF split between them, and a BOM'),
      workerd: works(`${W_EVENTS}::r.iterEvents() and r.iterJSON() read a stream: true response`),
    },
  },
  {
    feature: '`s.events()`: reconnects after `retry:`, sends `Last-Event-ID`, `maxReconnects`',
    cells: {
      ...both(works("test/shared/events.ts::after a drop mid-event: waits the server's retry, sends Last-Event-ID")),
      browser: note("every connection is a CORS request (`Last-Event-ID` is preflighted); with `credentials: 'include'` the browser's cookies go with each", "test/browser/events.test.ts::each connection carries the browser's cookies"),
      workerd: works(`${W_EVENTS}::s.events() reconnects after a drop mid-event`),
    },
  },
  {
    feature: '`s.events()` with any method and body (a POST with JSON and a Bearer token, LLM style)',
    cells: {
      ...both(works('test/shared/events.ts::POST with a JSON body and a Bearer token, streaming tokens back')),
      browser: works('test/shared/events.ts::POST with a JSON body and a Bearer token, streaming tokens back'),
      workerd: works(`${W_EVENTS}::s.events() POSTs JSON with a Bearer token`),
    },
  },
  {
    feature: '`r.iterJSON()` (JSON lines, NDJSON)',
    cells: {
      ...both(works('test/shared/events.ts::yields one value per line, skipping blank lines')),
      browser: works('test/shared/events.ts::yields one value per line, skipping blank lines'),
      workerd: works(`${W_EVENTS}::r.iterEvents() and r.iterJSON() read a stream: true response`),
    },
  },
  {
    feature: "msw's `sse()` handler for event streams",
    cells: {
      node: note("`setupServer`; msw builds an `sse()` handler only where there is a global `EventSource`: on Node assign undici's", "test/msw/events.test.ts::msw's sse() mocks a feed"),
      edge: note("`setupServer`; the edge VM has no `EventSource`: assign undici's", "test/edge/msw-events.test.ts::msw's sse() mocks a feed"),
      browser: note('`setupWorker`, a service worker', "test/browser/msw.test.ts::events, retry and a reconnect with Last-Event-ID"),
      workerd: note('msw has no Workers integration; a patched `globalThis.fetch` returning a `text/event-stream` body mocks a stream', `${W_EVENTS}::a patched globalThis.fetch that answers text/event-stream mocks a stream`),
      bun: note('a patched `globalThis.fetch` (what msw\'s handlers install) returning a `text/event-stream` body mocks a stream', 'test/shared/events.ts::a patched globalThis.fetch answering text/event-stream mocks a stream'),
      deno: note('a patched `globalThis.fetch` (what msw\'s handlers install) returning a `text/event-stream` body mocks a stream', 'test/shared/events.ts::a patched globalThis.fetch answering text/event-stream mocks a stream'),
    },
  },
  {
    feature: '`onUploadProgress`',
    cells: {
      ...both(note('a stream is counted as fetch reads it, a body of known length once, when sent', 'test/shared/runtime-limits.ts::onUploadProgress counts the bytes up to the total (node, edge, browser)')),
      node: works('test/node/transport/upload.test.ts::fires as bytes leave, with the total when the size is known'),
      browser: works('test/browser/upload-progress.test.ts::a 10 MiB upload reports monotonic progress ending at the total'),
      workerd: note('a stream is counted as fetch reads it, a body of known length once, when sent', `${W_REQ}::onUploadProgress counts a streamed body as fetch pulls it`),
    },
  },
  {
    feature: '`onDownloadProgress`',
    cells: {
      ...both(works('test/shared/streaming.ts::reports loaded bytes and the total from Content-Length')),
      browser: works(`${B_FEAT}::onDownloadProgress reports loaded up to the Content-Length total`),
      workerd: works(`${W_REQ}::onDownloadProgress reports loaded up to the Content-Length total`),
    },
  },
  {
    feature: '`HTTPDigestAuth` (MD5, SHA-256)',
    cells: {
      ...both(works('test/shared/auth.ts::HTTPDigestAuth')),
      browser: note("not with `credentials: 'include'` to a same-site server; Chromium waits on its login prompt", `${B_FEAT}::HTTPDigestAuth against /digest-auth/auth/user/pass/%s`),
      workerd: works(`${W_RCA}::HTTPDigestAuth against /digest-auth/auth/user/pass/%s`),
    },
  },
  {
    feature: '`json(schema)` (Standard Schema: zod, valibot)',
    cells: {
      ...both(works("test/shared/responses.ts::json(zodSchema) validates and returns the schema's output")),
      browser: works("test/shared/responses.ts::json(zodSchema) validates and returns the schema's output"),
      workerd: works(`${W_REQ}::json(schema) with a zod schema bundled into the worker`),
    },
  },
  {
    feature: '`raiseForStatus()` → `HTTPError`',
    cells: {
      ...both(works('test/shared/responses.ts::throws HTTPError carrying the response for 4xx and 5xx')),
      browser: works('test/shared/responses.ts::throws HTTPError carrying the response for 4xx and 5xx'),
      workerd: works(`${W_REQ}::raiseForStatus returns the response below 400 and throws HTTPError`),
    },
  },
  {
    feature: 'PUT/PATCH/DELETE with custom headers',
    cells: {
      ...both(works('test/shared/requests.ts::%s() sends %s to its httpbin route')),
      browser: note('preflighted by CORS; the server must allow the method and headers', `${B_FEAT}::%s with a custom header and a JSON body (preflighted) reaches the server`),
      workerd: works(`${W_REQ}::PUT, PATCH, DELETE with session and call headers`),
    },
  },
  {
    feature: 'HTTP cache (`cache`): freshness, revalidation, `Vary`, invalidation, `only-if-cached`',
    cells: {
      ...both(works('test/shared/cache.ts::freshness: a fresh response is served from the cache, the server sees one request')),
      browser: note("errand's cache sits above the browser's HTTP cache and skips it (fetch `cache: 'no-store'`); without errand's cache, a call's `cache` mode goes to the browser's", "test/browser/cache-stacking.test.ts::under errand's cache the browser's HTTP cache is skipped"),
      workerd: works('test/workerd/cache.test.ts::freshness, revalidation, Vary, invalidation and only-if-cached with the %s store'),
    },
  },
  {
    feature: '`WebCacheStore` over the platform Cache API',
    cells: {
      ...both(note("no `caches` global here: give it any Cache API object (tested over undici's CacheStorage)", "test/shared/cache.ts::keeps a URL's variants in one platform entry")),
      browser: note('CacheStorage (`caches.open(name)`)', "test/shared/cache.ts::keeps a URL's variants in one platform entry"),
      workerd: note('`caches.default` or `caches.open(name)`', 'test/workerd/cache.test.ts::freshness, revalidation, Vary, invalidation and only-if-cached with the %s store'),
      bun: note('Bun has no Cache API of its own (no `caches`): give `WebCacheStore` a Cache object of yours, or use `MemoryCacheStore`', 'test/shared/cache.ts::freshness: a fresh response is served from the cache, the server sees one request'),
      deno: note('`caches.open(name)`', "test/shared/cache.ts::keeps a URL's variants in one platform entry"),
    },
  },
  {
    feature: '`r.timings` (got\'s names: `dns`, `tcp`, `tls`, `firstByte`, `download`, …)',
    cells: {
      ...both(note('`firstByte`, `download`, `total`: fetch shows nothing of the connection or the upload', 'test/shared/timings.ts::firstByte, download and total; undefined for what fetch does not show')),
      node: note('every phase; on a reused connection no `dns`, `tcp` or `tls`', 'test/node/timings/timings.test.ts::a first request has every phase, positive and in order'),
      browser: note('Resource Timing: every phase but `request` for a same-origin URL or one whose server sends `Timing-Allow-Origin`; otherwise `firstByte`, `download`, `total`', 'test/browser/timings.test.ts::with Timing-Allow-Origin: the phases the browser measured'),
      workerd: note('`firstByte`, `download`, `total`: fetch shows nothing of the connection or the upload', `${W_REQ}::firstByte, download and total for each hop`),
    },
  },
  {
    feature: '`r.timings` of each redirect hop (`history`)',
    cells: {
      ...both(works('test/shared/timings.ts::each redirect hop has its own timings')),
      node: works('test/node/timings/timings.test.ts::each response in history has its own timings'),
      browser: note('the browser follows redirects: one timing for the whole chain', 'test/browser/timings.test.ts::after redirects the browser followed: one timing for the whole chain'),
      workerd: works(`${W_REQ}::firstByte, download and total for each hop`),
    },
  },
  {
    feature: 'msw interception',
    cells: {
      node: note('`setupServer`', 'examples/testing-with-msw/api.test.ts::plain errand calls are intercepted too'),
      edge: note('`setupServer`', 'test/edge/msw.test.ts::setupServer intercepts'),
      browser: note('`setupWorker`, a service worker', 'test/browser/msw.test.ts::headers, bearer auth and JSON'),
      workerd: note('msw has no Workers integration; errand calls `globalThis.fetch` at request time, so a patched fetch intercepts', `${W_REQ}::errand calls globalThis.fetch at request time`),
      bun: note('errand calls `globalThis.fetch` at request time, so a patched fetch (msw `setupServer`) intercepts', 'test/shared/transport/interception.ts::sees every request, redirects included'),
      deno: note('errand calls `globalThis.fetch` at request time, so a patched fetch (msw `setupServer`) intercepts', 'test/shared/transport/interception.ts::sees every request, redirects included'),
    },
  },
]

function renderCell(cell: Cell): string {
  const note = cell.note ? ` — ${cell.note}` : ''
  const text = cell.status === 'unsupported' ? `\`UnsupportedError\`${note}` : `works${note}`
  return text.replace(/\|/g, '\\|')
}

/** The table as markdown, exactly as README.md shows it between the parity markers. */
export function renderParityTable(rows: readonly Row[] = PARITY): string {
  const lines = [
    `| feature | ${RUNTIMES.map((r) => RUNTIME_TITLES[r]).join(' | ')} |`,
    `| --- | ${RUNTIMES.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.feature.replace(/\|/g, '\\|')} | ${RUNTIMES.map((r) => renderCell(row.cells[r])).join(' | ')} |`),
  ]
  return lines.join('\n')
}
