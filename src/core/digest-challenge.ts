// Digest's work (RFC 7616, RFC 2617), loaded at an auth's first challenge: parsing WWW-Authenticate,
// and computing the Authorization that answers it. A bundle that never meets a Digest challenge does
// not carry it (digest.ts holds only the HTTPDigestAuth shell and its state).
import { splitOutsideQuotes, unescapeQuoted } from './charset.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';
import { InvalidHeaderError, type ErrorContext } from './errors.ts';
import { CONTROL, NOT_LATIN1 } from './wire.ts';

// WebCrypto has no MD5: @noble/hashes (audited, pure JS) gives it, the same in Node, workerd and browsers,
// loaded at the first MD5 challenge (a bundle that never answers one does not carry it).
// SHA-256 comes from WebCrypto, present in every runtime errand supports.
const HASHES: Record<string, (data: Uint8Array) => Promise<Uint8Array>> = {
  'MD5': async (data) => (await import('@noble/hashes/legacy.js')).md5(data),
  'SHA-256': async (data) => new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>)),
};
const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * A Digest challenge. `algorithm` is the token as the server wrote it (echoed as is: some servers compare
 * it case-sensitively); `hash` is its upper-cased form, which errand matches on (tokens are case-insensitive).
 */
export interface Challenge { realm: string; nonce: string; qop?: string | undefined; algorithm: string; hash: string; opaque?: string | undefined; stale: boolean }

