// The Bun transport: Bun's fetch with its own `proxy` and `tls` options, asked not to decode bodies
// (`decompress: false`) so that errand decodes them as the Node build does and a corrupt body is a
// ContentDecodingError. (Bun's built-in `undici` shadows the npm package, so nothing here uses it.)
import { SSLError, UnsupportedError, redactUrl, type RequestError } from '../core/errors.ts';
import type { PreparedRequest } from '../core/prepared-request.ts';
import { readTrustEnv, type Env } from '../core/trust-env.ts';
import { FetchTransport, type Failure, type Route } from './fetch-transport.ts';
import type { TlsMaterial } from './tls-material.ts';

/** What Bun's fetch takes beyond the standard init (bun-types `BunFetchRequestInit`). */
interface BunFetchInit {
  proxy?: string | { url: string; headers?: Record<string, string> } | false;
  tls?: { rejectUnauthorized: boolean; ca?: string; cert?: string; key?: string };
  decompress?: boolean;
}

interface BunApi {
  env: Record<string, string | undefined>;
  file(path: string): { text(): Promise<string> };
}

const bun = (): BunApi => (globalThis as unknown as { Bun: BunApi }).Bun;

/**
 * The Bun transport (the default in Bun): HTTP and HTTPS proxies, `verify`, `cert` and keep-alive
 * pools through Bun's fetch, bounded-memory streamed uploads. SOCKS proxies and connect/read timeouts
 * are refused with an UnsupportedError: Bun's fetch has no means for them.
 * @example s.mount('https://', new BunAdapter());
 */
export class BunAdapter extends FetchTransport {
  protected readonly runtime = 'bun';

  protected readEnv(): Env | undefined {
    return readTrustEnv((name) => bun().env[name]);
  }

  protected readText = (path: string): Promise<string> => bun().file(path).text();

  protected refuse(route: Route, request: PreparedRequest): void {
    if (route.proxy?.scheme === 'socks5') {
      throw new UnsupportedError(`proxies: the SOCKS proxy ${redactUrl(route.proxy.given)} cannot be used from bun: Bun's fetch speaks only to HTTP and HTTPS proxies`, { request });
    }
  }

  protected fetchInit(route: Route, material: TlsMaterial): BunFetchInit {
    const { proxy } = route;
    // Bun's fetch would otherwise pick a proxy from HTTP_PROXY itself, trustEnv or not, by its own
    // NO_PROXY rules: errand decides, and `false` tells Bun to go direct.
    const init: BunFetchInit = { decompress: false, proxy: false };
    if (proxy) init.proxy = proxy.authorization === undefined ? proxy.url : { url: proxy.url, headers: { 'Proxy-Authorization': proxy.authorization } };
    // Bun keys its keep-alive pool by these options, so a verify: false connection is never reused
    // for a verified request (requests' CVE-2024-35195).
    if (route.verify !== true || material.cert !== undefined) init.tls = { rejectUnauthorized: route.verify !== false, ...material };
    return init;
  }

  protected describe(error: unknown, request: PreparedRequest): Failure | RequestError {
    const code = String((error as { code?: unknown } | null)?.code ?? '');
    if (code === 'ERR_PROXY_TUNNEL') {
      const status = /\b([1-5]\d\d)\b/.exec((error as Error).message)?.[1];
      return { code, status: status === undefined ? 0 : Number(status) };
    }
    // Bun names a failed handshake EPROTO, whatever the alert (a missing client certificate, say).
    if (code === 'EPROTO' && request.url.startsWith('https:')) {
      return new SSLError(`TLS failed for ${redactUrl(request.url)}: the TLS handshake failed (a client certificate may be required) (EPROTO)`, { request, cause: error });
    }
    return { code };
  }
}
