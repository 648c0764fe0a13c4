import { describe, expect, it } from 'vitest';
import { PreparedRequest, Response } from 'errand';
import { concatHooks, normalizeHooks, runRequestHooks, runResponseHooks } from '../../src/core/hooks.ts';
import { preparedFor, recordingSession } from './_helpers.ts';

const respond = (request: PreparedRequest, status = 200, body = '') =>
  new Response(new globalThis.Response(new TextEncoder().encode(body), { status }), request, { elapsed: 0 });

describe('normalizeHooks', () => {
  it('turns a function or a list into lists per event', () => {
    const a = () => {};
    const b = () => {};
    expect(normalizeHooks({ request: a, response: [a, b], retry: b })).toEqual({ request: [a], response: [a, b], retry: [b] });
    expect(normalizeHooks({ response: null as never })).toEqual({ request: [], response: [], retry: [] });
    expect(normalizeHooks(null)).toEqual({ request: [], response: [], retry: [] });
    expect(normalizeHooks(undefined)).toEqual({ request: [], response: [], retry: [] });
  });

  it('copies the list, so later changes to it do not leak in', () => {
    const list = [() => {}];
    const hooks = normalizeHooks({ response: list });
    list.push(() => {});
    expect(hooks.response).toHaveLength(1);
  });

  it('refuses an unknown event, naming it', () => {
    expect(() => normalizeHooks({ responce: () => {} } as never)).toThrow(/'responce'/);
  });

  it('refuses a hook that is not a function', () => {
    expect(() => normalizeHooks({ response: ['nope'] as never })).toThrow(TypeError);
    expect(() => normalizeHooks({ request: 42 as never })).toThrow(TypeError);
  });
});

describe('concatHooks', () => {
  it('puts the first (session) hooks before the second (call) ones', () => {
    const [s1, s2, c1] = [() => {}, () => {}, () => {}];
    expect(concatHooks({ request: [s1], response: [s2], retry: [s2] }, { request: [c1], response: [], retry: [c1] }))
      .toEqual({ request: [s1, c1], response: [s2], retry: [s2, c1] });
  });
});

describe('runRequestHooks', () => {
  it('runs in order, each getting the previous result; nothing returned keeps the request', async () => {
    const seen: string[] = [];
    const replacement = preparedFor('https://x.test/replaced');
    const result = await runRequestHooks([
      (r) => { seen.push(`1:${r.url}`); },
      async (r) => { seen.push(`2:${r.url}`); return replacement; },
      (r) => { seen.push(`3:${r.url}`); r.headers.set('X-Last', '1'); },
    ], preparedFor('https://x.test/original'));
    expect(seen).toEqual(['1:https://x.test/original', '2:https://x.test/original', '3:https://x.test/replaced']);
    expect(result).toBe(replacement);
    expect(result.headers.get('x-last')).toBe('1');
  });
});

describe('runResponseHooks', () => {
  it('passes the context and lets a returned Response replace the one passed on', async () => {
    const request = preparedFor('https://x.test/');
    const original = respond(request, 200);
    const replacement = respond(request, 299);
    const seen: number[] = [];
    const context = { request, history: [] };
    const result = await runResponseHooks([
      (r, ctx) => { seen.push(r.statusCode); expect(ctx).toBe(context); },
      async (r) => { seen.push(r.statusCode); return replacement; },
      (r) => { seen.push(r.statusCode); },
    ], original, context);
    expect(seen).toEqual([200, 200, 299]);
    expect(result).toBe(replacement);
  });
});

describe('hooks in a Session', () => {
  it('runs session hooks first, then the call hooks, for both events', async () => {
    const order: string[] = [];
    const { session, sent } = recordingSession({
      hooks: {
        request: (r) => { order.push('session:request'); r.headers.set('X-Session-Hook', '1'); },
        response: () => { order.push('session:response'); },
      },
    });
    await session.get('https://x.test/', {
      hooks: {
        request: [(r) => { order.push('call:request'); r.headers.set('X-Call-Hook', r.headers.get('x-session-hook') ?? 'missing'); }],
        response: [() => { order.push('call:response'); }],
      },
    });
    expect(order).toEqual(['session:request', 'call:request', 'session:response', 'call:response']);
    expect(sent[0]!.request.headers.get('x-call-hook')).toBe('1');
  });

  it('sends the PreparedRequest a request hook returns', async () => {
    const { session, sent } = recordingSession();
    await session.get('https://x.test/a', {
      hooks: { request: (r) => { const copy = r.copy(); copy.url = 'https://x.test/b'; copy.headers.set('X-Swapped', 'yes'); return copy; } },
    });
    expect(sent[0]!.request.url).toBe('https://x.test/b');
    expect(sent[0]!.request.headers.get('x-swapped')).toBe('yes');
  });

  it('returns the Response a response hook returns', async () => {
    const { session } = recordingSession({}, [new globalThis.Response('original')]);
    const r = await session.get('https://x.test/', {
      hooks: { response: (res) => respond(res.request, 201, 'replaced') },
    });
    expect(r.statusCode).toBe(201);
    expect(r.text).toBe('replaced');
  });

  it('runs response hooks on every redirect hop, with the history so far', async () => {
    const { session } = recordingSession({}, [
      new globalThis.Response(null, { status: 302, headers: { location: '/two' } }),
      new globalThis.Response(null, { status: 302, headers: { location: '/three' } }),
      new globalThis.Response('done'),
    ]);
    const calls: [string, number, number][] = [];
    const r = await session.get('https://x.test/one', {
      hooks: { response: (res, ctx) => { calls.push([ctx.request.url, res.statusCode, ctx.history.length]); } },
    });
    expect(calls).toEqual([
      ['https://x.test/one', 302, 0],
      ['https://x.test/two', 302, 1],
      ['https://x.test/three', 200, 2],
    ]);
    expect(r.history.map((h) => h.statusCode)).toEqual([302, 302]);
  });
});

describe('retry hooks', () => {
  it('see each retry (attempt, response or error, delay), session hooks first, and r.retries counts them', async () => {
    const { Session } = await import('errand');
    const seen: string[] = [];
    let calls = 0;
    const s = new Session({ hooks: { retry: (info) => { seen.push(`session:${info.attempt}:${info.response?.statusCode ?? (info.error as Error).name}:${info.delay}`); } } });
    s.mount('http://retry.test/', {
      async send(request) {
        calls++;
        if (calls === 1) throw new (await import('errand')).ConnectionError('refused', { request });
        return new Response(new globalThis.Response('x', { status: calls === 2 ? 503 : 200 }), request, { elapsed: 0 });
      },
      async close() {},
    });
    const r = await s.get('http://retry.test/x', {
      retries: { total: 3, backoffFactor: 0, backoffJitter: 0 },
      hooks: { retry: (info) => { seen.push(`call:${info.attempt}:${info.request.url}`); } },
    });
    expect(r.statusCode).toBe(200);
    expect(r.retries).toBe(2);
    expect(seen).toEqual([
      'session:1:ConnectionError:0', 'call:1:http://retry.test/x',
      'session:2:503:0', 'call:2:http://retry.test/x',
    ]);
  });
});
