// msw's sse() in the edge-runtime environment: a mocked event stream read by errand's s.events().
// The edge VM has no EventSource, which msw's sse() asks for only to exist; undici's stands in.
import { http, HttpResponse, sse } from 'msw';
import { setupServer } from 'msw/node';
import { EventSource } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as errand from 'errand';

globalThis.EventSource ??= EventSource as unknown as typeof globalThis.EventSource;

const server = setupServer(
  http.get('http://api.test/feed', ({ request }) => (request.headers.get('last-event-id') === '2' ? new HttpResponse(null, { status: 204 }) : undefined)),
  sse('http://api.test/feed', ({ client, request }) => {
    const from = Number(request.headers.get('last-event-id') ?? 0);
    client.send({ retry: 3 });
    client.send({ id: String(from + 1), data: `event ${from + 1}` });
    client.close();
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('msw sse() on the edge', () => {
  it("msw's sse() mocks a feed that errand reconnects to, with Last-Event-ID", async () => {
    const got: string[] = [];
    for await (const event of new errand.Session().events('http://api.test/feed')) got.push(`${event.id}:${event.data}:${event.retry}`);
    expect(got).toEqual(['1:event 1:3', '2:event 2:3']);
  });
});
