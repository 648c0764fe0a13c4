// Request inspection, auth, cookies, redirects and status routes of the test httpbin.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { digestAuth } from './digest-server.ts';
import {
  echo,
  echoHeaders,
  intParam,
  isTls,
  multiDict,
  origin,
  redirect,
  route,
  seconds,
  send,
  sendJson,
  sleep,
  type Ctx,
  type Route,
} from './httpbin-util.ts';
import { cacheRoutes } from './httpbin-routes-cache.ts';
import { dataRoutes } from './httpbin-routes-data.ts';
import { sseRoutes } from './httpbin-routes-sse.ts';
import { watchReport } from './watch.ts';

const GET = ['GET'];

function cookiesOf(ctx: Ctx): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (ctx.req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

function basicOk(ctx: Ctx): boolean {
  const { user = '', passwd = '' } = ctx.params;
  const m = /^\s*Basic\s+(\S+)\s*$/i.exec(ctx.req.headers.authorization ?? '');
  if (!m) return false;
  // Accept UTF-8 and Latin-1 encodings of the credentials, as clients differ.
  const pair = `${user}:${passwd}`;
  return [Buffer.from(pair, 'utf8'), Buffer.from(pair, 'latin1')].some((b) => b.toString('base64') === m[1]);
}

function absoluteBase(ctx: Ctx): string {
  return `${ctx.url.protocol}//${ctx.url.host}`;
}

function redirectChain(ctx: Ctx, kind: 'relative' | 'absolute'): void {
  const n = intParam(ctx.params.n, 0, 10_000);
  if (n < 1) return send(ctx, 400, 'n must be >= 1\n', 'text/plain');
  const prefix = kind === 'absolute' ? absoluteBase(ctx) : '';
  redirect(ctx, n === 1 ? `${prefix}/get` : `${prefix}/${kind}-redirect/${n - 1}`);
}

const TEAPOT = `
    I'm a teapot
      _______
     /       \\__
    |  ( )   |  \\
     \\_______/__/
`;

function statusReply(ctx: Ctx, code: number): void {
  const { res } = ctx;
  if ([301, 302, 303, 305, 307, 308].includes(code)) return redirect(ctx, '/redirect/1', code);
  if (code === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Fake Realm"');
  if (code === 407) res.setHeader('Proxy-Authenticate', 'Basic realm="Fake Realm"');
  if (code === 418) {
    res.setHeader('X-More-Info', 'https://www.rfc-editor.org/rfc/rfc2324');
    return send(ctx, 418, TEAPOT, 'text/plain; charset=utf-8');
  }
  send(ctx, code, '', undefined);
}

/** '200', '200,404' or weighted '200:0.8,500:0.2'. */
function pickStatus(spec: string): number | null {
  const choices = spec.split(',').map((c) => {
    const [code = '', weight = '1'] = c.split(':');
    return { code: Number(code), weight: Number(weight) };
  });
  if (choices.some((c) => !Number.isInteger(c.code) || c.code < 200 || c.code > 599 || !(c.weight >= 0))) return null;
  const total = choices.reduce((s, c) => s + c.weight, 0);
  let r = Math.random() * total;
  for (const c of choices) if ((r -= c.weight) < 0) return c.code;
  return choices[choices.length - 1]!.code;
}

export const routes: Route[] = [
  route('/', GET, (ctx) => send(ctx, 200, '<!doctype html><title>errand httpbin</title><p>test server</p>\n', 'text/html; charset=utf-8')),
  route('/get', GET, async (ctx) => sendJson(ctx, await echo(ctx))),
  ...['post', 'put', 'patch', 'delete'].map((m) =>
    route(`/${m}`, [m.toUpperCase()], async (ctx) => sendJson(ctx, await echo(ctx))),
  ),
  route('/anything/*', null, async (ctx) => sendJson(ctx, await echo(ctx))),
  route('/headers', GET, (ctx) => sendJson(ctx, { headers: echoHeaders(ctx.req) })),
  route('/user-agent', GET, (ctx) => sendJson(ctx, { 'user-agent': ctx.req.headers['user-agent'] ?? null })),
  route('/ip', GET, (ctx) => sendJson(ctx, { origin: origin(ctx.req) })),
  route('/uuid', GET, (ctx) => sendJson(ctx, { uuid: randomUUID() })),

  route('/cookies', GET, (ctx) => sendJson(ctx, { cookies: cookiesOf(ctx) })),
  route('/cookies/set/:name/:value', GET, (ctx) => {
    ctx.res.setHeader('Set-Cookie', `${ctx.params.name}=${ctx.params.value}; Path=/`);
    redirect(ctx, '/cookies');
  }),
  route('/cookies/set', GET, (ctx) => {
    ctx.res.setHeader('Set-Cookie', [...ctx.query].map(([k, v]) => `${k}=${v}; Path=/`));
    redirect(ctx, '/cookies');
  }),
  route('/cookies/delete', GET, (ctx) => {
    const expire = '=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/';
    ctx.res.setHeader('Set-Cookie', [...ctx.query.keys()].map((k) => k + expire));
    redirect(ctx, '/cookies');
  }),
  route('/set-cookie', null, (ctx) => {
    const raw = ctx.query.getAll('raw');
    ctx.res.setHeader('Set-Cookie', raw);
    sendJson(ctx, { 'set-cookie': raw });
  }),

  route('/redirect/:n', GET, (ctx) => redirectChain(ctx, ctx.query.get('absolute') === 'true' ? 'absolute' : 'relative')),
  route('/relative-redirect/:n', GET, (ctx) => redirectChain(ctx, 'relative')),
  route('/absolute-redirect/:n', GET, (ctx) => redirectChain(ctx, 'absolute')),
  route('/redirect-to', null, async (ctx) => {
    let target = ctx.query.get('url');
    let code = ctx.query.get('status_code');
    if (target === null && /x-www-form-urlencoded/i.test(ctx.req.headers['content-type'] ?? '')) {
      const form = new URLSearchParams((await ctx.body()).toString('utf8'));
      target = form.get('url');
      code ??= form.get('status_code');
    }
    if (target === null) return send(ctx, 400, 'missing url\n', 'text/plain');
    // `delay` (seconds) is ours, not httpbin's: a redirect hop that takes known time, for `elapsed` per hop.
    if (!(await sleep(seconds(ctx.query.get('delay'), 0, 10), ctx.signal))) return;
    const status = intParam(code, 302);
    redirect(ctx, target, status >= 300 && status < 400 ? status : 302);
  }),

  route('/basic-auth/:user/:passwd', GET, (ctx) => {
    if (basicOk(ctx)) return sendJson(ctx, { authenticated: true, user: ctx.params.user });
    ctx.res.setHeader('WWW-Authenticate', 'Basic realm="Fake Realm"');
    sendJson(ctx, { authenticated: false }, 401);
  }),
  route('/hidden-basic-auth/:user/:passwd', GET, (ctx) =>
    basicOk(ctx) ? sendJson(ctx, { authenticated: true, user: ctx.params.user }) : send(ctx, 404, 'Not Found\n', 'text/plain'),
  ),
  route('/bearer', GET, (ctx) => {
    const m = /^\s*Bearer\s+(.+?)\s*$/i.exec(ctx.req.headers.authorization ?? '');
    if (m) return sendJson(ctx, { authenticated: true, token: m[1] });
    ctx.res.setHeader('WWW-Authenticate', 'Bearer');
    sendJson(ctx, { authenticated: false }, 401);
  }),
  route('/digest-auth/:qop/:user/:passwd/:algorithm?/:stale_after?', null, (ctx) => digestAuth(ctx)),
  route('/watch/:token', GET, watchReport),
  route('/client-cert', GET, (ctx) => {
    // TLS only: reports the peer certificate the server saw (requestCert must be on).
    if (!isTls(ctx.req)) return sendJson(ctx, { tls: false, present: false });
    const sock = ctx.req.socket as TLSSocket;
    const peer = sock.getPeerCertificate();
    const present = !!peer && Object.keys(peer).length > 0;
    sendJson(ctx, {
      tls: true,
      present,
      authorized: sock.authorized,
      subject: present ? (peer.subject?.CN ?? null) : null,
      issuer: present ? (peer.issuer?.CN ?? null) : null,
    });
  }),

  route('/status/:codes', null, (ctx) => {
    const code = pickStatus(ctx.params.codes ?? '');
    if (code === null) return send(ctx, 400, 'Invalid status code\n', 'text/plain');
    statusReply(ctx, code);
  }),
  route('/status-text/:code', null, (ctx) => {
    const code = intParam(ctx.params.code, 200);
    if (code < 200 || code > 599) return send(ctx, 400, 'Invalid status code\n', 'text/plain');
    ctx.res.statusMessage = ctx.query.get('reason') ?? STATUS_CODES[code] ?? 'Unknown';
    send(ctx, code, `${code} ${ctx.res.statusMessage}\n`, 'text/plain; charset=utf-8');
  }),
  route('/response-headers', ['GET', 'POST'], (ctx) => {
    const { res } = ctx;
    res.setHeader('Content-Type', 'application/json');
    for (const key of new Set(ctx.query.keys())) res.setHeader(key, ctx.query.getAll(key));
    const body = { 'Content-Type': res.getHeader('Content-Type'), ...multiDict(ctx.query) };
    send(ctx, 200, JSON.stringify(body, null, 2) + '\n');
  }),
  route('/link-header', null, (ctx) => {
    ctx.res.setHeader('Link', ctx.query.getAll('value'));
    sendJson(ctx, { link: ctx.query.getAll('value') });
  }),
  route('/echo-raw', null, async (ctx) => {
    const body = await ctx.body();
    send(ctx, 200, body, ctx.req.headers['content-type']);
  }),
  route('/close', null, (ctx) => {
    ctx.req.socket.destroy();
  }),
  ...dataRoutes,
  ...cacheRoutes,
  ...sseRoutes,
];
