import type { Adapter, AdapterSendOptions, CookieStore, Runtime } from './adapter.ts';
import type { HopSteps } from './hops.ts';
import { CallBudget, DEFAULT_RETRIES } from './budget.ts';
import type { SessionCache } from './cache/hook.ts';
import { RequestError, TimeoutError, redactUrl } from './errors.ts';
import { runRequestHooks, runResponseHooks } from './hooks.ts';
import type { MergedOptions } from './options.ts';
import { applyAuth } from './prepare.ts';
import type { PreparedRequest } from './prepared-request.ts';
import { Response, onBodySettled } from './response.ts';
import { checkHeaderLines } from './wire.ts';

// The retry engine (./retry.ts) is loaded when a call first needs it: a `retries` option, or an outcome
// the policy may retry (a failure, a status of its force list). A plain call that succeeds never loads it.
let retryEngine: typeof import('./retry.ts') | undefined;
const loadRetry = async () => (retryEngine ??= await import('./retry.ts'));

/** What the loop needs from its Session. */
export interface SendContext {
  runtime: Runtime;
  getAdapter(url: string): Adapter;
  cookies?: CookieStore | undefined;
  /** The Session's HTTP cache, when it has one: each hop goes through it. */
  cache?: SessionCache | undefined;
}

/** The options the loop reads: everything but the body and URL inputs. */
export type LoopOptions = Omit<MergedOptions, 'params' | 'data' | 'json' | 'hasJson' | 'files' | 'headers' | 'auth' | 'cookies' | 'baseUrl' | 'hooks'>;

/** One call, inside the runtime's tracing when it has some (Runtime.traceCall). */
export function sendLoop(context: SendContext, first: PreparedRequest, options: LoopOptions): Promise<Response> {
  const traceCall = context.runtime.traceCall;
  return traceCall ? traceCall(first, (observe) => runLoop(context, first, options, observe)) : runLoop(context, first, options, undefined);
}

/**
 * THE send loop: every "send another request" decision (auth challenge, redirect, retry) is made here by
 * a pure function, drawn from the call's budget, and executed here. Cookies, history, hooks and the total
 * timeout live only here.
 */
async function runLoop(context: SendContext, first: PreparedRequest, options: LoopOptions,
  observe: ((budget: CallBudget) => void) | undefined): Promise<Response> {
  // Where the runtime gives no hop steps, the platform follows redirects and keeps cookies (the browser).
  const hops = context.runtime.hops;
  const followsItself = !hops;
  // The refusal's text loads with it (./refusals.ts).
  if (followsItself && (!options.allowRedirects || options.maxRedirects !== undefined)) {
    throw (await import('./refusals.ts')).redirectsRefused(context.runtime.name, !options.allowRedirects, first);
  }
  // A cached hop may send once more: a 304 that matches nothing stored is asked again unconditionally.
  const policy = options.retries === undefined ? DEFAULT_RETRIES : (await loadRetry()).normalizeRetries(options.retries);
  const budget = new CallBudget(policy, options.maxRedirects ?? 30, context.cache ? 1 : 0);
  observe?.(budget);
  const call = startCall(options, () => request);
  const history: Response[] = [];
  let request = first;
  let hopRetries = 0;
  // After a redirect that stripped credentials, cookies set for any host stop too (see HopSteps.setCookieHeader).
  let stripped = false;
  let response: Response | undefined;
  try {
    for (;;) {
      budget.send(request);
      if (request.hooks.request.length) request = await runRequestHooks(request.hooks.request, request);
      const jar = cookieJar(context, options);
      if (hops && jar?.ready) await jar.ready();
      const cookieSetHere = hops?.setCookieHeader(request, jar, !stripped);
      // Hooks, auth and hand-set headers did not pass the options' check: nothing unchecked reaches the wire.
      checkHeaderLines(request.headers, { request });
      const outcome = await sendHop(context, request, options, call.signal, budget, history);
      // A response from the cache is an answer: it is not retried, nor answered with credentials (Digest).
      const cached = isFromCache(outcome);
      const mayRetry = !cached && (!(outcome instanceof Response) || budget.retry.statusForcelist.includes(outcome.statusCode));
      const retry = mayRetry ? await loadRetry() : undefined;
      const retryStep = retry?.nextRetry(budget.retry, request, outcome, budget.retries);
      if (retryStep) {
        budget.retried(retryStep.kind);
        hopRetries++;
        const info = outcome instanceof Response ? { response: outcome } : { error: outcome };
        for (const hook of request.hooks.retry) await hook({ attempt: budget.retries.total, request, delay: retryStep.delay, ...info });
        if (outcome instanceof Response) await outcome.close();
        await retry!.sleep(retryStep.delay, call.signal);
        continue;
      }
      if (!(outcome instanceof Response)) throw withAttempts(outcome, budget.retries.total);
      response = outcome;
      response.retries = hopRetries;
      // requests gives each hop the hops before it (never itself).
      response.history = [...history];
      const next = await nextStep(hops, request, response, options, budget, cached);
      if (!next) break;
      history.push(response);
      await response.close();
      response = undefined;
      hopRetries = 0;
      // The jar may have changed (a 401 can set cookies): recompute the header we set.
      if (next.replay && cookieSetHere) next.request.headers.delete('cookie');
      if (!next.replay && hops!.shouldStripAuth(request.url, next.request.url)) stripped = true;
      request = next.request.auth && !next.replay ? await applyAuth(next.request) : next.request;
    }
    if (!options.stream) await response.read();
    else call.keepFor(response);
    return response;
  } catch (error) {
    // Whatever ended the call, the response it was looking at is released now, not at session.close().
    await response?.close();
    throw call.signal?.aborted ? call.signal.reason : error;
  } finally {
    call.done();
  }
}

