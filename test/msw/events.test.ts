// Mocking event streams with msw: its `sse()` handler (msw >= 2.9) for a GET feed, and a plain `http`
// handler with a streamed text/event-stream body for anything else (an LLM-style POST). In Node the
// default transport sees msw's patched fetch and goes through it, so these are the fetch path.
import { http, HttpResponse, sse } from 'msw';
import { setupServer } from 'msw/node';
import { EventSource } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BearerAuth, HTTPError, Session, type ReconnectInfo } from 'errand';

// msw's sse() refuses to build a handler where there is no global EventSource (Node 20 and 24 have
// none unflagged); undici's is enough: msw only checks that it exists.
globalThis.EventSource ??= EventSource as unknown as typeof globalThis.EventSource;

const API = 'http://api.test';
const seen: { lastEventId: string | null; accept: string | null }[] = [];

const server = setupServer(
  // The feed is over once the client has event 4: a 204 tells it to stop (HTML §9.2.3).
  http.get(`${API}/feed`, ({ request }) => (request.headers.get('last-event-id') === '4' ? new HttpResponse(null, { status: 204 }) : undefined)),
  sse<{ message: string; tick: { n: number } }>(`${API}/feed`, ({ client, request }) => {
    const from = Number(request.headers.get('last-event-id') ?? 0);
    seen.push({ lastEventId: request.headers.get('last-event-id'), accept: request.headers.get('accept') });
    client.send({ retry: 5 });
    client.send({ id: String(from + 1), event: 'tick', data: { n: from + 1 } });
    client.send({ id: String(from + 2), data: `line one\nline two ${from + 2}` });
    client.close();
  }),
  http.post(`${API}/v1/chat/completions`, async ({ request }) => {
    if (request.headers.get('authorization') !== 'Bearer sk-test') return HttpResponse.json({ error: 'unauthorized' }, { status: 401 });
    const { prompt } = (await request.json()) as { prompt: string };
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const word of prompt.split(' ')) controller.enqueue(encoder.encode(`data: ${JSON.stringify({ choices: [{ delta: { content: word } }] })}\n\n`));
        controller.enqueue(encoder.encode('data: [DONE]\n\n'));
        controller.close();
      },
    });
    return new HttpResponse(body, { headers: { 'Content-Type': 'text/event-stream' } });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => { server.resetHandlers(); seen.length = 0; });
afterAll(() => server.close());

describe('event streams under msw', () => {
  it("msw's sse() mocks a feed: events, retry, reconnects with Last-Event-ID, a 204 to stop", async () => {
    const reconnects: ReconnectInfo[] = [];
    const s = new Session();
    const events = [];
    for await (const event of s.events(`${API}/feed`, { onReconnect: (info) => { reconnects.push(info); } })) events.push(event);
    expect(events).toEqual([
      { event: 'tick', data: '{"n":1}', id: '1', retry: 5 },
      { event: 'message', data: 'line one\nline two 2', id: '2', retry: 5 },
      { event: 'tick', data: '{"n":3}', id: '3', retry: 5 },
      { event: 'message', data: 'line one\nline two 4', id: '4', retry: 5 },
    ]);
    expect(seen).toEqual([{ lastEventId: null, accept: 'text/event-stream' }, { lastEventId: '2', accept: 'text/event-stream' }]);
    expect(reconnects.map((r) => [r.delay, r.lastEventId])).toEqual([[5, '2'], [5, '4']]);
  });

  it('an http handler with a streamed body mocks a POST stream (LLM style), Bearer token checked', async () => {
    const s = new Session({ auth: new BearerAuth('sk-test') });
    const words: string[] = [];
    for await (const event of s.events(`${API}/v1/chat/completions`, { method: 'POST', json: { prompt: 'hello from msw' }, maxReconnects: 0 })) {
      if (event.data === '[DONE]') break;
      words.push((JSON.parse(event.data) as { choices: { delta: { content: string } }[] }).choices[0]!.delta.content);
    }
    expect(words).toEqual(['hello', 'from', 'msw']);
    const denied = new Session().events(`${API}/v1/chat/completions`, { method: 'POST', json: { prompt: 'x' } });
    await expect(denied.next()).rejects.toBeInstanceOf(HTTPError);
  });

  it('r.iterEvents() reads a mocked stream fetched with stream: true', async () => {
    const r = await new Session().get(`${API}/feed`, { stream: true, headers: { Accept: 'text/event-stream' } });
    const ids: string[] = [];
    for await (const event of r.iterEvents()) ids.push(event.id);
    expect(ids).toEqual(['1', '2']);
  });
});
