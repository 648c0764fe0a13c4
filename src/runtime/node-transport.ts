/// <reference types="node" />
// The Node transport: undici's Dispatcher API, or the global fetch when a test tool has replaced it.
import type { Dispatcher } from 'undici';
import type { Adapter, AdapterSendOptions } from '../core/adapter.ts';
import { isDecodingFailure, mapBodyError } from '../core/error-mapping.ts';
import { FetchAdapter } from '../core/fetch-adapter.ts';
import type { PreparedRequest } from '../core/prepared-request.ts';
import { Response, type PlatformBody } from '../core/response.ts';
import type { HopMarks } from '../core/timings.ts';
import { resolveVerify, selectProxy, type Env } from '../core/trust-env.ts';
import { decodedSource, isDecodingError } from './node-body.ts';
import { dispatchRequest, type DispatchedResponse } from './node-dispatch.ts';
import { mapTransportError, type FailureContext } from './node-errors.ts';
import { callReplacedFetch, replacedFetch } from './node-intercept.ts';
import { DispatcherPools, type PoolSettings } from './node-pool.ts';
import { toUploadBody } from './node-upload.ts';

type FetchResponse = globalThis.Response;

/** Options of an UndiciAdapter. */
export interface UndiciAdapterOptions {
  /**
   * `true` (default): when `globalThis.fetch` is no longer Node's own (msw, nock, fetch-mock,
   * `vi.stubGlobal`), send through it so the interceptor sees every request; `false`: always use
   * undici's Dispatcher directly (faster, uploads in bounded memory, invisible to fetch interceptors).
   */
  followPatchedFetch?: boolean;
}

// Only these variables matter to trustEnv here; reading them by name costs ~1 µs, where copying
// process.env costs ~25 µs per request.
const TRUST_ENV_NAMES = ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'REQUEST_METHOD'];

const TRUST_ENV_VARIANTS = TRUST_ENV_NAMES.flatMap((name) => (name.endsWith('_proxy') ? [name, name.toUpperCase()] : [name]));

/** The trustEnv variables that are set, or undefined when none is (the common case: nothing to resolve). */
function trustEnvVariables(): Env | undefined {
  let env: Record<string, string> | undefined;
  for (const name of TRUST_ENV_VARIANTS) {
    const value = process.env[name];
    if (value !== undefined) (env ??= {})[name] = value;
  }
  return env;
}

function hasKeys(record: object): boolean {
  for (const _ in record) return true;
  return false;
}

/**
 * The Node transport over undici (proxies, `verify`, `cert`, connect/read timeouts, keep-alive pools,
 * bounded-memory uploads). It is the default in Node; mount it explicitly to use it elsewhere.
 * @example s.mount('https://', new UndiciAdapter({ followPatchedFetch: false }));
 */
export class UndiciAdapter implements Adapter {
  private readonly pools = new DispatcherPools();
  private readonly followPatchedFetch: boolean;
  // trustEnv's variables, read at the first request that trusts the environment and kept (as httpx's
  // Client does): reading them cold is ~10 us, a twentieth of a sequential request. A Session creates
  // its own adapter, so each Session, and each top-level call, reads the environment afresh.
  private env: Env | undefined;
  private envRead = false;

  constructor(options: UndiciAdapterOptions = {}) {
    this.followPatchedFetch = options.followPatchedFetch ?? true;
  }