/**
 * One hop: through the Session's cache when it has one (which may answer without the network), else the
 * network; then the response hooks. A failure is returned, not thrown.
 */
async function sendHop(context: SendContext, request: PreparedRequest, options: LoopOptions, signal: AbortSignal | undefined,
  budget: CallBudget, history: readonly Response[]): Promise<Response | unknown> {
  let outcome: Response | unknown;
  if (context.cache) {
    let sends = 0;
    outcome = await context.cache.send({
      request, mode: options.cache ?? 'default', stream: options.stream, signal,
      // The loop counted this hop's first request; any other one the cache sends is drawn here.
      network: (sent) => {
        if (sends++ > 0) budget.send(sent);
        // A revalidation is a copy with validators from the store (a user's store too): they pass the same
        // check. The hop's own request passed it in the loop already.
        if (sent !== request) checkHeaderLines(sent.headers, { request: sent });
        return sendNetwork(context, sent, options, signal);
      },
      // stale-while-revalidate: a call of its own (its own budget), revalidating, ended by session.close().
      refresh: (sent, ended) => sendLoop(context, sent, { ...options, cache: 'no-cache', stream: false, signal: ended, onDownloadProgress: undefined, onUploadProgress: undefined }),
    });
  } else if (options.cache === 'only-if-cached' && !context.runtime.httpCache) {
    // fetch's only-if-cached with nothing cached: a 504 (DESIGN.md), never the network.
    outcome = new Response(new globalThis.Response(null, { status: 504, statusText: 'Gateway Timeout' }), request, { elapsed: 0 });
  } else {
    outcome = await sendNetwork(context, request, options, signal);
  }
  if (!(outcome instanceof Response)) return outcome;
  return request.hooks.response.length ? runResponseHooks(request.hooks.response, outcome, { request, history }) : outcome;
}

/** One request to the network: the adapter, then the response's Set-Cookie into the jar. */
async function sendNetwork(context: SendContext, request: PreparedRequest, options: LoopOptions, signal: AbortSignal | undefined): Promise<Response | unknown> {
  let outcome: Response;
  try {
    outcome = await context.getAdapter(request.url).send(request, toAdapterOptions(options, signal, context));
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    return error;
  }
  const jar = cookieJar(context, options);
  if (jar) await context.runtime.hops?.storeCookies(outcome, jar);
  return outcome;
}

