/// <reference types="node" />
// Each call (one logical request: its redirects, retries and auth replays) on Node's
// diagnostics_channel.tracingChannel('errand:request'): start and end around the synchronous part,
// asyncStart and asyncEnd once it settles, error before them when it fails. The context is a CallTrace.
//
// tracePromise runs the call inside `start.runStores()`, so a subscriber that binds an AsyncLocalStorage to
// the start channel (OpenTelemetry's context) makes its span the active one for the whole call: every hop,
// hook, auth replay and retry wait runs inside it, and undici's own instrumentation puts each hop under it.
import { tracingChannel, type TracingChannel } from 'node:diagnostics_channel';
import type { CallTrace } from '../core/adapter.ts';
import type { CallBudget } from '../core/budget.ts';
import type { PreparedRequest } from '../core/prepared-request.ts';
import type { Response } from '../core/response.ts';

/** A call as subscribers see it: its counts are read from the call's budget as it goes. */
class RequestTrace implements CallTrace {
  result?: Response;
  error?: unknown;
  // Private: a subscriber that logs the context does not walk into the budget.
  #budget: CallBudget | undefined;

  constructor(readonly request: PreparedRequest) {}

  get hops(): number { return this.#budget?.sends ?? 0; }
  get retries(): number { return this.#budget?.retries.total ?? 0; }
  get redirects(): number { return this.#budget?.redirects ?? 0; }

  observe(budget: CallBudget): void {
    this.#budget = budget;
  }
}

let channel: TracingChannel<unknown, RequestTrace> | undefined;

// TracingChannel#hasSubscribers is newer than Node 20.0 (20.13): ask the five channels themselves.
function listened(c: TracingChannel<unknown, RequestTrace>): boolean {
  return c.start.hasSubscribers || c.end.hasSubscribers || c.asyncStart.hasSubscribers || c.asyncEnd.hasSubscribers || c.error.hasSubscribers;
}

/** Runtime.traceCall for Node: with no subscriber, the call runs as it is and nothing is published. */
export function traceCall(request: PreparedRequest, call: (observe?: (budget: CallBudget) => void) => Promise<Response>): Promise<Response> {
  const c = (channel ??= tracingChannel<unknown, RequestTrace>('errand:request'));
  if (!listened(c)) return call();
  const trace = new RequestTrace(request);
  return c.tracePromise(call, trace, undefined, (budget: CallBudget) => trace.observe(budget));
}
