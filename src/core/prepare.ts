import type { NetrcLookup } from './adapter.ts';
import type { AuthOption } from './auth.ts';
import { appendParams, type EncodedBody } from './encode.ts';
import type { MergedOptions } from './options.ts';
import type { UrlProblem } from './refusals.ts';
import { PreparedRequest } from './prepared-request.ts';
import { TOKEN } from './wire.ts';

// The URL parser silently drops CR, LF and tab; they are refused instead, as they signal injection.
const URL_CONTROL = /[\r\n\t\0]/;

/**
 * Request + merged options → PreparedRequest, in requests' fixed order: method, URL (baseUrl, params),
 * headers, body, auth last (auth may sign the final URL and body).
 */
export async function prepare(method: string, url: string | URL, options: MergedOptions, netrc?: NetrcLookup): Promise<PreparedRequest> {
  const prepared = new PreparedRequest();
  // A refusal's text loads with it (./refusals.ts): a call with a good method and URL never needs it.
  // A method is a token (RFC 9110 §9.1).
  if (typeof method !== 'string' || !TOKEN.test(method)) throw (await import('./refusals.ts')).invalidMethod(method);
  prepared.method = method.toUpperCase();
  const target = prepareUrl(String(url), options);
  if (Array.isArray(target)) throw (await import('./refusals.ts')).invalidUrl(target);
  prepared.headers = options.headers; // mergeOptions made this Headers for this call alone
  prepared.hooks = options.hooks;
  prepared.cookies = options.cookies;
  await prepareBody(prepared, options);
  // requests' prepare_auth: credentials in the URL are used only when no auth is given (models.py).
  let auth: AuthOption | undefined = options.auth;
  if (target.username || target.password) {
    auth ??= [decodeURIComponent(target.username), decodeURIComponent(target.password)];
    target.username = '';
    target.password = '';
  } else if (auth === undefined && options.trustEnv) {
    // trustEnv's .netrc (requests' prepare_request → get_netrc_auth). Unlike requests, userinfo in the
    // URL is never overridden by it: the caller's own credentials win.
    auth = netrc?.(target.href);
  }
  prepared.url = target.href;
  if (auth !== undefined) {
    // Auth classes load with the first call that uses auth (a bundle that imports none carries none).
    prepared.auth = (await import('./auth-option.ts')).toAuth(auth);
    return applyAuth(prepared);
  }
  return prepared;
}

/** Applies the request's auth; used by prepare and again by the send loop on same-origin hops. */
export async function applyAuth(prepared: PreparedRequest): Promise<PreparedRequest> {
  if (!prepared.auth) return prepared;
  const result = await prepared.auth.apply(prepared);
  if (!(result instanceof PreparedRequest)) throw new TypeError('errand: auth must return the PreparedRequest');
  result.auth ??= prepared.auth;
  return result;
}

/** The URL to send (baseUrl joined, params appended), or what is wrong with it. */
function prepareUrl(raw: string, options: MergedOptions): URL | UrlProblem {
  if (URL_CONTROL.test(raw)) return ['control', raw];
  const text = raw.trim();
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^(data|blob|about|mailto|file):/i.test(text);
  const joined = !absolute && options.baseUrl !== undefined ? joinBase(options.baseUrl, text) : text;
  if (URL_CONTROL.test(joined)) return ['controlInBase', options.baseUrl ?? ''];
  let url: URL;
  try {
    url = new URL(joined);
  } catch {
    // The parser's error keeps the whole input (password included) in its `input`: it is not kept as cause.
    return ['unparsable', joined];
  }
  // 'localhost:8080/x' parses with scheme 'localhost:'; requests calls that a missing scheme.
  if (!absolute && options.baseUrl === undefined && (/^[^:/]+:\d/.test(text) || /^[^:/@]+:[^/]*@/.test(text))) return ['unparsable', text];
  if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.hostname) return ['noHost', joined];
  // Some URL parsers percent-encode a space or '<' in a host instead of refusing it; no real host has '%'.
  if (url.hostname.includes('%')) return ['badHost', joined];
  appendParams(url, options.params);
  return url;
}

/** Joins a relative URL onto baseUrl keeping the base path (`/v1/` + `users` → `/v1/users`), as users of API clients expect. */
function joinBase(base: string, path: string): string {
  if (path === '') return base;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

async function prepareBody(prepared: PreparedRequest, options: MergedOptions): Promise<void> {
  let encoded: EncodedBody | undefined;
  // The multipart encoder loads with the first call that sends files.
  if (options.files !== undefined) encoded = (await import('./multipart.ts')).encodeMultipart(options.files, options.data);
  // The body encoders load with the first call that sends `data` or `json`.
  else if (options.data !== undefined) encoded = (await import('./body-encoding.ts')).encodeData(options.data);
  else if (options.hasJson) encoded = (await import('./body-encoding.ts')).encodeJson(options.json);
  if (!encoded) return;
  prepared.body = encoded.body;
  if (encoded.contentType && !prepared.headers.has('content-type')) prepared.headers.set('Content-Type', encoded.contentType);
}

