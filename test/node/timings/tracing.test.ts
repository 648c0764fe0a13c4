// diagnostics_channel.tracingChannel('errand:request') around each call in Node: the events and their
// order, the context (request, result or error, hops, retries), nothing published without subscribers,
// and a store bound to the channel staying active through errand's own awaits.
import { AsyncLocalStorage } from 'node:async_hooks';
import { tracingChannel } from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, onTestFinished, vi } from 'vitest';
import { ConnectionError, HTTPDigestAuth, PreparedRequest, type CallTrace } from 'errand';
import { trackedSessions } from '../tracked-sessions.ts';
import { startHopsServer, type HopsServer } from './_hops-server.ts';

const httpbin = inject('httpbinUrl');
const channel = tracingChannel<unknown, CallTrace>('errand:request');
const EVENTS = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;
const session = trackedSessions({ retries: { backoffFactor: 0, backoffJitter: 0 } });

let server: HopsServer;
beforeAll(async () => { server = await startHopsServer(); });
afterAll(() => server.close());
afterEach(() => server.reset());

interface Seen { name: string; context: CallTrace; hops: number; retries: number; redirects: number }

/** Subscribes to every event until the test ends; each event is noted with the counts it saw then. */
function listen(): Seen[] {
  const seen: Seen[] = [];
  const handlers = Object.fromEntries(EVENTS.map((name) => [name, (context: CallTrace) => {
    seen.push({ name, context, hops: context.hops, retries: context.retries, redirects: context.redirects });
  }])) as unknown as Parameters<typeof channel.subscribe>[0];
  channel.subscribe(handlers);
  onTestFinished(() => { channel.unsubscribe(handlers); });
  return seen;
}

describe('the errand:request tracing channel', () => {
  it('a call with two redirects and one retry: start, end, asyncStart, asyncEnd around it, with its counts', async () => {
    const seen = listen();
    const r = await session().get(`${server.url}/flaky`);
    expect(server.seen.map((hit) => hit.path)).toEqual(['/flaky', '/flaky', '/hop', '/final']);
    expect(seen.map((event) => event.name)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    const context = seen[0]!.context;
    // One context for the whole call: its first request, and at the end the final response.
    for (const event of seen) expect(event.context).toBe(context);
    expect(context.request).toBeInstanceOf(PreparedRequest);
    expect(context.request.url).toBe(`${server.url}/flaky`);
    expect(context.result).toBe(r);
    expect(r.history.map((hop) => hop.statusCode)).toEqual([302, 302]);
    expect(seen[0]).toMatchObject({ hops: 0, retries: 0, redirects: 0 });
    expect(seen.at(-1)).toMatchObject({ hops: 4, retries: 1, redirects: 2 });
    expect(context.error).toBeUndefined();
  });

  it('a call that fails: error before asyncStart and asyncEnd, with the error the caller gets', async () => {
    const seen = listen();
    const closed = await startHopsServer();
    await closed.close();
    const failure = await session({ retries: 0 }).get(`${closed.url}/`).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect(seen.map((event) => event.name)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(seen[2]!.context.error).toBe(failure);
    expect(seen[2]!.context.result).toBeUndefined();
    expect(seen.at(-1)).toMatchObject({ hops: 1, retries: 0 });
  });

  it('nothing is published, and no context made, without subscribers', async () => {
    const tracePromise = vi.spyOn(Object.getPrototypeOf(channel), 'tracePromise');
    try {
      expect(EVENTS.some((name) => channel[name].hasSubscribers)).toBe(false);
      const r = await session().get(`${server.url}/final`);
      expect(r.statusCode).toBe(200);
      expect(tracePromise).not.toHaveBeenCalled();
      // The same call with a subscriber is traced: the spy sees it.
      listen();
      await session().get(`${server.url}/final`);
      expect(tracePromise).toHaveBeenCalledTimes(1);
    } finally {
      tracePromise.mockRestore();
    }
  });
});

describe('a store bound to the channel lasts through the whole call', () => {
  const store = new AsyncLocalStorage<string>();
  let calls = 0;
  beforeAll(() => { channel.start.bindStore(store, () => `call ${++calls}`); });
  afterAll(() => { channel.start.unbindStore(store); });

  const pause = () => new Promise((resolve) => setTimeout(resolve, 1));
  function hooksNoting(where: string[]) {
    return {
      request: async (request: PreparedRequest) => { await pause(); where.push(`request ${store.getStore()}`); return request; },
      response: async () => { await pause(); where.push(`response ${store.getStore()}`); },
      retry: async () => { await pause(); where.push(`retry ${store.getStore()}`); },
    };
  }

  it('through hooks, a retry and its wait, and redirects; two calls at once each keep their own', async () => {
    const a: string[] = [];
    const b: string[] = [];
    server.reset();
    await Promise.all([
      session().get(`${server.url}/flaky`, { hooks: hooksNoting(a), retries: { backoffFactor: 5, backoffJitter: 0 } }),
      session().get(`${server.url}/hop`, { hooks: hooksNoting(b) }),
    ]);
    expect(a.some((entry) => entry.startsWith('retry'))).toBe(true);
    expect(a).toHaveLength(4 + 4 + 1); // a request and a response hook per hop, and the retry hook
    expect(new Set(a.map((entry) => entry.split(' ').slice(1).join(' '))).size).toBe(1);
    expect(new Set(b.map((entry) => entry.split(' ').slice(1).join(' '))).size).toBe(1);
    expect(a[0]).not.toBe(b[0]);
    expect(store.getStore()).toBeUndefined();
  });

  it('through a Digest challenge and its replay', async () => {
    const where: string[] = [];
    const r = await session().get(`${httpbin}/digest-auth/auth/user/pass`, { auth: new HTTPDigestAuth('user', 'pass'), hooks: hooksNoting(where) });
    expect(r.statusCode).toBe(200);
    expect(where.filter((entry) => entry.startsWith('response'))).toHaveLength(2);
    expect(new Set(where.map((entry) => entry.split(' ').slice(1).join(' '))).size).toBe(1);
    expect(where[0]).toMatch(/^request call \d+$/);
  });
});
