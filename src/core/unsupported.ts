// Why a transport over the platform's fetch (or XMLHttpRequest) refuses what a call asks. Only the text:
// fetch-adapter.ts and the send loop find what is refused and load this module at the first refusal, so a
// bundle whose calls ask only what its platform can do does not carry these messages (issue 13).
import type { PreparedRequest } from './prepared-request.ts';
import { UnsupportedError } from './errors.ts';

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
