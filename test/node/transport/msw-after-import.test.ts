// msw's setupServer intercepts a default-settings Session whose transport was loaded BEFORE
// server.listen() patched globalThis.fetch, streamed uploads included; when msw stops, requests go
// back to undici's Dispatcher.
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Node's own class (the global one in Node); the DOM lib's ReadableStream type has no `from`.
import { ReadableStream } from 'node:stream/web';
import { http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { ConnectionError, Session, get } from 'errand';
import { replacedFetch } from '../../../src/runtime/node-intercept.ts';
import type { EchoBody } from '../../servers/echo-body.ts';

const API = 'http://api.test';
const server = setupServer(
  http.get(`${API}/users`, () => HttpResponse.json([{ id: 1 }], { statusText: 'Mocked' })),
  http.post(`${API}/upload`, async ({ request }) => HttpResponse.json({
    bytes: (await request.arrayBuffer()).byteLength,
    type: request.headers.get('content-type'),
  })),
);
let dir: string;

async function* chunks(): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < 8; i++) yield new Uint8Array(1000).fill(i);
}

beforeAll(() => {
  expect(replacedFetch()).toBeUndefined(); // loaded with Node's own fetch in place
  server.listen({ onUnhandledRequest: 'error' });
  dir = mkdtempSync(join(tmpdir(), 'errand-msw-'));
  writeFileSync(join(dir, 'file.bin'), new Uint8Array(5000));
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('msw listening after errand was imported', () => {
  it('sees the patch', () => {
    expect(replacedFetch()).toBe(globalThis.fetch);
  });

  it('intercepts a default Session and the top-level functions', async () => {
    const r = await new Session().get(`${API}/users`);
    expect([r.statusCode, r.reason, r.json()]).toEqual([200, 'Mocked', [{ id: 1 }]]);
    expect((await get(`${API}/users`)).json()).toEqual([{ id: 1 }]);
  });

  it.each([
    ['an async generator', () => chunks(), 8000],
    ['a ReadableStream', () => ReadableStream.from(chunks()), 8000],
    ['fs.createReadStream', () => createReadStream(join(dir, 'file.bin')), 5000],
  ])('intercepts a streamed upload from %s', async (_what, data, bytes) => {
    const r = await new Session().post(`${API}/upload`, { data: data() as never, onUploadProgress: () => {} });
    expect(r.json()).toEqual({ bytes, type: null });
  });

  it('an unhandled request under onUnhandledRequest: error is an errand ConnectionError', async () => {
    const error = await new Session({ retries: 0 }).get(`${API}/nowhere`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
  });

  it('a passthrough request reaches the real server (through msw and Node fetch)', async () => {
    server.use(http.get(`${inject('httpbinUrl')}/get`, () => passthrough()));
    const r = await new Session().get(`${inject('httpbinUrl')}/get?through=msw`);
    expect(r.json<EchoBody>().args).toEqual({ through: 'msw' });
  });
});

describe('fetch patched by other tools', () => {
  it('vi.stubGlobal is followed, and its removal too', async () => {
    server.close();
    expect(replacedFetch()).toBeUndefined();
    const stub = vi.fn(async () => new Response('stubbed'));
    vi.stubGlobal('fetch', stub);
    try {
      expect((await new Session().get('http://stub.test/')).text).toBe('stubbed');
      expect(stub).toHaveBeenCalledOnce();
    } finally {
      vi.unstubAllGlobals();
    }
    expect(replacedFetch()).toBeUndefined();
    server.listen({ onUnhandledRequest: 'error' });
  });
});
