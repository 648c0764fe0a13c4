// Why errand refuses a call before sending it: a method or URL that cannot be sent (found by prepare.ts),
// an option the platform's fetch or XMLHttpRequest cannot honour (found by fetch-adapter.ts and the send
// loop). Only the errors and their text: the callers find what is wrong and load this module with the
// first refusal, so a bundle whose calls are good does not carry these messages (issue 13).
import { InvalidURLError, MissingSchemaError, UnsupportedError, redactUrl } from './errors.ts';
import type { PreparedRequest } from './prepared-request.ts';

/** What is wrong with a URL, as prepare.ts found it, and the text the message shows (redacted). */
export type UrlProblem =
  | [kind: 'control' | 'controlInBase' | 'unparsable' | 'noHost' | 'badHost', text: string];

/** The error for a method that is not an HTTP token (RFC 9110 §9.1). */
export function invalidMethod(method: unknown): TypeError {
  return new TypeError(`errand: invalid HTTP method ${JSON.stringify(String(method)).slice(0, 40)}`);
}

/** The InvalidURLError (MissingSchemaError without a scheme) for `problem`. */
export function invalidUrl([kind, text]: UrlProblem): InvalidURLError {
  const shown = JSON.stringify(redactUrl(text));
  switch (kind) {
    // The URL parser silently drops CR, LF and tab; they signal injection.
    case 'control': return new InvalidURLError(`Invalid URL ${shown}: it contains CR, LF, tab or NUL`);
    case 'controlInBase': return new InvalidURLError(`Invalid baseUrl ${shown}: it contains CR, LF, tab or NUL`);
    case 'noHost': return new InvalidURLError(`Invalid URL ${shown}: no host supplied`);
    case 'badHost': return new InvalidURLError(`Invalid URL ${shown}: the host has characters a host name cannot have`);
    case 'unparsable':
      // 'host:8080/x' and 'user:pass@host/x' have no scheme either, though they parse as one.
      if (!/^[a-z][a-z0-9+.-]*:/i.test(text) || /^[^:/]+:\d/.test(text) || /^[^:/@]+:[^/]*@/.test(text)) {
        return new MissingSchemaError(`Invalid URL ${shown}: no scheme supplied. Perhaps you meant "https://${redactUrl(text)}"?`);
      }
      return new InvalidURLError(`Invalid URL ${shown}`);
  }
}

/** What a transport over fetch refuses: an option it cannot honour, or a body it cannot send. */
export type Refused =
  | 'proxies' | 'verify' | 'cert' | 'timeout.connect' | 'timeout.read' | 'cookies' | 'challenge' | 'onUploadProgress';

/** `[what, why]` for `refused`, as `refuse(what, why)` words them; `browser`: the browser's reasons. */
export function refusal(refused: Refused, browser: boolean): [string, string] {
  const noTls = 'fetch here has no TLS settings';
  switch (refused) {
    case 'proxies': return [refused, browser ? 'the browser uses the system proxy settings' : 'fetch here has no proxy support'];
    case 'verify': return [refused, browser ? 'the browser checks TLS itself; trust the CA in the OS or browser instead' : noTls];
    case 'cert': return [refused, browser ? 'the browser picks client certificates itself; install it in the OS or browser' : noTls];
    case 'timeout.connect':
    case 'timeout.read': return [refused, 'there is only a total deadline; use timeout: ms'];
    // The call's own cookies reach the browser build as request.cookies (it sets no Cookie header itself).
    case 'cookies': return ['cookies (or a Cookie header)', "the browser forbids that header and keeps cookies itself; use credentials: 'include' and let the server set them"];
    // Chromium answers a Digest 401 to a credentialed request with its own login prompt, which never settles.
    case 'challenge': return ["a challenge-based auth (Digest) with credentials: 'include'", 'the browser would hold the 401 for its own login prompt; leave credentials unset for this request'];
    case 'onUploadProgress': return [refused, 'fetch reports upload progress only for a streamed body, which Chromium sends only over HTTP/2'];
  }
}

/** The error for a streamed body where fetch cannot stream uploads (Chromium over HTTP/1.1). */
export function streamedBodyRefused(runtime: string, request: PreparedRequest): UnsupportedError {
  return new UnsupportedError(`A streamed request body cannot be sent from ${runtime}: fetch streams uploads only over HTTP/2 here; send a Blob, a Uint8Array or FormData instead`, { request });
}

/**
 * The error for `allowRedirects: false` (`noFollow`) or `maxRedirects` where the platform follows redirects
 * itself (the browser: Chromium's `redirect: 'manual'` gives an opaque response).
 */
export function redirectsRefused(runtime: string, noFollow: boolean, request: PreparedRequest): UnsupportedError {
  return new UnsupportedError(noFollow
    ? `allowRedirects: false is not possible in ${runtime}: fetch hides the 3xx there (an opaque response), so errand lets the browser follow redirects`
    : `maxRedirects cannot be enforced in ${runtime}: the browser follows redirects itself (up to 20)`, { request });
}
