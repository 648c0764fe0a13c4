// In real workerd (miniflare 3), the BUILT edge bundle's event streams against the local httpbin:
// r.iterEvents(), r.iterJSON(), s.events() reconnecting after a drop, a POST stream, the stops, a break.
import { describe, expect, test } from 'vitest'
import { useWorker } from './use-worker.ts'

const w = useWorker()

describe('workerd: event streams', () => {
  test('r.iterEvents() and r.iterJSON() read a stream: true response', async () => {
    expect(await w.run('events-iter')).toEqual({
      events: [{ event: 'tick', id: '1', n: 1 }, { event: 'tick', id: '2', n: 2 }, { event: 'tick', id: '3', n: 3 }],
      values: [{ a: 1 }, [2], 'x'],
    })
  })

  test("s.events() reconnects after a drop mid-event: the server's retry, Last-Event-ID, no half event", async () => {
    const { events, reconnects } = await w.run('events-reconnect')
    expect(events.map((e: { n: number }) => e.n)).toEqual([1, 2, 3, 4, 5, 6])
    expect(events.map((e: { lastEventId: string | null }) => e.lastEventId)).toEqual([null, null, '2', '2', '4', '4'])
    expect(events.some((e: { half: boolean }) => e.half)).toBe(false)
    expect(reconnects).toEqual([
      { delay: 9, lastEventId: '2', error: 'ConnectionError' },
      { delay: 9, lastEventId: '4', error: 'ConnectionError' },
      { delay: 9, lastEventId: '6', error: null },
    ])
  })

  test('s.events() POSTs JSON with a Bearer token and reads the tokens back (LLM style)', async () => {
    expect(await w.run('events-chat')).toEqual({ text: 'streamed from workerd' })
  })

  test('s.events() stops: HTTPError on a 404, RequestError on JSON, quietly on a 204; Digest works', async () => {
    const value = await w.run('events-stops')
    expect(value.notFound).toMatchObject({ count: 0, error: 'HTTPError' })
    expect(value.json).toMatchObject({ count: 0, error: 'RequestError', message: expect.stringMatching(/not text\/event-stream/) })
    expect(value.noContent).toEqual({ count: 0, error: null })
    expect(value.digest).toEqual({ count: 1, error: null })
  })

  test('breaking out of s.events() closes the connection (the server sees it close)', async () => {
    expect(await w.run('events-break', { key: `workerd-${Date.now()}` })).toMatchObject({ closed: true })
  })

  test('a patched globalThis.fetch that answers text/event-stream mocks a stream (msw has no Workers integration)', async () => {
    expect(await w.run('events-patched-fetch')).toEqual({ got: ['1:mocked'], asked: [null, '1'] })
  })
})
