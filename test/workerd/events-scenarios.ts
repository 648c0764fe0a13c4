/**
 * Event-stream scenarios that run INSIDE workerd against the built edge bundle (see worker-scenarios.ts,
 * which spreads these into its table). Each returns plain data; test/workerd/events.test.ts asserts.
 */
import type { Scenario } from './worker-scenarios.ts'

type Seen = { n?: number; lastEventId: string | null; method: string; authorization: string | null; body: string }

export const eventScenarios = {
  async 'events-iter'(errand, base) {
    const r = await errand.get(`${base}/sse/feed`, { params: { total: 3, per: 3 }, stream: true })
    const events = []
    for await (const event of r.iterEvents()) events.push({ event: event.event, id: event.id, n: (JSON.parse(event.data) as Seen).n })
    const lines = await errand.get(`${base}/stream-raw`, { params: { ct: 'application/x-ndjson', chunk: [btoa('{"a":1}\n\n[2'), btoa(']\n"x"')] }, stream: true })
    const values: unknown[] = []
    for await (const value of lines.iterJSON()) values.push(value)
    return { events, values }
  },

  async 'events-reconnect'(errand, base) {
    const reconnects: { delay: number; lastEventId: string; error: string | null }[] = []
    const events: { id: string; n?: number | undefined; lastEventId: string | null; half: boolean }[] = []
    const s = new errand.Session()
    for await (const event of s.events(`${base}/sse/feed`, {
      params: { total: 6, per: 2, retry: 9, end: 'drop', linger: 100 },
      onReconnect: (info) => { reconnects.push({ delay: info.delay, lastEventId: info.lastEventId, error: (info.error as Error | undefined)?.name ?? null }) },
    })) {
      const data = JSON.parse(event.data) as Seen
      events.push({ id: event.id, n: data.n, lastEventId: data.lastEventId, half: event.data.includes('half') })
    }
    return { events, reconnects }
  },

  async 'events-chat'(errand, base) {
    const s = new errand.Session({ auth: new errand.BearerAuth('tok-abc') })
    let text = ''
    for await (const event of s.events(`${base}/sse/chat`, { method: 'POST', json: { prompt: 'streamed from workerd' }, maxReconnects: 0 })) {
      if (event.data === '[DONE]') break
      text += (JSON.parse(event.data) as { choices: { delta: { content: string } }[] }).choices[0]!.delta.content
    }
    return { text }
  },

  async 'events-stops'(errand, base) {
    const outcome = async (stream: AsyncIterable<unknown>) => {
      let count = 0
      try {
        for await (const _ of stream) count++
        return { count, error: null }
      } catch (error) {
        return { count, error: (error as Error).name, message: (error as Error).message }
      }
    }
    const s = new errand.Session()
    return {
      notFound: await outcome(s.events(`${base}/status/404`)),
      json: await outcome(s.events(`${base}/get`)),
      noContent: await outcome(s.events(`${base}/status/204`)),
      digest: await outcome(s.events(`${base}/sse/digest-auth/auth/u/p`, { auth: new errand.HTTPDigestAuth('u', 'p'), maxReconnects: 0 })),
    }
  },

  /** msw has no Workers integration: a patched globalThis.fetch with a text/event-stream body mocks a stream. */
  async 'events-patched-fetch'(errand) {
    const original = globalThis.fetch
    const asked: (string | null)[] = []
    globalThis.fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      const lastEventId = new Headers(init?.headers).get('last-event-id')
      asked.push(lastEventId)
      if (lastEventId === '1') return new Response(null, { status: 204 })
      return new Response('retry: 0\nid: 1\ndata: mocked\n\n', { headers: { 'Content-Type': 'text/event-stream' } })
    }) as typeof fetch
    try {
      const got: string[] = []
      for await (const event of new errand.Session().events('https://mocked.test/feed')) got.push(`${event.id}:${event.data}`)
      return { got, asked }
    } finally {
      globalThis.fetch = original
    }
  },

  async 'events-break'(errand, base, args: { key: string }) {
    for await (const event of new errand.Session().events(`${base}/sse/hold`, { params: { n: 3, key: args.key } })) {
      if (event.id === '1') break
    }
    // The server's record of the connection, once it has seen the close.
    for (let i = 0; i < 200; i++) {
      const seen = (await errand.get(`${base}/sse/seen/${args.key}`)).json<{ closed: boolean } | null>()
      if (seen?.closed) return seen
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    return { closed: false }
  },
} satisfies Record<string, Scenario>