/** The auth-params of the Digest challenge in a WWW-Authenticate value (RFC 7616 §3.3), or undefined. */
export function parseDigestChallenge(header: string | null): Challenge | undefined {
  const start = header ? /(?:^|,\s*)Digest\s+/i.exec(header) : null;
  if (!header || !start) return undefined;
  // A Map: parameter names come from the server (`__proto__`, `constructor` are names like any other).
  const params = new Map<string, string>();
  for (const part of splitOutsideQuotes(header.slice(start.index + start[0].length), ',')) {
    const match = /^\s*([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*)\s*$/.exec(part);
    if (!match) {
      if (/^\s*\w+\s+\w+=/.test(part)) break; // the next scheme's challenge starts here
      continue;
    }
    const value = match[2]!;
    params.set(match[1]!.toLowerCase(), value.startsWith('"') ? unescapeQuoted(value.slice(1, -1)) : value);
  }
  const nonce = params.get('nonce');
  if (nonce === undefined) return undefined;
  const algorithm = params.get('algorithm') ?? 'MD5';
  return {
    realm: params.get('realm') ?? '', nonce, qop: params.get('qop'), opaque: params.get('opaque'),
    algorithm, hash: algorithm.toUpperCase(), stale: params.get('stale')?.toLowerCase() === 'true',
  };
}

/** What one HTTPDigestAuth keeps between requests (held by digest.ts out of the instance's fields). */
export interface DigestState {
  readonly password: string;
  /** The last challenge answered: later requests are signed up front with its nonce. */
  challenge: Challenge | undefined;
  nonceCount: number;
  /** The replays this auth sent, so that a second 401 to one of them is the answer (unless stale). */
  readonly replays: WeakSet<PreparedRequest>;
}

/**
 * The replay answering a 401's Digest challenge, or undefined: no Digest challenge, an algorithm errand
 * does not know, or a second 401 to a replay whose nonce did not go stale (wrong credentials).
 */
export async function answerChallenge(state: DigestState, username: string, response: Response, request: PreparedRequest): Promise<PreparedRequest | undefined> {
  const challenge = parseDigestChallenge(response.headers.get('www-authenticate'));
  if (!challenge || !Object.hasOwn(HASHES, challenge.hash.replace(/-SESS$/, ''))) return undefined;
  // One replay per challenge: a second 401 means wrong credentials, unless the nonce went stale.
  if (state.replays.has(request) && !challenge.stale) return undefined;
  if (challenge.nonce !== state.challenge?.nonce) state.nonceCount = 0;
  state.challenge = challenge;
  const replay = request.copy();
  // A challenge whose values cannot be echoed (a nonce holding CR/LF, say) throws InvalidHeaderError here.
  replay.headers.set('Authorization', await authorization(state, username, replay, challenge, response));
  state.replays.add(replay);
  return replay;
}

/**
 * The Authorization value answering `challenge` for `request` (RFC 7616 §3.4): counts the nonce, and
 * hashes the body for qop `auth-int` when it is bytes.
 */
export async function authorization(state: DigestState, username: string, request: PreparedRequest, challenge: Challenge, response?: Response): Promise<string> {
  const base = challenge.hash.replace(/-SESS$/, '');
  const sess = challenge.hash.endsWith('-SESS');
  const hash = async (text: string | Uint8Array) => hex(await HASHES[base]!(typeof text === 'string' ? encoder.encode(text) : text));
  const url = new URL(request.url);
  const uri = url.pathname + url.search;
  const offered = (challenge.qop ?? '').split(',').map((q) => q.trim().toLowerCase());
  const body = offered.includes('auth') ? undefined : await bodyBytes(request);
  const qop = offered.includes('auth') ? 'auth' : offered.includes('auth-int') && body ? 'auth-int' : undefined;
  const cnonce = hex(crypto.getRandomValues(new Uint8Array(16)));
  const nc = (++state.nonceCount).toString(16).padStart(8, '0');
  let ha1 = await hash(`${username}:${challenge.realm}:${state.password}`);
  if (sess) ha1 = await hash(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = await hash(qop === 'auth-int' ? `${request.method}:${uri}:${await hash(body!)}` : `${request.method}:${uri}`);
  const digest = await hash(qop ? `${ha1}:${challenge.nonce}:${nc}:${cnonce}:${qop}:${ha2}` : `${ha1}:${challenge.nonce}:${ha2}`);
  // Every echoed value goes through the quoted-string writer: a server's nonce, realm or opaque holding
  // CR/LF must not become header lines of our request. The algorithm token is one of HASHES' (any case).
  const context = { request, response };
  const fields = [
    `username=${quoteString(username, 'The Digest username', context)}`, `realm=${quoteString(challenge.realm, "The server's Digest realm", context)}`,
    `nonce=${quoteString(challenge.nonce, "The server's Digest nonce", context)}`, `uri=${quoteString(uri, 'The Digest uri', context)}`,
    `algorithm=${challenge.algorithm}`, `response="${digest}"`,
  ];
  if (challenge.opaque !== undefined) fields.push(`opaque=${quoteString(challenge.opaque, "The server's Digest opaque", context)}`);
  if (qop) fields.push(`qop=${qop}`, `nc=${nc}`);
  // -sess hashes the cnonce into HA1, so the server needs it even without qop (RFC 2617 §3.2.2.2).
  if (qop || sess) fields.push(`cnonce="${cnonce}"`);
  return `Digest ${fields.join(', ')}`;
}

/**
 * A quoted-string (RFC 9110 §5.6.4) holding `value`, with wire.ts's patterns (here, its only user, so that it
 * loads with Digest): `"` and `\` escaped. Control characters cannot be
 * written in one even escaped, so they are an InvalidHeaderError naming `what` (never the value).
 * @example quoteString('a"b', 'realm') // '"a\\"b"'
 */
export function quoteString(value: string, what: string, context?: ErrorContext): string {
  if (typeof value !== 'string' || CONTROL.test(value) || NOT_LATIN1.test(value)) {
    throw new InvalidHeaderError(`${what} cannot be written in a header: it must be a string without control characters (CR, LF, NUL...) or characters outside ISO-8859-1`, context);
  }
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

// auth-int hashes the entity body, so it can only be used with a body that is bytes (or readable as such).
async function bodyBytes(request: PreparedRequest): Promise<Uint8Array | undefined> {
  const body = request.body;
  if (body === null) return new Uint8Array(0);
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  if (body instanceof URLSearchParams) return encoder.encode(body.toString());
  return undefined;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