/** The call's cookie jar: none with credentials: 'omit' (as in fetch: the jar is neither read nor filled). */
function cookieJar(context: SendContext, options: LoopOptions): CookieStore | undefined {
  return options.credentials === 'omit' ? undefined : context.cookies;
}

function isFromCache(outcome: unknown): boolean {
  const status = outcome instanceof Response ? outcome.cacheStatus : undefined;
  return status === 'hit' || status === 'stale' || status === 'revalidated';
}

/**
 * What follows a final response, drawn from the budget: an auth replay (at most AUTH_REPLAYS_PER_HOP per
 * hop), else a redirect (up to maxRedirects), else nothing: the response is the answer.
 */
async function nextStep(hops: HopSteps | undefined, request: PreparedRequest, response: Response, options: LoopOptions,
  budget: CallBudget, cached: boolean): Promise<{ request: PreparedRequest; replay: boolean } | undefined> {
  const replay = request.auth && !cached ? await request.auth.challenge(response, request) : undefined;
  if (replay && budget.authReplay()) return { request: replay, replay: true };
  if (replay) return undefined; // the hop's challenges are spent: the 401 is the answer
  if (!hops) return undefined; // the platform followed the redirects
  let redirect: PreparedRequest | undefined;
  try {
    redirect = hops.nextRedirect(request, response, options.sensitiveHeaders);
  } catch (error) {
    if (options.allowRedirects) throw error; // an unusable Location matters only when following it
  }
  if (!redirect || !options.allowRedirects) {
    response.next = redirect;
    return undefined;
  }
  budget.redirect(response);
  return { request: redirect, replay: false };
}

/** Says in the message how many attempts a failure took, when there was more than one. */
function withAttempts(error: unknown, retries: number): unknown {
  if (retries > 0 && error instanceof RequestError) error.message += ` (${retries + 1} attempts)`;
  return error;
}

function toAdapterOptions(options: LoopOptions, signal: AbortSignal | undefined, context: SendContext): AdapterSendOptions {
  const sent: AdapterSendOptions = {
    signal, redirect: context.runtime.hops ? 'manual' : 'follow', timeout: options.timeout, proxies: options.proxies,
    verify: options.verify, cert: options.cert, trustEnv: options.trustEnv, credentials: options.credentials,
    onUploadProgress: options.onUploadProgress, onDownloadProgress: options.onDownloadProgress,
  };
  // The browser's own HTTP cache: the call's mode without errand's cache; skipped under it, so a response
  // is never cached twice and cacheStatus says what the network did.
  if (context.runtime.httpCache && (context.cache || options.cache)) sent.cache = context.cache ? 'no-store' : options.cache;
  return sent;
}

/**
 * One signal per call: the user's signal and the total timeout. The timeout's error names the request
 * in flight when it fired. `done` clears the timer on every path, unless `keepFor` handed it to a streamed
 * body: the total deadline covers reading it too, until it is read, fails or is closed. With no timeout
 * the user's own signal (or none) is used as it is: an AbortController per call is a measurable share of
 * a request's own work.
 */
function startCall(options: LoopOptions, current: () => PreparedRequest): { signal: AbortSignal | undefined; keepFor(response: Response): void; done(): void } {
  const user = options.signal ?? undefined;
  const total = options.timeout.total;
  if (total === undefined) return { signal: user, keepFor() {}, done() {} };
  const controller = new AbortController();
  const onAbort = () => controller.abort(user!.reason);
  if (user?.aborted) controller.abort(user.reason);
  else user?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    const request = current();
    controller.abort(new TimeoutError(`${request.method} ${redactUrl(request.url)} did not complete within the total timeout of ${total} ms`, { request }));
  }, total);
  const release = () => {
    clearTimeout(timer);
    user?.removeEventListener('abort', onAbort);
  };
  let kept = false;
  return {
    signal: controller.signal,
    keepFor(response) {
      kept = true;
      // A body nobody reads must not hold the process open until the deadline.
      (timer as { unref?: () => void }).unref?.();
      onBodySettled(response, release);
    },
    done() {
      if (!kept) release();
    },
  };
}
