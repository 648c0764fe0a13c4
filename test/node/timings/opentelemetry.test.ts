// OpenTelemetry in Node, with the SDK, an in-memory exporter and @opentelemetry/instrumentation-undici:
// the hops of one call (a retry, redirects, a Digest replay, hooks that await) share the caller's trace and
// parent span, the traceparent each hop carries belongs to that trace, and a subscriber to errand:request
// (examples/tracing-opentelemetry.ts) makes one span per call with the hops inside it.
import { context, propagation, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { HTTPDigestAuth, type PreparedRequest, type Response } from 'errand';
import { traceErrandCalls } from '../../../examples/tracing-opentelemetry.ts';
import { trackedSessions } from '../tracked-sessions.ts';
import { startHopsServer, type HopsServer } from './_hops-server.ts';

const httpbin = inject('httpbinUrl');
const session = trackedSessions({ retries: { backoffFactor: 5, backoffJitter: 0 } });
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();
let undici: UndiciInstrumentation;
const tracer = provider.getTracer('errand-test');

let server: HopsServer;
beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  undici = new UndiciInstrumentation(); // enabled at once
  undici.setTracerProvider(provider);
  server = await startHopsServer();
});
afterAll(async () => {
  undici.disable();
  context.disable();
  propagation.disable();
  await Promise.all([provider.shutdown(), server.close()]);
});
afterEach(() => {
  exporter.reset();
  server.reset();
});

/** Runs `call` inside an active span `caller`; returns its result and that span. */
async function underCaller<T>(call: () => Promise<T>): Promise<{ result: T; caller: Span }> {
  return tracer.startActiveSpan('caller', async (caller) => {
    try {
      return { result: await call(), caller };
    } finally {
      caller.end();
    }
  });
}

const hopSpans = () => exporter.getFinishedSpans().filter((span) => span.instrumentationScope.name.includes('undici'));
const ids = (span: Span | ReadableSpan) => span.spanContext();
const pause = () => new Promise((resolve) => setTimeout(resolve, 1));
// Hooks that await, as real ones do (a token refresh, a log write).
const awaitingHooks = {
  request: async (request: PreparedRequest) => { await pause(); return request; },
  response: async (response: Response) => { await pause(); return response; },
  retry: async () => { await pause(); },
};

describe('OpenTelemetry undici instrumentation sees every hop of a call under the caller', () => {
  it('a retry (and its wait) and two redirects, with hooks that await: four hops, one trace, one parent', async () => {
    const { result: r, caller } = await underCaller(() => session().get(`${server.url}/flaky`, { hooks: awaitingHooks }));
    expect([r.retries, r.history.length]).toEqual([0, 2]);
    const hops = hopSpans();
    expect(hops).toHaveLength(4);
    for (const hop of hops) {
      expect(ids(hop).traceId).toBe(ids(caller).traceId);
      expect(hop.parentSpanContext?.spanId).toBe(ids(caller).spanId);
    }
    // The traceparent each request carried: the caller's trace, and that hop's own span as parent.
    expect(server.seen.map((hit) => hit.path)).toEqual(['/flaky', '/flaky', '/hop', '/final']);
    const sent = server.seen.map((hit) => hit.traceparent?.split('-'));
    for (const parts of sent) expect(parts?.[1]).toBe(ids(caller).traceId);
    expect(new Set(sent.map((parts) => parts?.[2]))).toEqual(new Set(hops.map((hop) => ids(hop).spanId)));
  });

  it('a Digest challenge and its replay: both hops under the caller', async () => {
    const { result: r, caller } = await underCaller(() => session().get(`${httpbin}/digest-auth/auth/user/pass`, { auth: new HTTPDigestAuth('user', 'pass'), hooks: awaitingHooks }));
    expect(r.statusCode).toBe(200);
    const hops = hopSpans();
    expect(hops.map((hop) => hop.attributes['http.response.status_code'])).toEqual([401, 200]);
    for (const hop of hops) expect(hop.parentSpanContext?.spanId).toBe(ids(caller).spanId);
  });
});

describe('a subscriber to errand:request makes one span per call with the hops inside', () => {
  let stop: () => void;
  beforeAll(() => { stop = traceErrandCalls(tracer, contextManager); });
  afterAll(() => stop());

  it('the call span is the caller\'s child and the parent of each hop; its counts are the call\'s', async () => {
    const { caller } = await underCaller(() => session().get(`${server.url}/flaky`, { hooks: awaitingHooks }));
    const call = exporter.getFinishedSpans().find((span) => span.name === 'errand GET')!;
    expect(call.parentSpanContext?.spanId).toBe(ids(caller).spanId);
    expect(call.attributes).toMatchObject({ 'errand.hops': 4, 'errand.retries': 1, 'errand.redirects': 2, 'http.response.status_code': 200 });
    const hops = hopSpans();
    expect(hops).toHaveLength(4);
    for (const hop of hops) {
      expect(ids(hop).traceId).toBe(ids(caller).traceId);
      expect(hop.parentSpanContext?.spanId).toBe(ids(call).spanId);
    }
    for (const hit of server.seen) expect(hit.traceparent?.split('-')[1]).toBe(ids(caller).traceId);
  });

  it('two calls at once: each hop under its own call', async () => {
    await underCaller(() => Promise.all([session().get(`${server.url}/hop`), session().get(`${server.url}/final`)]));
    const calls = exporter.getFinishedSpans().filter((span) => span.name === 'errand GET');
    expect(calls).toHaveLength(2);
    const hopsOf = (call: ReadableSpan) => hopSpans().filter((hop) => hop.parentSpanContext?.spanId === ids(call).spanId).length;
    expect(calls.map(hopsOf).sort()).toEqual([1, 2]);
  });

  it('a failed call: the span records the error', async () => {
    const closed = await startHopsServer();
    await closed.close();
    await underCaller(() => session({ retries: 0 }).get(`${closed.url}/`).catch(() => undefined));
    const call = exporter.getFinishedSpans().find((span) => span.name === 'errand GET')!;
    expect(call.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(call.events.map((event) => event.name)).toContain('exception');
  });
});
