// In real workerd (miniflare 3), the BUILT edge bundle against the local httpbin: bodies, responses,
// json(schema) with zod bundled into the worker, streaming and progress, fetch interception.
import { describe, expect, test } from 'vitest'
import { useWorker } from './use-worker.ts'

const w = useWorker()

describe('workerd: params, headers and bodies are echoed', () => {
  test('params and headers', async () => {
    expect(await w.run('get-params-headers')).toMatchObject({ statusCode: 200, args: { a: '1', b: 'two words' }, xTest: 'yes', url: `${w.base}/get?a=1&b=two+words` })
  })

  test('json body with Content-Type: application/json', async () => {
    expect(await w.run('post-json')).toEqual({ statusCode: 200, json: { hello: 'world', n: 1, list: [1, 2] }, contentType: 'application/json' })
  })

  test('form body (object, repeated key, unicode)', async () => {
    expect(await w.run('post-form')).toEqual({
      statusCode: 200,
      form: { a: '1', list: ['x', 'y'], 'ü': 'ß & =' },
      contentType: 'application/x-www-form-urlencoded',
    })
  })

  test('multipart body: files (tuple, bytes, Blob) and data fields', async () => {
    const value = await w.run('post-multipart')
    expect(value).toMatchObject({
      statusCode: 200,
      form: { field: 'value' },
      files: { text: 'hello from workerd', bytes: 'data:application/octet-stream;base64,AQID/w==', blob: 'blob body' },
    })
    expect(value.contentType).toMatch(/^multipart\/form-data; boundary=/)
    expect(value.raw).toContain('Content-Disposition: form-data; name="text"; filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\nhello from workerd\r\n')
  })

  test('Blob, File and FormData bodies', async () => {
    const value = await w.run('blob-file-formdata')
    expect(value).toMatchObject({
      blob: { data: 'blob body', contentType: 'text/plain' },
      file: { data: 'file body ✓' },
      formData: { form: { field: 'value' }, files: { upload: 'in a form' } },
    })
    expect(value.formData.contentType).toMatch(/^multipart\/form-data; boundary=/)
  })

  test('PUT, PATCH, DELETE with session and call headers', async () => {
    expect(await w.run('put-patch-delete')).toEqual({
      put: { statusCode: 200, json: { method: 'put' }, xSession: 's', xCall: 'put' },
      patch: { statusCode: 200, json: { method: 'patch' }, xSession: 's', xCall: 'patch' },
      delete: { statusCode: 200, json: { method: 'delete' }, xSession: 's', xCall: 'delete' },
    })
  })
})

describe('workerd: responses', () => {
  test('raiseForStatus returns the response below 400 and throws HTTPError carrying it for 4xx/5xx', async () => {
    const value = await w.run('raise-for-status')
    expect(value.okReturnsItself).toBe(true)
    expect(value.teapot).toMatchObject({ name: 'HTTPError', isHTTPError: true, status: 418 })
    expect(value.teapot.message).toMatch(/^418 Client Error: /)
    expect(value.teapot.body).toContain('teapot')
    expect(value.server.message).toMatch(/^503 Server Error: Service Unavailable/)
  })

  test('json(schema) with a zod schema bundled into the worker: typed output, SchemaValidationError on mismatch', async () => {
    expect(await w.run('json-schema')).toEqual({
      title: 'Sample Slide Show',
      slides: 2,
      failure: { name: 'SchemaValidationError', isSchemaError: true, issues: 1, message: expect.stringContaining('slideshow') },
    })
  })

  test('json() on HTML is a JSONDecodeError', async () => {
    expect(await w.run('json-decode-error')).toEqual({ name: 'JSONDecodeError', isRequestError: true })
  })

  test('paginate follows links.next', async () => {
    expect(await w.run('links-pagination')).toEqual([[{ id: 1 }, { id: 2 }, { id: 3 }], [{ id: 4 }, { id: 5 }, { id: 6 }], [{ id: 7 }]])
  })
})

describe('workerd: streaming and progress', () => {
  test('stream: true + iterLines reads the body as it arrives; text throws until read()', async () => {
    const value = await w.run('stream-iter-lines')
    expect(value).toMatchObject({ statusCode: 200, lines: [0, 1, 2, 3], slowLines: ['chunk 0', 'chunk 1', 'chunk 2'] })
    expect(value.notLoaded).toMatch(/stream: true/)
  })

  test('stream: true + iterContent(300) yields exact chunk sizes', async () => {
    expect(await w.run('stream-iter-content')).toEqual({ sizes: [300, 300, 300, 100], total: 1000 })
  })

  test('onDownloadProgress reports loaded up to the Content-Length total, and loaded alone when chunked', async () => {
    const { size, events, chunked } = await w.run('download-progress')
    expect(size).toBe(5000)
    expect(events.at(-1)).toEqual({ loaded: 5000, total: 5000, percent: 100 })
    for (const e of events) expect(e.total).toBe(5000)
    expect(events.map((e: { loaded: number }) => e.loaded)).toEqual([...events.map((e: { loaded: number }) => e.loaded)].sort((a, b) => a - b))
    expect(chunked.at(-1)).toEqual({ loaded: 3000 })
    for (const e of chunked) expect(e).not.toHaveProperty('total')
  })

  test('streaming upload: a ReadableStream is sent chunked, an async generator too', async () => {
    expect(await w.run('streaming-upload')).toEqual({
      stream: { bytes: 13, transferEncoding: 'chunked', contentLength: null },
      generated: 'gen-a,gen-b',
    })
  })

  test('onUploadProgress counts a streamed body as fetch pulls it; a bytes body once sent', async () => {
    expect(await w.run('upload-progress')).toEqual({
      streamed: [{ loaded: 4 }, { loaded: 10 }, { loaded: 12 }],
      bytes: [{ loaded: 2048, total: 2048, percent: 100 }],
    })
  })
})

describe('workerd: interception', () => {
  test('errand calls globalThis.fetch at request time, so a patched fetch (as msw patches it) sees every hop', async () => {
    expect(await w.run('fetch-interception')).toEqual({
      seen: ['POST /mocked/login x-session=yes', 'GET /mocked/me x-session=yes'],
      statusCode: 200,
      url: `${w.base}/mocked/me`,
      history: [302],
      body: { cookie: 'sid=abc' },
      jar: { sid: 'abc' },
    })
  })
})

describe('workerd: r.timings', () => {
  test('firstByte, download and total for each hop; undefined for what fetch does not show', async () => {
    const out = await w.run('timings')
    expect(out.final).toEqual({
      moments: { start: 'number', socket: 'undefined', lookup: 'undefined', connect: 'undefined', secureConnect: 'undefined', upload: 'undefined', response: 'number', end: 'number' },
      phases: { wait: 'undefined', dns: 'undefined', tcp: 'undefined', tls: 'undefined', request: 'undefined', firstByte: 'number', download: 'number', total: 'number' },
      inOrder: true,
      nonNegative: true,
    })
    expect(out).toMatchObject({ hopsInOrder: true, hopsWithFirstByte: 3, endBeforeReading: 'undefined', endAfterReading: 'number' })
  })
})
