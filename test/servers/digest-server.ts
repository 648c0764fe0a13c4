// RFC 7616 digest server for /digest-auth/:qop/:user/:passwd/:algorithm?/:stale_after?
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { send, sendJson, type Ctx } from './httpbin-util.ts';

export const DIGEST_REALM = 'me@errand.test';

const HASHES: Record<string, string> = {
  MD5: 'md5',
  'SHA-256': 'sha256',
  'SHA-512': 'sha512',
  'SHA-512-256': 'sha512-256',
};
const MAX_NONCES = 10_000;

/** Parses `Digest k=v, k="v"` into lower-cased keys; null when not a Digest header. */
export function parseDigestHeader(header: string | undefined): Record<string, string> | null {
  const m = /^\s*Digest\s+(.*)$/is.exec(header ?? '');
  if (!m) return null;
  const out: Record<string, string> = {};
  for (const p of m[1]!.matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
    out[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  return out;
}

function challenge(ctx: Ctx, algorithm: string, qop: string | null, stale: boolean): void {
  const nonce = randomBytes(16).toString('hex');
  const { nonces } = ctx.state;
  if (nonces.size >= MAX_NONCES) nonces.delete(nonces.keys().next().value!);
  nonces.set(nonce, { uses: 0, lastNc: 0 });
  const parts = [`realm="${DIGEST_REALM}"`, `nonce="${nonce}"`];
  if (qop) parts.push(`qop="${qop}"`);
  parts.push(`opaque="${ctx.state.opaque}"`, `algorithm=${algorithm}`, `stale=${stale ? 'TRUE' : 'FALSE'}`);
  ctx.res.setHeader('WWW-Authenticate', `Digest ${parts.join(', ')}`);
  sendJson(ctx, { authenticated: false }, 401);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase());
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Answers a Digest challenge; once authenticated, `then` answers (by default httpbin's JSON). */
export async function digestAuth(ctx: Ctx, then?: (ctx: Ctx) => void | Promise<void>): Promise<void> {
  const { user = '', passwd = '' } = ctx.params;
  const qop = ctx.params.qop === 'auth' || ctx.params.qop === 'auth-int' ? ctx.params.qop : null;
  const rawAlg = ctx.params.algorithm ?? 'MD5';
  const sess = /-sess$/i.test(rawAlg);
  const baseAlg = rawAlg.replace(/-sess$/i, '').toUpperCase();
  const hashName = HASHES[baseAlg];
  if (!hashName) return send(ctx, 400, `unsupported digest algorithm ${rawAlg}\n`, 'text/plain');
  const algorithm = baseAlg + (sess ? '-sess' : '');
  const staleAfter = Number(ctx.params.stale_after ?? ctx.query.get('stale_after') ?? NaN);
  const H = (s: string | Buffer): string => createHash(hashName).update(s).digest('hex');

  const a = parseDigestHeader(ctx.req.headers.authorization);
  const entry = a?.nonce ? ctx.state.nonces.get(a.nonce) : undefined;
  if (!a || !entry) return challenge(ctx, algorithm, qop, false);

  const { username = '', realm, nonce = '', uri = '', response = '', cnonce = '', nc = '' } = a;
  const uriOk = uri === ctx.req.url || uri === ctx.url.href || uri === ctx.url.pathname + ctx.url.search;
  // ?strict_algorithm=1: the token must come back exactly as sent (some servers compare it case-sensitively).
  const algOk = !a.algorithm || (ctx.query.has('strict_algorithm') ? a.algorithm === algorithm : a.algorithm.toUpperCase() === algorithm.toUpperCase());
  const opaqueOk = a.opaque === undefined || a.opaque === ctx.state.opaque;
  const qopOk = qop ? a.qop === qop && nc !== '' && cnonce !== '' : a.qop === undefined;
  if (username !== user || realm !== DIGEST_REALM || !uriOk || !algOk || !opaqueOk || !qopOk) {
    return challenge(ctx, algorithm, qop, false);
  }

  let ha1 = H(`${user}:${DIGEST_REALM}:${passwd}`);
  if (sess) ha1 = H(`${ha1}:${nonce}:${cnonce}`);
  const ha2 =
    qop === 'auth-int'
      ? H(`${ctx.method}:${uri}:${H(await ctx.body())}`)
      : H(`${ctx.method}:${uri}`);
  const expected = qop ? H(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : H(`${ha1}:${nonce}:${ha2}`);
  if (!safeEqual(expected, response)) return challenge(ctx, algorithm, qop, false);

  // Replay check is opt-in (?check_nc=1): nonce counts must strictly increase (no qop, no nc).
  const ncValue = parseInt(nc, 16) || 0;
  if (qop && ctx.query.has('check_nc') && ncValue <= entry.lastNc) return challenge(ctx, algorithm, qop, false);
  entry.lastNc = Math.max(entry.lastNc, ncValue);
  entry.uses += 1;
  if (entry.uses > staleAfter) {
    ctx.state.nonces.delete(nonce);
    return challenge(ctx, algorithm, qop, true);
  }
  if (then) return then(ctx);
  sendJson(ctx, { authenticated: true, user });
}
