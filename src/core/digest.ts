import { md5 } from '@noble/hashes/legacy.js';
import { AuthBase } from './auth.ts';
import { splitOutsideQuotes } from './charset.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';

// WebCrypto has no MD5: @noble/hashes (audited, pure JS) gives it, the same in Node, workerd and browsers.
// SHA-256 comes from WebCrypto, present in every runtime errand supports.
const HASHES: Record<string, (data: Uint8Array) => Promise<Uint8Array>> = {
  'MD5': async (data) => md5(data),
  'SHA-256': async (data) => new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>)),
};
const encoder = /* @__PURE__ */ new TextEncoder();

interface Challenge { realm: string; nonce: string; qop?: string | undefined; algorithm: string; opaque?: string | undefined; stale: boolean }

/** The auth-params of the Digest challenge in a WWW-Authenticate value (RFC 7616 §3.3), or undefined. */
export function parseDigestChallenge(header: string | null): Challenge | undefined {
  const start = header ? /(?:^|,\s*)Digest\s+/i.exec(header) : null;
  if (!header || !start) return undefined;
  const params: Record<string, string> = {};
  for (const part of splitOutsideQuotes(header.slice(start.index + start[0].length), ',')) {
    const match = /^\s*([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*)\s*$/.exec(part);
    if (!match) {
      if (/^\s*\w+\s+\w+=/.test(part)) break; // the next scheme's challenge starts here
      continue;
    }
    const value = match[2]!;
    params[match[1]!.toLowerCase()] = value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
  }
  if (params['nonce'] === undefined) return undefined;
  return {
    realm: params['realm'] ?? '', nonce: params['nonce'], qop: params['qop'], opaque: params['opaque'],
    algorithm: (params['algorithm'] ?? 'MD5').toUpperCase(), stale: params['stale']?.toLowerCase() === 'true',
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
    if (!challenge || !HASHES[challenge.algorithm.replace(/-SESS$/, '')]) return undefined;
    // One replay per challenge: a second 401 means wrong credentials, unless the nonce went stale.
    if (this.replays.has(request) && !challenge.stale) return undefined;
    if (challenge.nonce !== this.challengeState?.nonce) this.nonceCount = 0;
    this.challengeState = challenge;
    const replay = request.copy();
    replay.headers.set('Authorization', await this.authorization(replay, challenge));
    this.replays.set(replay, true);
    return replay;
  }

  private async authorization(request: PreparedRequest, challenge: Challenge): Promise<string> {
    const base = challenge.algorithm.replace(/-SESS$/, '');
    const hash = async (text: string | Uint8Array) => hex(await HASHES[base]!(typeof text === 'string' ? encoder.encode(text) : text));
    const url = new URL(request.url);
    const uri = url.pathname + url.search;
    const offered = (challenge.qop ?? '').split(',').map((q) => q.trim().toLowerCase());
    const body = offered.includes('auth') ? undefined : await bodyBytes(request);
    const qop = offered.includes('auth') ? 'auth' : offered.includes('auth-int') && body ? 'auth-int' : undefined;
    const cnonce = hex(crypto.getRandomValues(new Uint8Array(16)));
    const nc = (++this.nonceCount).toString(16).padStart(8, '0');
    let ha1 = await hash(`${this.username}:${challenge.realm}:${this.password}`);
    if (challenge.algorithm.endsWith('-SESS')) ha1 = await hash(`${ha1}:${challenge.nonce}:${cnonce}`);
    const ha2 = await hash(qop === 'auth-int' ? `${request.method}:${uri}:${await hash(body!)}` : `${request.method}:${uri}`);
    const digest = await hash(qop ? `${ha1}:${challenge.nonce}:${nc}:${cnonce}:${qop}:${ha2}` : `${ha1}:${challenge.nonce}:${ha2}`);
    const fields = [
      `username="${quote(this.username)}"`, `realm="${quote(challenge.realm)}"`, `nonce="${quote(challenge.nonce)}"`,
      `uri="${quote(uri)}"`, `algorithm=${challenge.algorithm}`, `response="${digest}"`,
    ];
    if (challenge.opaque !== undefined) fields.push(`opaque="${quote(challenge.opaque)}"`);
    if (qop) fields.push(`qop=${qop}`, `nc=${nc}`);
    // -sess hashes the cnonce into HA1, so the server needs it even without qop (RFC 2617 §3.2.2.2).
    if (qop || challenge.algorithm.endsWith('-SESS')) fields.push(`cnonce="${cnonce}"`);
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

function quote(text: string): string {
  return text.replace(/["\\]/g, '\\$&');
}
