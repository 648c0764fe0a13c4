// Tracing errand with OpenTelemetry (Node): undici's instrumentation makes a span per hop, and a subscriber to
// errand's `errand:request` tracing channel makes one span per call with the hops inside it. errand has no
// OpenTelemetry dependency; this example uses the SDK with an in-memory exporter (devDependencies).
import type { AsyncLocalStorage } from 'node:async_hooks';
import { tracingChannel } from 'node:diagnostics_channel';
import { context, propagation, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { get, type CallTrace } from 'errand';

type Call = CallTrace & { span?: Span };

/**
 * One span per errand call (redirects, retries and auth replays inside it), made the active span for the
 * whole call, so undici's spans (one per hop) are its children. Returns a function that stops it.
 */
export function traceErrandCalls(tracer: Tracer, contextManager: AsyncLocalStorageContextManager): () => void {
  const calls = tracingChannel<unknown, Call>('errand:request');
  // OpenTelemetry keeps the active context in an AsyncLocalStorage it does not expose yet
  // (open-telemetry/opentelemetry-js#6088); binding it to the start channel makes the span active.
  const storage = (contextManager as unknown as { _asyncLocalStorage: AsyncLocalStorage<Context> })._asyncLocalStorage;
  calls.start.bindStore(storage, (call) => {
    call.span = tracer.startSpan(`errand ${call.request.method}`, { attributes: { 'url.full': call.request.url } });
    return trace.setSpan(context.active(), call.span);
  });
  const handlers = {
    error(call: Call) {
      call.span?.recordException(call.error as Error);
      call.span?.setStatus({ code: SpanStatusCode.ERROR });
    },
    asyncEnd(call: Call) {
      const { hops, retries, redirects, result } = call;
      call.span?.setAttributes({ 'errand.hops': hops, 'errand.retries': retries, 'errand.redirects': redirects });
      if (result) call.span?.setAttribute('http.response.status_code', result.statusCode);
      call.span?.end();
    },
  };
  calls.subscribe(handlers as unknown as Parameters<typeof calls.subscribe>[0]);
  return () => {
    calls.unsubscribe(handlers as unknown as Parameters<typeof calls.unsubscribe>[0]);
    calls.start.unbindStore(storage);
  };
}

export default async function (base: string): Promise<unknown> {
  // The SDK: spans kept in memory, the context in AsyncLocalStorage, W3C traceparent on the wire.
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const undici = new UndiciInstrumentation();
  undici.setTracerProvider(provider);
  const tracer = provider.getTracer('example');
  const stop = traceErrandCalls(tracer, contextManager);
  try {
    const r = await tracer.startActiveSpan('checkout', async (parent) => {
      try {
        return await get(`${base}/redirect/2`);
      } finally {
        parent.end();
      }
    });
    const spans = exporter.getFinishedSpans();
    const name = (id: string | undefined) => spans.find((span) => span.spanContext().spanId === id)?.name ?? null;
    return {
      status: r.statusCode,
      // Each span, with the span it is a child of.
      spans: spans.map((span) => [span.name, name(span.parentSpanContext?.spanId)]),
      call: spans.find((span) => span.name === 'errand GET')?.attributes,
      oneTrace: new Set(spans.map((span) => span.spanContext().traceId)).size === 1,
    };
  } finally {
    stop();
    undici.disable();
    context.disable();
    propagation.disable();
    await provider.shutdown();
  }
}
