// errand inside a fetch wrapper: a user replaces globalThis.fetch with a function that sends through an
// errand Session, to give old fetch code errand's cookies, retries or proxies. errand must not take
// that wrapper for an interceptor and send through it again (unbounded recursion): a request coming
// back from inside errand's own call to the replaced fetch goes out with errand's own transport.
import type http from 'node:http';
import { http as mswHttp, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Session, UndiciAdapter, get } from 'errand';
import { replacedFetch } from '../../../src/runtime/node-intercept.ts';
import { startServer, type TestServer } from './_server.ts';

/** Every request the origin received: method, path and the Cookie header. */
const seen: { method: string; path: string; cookie: string | undefined }[] = [];
let flaky = 0;
let server: TestServer;

const handler: http.RequestListener = (req, res) => {
  seen.push({ method: req.method ?? '', path: req.url ?? '', cookie: req.headers.cookie });
  if (req.url === '/flaky' && flaky++ === 0) {
    res.writeHead(503, { 'Set-Cookie': 'visit=1; Path=/', 'Content-Length': '0' }).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => res.end(JSON.stringify({ path: req.url, cookie: req.headers.cookie ?? null, body: Buffer.concat(chunks).toString() })));
};

beforeAll(async () => { server = await startServer(handler); });
afterAll(() => server.close());
afterEach(() => {
  vi.unstubAllGlobals();
  seen.length = 0;
  flaky = 0;
});

type Send = (url: string, init: RequestInit) => Promise<{ statusCode: number; reason: string; headers: Headers; content: Uint8Array }>;

/**
 * The wrapper a user would write (~10 lines) around `send`, with a depth counter as a guard: should
 * errand send through it again from inside, the test fails at depth 3 instead of exhausting the heap.
 */
function installWrapper(send: Send): { calls: number; deepest: number } {
  const state = { calls: 0, deepest: 0 };
  let depth = 0;
  vi.stubGlobal('fetch', async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    state.calls++;
    state.deepest = Math.max(state.deepest, ++depth);
    try {
      if (depth > 2) throw new Error(`errand sent through the fetch wrapper again (depth ${depth})`);
      const r = await send(input instanceof Request ? input.url : String(input), init);
      return new Response(r.content as BodyInit, { status: r.statusCode, statusText: r.reason, headers: r.headers });
    } finally {
      depth--;
    }
  });
  return state;
}

/** Through a Session, passing on the method, headers and a string body. */
const viaSession = (session: Session): Send => (url, init) =>
  session.request(init.method ?? 'GET', url, { headers: init.headers as HeadersInit, data: init.body as string | undefined });

describe('errand inside a fetch wrapper', () => {
  it('old fetch code reaches the origin once per attempt, with the session\'s retries and cookies', async () => {
    const s = new Session({ retries: { total: 2, backoffFactor: 0, statusForcelist: [503] } });
    const wrapper = installWrapper(viaSession(s));
    const res = await fetch(`${server.url}/flaky`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: '/flaky', cookie: 'visit=1', body: '' });
    // One 503 and one retry carrying the cookie the 503 set: retried once, by the one session.
    expect(seen).toEqual([{ method: 'GET', path: '/flaky', cookie: undefined }, { method: 'GET', path: '/flaky', cookie: 'visit=1' }]);
    // errand, taking the wrapper for an interceptor, sent through it once; the wrapper's errand call
    // from inside that was errand's own coming back, and went out with errand's transport.
    expect(wrapper).toEqual({ calls: 2, deepest: 2 });
    // The jar is the session's: the next call through the wrapper carries the cookie too.
    const again = await fetch(`${server.url}/next`, { method: 'POST', body: 'payload', headers: { 'X-From': 'old-code' } });
    expect(await again.json()).toEqual({ path: '/next', cookie: 'visit=1', body: 'payload' });
    expect(seen.at(-1)).toEqual({ method: 'POST', path: '/next', cookie: 'visit=1' });
    expect(wrapper).toEqual({ calls: 4, deepest: 2 });
    await s.close();
  });

  it('the top-level functions inside a wrapper work the same way', async () => {
    const wrapper = installWrapper((url) => get(url));
    const res = await fetch(`${server.url}/top-level`);
    expect((await res.json()).path).toBe('/top-level');
    expect(seen).toEqual([{ method: 'GET', path: '/top-level', cookie: undefined }]);
    expect(wrapper).toEqual({ calls: 2, deepest: 2 });
  });

  it('a session whose adapter never follows a patched fetch goes through the wrapper once', async () => {
    const s = new Session();
    s.mount('http://', new UndiciAdapter({ followPatchedFetch: false }));
    const wrapper = installWrapper(viaSession(s));
    expect((await (await fetch(`${server.url}/single`)).json()).path).toBe('/single');
    expect(seen).toEqual([{ method: 'GET', path: '/single', cookie: undefined }]);
    expect(wrapper).toEqual({ calls: 1, deepest: 1 });
    await s.close();
  });

  it('outside the wrapper, errand still sees the replaced fetch and sends through it', async () => {
    const stub = vi.fn(async () => new Response('stubbed'));
    vi.stubGlobal('fetch', stub);
    expect(replacedFetch()).toBe(stub);
    expect((await new Session().get(`${server.url}/x`)).text).toBe('stubbed');
    expect(stub).toHaveBeenCalledOnce();
    expect(seen).toEqual([]);
  });
});

describe('msw, with errand inside a handler', () => {
  let handlerDepth = 0;
  const mock = setupServer(
    mswHttp.get('http://api.test/users', () => HttpResponse.json([{ id: 1 }])),
    // A handler that patches the real response, calling errand for the very URL msw intercepted
    // (guarded: should errand send through msw again, the third entry fails instead of looping).
    mswHttp.get(/\/patched$/, async ({ request }) => {
      if (++handlerDepth > 2) throw new Error(`errand sent through msw again (depth ${handlerDepth})`);
      try {
        const real = await get(request.url, { retries: 0 });
        return HttpResponse.json({ ...real.json<object>(), patched: true });
      } finally {
        handlerDepth--;
      }
    }),
  );
  beforeAll(() => mock.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => mock.close());

  it('msw still intercepts errand', async () => {
    expect((await new Session().get('http://api.test/users')).json()).toEqual([{ id: 1 }]);
    expect(seen).toEqual([]);
  });

  it('errand called inside a handler for the intercepted URL reaches the origin once, instead of looping', async () => {
    const r = await new Session().get(`${server.url}/patched`);
    expect(r.json()).toEqual({ path: '/patched', cookie: null, body: '', patched: true });
    expect(seen).toEqual([{ method: 'GET', path: '/patched', cookie: undefined }]);
    // Only that call went around msw: the next one is intercepted again.
    expect((await new Session().get('http://api.test/users')).json()).toEqual([{ id: 1 }]);
  });
});
