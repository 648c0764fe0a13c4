import { InvalidSchemaError, InvalidURLError, RequestError, redactUrl } from './errors.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';

const ALWAYS_SENSITIVE = ['authorization', 'proxy-authorization', 'cookie'];
const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * The Location of a redirect, resolved against the request URL. Header values arrive as Latin-1
 * code units; a server that sent UTF-8 bytes gets them re-read as UTF-8 (requests' get_redirect_target).
 */
export function getRedirectTarget(response: Response): string | undefined {
  if (!response.isRedirect) return undefined;
  const location = response.headers.get('location')!;
  if (location.trim() === '') return undefined; // requests' get_redirect_target: an empty Location is not followed
  let text = location;
  if (/[\u0080-\u00ff]/.test(location)) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(location, (c) => c.charCodeAt(0)));
    } catch { /* not UTF-8: keep the Latin-1 reading */ }
  }
  return text;
}

/** requests' should_strip_auth: a new host, scheme or port drops credentials, except http→https on default ports. */
export function shouldStripAuth(from: string, to: string): boolean {
  const old = new URL(from);
  const next = new URL(to);
  if (old.hostname !== next.hostname) return true;
  const oldPort = old.port || DEFAULT_PORTS[old.protocol];
  const nextPort = next.port || DEFAULT_PORTS[next.protocol];
  if (old.protocol === 'http:' && oldPort === '80' && next.protocol === 'https:' && nextPort === '443') return false;
  return old.protocol !== next.protocol || oldPort !== nextPort;
}

/** RFC 9110 §15.4 as browsers and requests do it: 303 → GET (but HEAD), 302 → GET (but HEAD), 301 POST → GET. */
export function rebuildMethod(method: string, status: number): string {
  if (status === 303 && method !== 'HEAD') return 'GET';
  if (status === 302 && method !== 'HEAD') return 'GET';
  if (status === 301 && method === 'POST') return 'GET';
  return method;
}

/**
 * The request that follows a redirect response, or undefined when it is not a redirect.
 * Pure: the send loop applies cookies, auth and hooks to what this returns.
 */
export function nextRedirect(request: PreparedRequest, response: Response, sensitiveHeaders: readonly string[] = []): PreparedRequest | undefined {
  const location = getRedirectTarget(response);
  if (location === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(location, request.url);
  } catch {
    // Not kept as cause: the parser's error holds the whole Location in its `input` (a token, say).
    throw new InvalidURLError(`${redactUrl(request.url)} redirected to an invalid Location ${JSON.stringify(redactUrl(location))}`, { response });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidSchemaError(`Refusing to follow a redirect to the non-http(s) URL ${redactUrl(url)}`, { response });
  }
  // RFC 9110 §10.2.2 via requests: a fragment carries over when the target has none.
  const oldHash = new URL(request.url).hash;
  if (!url.hash && oldHash) url.hash = oldHash;
  const next = request.copy();
  next.url = url.href;
  next.method = rebuildMethod(request.method, response.statusCode);
  if (response.statusCode !== 307 && response.statusCode !== 308) {
    next.body = null;
    for (const name of [...next.headers.keys()]) if (name.startsWith('content-') || name === 'transfer-encoding') next.headers.delete(name);
  } else if (!request.isReplayable) {
    throw new RequestError(`${redactUrl(request.url)} answered ${response.statusCode}, which asks for the body again, but the body was a stream that cannot be replayed; send it as bytes or a Blob, or set allowRedirects: false`, { response });
  }
  next.headers.delete('cookie'); // recomputed for the new URL by the send loop
  if (shouldStripAuth(request.url, next.url)) {
    for (const name of [...ALWAYS_SENSITIVE, ...sensitiveHeaders.map((h) => h.toLowerCase())]) next.headers.delete(name);
    next.auth = undefined;
    next.cookies = Object.create(null);
  }
  return next;
}
