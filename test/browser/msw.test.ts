// The handlers of examples/testing-with-msw, with msw's setupWorker in real Chromium: the service worker
// (served at the page origin as /mockServiceWorker.js, see vitest.config.ts) intercepts the requests
// errand's browser build makes from the page. The ApiClient is the example's, unchanged.
import * as errand from 'errand'
import { http, HttpResponse, sse } from 'msw'
import { setupWorker } from 'msw/browser'
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest'
import { ApiClient, ApiError } from '../../examples/testing-with-msw/api.ts'
import { API_URL, TOKEN, handlers, resetApiState } from '../../examples/testing-with-msw/handlers.ts'

const worker = setupWorker(...handlers)
const ada = { id: 1, name: 'Ada Lovelace', email: 'ada@example.test' }

beforeAll(async () => {
  await worker.start({ serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledRequest: 'bypass', quiet: true })
})
afterEach(() => {
  worker.resetHandlers()
  resetApiState()
})
afterAll(async () => {
  worker.stop()
  // Leave no worker behind for the other test files of this browser.
  for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister()
})

describe('msw setupWorker in Chromium intercepts errand', () => {
  test('the page is controlled by the service worker', () => {
    expect(navigator.serviceWorker.controller?.scriptURL).toBe(`${location.origin}/mockServiceWorker.js`)
  })

  test('headers, bearer auth and JSON: the example client, unchanged, against the mocked API', async () => {
    expect(await new ApiClient({ baseUrl: API_URL, token: TOKEN }).project('engine')).toEqual({ id: 'engine', name: 'Analytical Engine', ownerId: 1 })
  })

  test('a handler sees the headers errand sent', async () => {
    let seen: Record<string, string> = {}
    worker.use(
      http.get(`${API_URL}/projects/:id`, ({ request, params }) => {
        seen = Object.fromEntries(request.headers)
        return HttpResponse.json({ id: params['id'], name: 'Echo', ownerId: 1 })
      }),
    )
    await new ApiClient({ baseUrl: API_URL, token: TOKEN }).project('echo')
    expect(seen).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'x-api-version': '2', accept: 'application/json' })
  })

  test('errors: 401 without the token, 404, 500 are ApiErrors with the server\'s message', async () => {
    await expect(new ApiClient({ baseUrl: API_URL }).project('engine')).rejects.toMatchObject({ name: 'ApiError', status: 401, code: 'unauthorized' })
    const missing = await new ApiClient({ baseUrl: API_URL, token: TOKEN }).project('nope').catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(ApiError)
    expect(missing).toMatchObject({ status: 404, message: 'No project nope' })
    await expect(new ApiClient({ baseUrl: API_URL }).health()).rejects.toMatchObject({ status: 500, message: 'Database unavailable' })
  })

  test('a network error from a handler is an errand ConnectionError', async () => {
    worker.use(http.get(`${API_URL}/me`, () => HttpResponse.error()))
    await expect(new ApiClient({ baseUrl: API_URL }).me()).rejects.toBeInstanceOf(errand.ConnectionError)
  })

  test('login: the browser follows the mocked 303 (history empty, url final), and the mocked cookie is sent back', async () => {
    const client = new ApiClient({ baseUrl: API_URL })
    const r = await client.call('POST', 'login', { json: { username: ada.email, password: 'analytical-engine' } })
    expect(r.url).toBe(`${API_URL}/me`)
    expect(r.history).toEqual([])
    expect(r.json()).toEqual(ada)
    expect(await client.me()).toEqual(ada)
    // The browser (here: msw's cookie emulation) keeps the cookie; errand's view of it stays empty.
    expect(client.session.cookies.getDict()).toEqual({})
    await client.logout()
    await expect(client.me()).rejects.toMatchObject({ status: 401, code: 'not_logged_in' })
  })

  test('requests no handler matches pass through to the network (onUnhandledRequest: bypass)', async () => {
    const r = await errand.get(`${inject('httpbinUrl')}/get`, { params: { through: 'msw' } })
    expect(r.json()).toMatchObject({ args: { through: 'msw' } })
  })
})

describe("msw's sse() in Chromium mocks an event stream for errand", () => {
  test('events, retry and a reconnect with Last-Event-ID, then a 204 to stop', async () => {
    const asked: (string | null)[] = []
    worker.use(
      http.get(`${API_URL}/notifications`, ({ request }) => (request.headers.get('last-event-id') === '2' ? new HttpResponse(null, { status: 204 }) : undefined)),
      sse<{ message: string; notice: { n: number } }>(`${API_URL}/notifications`, ({ client, request }) => {
        const from = Number(request.headers.get('last-event-id') ?? 0)
        asked.push(request.headers.get('last-event-id'))
        client.send({ retry: 1 })
        client.send({ id: String(from + 1), event: 'notice', data: { n: from + 1 } })
        client.close()
      }),
    )
    const got: string[] = []
    for await (const event of new errand.Session().events(`${API_URL}/notifications`)) got.push(`${event.event}:${event.id}:${event.data}:${event.retry}`)
    expect(got).toEqual(['notice:1:{"n":1}:1', 'notice:2:{"n":2}:1'])
    expect(asked).toEqual([null, '1'])
  })
})
