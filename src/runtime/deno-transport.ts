// The Deno transport: Deno's fetch with a `client` from Deno.createHttpClient for proxies, a CA bundle
// and client certificates, one client (its own connection pool) per set of settings, closed by close().
import { innermostMessage } from '../core/error-mapping.ts';
import { ProxyError, SSLError, UnsupportedError, redactUrl, type RequestError } from '../core/errors.ts';
import type { PreparedRequest } from '../core/prepared-request.ts';
import { selectProxy, type Env } from '../core/trust-env.ts';
import { deno, readDenoTrustEnv, readPermittedText, type DenoHttpClient, type DenoHttpClientOptions } from './deno-env.ts';
import type { RuntimeDecoding } from './fetch-decode.ts';
import { FetchTransport, type Failure, type Route } from './fetch-transport.ts';
import type { TlsMaterial } from './tls-material.ts';

// Deno's fetch decodes a lone gzip or br body itself (and keeps the Content-Encoding header); its
// decoder's failures surface as a TypeError whose message names the format.
const RUNTIME_DECODED = /^\s*(gzip|br)\s*$/i;
const DECODER_FAILURE = /gzip|deflate|brotli|decompress|unexpected end of file|unexpected EOF|invalid data/i;

const denoDecoding: RuntimeDecoding = {
  decodes: (contentEncoding) => RUNTIME_DECODED.test(contentEncoding),
  isDecodingError: (error) => DECODER_FAILURE.test(String((error as Error)?.message)),
};

// Deno's fetch errors carry no code, only the words of hyper, rustls and the OS: the code each names.
const CONNECTION_CODES: [RegExp, string][] = [
  [/Connection refused/i, 'ECONNREFUSED'],
  // hyper: the server closed the connection after the request was written
  [/Connection reset|connection closed before message completed|broken pipe/i, 'ECONNRESET'],
  [/dns error|failed to lookup address|Name or service not known/i, 'ENOTFOUND'],
  [/timed out/i, 'ETIMEDOUT'],
  [/Network is unreachable/i, 'ENETUNREACH'],
  [/No route to host/i, 'EHOSTUNREACH'],
];

// rustls's certificate errors and TLS alerts, in words a user can act on.
const TLS_REASONS: [RegExp, string][] = [
  [/invalid peer certificate: Expired/i, 'the certificate has expired'],
  [/invalid peer certificate: NotValidYet/i, 'the certificate is not valid yet'],
  [/invalid peer certificate: UnknownIssuer/i, 'the certificate is signed by an unknown CA (or is self-signed)'],
  [/not valid for name|NotValidForName/i, 'hostname mismatch: the certificate is not valid for this host'],
  [/alert: CertificateRequired/i, 'the server requires a client certificate (the cert option)'],
  [/alert: (BadCertificate|UnknownCA|DecryptError)/i, 'the server rejected the client certificate'],
  [/invalid peer certificate|alert|tls|certificate/i, 'the TLS handshake failed'],
];

/**
 * The reason in Deno's innermost message ("fetch failed" wraps it; URLs in it come redacted), without
 * the request line hyper puts first (`error sending request for url (…): client error (Connect): `).
 */
function denoReason(error: unknown): string {
  return innermostMessage(error).replace(/^error sending request\b.*?\): (client error \(\w+\): )?/, '');
}

/**
 * The Deno transport (the default in Deno): HTTP, HTTPS and SOCKS5 proxies, a CA bundle (added to
 * Deno's roots: its fetch cannot replace them) and client certificates through Deno.createHttpClient.
 * `verify: false` and connect/read timeouts are refused with an UnsupportedError: Deno's fetch has no
 * means for them (`--unsafely-ignore-certificate-errors` is a flag of the whole process).
 * @example s.mount('https://', new DenoAdapter());
 */
export class DenoAdapter extends FetchTransport {
  protected readonly runtime = 'deno';
  protected override readonly decoding = denoDecoding;
  private readonly clients = new Map<string, DenoHttpClient>();

  protected readEnv(): Env | undefined {
    return readDenoTrustEnv();
  }

  protected readText = readPermittedText;