  async send(request: PreparedRequest, options: AdapterSendOptions): Promise<Response> {
    const settings = this.poolSettings(request, options);
    if (settings.proxyAuthorization !== undefined) {
      // Proxy credentials go to the proxy (CONNECT or forward), never to the origin; without a proxy
      // the header is sent as any other, as requests does.
      request = request.copy();
      request.headers.delete('proxy-authorization');
    }
    const failure = { request, signal: options.signal, proxy: settings.proxy };
    let dispatcher;
    try {
      dispatcher = await this.pools.get(settings);
    } catch (error) {
      throw mapTransportError(error, failure);
    }
    const patched = this.followPatchedFetch ? replacedFetch() : undefined;
    if (patched) {
      const viaFetch = new FetchAdapter({
        runtime: 'node',
        fetch: (input, init) => callReplacedFetch(patched, input, { ...init, dispatcher } as RequestInit).catch((error) => { throw mapTransportError(error, failure); }),
      });
      // The dispatcher carries proxy, TLS and connect/read timeouts; FetchAdapter would refuse them.
      const total = options.timeout.total;
      return viaFetch.send(request, { ...options, proxies: {}, verify: true, cert: undefined, timeout: total === undefined ? {} : { total } });
    }
    return this.sendWithDispatcher(request, options, dispatcher, failure);
  }

  /** Closes every pool this adapter opened. */
  async close(): Promise<void> {
    await this.pools.close();
  }

  private poolSettings(request: PreparedRequest, options: AdapterSendOptions): PoolSettings {
    if (options.trustEnv && !this.envRead) {
      this.env = trustEnvVariables();
      this.envRead = true;
    }
    const env = options.trustEnv ? this.env : undefined;
    const proxied = hasKeys(options.proxies) || (env !== undefined && Object.keys(env).some((name) => name.endsWith('_proxy') || name.endsWith('_PROXY')));
    const proxy = proxied ? selectProxy(request.url, options.proxies, env) : undefined;
    return {
      proxy,
      proxyAuthorization: proxy ? request.headers.get('proxy-authorization') ?? undefined : undefined,
      verify: resolveVerify(options.verify, env),
      cert: options.cert,
      connect: options.timeout.connect,
      read: options.timeout.read,
    };
  }

  private async sendWithDispatcher(request: PreparedRequest, options: AdapterSendOptions, dispatcher: Dispatcher,
    failure: FailureContext): Promise<Response> {
    const url = new URL(request.url);
    const upload = toUploadBody(request.body, request.headers, options.onUploadProgress);
    const sent: Record<string, string> = Object.create(null); // a header may be named __proto__
    for (const [name, value] of request.headers) sent[name] = value;
    if (upload.contentLength !== undefined) sent['content-length'] = String(upload.contentLength);
    if (upload.contentType !== undefined) sent['content-type'] = upload.contentType;
    const read = options.timeout.read ?? 0;
    const marks: HopMarks = { start: performance.now() };
    let dispatched: DispatchedResponse;
    try {
      dispatched = await dispatchRequest(dispatcher, {
        origin: url.origin, path: url.pathname + url.search, method: request.method, headers: sent, body: (upload.body ?? null) as NonNullable<Dispatcher.DispatchOptions['body']> | null,
        headersTimeout: read, bodyTimeout: read,
      }, options.signal, marks);
    } catch (error) {
      throw mapTransportError(error, failure);
    }
    const signal = options.signal;
    const { status, statusText, headers, body } = dispatched;
    const platform = (content: PlatformBody) => platformResponse(status, statusText, headers, content as BodyInit | null);
    return new Response({ status, statusText, headers, body: body && decodedSource(body, headers.get('content-encoding')), platform }, request, {
      elapsed: marks.response! - marks.start,
      marks,
      onDownloadProgress: options.onDownloadProgress,
      // Errors of errand's own decoders are known by identity (node-body.ts), others by code or message.
      mapBodyError: (error, response) => mapBodyError(error, response, signal, (e) => isDecodingError(e) || isDecodingFailure(e)),
    });
  }
}

/** A platform Response that keeps any status and reason a server sent (the constructor allows only 200–599 and token-like reasons). */
function platformResponse(status: number, statusText: string, headers: Headers, body: BodyInit | null): FetchResponse {
  const fits = status >= 200 && status <= 599;
  let raw: FetchResponse;
  try {
    raw = new globalThis.Response(body, { status: fits ? status : 200, statusText, headers });
  } catch {
    raw = new globalThis.Response(body, { status: fits ? status : 200, headers });
  }
  if (!fits) Object.defineProperty(raw, 'status', { value: status });
  return raw;
}
