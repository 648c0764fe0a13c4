import { AuthBase } from './auth.ts';
import { splitOutsideQuotes, unescapeQuoted } from './charset.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';
import { quoteString } from './wire.ts';

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
interface Challenge { realm: string; nonce: string; qop?: string | undefined; algorithm: string; hash: string; opaque?: string | undefined; stale: boolean }

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

/**
 * HTTP Digest auth (RFC 7616, RFC 2617): MD5 and SHA-256, their `-sess` variants,
 * qop `auth` and `auth-int`, opaque, nonce counting across the requests of a session. It answers a 401
 * challenge by replaying the request once (again after `stale=true`), then signs later requests
 * up front with the nonce it has.
 * @example s.auth = new HTTPDigestAuth('user', 'pass');
 */
export class HTTPDigestAuth extends AuthBase {
  private challengeState: Challenge | undefined;
  private nonceCount = 0;
  private readonly replays = new WeakMap<PreparedRequest, boolean>();

  constructor(readonly username: string, private readonly password: string) {
    super();
    for (const key of ['password', 'challengeState', 'replays']) Object.defineProperty(this, key, { enumerable: false, writable: true });
  }

  async apply(request: PreparedRequest): Promise<PreparedRequest> {
    if (this.challengeState) request.headers.set('Authorization', await this.authorization(request, this.challengeState));
    return request;
  }

  override async challenge(response: Response, request: PreparedRequest): Promise<PreparedRequest | undefined> {
    if (response.statusCode !== 401 || !request.isReplayable) return undefined;
    const challenge = parseDigestChallenge(response.headers.get('www-authenticate'));
    if (!challenge || !Object.hasOwn(HASHES, challenge.hash.replace(/-SESS$/, ''))) return undefined;
    // One replay per challenge: a second 401 means wrong credentials, unless the nonce went stale.
    if (this.replays.has(request) && !challenge.stale) return undefined;
    if (challenge.nonce !== this.challengeState?.nonce) this.nonceCount = 0;
    this.challengeState = challenge;
    const replay = request.copy();
    // A challenge whose values cannot be echoed (a nonce holding CR/LF, say) throws InvalidHeaderError here.
    replay.headers.set('Authorization', await this.authorization(replay, challenge, response));
    this.replays.set(replay, true);
    return replay;
  }

  private async authorization(request: PreparedRequest, challenge: Challenge, response?: Response): Promise<string> {
    const base = challenge.hash.replace(/-SESS$/, '');
    const sess = challenge.hash.endsWith('-SESS');
    const hash = async (text: string | Uint8Array) => hex(await HASHES[base]!(typeof text === 'string' ? encoder.encode(text) : text));
    const url = new URL(request.url);
    const uri = url.pathname + url.search;
    const offered = (challenge.qop ?? '').split(',').map((q) => q.trim().toLowerCase());
    const body = offered.includes('auth') ? undefined : await bodyBytes(request);
    const qop = offered.includes('auth') ? 'auth' : offered.includes('auth-int') && body ? 'auth-int' : undefined;
    const cnonce = hex(crypto.getRandomValues(new Uint8Array(16)));
    const nc = (++this.nonceCount).toString(16).padStart(8, '0');
    let ha1 = await hash(`${this.username}:${challenge.realm}:${this.password}`);
    if (sess) ha1 = await hash(`${ha1}:${challenge.nonce}:${cnonce}`);
    const ha2 = await hash(qop === 'auth-int' ? `${request.method}:${uri}:${await hash(body!)}` : `${request.method}:${uri}`);
    const digest = await hash(qop ? `${ha1}:${challenge.nonce}:${nc}:${cnonce}:${qop}:${ha2}` : `${ha1}:${challenge.nonce}:${ha2}`);
    // Every echoed value goes through the quoted-string writer: a server's nonce, realm or opaque holding
    // CR/LF must not become header lines of our request. The algorithm token is one of HASHES' (any case).
    const context = { request, response };
    const fields = [
      `username=${quoteString(this.username, 'The Digest username', context)}`, `realm=${quoteString(challenge.realm, "The server's Digest realm", context)}`,
      `nonce=${quoteString(challenge.nonce, "The server's Digest nonce", context)}`, `uri=${quoteString(uri, 'The Digest uri', context)}`,
      `algorithm=${challenge.algorithm}`, `response="${digest}"`,
    ];
    if (challenge.opaque !== undefined) fields.push(`opaque=${quoteString(challenge.opaque, "The server's Digest opaque", context)}`);
    if (qop) fields.push(`qop=${qop}`, `nc=${nc}`);
    // -sess hashes the cnonce into HA1, so the server needs it even without qop (RFC 2617 §3.2.2.2).
    if (qop || sess) fields.push(`cnonce="${cnonce}"`);
    return `Digest ${fields.join(', ')}`;
  }
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
