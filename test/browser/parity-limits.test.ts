// What errand cannot do in a browser, and says so: each Node-only or platform-forbidden option is an
// UnsupportedError whose message names the option and the browser — at once, never a hang.
import * as errand from 'errand'
import { describe, expect, inject, test } from 'vitest'

const base = () => inject('httpbinUrl')

/** The error a call rejects with; fails when it resolves or takes longer than `ms` (a hang). */
async function refusal(call: () => Promise<unknown>, ms = 3000): Promise<Error> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: errand hung`)), ms)
  })
  try {
    await Promise.race([call(), hang])
  } catch (error) {
    if ((error as Error).message.includes('errand hung')) throw error
    return error as Error
  } finally {
    clearTimeout(timer)
  }
  return expect.fail('expected an UnsupportedError, but the call resolved')
}

function expectUnsupported(error: Error, ...words: (string | RegExp)[]) {
  expect(error).toBeInstanceOf(errand.UnsupportedError)
  expect(error).toBeInstanceOf(errand.RequestError)
  expect(error.name).toBe('UnsupportedError')
  for (const word of words) expect(error.message).toMatch(word)
}

describe('browser parity: Node-only transport options are an UnsupportedError', () => {
  test.each([
    ['proxies', { proxies: { https: 'http://user:pr0xy-secret@127.0.0.1:3128' } }],
    ['verify', { verify: false }],
    ['cert', { cert: { cert: '-----BEGIN CERTIFICATE-----', key: '-----BEGIN PRIVATE KEY-----' } }],
    ['timeout.connect', { timeout: { connect: 100 } }],
    ['timeout.read', { timeout: { read: 100 } }],
  ] as const)('%s → UnsupportedError naming it and the browser', async (name, options) => {
    const error = await refusal(() => errand.get(`${base()}/get`, options as errand.RequestOptions))
    expectUnsupported(error, name, 'browser')
    expect(error.message).not.toContain('pr0xy-secret')
  })

  test('the same options as Session defaults are refused on the first request', async () => {
    const s = new errand.Session({ proxies: { all: 'http://127.0.0.1:3128' } })
    expectUnsupported(await refusal(() => s.get(`${base()}/get`)), 'proxies')
  })
})

describe('browser parity: what fetch in a page does not allow', () => {
  test('allowRedirects: false → UnsupportedError (Chromium hides the 3xx behind an opaque response)', async () => {
    expectUnsupported(await refusal(() => errand.get(`${base()}/redirect/1`, { allowRedirects: false })), 'allowRedirects', 'browser')
  })

  test('maxRedirects → UnsupportedError (the browser follows up to 20 itself)', async () => {
    expectUnsupported(await refusal(() => errand.get(`${base()}/redirect/1`, { maxRedirects: 5 })), 'maxRedirects')
  })

  test('the cookies option → UnsupportedError pointing to credentials', async () => {
    expectUnsupported(await refusal(() => errand.get(`${base()}/cookies`, { cookies: { a: '1' } })), /Cookie/, "credentials: 'include'")
  })

  test('an explicit Cookie header → UnsupportedError (a forbidden header, dropped silently by fetch otherwise)', async () => {
    expectUnsupported(await refusal(() => errand.get(`${base()}/cookies`, { headers: { Cookie: 'a=1' } })), /Cookie/)
  })

  test("s.cookies.set → UnsupportedError; s.cookies reflects nothing the browser holds", () => {
    const s = new errand.Session()
    let error: unknown
    try {
      s.cookies.set('token', 'abc')
    } catch (e) {
      error = e
    }
    expectUnsupported(error as Error, "s.cookies.set('token')", /browser/)
    expect(s.cookies.getDict()).toEqual({})
    expect(s.cookies.get('token')).toBeUndefined()
    expect([...s.cookies]).toEqual([])
  })

  test('new Session({ cookies }) → UnsupportedError at construction', () => {
    expect(() => new errand.Session({ cookies: { a: '1' } })).toThrow(errand.UnsupportedError)
  })

  test('onUploadProgress with a streamed body → UnsupportedError (neither fetch over HTTP/1.1 nor XMLHttpRequest can count a stream)', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('chunk'))
        controller.close()
      },
    })
    const error = await refusal(() => errand.post(`${base()}/post`, { data: stream, retries: 0, onUploadProgress: () => {} }))
    expectUnsupported(error, 'onUploadProgress', 'browser')
  })

  test('a streamed ReadableStream upload → UnsupportedError at once, not a hang', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('chunk'))
        controller.close()
      },
    })
    expectUnsupported(await refusal(() => errand.post(`${base()}/post`, { data: stream, retries: 0 })), /stream/i, 'browser', /Blob/)
  })

  test('an async generator upload → UnsupportedError too', async () => {
    async function* generate() {
      yield 'a'
      yield 'b'
    }
    expectUnsupported(await refusal(() => errand.post(`${base()}/post`, { data: generate(), retries: 0 })), /stream/i)
  })
})
