// errand's side of http-cache-semantics: the requests and responses it sees, what is kept of them in a
// store, and RFC 9111 §4.1 variant selection. Freshness, age, storability, validators and the 304
// update are the library's arithmetic, not ours.
import CachePolicy from 'http-cache-semantics';
import { parseHttpDate } from '../http-date.ts';
import type { PreparedRequest } from '../prepared-request.ts';
import type { CacheSettings } from './hook.ts';

export type Policy = CachePolicy;
export type PolicyRequest = CachePolicy.Request;
type PolicyObject = Record<string, unknown> & { resh?: Record<string, string>; reqh?: Record<string, string> | null; rescc?: Record<string, unknown> };

/** A stored response varying on more request fields than this is not kept (a cache may decline to store). */
export const MAX_VARY_FIELDS = 32;

/** The store key of a URL: the URL without its fragment (RFC 9111 §2). */
export function cacheKey(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

/** A request as the library reads it: method, URL, lower-case headers and the Host of the URL. */
export function policyRequest(request: PreparedRequest, method = request.method): PolicyRequest {
  const headers = readableHeaders(request.headers);
  headers['host'] ??= new URL(request.url).host;
  return { url: cacheKey(request.url), method, headers };
}

// The statuses http-cache-semantics understands (RFC 7234's list); it stores no other.
const UNDERSTOOD = [200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501];

/**
 * The policy of a response just received for `request`. Two RFC 9111 rules the library predates: any
 * final status (but 206 and 304) may be stored when the response gives it explicit freshness (§3), so a
 * status the library does not know is judged as a 200 there (never heuristically); and `must-understand`
 * (§5.2.2.3) overrides `no-store` for a status the cache understands, and forbids storing any other.
 */
export function newPolicy(request: PolicyRequest, status: number, headers: Headers, settings: CacheSettings): Policy {
  const fields = readableHeaders(headers);
  const cc = fields['cache-control'] ?? '';
  let judged = status;
  if (/(^|,)\s*must-understand\s*(,|$)/.test(cc)) {
    if (UNDERSTOOD.includes(status)) fields['cache-control'] = cc.replace(/(^|,)\s*no-store\s*(?=,|$)/g, '$1').replace(/^\s*,|,\s*$/g, '');
    else judged = 0;
  } else if (!UNDERSTOOD.includes(status) && status >= 200 && status !== 206 && status !== 304 && explicitlyFresh(fields, settings.shared)) {
    judged = 200;
  }
  return new CachePolicy(request, { status: judged, headers: fields }, { shared: settings.shared, cacheHeuristic: settings.heuristic ? 0.1 : 0 });
}

function explicitlyFresh(fields: Record<string, string>, shared: boolean): boolean {
  const cc = fields['cache-control'] ?? '';
  return /(^|,)\s*max-age\s*=/.test(cc) || (shared && /(^|,)\s*s-maxage\s*=/.test(cc)) || (!!fields['expires'] && fields['expires'] !== 'invalid');
}

/** A field of the stored response, as stored. */
export function storedField(policy: Policy, name: string): string | undefined {
  return (policy.toObject() as unknown as PolicyObject).resh?.[name];
}

/**
 * The request as the library should compare it with a stored response already selected by
 * `varyMatches`: the nominated fields given the stored values, so the library's exact comparison agrees
 * with RFC 9111 §4.1's normalised one.
 */
export function alignedRequest(stored: Record<string, unknown>, request: PolicyRequest): PolicyRequest {
  const object = stored as PolicyObject;
  const fields = varyFields(object.resh?.['vary']);
  if (!fields.length) return request;
  const headers = { ...request.headers };
  for (const name of fields) {
    const value = object.reqh?.[name];
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return { ...request, headers };
}

/**
 * Header fields as the library reads them (a plain object, one string per name), with what RFC 9111 asks
 * of a recipient applied first: Cache-Control directive names are case-insensitive (§5.2); an Age that is
 * not delta-seconds is ignored, and a list uses its first member (§5.1, §1.2.2). Set-Cookie lines, which
 * may not be joined with commas, are joined with line feeds, which no field value contains.
 */
export function readableHeaders(headers: Headers): Record<string, string> {
  const plain: Record<string, string> = {};
  for (const [name, value] of headers) plain[name] = name in plain && name === 'set-cookie' ? `${plain[name]}\n${value}` : value;
  const cc = plain['cache-control'];
  if (cc) plain['cache-control'] = cc.replace(/(^|,)(\s*)([^=,]+)/g, (_, comma: string, space: string, directive: string) => `${comma}${space}${directive.toLowerCase()}`);
  if ('age' in plain) {
    const first = plain['age']!.split(',')[0]!.trim();
    if (/^\d+$/.test(first)) plain['age'] = first;
    else delete plain['age'];
  }
  // RFC 9111 §5.3: an Expires that is not an HTTP-date means "already expired"; the library's Date.parse
  // would read many invalid forms. An invalid Date or Last-Modified is as good as none.
  for (const name of ['expires', 'date', 'last-modified']) {
    if (!(name in plain)) continue;
    const time = parseHttpDate(plain[name]!);
    if (time !== undefined) plain[name] = new Date(time).toUTCString();
    else if (name === 'expires') plain[name] = 'invalid';
    else delete plain[name];
  }
  return plain;
}

/** Fields a 304 never changes in the stored response: they describe the stored body (RFC 9111 §3.2, §4.3.4). */
const BODY_FIELDS = ['content-length', 'content-encoding', 'content-range', 'content-md5', 'transfer-encoding'];

/** The fields of a 304 that may update a stored response. */
export function updatingHeaders(headers: Headers): Record<string, string> {
  const plain = readableHeaders(headers);
  for (const name of BODY_FIELDS) delete plain[name];
  return plain;
}

/** A stored policy back as a policy; undefined when the store returned something else. */
export function loadPolicy(object: Record<string, unknown>): Policy | undefined {
  try {
    return CachePolicy.fromObject(object as unknown as CachePolicy.CachePolicyObject);
  } catch {
    return undefined;
  }
}

/**
 * A policy as it goes into a store: of the request, only the fields the response varies on (the library
 * would keep every request header, credentials included).
 */
export function storedPolicy(policy: Policy): Record<string, unknown> {
  const object = policy.toObject() as unknown as PolicyObject;
  const fields = varyFields(object.resh?.['vary']);
  const reqh = object.reqh ? Object.fromEntries(Object.entries(object.reqh).filter(([name]) => fields.includes(name))) : null;
  return { ...object, reqh };
}

/**
 * The headers of a stored response as served now: the library's (`fields`: responseHeaders(), hop-by-hop
 * fields gone, Age now), with the stored Date kept (RFC 9111 §4: a cache does not change it) and
 * Set-Cookie lines apart again. `stored`: the entry's stored policy.
 */
export function servedHeaders(fields: Record<string, unknown>, stored: Record<string, unknown>): Headers {
  const date = (stored as PolicyObject).resh?.['date'];
  const headers = new Headers();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string') continue;
    if (name === 'set-cookie') for (const line of value.split('\n')) headers.append(name, line);
    else if (name !== 'date') headers.set(name, value);
    else if (date) headers.set(name, date);
  }
  return headers;
}

/** The request fields a Vary value names, lower-case; `['*']` for a Vary that matches nothing. */
export function varyFields(vary: string | undefined | null): string[] {
  if (!vary) return [];
  return vary.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
}

/**
 * RFC 9111 §4.1: whether a stored response (its policy) can answer `request` as far as Vary goes: each
 * nominated field has the same value in both, after combining lines and normalising whitespace, and a
 * field absent from both matches. `*` never matches.
 */
export function varyMatches(stored: Record<string, unknown>, request: PolicyRequest): boolean {
  const object = stored as PolicyObject;
  const fields = varyFields(object.resh?.['vary']);
  if (fields.includes('*')) return false;
  const before = object.reqh ?? {};
  return fields.every((name) => normalizeField(before[name]) === normalizeField(request.headers[name]));
}

function normalizeField(value: string | string[] | undefined): string | undefined {
  return value === undefined ? undefined : String(value).split(',').map((part) => part.trim()).join(',');
}

/**
 * The response's Cache-Control directive `name`, from a stored policy. Read to apply RFC 9111 rules the
 * library leaves to its caller (must-revalidate while fresh, see http-cache.ts).
 */
export function responseDirective(stored: Record<string, unknown>, name: string): unknown {
  return (stored as PolicyObject).rescc?.[name];
}

/** The same policy without one response directive (see http-cache.ts for why). */
export function withoutDirective(policy: Policy, name: string): Policy {
  const object = policy.toObject() as unknown as PolicyObject;
  const { [name]: _dropped, ...rescc } = object.rescc ?? {};
  return CachePolicy.fromObject({ ...object, rescc } as unknown as CachePolicy.CachePolicyObject);
}
