import type { Adapter, AdapterSendOptions, CookieStore, Runtime } from './adapter.ts';
import { TimeoutError, TooManyRedirectsError, UnsupportedError, redactUrl } from './errors.ts';
import { runRequestHooks, runResponseHooks } from './hooks.ts';
import type { MergedOptions } from './options.ts';
import { applyAuth } from './prepare.ts';
import { nextRedirect } from './redirect.ts';
import type { PreparedRequest } from './prepared-request.ts';
import { Response } from './response.ts';
import { nextRetry, normalizeRetries, sleep } from './retry.ts';
import { checkCookie } from './wire.ts';

/** What the loop needs from its Session. */
export interface SendContext {
  runtime: Runtime;
  getAdapter(url: string): Adapter;
  cookies?: CookieStore | undefined;
}

/** The options the loop reads: everything but the body and URL inputs. */
export type LoopOptions = Omit<MergedOptions, 'params' | 'data' | 'json' | 'hasJson' | 'files' | 'headers' | 'auth' | 'cookies' | 'baseUrl' | 'hooks'>;

/**
 * THE send loop: every "send another request" decision (auth challenge, redirect, retry) is made here by
 * a pure function, and executed here. Cookies, history, hooks and the total timeout live only here.
 */
export async function sendLoop(context: SendContext, first: PreparedRequest, options: LoopOptions): Promise<Response> {
  const followsItself = context.runtime.followsRedirects;
  if (followsItself && !options.allowRedirects) {
    throw new UnsupportedError(`allowRedirects: false is not possible in ${context.runtime.name}: fetch hides the 3xx there (an opaque response), so errand lets the browser follow redirects`, { request: first });
  }
  if (followsItself && options.maxRedirects !== undefined) {
    throw new UnsupportedError(`maxRedirects cannot be enforced in ${context.runtime.name}: the browser follows redirects itself (up to 20)`, { request: first });
  }
  const maxRedirects = options.maxRedirects ?? 30;
  const retry = normalizeRetries(options.retries);
  const call = startCall(options, () => request);
  const history: Response[] = [];
  let request = first;
  let attempt = 0;
  try {
    for (;;) {
      if (request.hooks.request.length) request = await runRequestHooks(request.hooks.request, request);
      // credentials: 'omit' means no cookies, as in fetch: the jar is neither read nor filled.
      const jar = options.credentials === 'omit' ? undefined : context.cookies;
      if (jar?.ready) await jar.ready();
      const cookieSetHere = setCookieHeader(request, jar);
      const adapterOptions = toAdapterOptions(options, call.signal, followsItself);
      let outcome: Response | unknown;
      try {
        outcome = await context.getAdapter(request.url).send(request, adapterOptions);
      } catch (error) {
        if (call.signal?.aborted) throw call.signal.reason;
        outcome = error;
      }
      if (outcome instanceof Response) {
        if (jar) {
          const setCookies = outcome.headers.getSetCookie?.() ?? [];
          if (setCookies.length && jar.ready) await jar.ready(true);
          outcome.cookies = jar.storeFrom(outcome.url, setCookies);
        }
        if (request.hooks.response.length) outcome = await runResponseHooks(request.hooks.response, outcome, { request, history });
      }
      const retryStep = nextRetry(retry, request, outcome, attempt);
      if (retryStep) {
        attempt++;
        const info = outcome instanceof Response ? { response: outcome } : { error: outcome };
        for (const hook of request.hooks.retry) await hook({ attempt, request, delay: retryStep.delay, ...info });
        if (outcome instanceof Response) await outcome.close();
        await sleep(retryStep.delay, call.signal);
        continue;
      }
      if (!(outcome instanceof Response)) throw outcome;
      const response = outcome;
      const replay = request.auth ? await request.auth.challenge(response, request) : undefined;
      let redirect: PreparedRequest | undefined;
      try {
        redirect = replay ? undefined : nextRedirect(request, response, options.sensitiveHeaders);
      } catch (error) {
        if (options.allowRedirects) throw error; // an unusable Location matters only when following it
      }
      if (replay || (redirect && options.allowRedirects)) {
        if (redirect && history.filter((r) => r.isRedirect).length >= maxRedirects) {
          response.history = [...history];
          throw new TooManyRedirectsError(`Exceeded ${maxRedirects} redirects, last at ${redactUrl(response.url)}`, { response });
        }
        response.retries = attempt;
        history.push(response);
        await response.close();
        const next = (replay ?? redirect)!;
        // The jar may have changed (a 401 can set cookies): recompute the header we set.
        if (replay && cookieSetHere) next.headers.delete('cookie');
        request = next.auth && redirect ? await applyAuth(next) : next;
        attempt = 0;
        continue;
      }
      response.next = redirect;
      response.history = history;
      response.retries = attempt;
      if (!options.stream) await response.read();
      return response;
    }
  } catch (error) {
    throw call.signal?.aborted ? call.signal.reason : error;
  } finally {
    call.done(options.stream);
  }
}

// The Cookie header is computed here for every hop: the jar's cookies for this URL, overridden by
// name by the call's own cookies (a null one suppresses the jar's). An explicit Cookie header wins.
function setCookieHeader(request: PreparedRequest, jar: CookieStore | undefined): boolean {
  if (request.headers.has('cookie')) return false;
  const own = request.cookies;
  const pairs = (jar?.cookiesFor(request.url) ?? []).filter(([name]) => !(name in own));
  for (const [name, value] of Object.entries(own)) if (value !== null) pairs.push([name, value]);
  // RFC 6265 §4.1.1, checked by core/wire.ts so no error quotes a cookie value.
  for (const [name, value] of pairs) checkCookie(name, value, { request });
  if (pairs.length) request.headers.set('Cookie', pairs.map(([name, value]) => `${name}=${value}`).join('; '));
  return pairs.length > 0;
}

function toAdapterOptions(options: LoopOptions, signal: AbortSignal | undefined, followsItself: boolean): AdapterSendOptions {
  return {
    signal, redirect: followsItself ? 'follow' : 'manual', timeout: options.timeout, proxies: options.proxies,
    verify: options.verify, cert: options.cert, trustEnv: options.trustEnv, credentials: options.credentials,
    onUploadProgress: options.onUploadProgress, onDownloadProgress: options.onDownloadProgress,
  };
}

/**
 * One signal per call: the user's signal and the total timeout. The timeout's error names the request
 * in flight when it fired. `done` clears the timer on every path; with `stream` the user's signal
 * stays linked so it can still stop the body. With no timeout the user's own signal (or none) is used
 * as it is: an AbortController per call is a measurable share of a request's own work.
 */
function startCall(options: LoopOptions, current: () => PreparedRequest): { signal: AbortSignal | undefined; done(stream: boolean): void } {
  const user = options.signal ?? undefined;
  const total = options.timeout.total;
  if (total === undefined) return { signal: user, done() {} };
  const controller = new AbortController();
  const onAbort = () => controller.abort(user!.reason);
  if (user?.aborted) controller.abort(user.reason);
  else user?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    const request = current();
    controller.abort(new TimeoutError(`${request.method} ${redactUrl(request.url)} did not complete within the total timeout of ${total} ms`, { request }));
  }, total);
  return {
    signal: controller.signal,
    done(stream: boolean) {
      clearTimeout(timer);
      if (!stream || controller.signal.aborted) user?.removeEventListener('abort', onAbort);
    },
  };
}
