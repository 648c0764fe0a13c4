// A proxy for the fetch-based server runtimes (Bun, Deno): the URL split from its credentials, the
// credentials that go to the proxy and never to the origin, and the failures that are the proxy's.
import { basicAuthHeader } from '../core/auth.ts';
import { ProxyError, UnsupportedError, redactUrl } from '../core/errors.ts';
import type { PreparedRequest } from '../core/prepared-request.ts';

/** Where a request goes through, and with which credentials. */
export interface ProxyRoute {
  /** The proxy URL as given (it may hold `user:pass@`): only ever shown through redactUrl. */
  given: string;
  /** The proxy URL without credentials. */
  url: string;
  /** `http`, `https`, or `socks5` (socks5h and socks mean the same here: names resolve at the proxy). */
  scheme: 'http' | 'https' | 'socks5';
  /** Credentials for the proxy: from `user:pass@` in its URL, or an HTTPProxyAuth (Basic) header. */
  username: string | undefined;
  password: string | undefined;
  /** The `Proxy-Authorization` to send to the proxy (HTTPProxyAuth's header, else Basic from the URL). */
  authorization: string | undefined;
}

const SCHEMES: Record<string, ProxyRoute['scheme']> = { 'http:': 'http', 'https:': 'https', 'socks5:': 'socks5', 'socks5h:': 'socks5', 'socks:': 'socks5' };

/** `[user, pass]` of a `Basic` Proxy-Authorization value, or undefined for another scheme. */
function basicCredentials(header: string): [string, string] | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  let text: string;
  try {
    text = new TextDecoder().decode(Uint8Array.from(atob(match[1]!), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : [text.slice(0, colon), text.slice(colon + 1)];
}

/**
 * The route through `proxy` for this request, and the request to send: without its Proxy-Authorization
 * (HTTPProxyAuth), which goes to the proxy only. Without a proxy the header is sent as any other, as
 * requests does. An unknown proxy scheme is an UnsupportedError.
 */
export function routeThroughProxy(proxy: string, request: PreparedRequest, runtime: string): { route: ProxyRoute; request: PreparedRequest } {
  const url = new URL(proxy);
  const scheme = SCHEMES[url.protocol];
  if (!scheme) throw new UnsupportedError(`The proxy ${redactUrl(proxy)} has a scheme ${runtime} cannot use: use http://, https:// or socks5://`, { request });
  let username = url.username ? decodeURIComponent(url.username) : undefined;
  let password = url.password ? decodeURIComponent(url.password) : undefined;
  url.username = '';
  url.password = '';
  // The Node build resolves a target's name at a SOCKS proxy whichever the scheme (socks5h semantics).
  if (scheme === 'socks5') url.protocol = 'socks5h:';
  const header = request.headers.get('proxy-authorization') ?? undefined;
  if (header !== undefined) {
    request = request.copy();
    request.headers.delete('proxy-authorization');
    [username, password] = basicCredentials(header) ?? [undefined, undefined];
  }
  const authorization = header ?? (username !== undefined || password !== undefined ? basicAuthHeader(username ?? '', password ?? '') : undefined);
  // URL keeps a trailing slash on a bare origin; fetch's proxy options take the origin.
  return { route: { given: proxy, url: url.href.replace(/\/$/, ''), scheme, username, password, authorization }, request };
}

// What a runtime reports when it cannot reach or use the proxy (Node's names; Deno's are given them).
const PROXY_CODES = /^(ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)$/;

/**
 * The ProxyError for a failure of a request sent through `route`, or undefined when the failure is not
 * the proxy's: `code` is the runtime's error code, `status` the proxy's answer to CONNECT if it refused.
 */
export function proxyFailure(route: ProxyRoute, request: PreparedRequest, failure: { code: string; status?: number | undefined; cause: unknown }): ProxyError | undefined {
  const { code, status, cause } = failure;
  if (status === undefined && !PROXY_CODES.test(code)) return undefined;
  const what = status === 407 ? 'asked for credentials (407 Proxy Authentication Required)'
    : status !== undefined ? `refused the tunnel with status ${status}` : `could not be used: ${code}`;
  return new ProxyError(`The proxy ${redactUrl(route.given)} ${what} (target ${redactUrl(request.url)})`, { request, cause });
}
