// In real workerd: what the edge can and cannot do. Total timeouts and AbortSignal work; proxies, verify,
// cert and connect/read timeouts raise an UnsupportedError naming the option and the runtime.
import { describe, expect, test } from 'vitest'
import { useWorker } from './use-worker.ts'

const w = useWorker()

describe('workerd: timeouts and aborts', () => {
  test('a total timeout ends a slow response (headers or body) with TimeoutError', async () => {
    const { error, body, elapsed } = await w.run('total-timeout')
    expect(error).toMatchObject({ name: 'TimeoutError', isTimeout: true, isRequestError: true })
    expect(error.message).toContain('total timeout of 200 ms')
    expect(body).toMatchObject({ name: 'TimeoutError', isTimeout: true })
    expect(elapsed).toBeLessThan(2500)
  })

  test('aborting the signal rejects with its AbortError at once; an already aborted signal with its reason', async () => {
    const { error, early, elapsed } = await w.run('signal-abort')
    expect(error).toMatchObject({ name: 'AbortError' })
    expect(early).toMatchObject({ name: 'Error', message: 'stopped before it started' })
    expect(elapsed).toBeLessThan(2000)
  })
})

describe('workerd: connection errors', () => {
  test('a refused connection is a ConnectionError carrying the request', async () => {
    expect(await w.run('connection-refused')).toMatchObject({ name: 'ConnectionError', isConnectionError: true, requestUrl: 'http://127.0.0.1:2/' })
  })
})

describe('workerd: Node-only options are refused', () => {
  test.each(['proxies', 'verify', 'cert', 'timeout.connect', 'timeout.read'])('%s → UnsupportedError naming it and edge', async (name) => {
    const all = await w.run('unsupported-options')
    const error = all[name]
    expect(error).toMatchObject({ name: 'UnsupportedError', isUnsupported: true, isRequestError: true })
    expect(error.message).toContain(name)
    expect(error.message).toContain('edge')
    expect(error.message).not.toContain('pr0xy-secret')
  })

  test('a Session default (verify: false) is refused the same way', async () => {
    const { sessionDefault } = await w.run('unsupported-options')
    expect(sessionDefault).toMatchObject({ name: 'UnsupportedError', message: expect.stringContaining('verify') })
  })

  test("credentials: 'include' (a browser fetch mode) is passed to fetch; workerd ignores it and the request succeeds", async () => {
    expect(await w.run('credentials')).toMatchObject({ name: 'resolved' })
  })

  test("credentials: 'omit' turns the session's jar off for the call: nothing sent, nothing stored", async () => {
    expect(await w.run('credentials-omit')).toEqual({ sent: { cookies: {} }, jar: { kept: '1' } })
  })
})