  protected refuse(route: Route, request: PreparedRequest): void {
    if (route.verify === false) {
      throw new UnsupportedError("verify: false cannot be used from deno: Deno's fetch always verifies certificates; give the CA bundle (verify: path), or start deno with --unsafely-ignore-certificate-errors=<host>", { request });
    }
    const proxy = route.proxy;
    if (proxy?.authorization !== undefined && proxy.username === undefined) {
      throw new UnsupportedError(`proxies: a Proxy-Authorization other than Basic cannot be sent to the proxy ${redactUrl(proxy.given)} from deno: Deno's proxy option takes a user name and password only`, { request });
    }
    // Deno's fetch adds the proxy's Proxy-Authorization to the request itself whenever the proxy is an
    // http:// one (ext/fetch, Proxies::http_forward_auth), so an https:// request would carry the
    // proxy's credentials through the tunnel to the origin server.
    if (proxy?.scheme === 'http' && proxy.authorization !== undefined && request.url.startsWith('https:')) {
      throw new UnsupportedError(`proxies: the credentials of the proxy ${redactUrl(proxy.given)} cannot be used for an https:// request from deno: Deno's fetch would send them on to the origin server too; use an https:// proxy URL or a proxy without credentials`, { request });
    }
    // Deno's fetch reads HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY itself (and needs no
    // --allow-env for it): where errand would go direct but they name a proxy, Deno would use it.
    const fromEnvironment = proxy ? undefined : selectProxy(request.url, {}, this.environment());
    if (fromEnvironment !== undefined) {
      const what = route.trustEnv ? 'proxies' : 'trustEnv';
      throw new UnsupportedError(`${what}: deno's fetch would still send ${redactUrl(request.url)} through the proxy ${redactUrl(fromEnvironment)} that the environment names (it reads HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY itself); unset them before starting deno to go direct`, { request });
    }
  }

  protected fetchInit(route: Route, material: TlsMaterial, request: PreparedRequest): { client?: DenoHttpClient } {
    const { proxy } = route;
    if (!proxy && material.ca === undefined && material.cert === undefined) return {};
    const options: DenoHttpClientOptions = {};
    if (proxy) {
      options.proxy = { url: proxy.url };
      if (proxy.username !== undefined) options.proxy.basicAuth = { username: proxy.username, password: proxy.password ?? '' };
    }
    if (material.ca !== undefined) options.caCerts = [material.ca];
    if (material.cert !== undefined) Object.assign(options, { cert: material.cert, key: material.key });
    const key = JSON.stringify(options);
    let client = this.clients.get(key);
    if (!client) {
      try {
        client = deno().createHttpClient(options);
      } catch (cause) {
        throw new SSLError(`The TLS settings for ${redactUrl(request.url)} could not be used: ${(cause as Error)?.message ?? String(cause)}`, { request, cause });
      }
      this.clients.set(key, client);
    }
    return { client };
  }

  protected describe(error: unknown, request: PreparedRequest, route: Route): Failure | RequestError {
    const message = denoReason(error);
    const where = redactUrl(request.url);
    if (route.proxy) {
      const status = /proxy authentication required/i.test(message) ? 407 : Number(/unsuccessful tunnel.*?(\d{3})/i.exec(message)?.[1] ?? NaN);
      if (!Number.isNaN(status)) return { code: '', status };
      if (/socks|Password auth failure/i.test(message) && !/Connection refused/i.test(message)) {
        return new ProxyError(`The proxy ${redactUrl(route.proxy.given)} could not be used: ${message} (target ${where})`, { request, cause: error });
      }
    }
    const tls = TLS_REASONS.find(([pattern]) => pattern.test(message));
    if (tls && request.url.startsWith('https:')) return new SSLError(`TLS failed for ${where}: ${tls[1]} (${message})`, { request, cause: error });
    return { code: CONNECTION_CODES.find(([pattern]) => pattern.test(message))?.[1] ?? '', reason: message };
  }

  /** Closes every client this adapter created, and with them their connections. */
  override async close(): Promise<void> {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
    await super.close();
  }
}
