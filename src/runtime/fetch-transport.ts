// What the two fetch-based server runtimes (Bun, Deno) share around FetchAdapter: trustEnv read once per
// adapter, the proxy and TLS settings of each request, the body decoded as on Node, and the failures the
// runtime reports turned into errand's errors. Each runtime says how its own fetch takes a proxy and TLS.
import type { Adapter, AdapterSendOptions } from '../core/adapter.ts';
import { RequestError } from '../core/errors.ts';
import { FetchAdapter } from '../core/fetch-adapter.ts';
import type { CertInput, VerifyInput } from '../core/options.ts';
import type { PreparedRequest } from '../core/prepared-request.ts';
import type { Response } from '../core/response.ts';
import { resolveVerify, selectProxy, type Env } from '../core/trust-env.ts';
import { decodedResponse, type RuntimeDecoding } from './fetch-decode.ts';
import { proxyFailure, routeThroughProxy, type ProxyRoute } from './fetch-proxy.ts';
import { loadTlsMaterial, type ReadText, type TlsMaterial } from './tls-material.ts';

/** Everything that decides how one request reaches its server. */
export interface Route {
  proxy: ProxyRoute | undefined;
  /** Whether the call trusts the environment (proxies, CA bundle, .netrc). */
  trustEnv: boolean;
  /** `verify` after trustEnv (a CA bundle from the environment may have replaced `true`). */
  verify: VerifyInput;
  cert: CertInput | undefined;
}

/** A runtime's failure, read: a Node-style `code` where one applies, and the status of a refused CONNECT. */
export interface Failure {
  code: string;
  status?: number | undefined;
  /** The runtime's reason, when its own message is not fit for errand's (it holds the URL, say). */
  reason?: string | undefined;
}

/**
 * The base of BunAdapter and DenoAdapter. A request goes out through `globalThis.fetch`, read at call
 * time (so msw and other interceptors see it), with `redirect: 'manual'`: errand follows redirects.
 */
export abstract class FetchTransport implements Adapter {
  /** Named in UnsupportedError messages: 'bun', 'deno'. */
  protected abstract readonly runtime: string;
  /** What the runtime's fetch decodes itself; errand undoes every other coding. */
  protected readonly decoding: RuntimeDecoding | undefined = undefined;
  // trustEnv's variables, read at the first request that needs them and kept, as the Node build does:
  // each Session (and each top-level call) has its own adapter, so it reads them afresh.
  private env: Env | undefined;
  private envRead = false;
  private readonly materials = new Map<string, Promise<TlsMaterial>>();

  /** The trustEnv variables that are set, as far as the runtime lets errand read them. */
  protected abstract readEnv(): Env | undefined;
  /** Reads a CA bundle or certificate file. */
  protected abstract readText: ReadText;
  /** Throws an UnsupportedError for what the runtime's fetch has no means for. */
  protected abstract refuse(route: Route, request: PreparedRequest): void;
  /** The runtime's own fetch options for the route: proxy and TLS. */
  protected abstract fetchInit(route: Route, material: TlsMaterial, request: PreparedRequest): object;
  /** The failure read from what the runtime's fetch threw, or the errand error its words already name. */
  protected abstract describe(error: unknown, request: PreparedRequest, route: Route): Failure | RequestError;

  async send(request: PreparedRequest, options: AdapterSendOptions): Promise<Response> {
    const env = options.trustEnv ? this.environment() : undefined;
    const proxyUrl = selectProxy(request.url, options.proxies, env);
    let proxy: ProxyRoute | undefined;
    let route: Route;
    let init: object;
    try {
      if (proxyUrl) ({ route: proxy, request } = routeThroughProxy(proxyUrl, request, this.runtime));
      route = { proxy, trustEnv: options.trustEnv, verify: resolveVerify(options.verify, env), cert: options.cert };
      this.refuse(route, request);
      const material = typeof route.verify === 'string' || route.cert !== undefined ? await this.tlsMaterial(route) : {};
      init = this.fetchInit(route, material, request);
    } catch (error) {
      if (error instanceof RequestError) error.request ??= request;
      throw error;
    }
    const sent = request;
    const viaFetch = new FetchAdapter({
      runtime: this.runtime,
      fetch: async (input, fetchOptions) => {
        let raw: globalThis.Response;
        try {
          raw = await globalThis.fetch(input, { ...fetchOptions, ...init } as RequestInit);
        } catch (error) {
          throw fetchOptions?.signal?.aborted ? error : await this.mapFailure(error, sent, route);
        }
        // A forward proxy answers a plain-http request itself; its 407 is the proxy's refusal, as on Node.
        if (proxy && raw.status === 407 && sent.url.startsWith('http:')) {
          await raw.body?.cancel();
          throw proxyFailure(proxy, sent, { code: '', status: 407, cause: undefined });
        }
        return decodedResponse(raw, this.decoding);
      },
    });
    // Proxy and TLS settings travel in `init`; FetchAdapter would refuse them. It still refuses the
    // connect and read timeouts, which neither runtime's fetch has a means for.
    return viaFetch.send(request, { ...options, proxies: {}, verify: true, cert: undefined });
  }

  /** Forgets the TLS material read so far; subclasses release their own clients too. */
  async close(): Promise<void> {
    this.materials.clear();
  }

  /** The trustEnv variables, read once (whether the call trusts them is its own business). */
  protected environment(): Env | undefined {
    if (!this.envRead) {
      this.env = this.readEnv();
      this.envRead = true;
    }
    return this.env;
  }

  /** The TLS material of a route, read once per adapter (a failed read is tried again next time). */
  private tlsMaterial(route: Route): Promise<TlsMaterial> {
    const key = JSON.stringify([route.verify, route.cert]);
    let material = this.materials.get(key);
    if (!material) {
      material = loadTlsMaterial(route.verify, route.cert, this.readText);
      this.materials.set(key, material);
      material.catch(() => { if (this.materials.get(key) === material) this.materials.delete(key); });
    }
    return material;
  }

  private async mapFailure(error: unknown, request: PreparedRequest, route: Route): Promise<unknown> {
    const failure = this.describe(error, request, route);
    if (failure instanceof RequestError) return failure;
    if (route.proxy) {
      const proxyError = proxyFailure(route.proxy, request, { ...failure, cause: error });
      if (proxyError) return proxyError;
    }
    const code = (error as { code?: unknown } | null)?.code;
    if (failure.reason === undefined && (!failure.code || code === failure.code)) return error;
    // Mapped here, as FetchAdapter maps a failure, from the code or the runtime's reason alone: core's
    // mapping quotes the innermost message of the cause chain, and Deno's holds the URL unredacted.
    const reason = failure.reason ?? String((error as Error)?.message ?? error);
    const standIn: Error & { code?: string } = new TypeError(reason);
    if (failure.code) standIn.code = failure.code;
    const mapping = await import('../core/error-mapping.ts');
    const mapped = mapping.mapSendFailure(standIn, request);
    standIn.cause = error; // the runtime's error, kept underneath once the message is made
    return mapping.lostAfterSending(standIn) ? (await import('../core/retry.ts')).markSent(mapped) : mapped;
  }
}
