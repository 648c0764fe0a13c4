// A local httpbin-compatible server (node:http / node:https only) shared by every test project.
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { routes } from './httpbin-routes.ts';
import { isTls, matchRoute, send, sendJson, type Ctx, type ServerState } from './httpbin-util.ts';
import { watchRequest } from './watch.ts';

export interface HttpbinOptions {
  /** default 127.0.0.1; with 127.0.0.1 or localhost the server also listens on ::1 (same port) */
  host?: string;
  /** default 0 (ephemeral) */
  port?: number;
  /** PEM text; with requestCert the server asks for (but never requires) a client certificate */
  tls?: { key: string; cert: string; ca?: string; requestCert?: boolean };
  /** default true: add the ::1 listener so that http://localhost:PORT works wherever localhost resolves */
  dualStack?: boolean;
}

export interface Httpbin {
  url: string;
  port: number;
  close(): Promise<void>;
}

// Set-Cookie is never readable cross-origin, so it is left out on purpose.
const ALWAYS_EXPOSED = [
  'Link', 'WWW-Authenticate', 'Proxy-Authenticate', 'Content-Encoding', 'Content-Length', 'Content-Type',
  'Content-Range', 'Accept-Ranges', 'ETag', 'Last-Modified', 'Date', 'Server', 'Location', 'Allow',
  'Retry-After', 'X-Total-Count', 'X-More-Info',
];
// Vary stays readable: a cache in the page (errand's) must see what a response varies on.
const NEVER_EXPOSED = /^(set-cookie2?|access-control-.*|connection|keep-alive|transfer-encoding)$/i;

function exposeList(names: string[]): string {
  const seen = new Map(ALWAYS_EXPOSED.map((n) => [n.toLowerCase(), n]));
  for (const n of names) if (!NEVER_EXPOSED.test(n) && !seen.has(n.toLowerCase())) seen.set(n.toLowerCase(), n);
  return [...seen.values()].join(', ');
}

function addCors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  if (origin) res.setHeader('Vary', 'Origin');
  res.setHeader('Server', 'errand-httpbin');
  // The expose list depends on what the route set, so compute it at the last moment.
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!this.headersSent) this.setHeader('Access-Control-Expose-Headers', exposeList(this.getHeaderNames()));
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}

function preflight(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Methods', req.headers['access-control-request-method'] ?? '*');
  const reqHeaders = req.headers['access-control-request-headers'];
  if (reqHeaders) res.setHeader('Access-Control-Allow-Headers', reqHeaders);
  if (req.headers['access-control-request-private-network'] === 'true') {
    res.setHeader('Access-Control-Allow-Private-Network', 'true');
  }
  res.setHeader('Access-Control-Max-Age', '3600');
  res.setHeader('Content-Length', '0');
  res.writeHead(204);
  res.end();
}

async function handle(req: IncomingMessage, res: ServerResponse, state: ServerState): Promise<void> {
  addCors(req, res);
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS' && req.headers['access-control-request-method']) return preflight(req, res);

  const rawUrl = req.url ?? '/';
  // Absolute-form request targets (a client using us as a proxy) keep their own URL.
  const url = /^https?:\/\//i.test(rawUrl)
    ? new URL(rawUrl)
    : new URL(rawUrl, `${isTls(req) ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`);
  const ac = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  let body: Promise<Buffer> | undefined;
  const ctx: Ctx = {
    req, res, method, url, state,
    query: url.searchParams,
    params: {},
    signal: ac.signal,
    body: () => (body ??= buffer(req)),
  };
  const watchToken = url.searchParams.get('watch');
  if (watchToken) watchRequest(ctx, watchToken);

  for (const r of routes) {
    const params = matchRoute(r, url.pathname);
    if (!params) continue;
    ctx.params = params;
    const allowed = r.methods && [...r.methods, ...(r.methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'];
    if (allowed && !allowed.includes(method)) {
      res.setHeader('Allow', allowed.join(', '));
      return send(ctx, 405, 'Method Not Allowed\n', 'text/plain');
    }
    if (allowed && method === 'OPTIONS') {
      res.setHeader('Allow', allowed.join(', '));
      return send(ctx, 200, '', undefined);
    }
    return r.handler(ctx);
  }
  sendJson(ctx, { error: 'Not Found', path: url.pathname }, 404);
}

function createHandler(state: ServerState): http.RequestListener {
  return (req, res) => {
    handle(req, res, state).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return void res.destroy();
      const message = err instanceof Error ? err.message : String(err);
      const status = err instanceof TypeError && /Invalid URL/.test(message) ? 400 : 500;
      const text = JSON.stringify({ error: message }) + '\n';
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    });
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === 'localhost') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startHttpbin(opts: HttpbinOptions = {}): Promise<Httpbin> {
  const state: ServerState = { nonces: new Map(), opaque: randomBytes(16).toString('hex'), watches: new Map() };
  const handler = createHandler(state);
  const tls = opts.tls;
  const make = (): http.Server =>
    tls
      ? https.createServer({ key: tls.key, cert: tls.cert, ...(tls.ca ? { ca: tls.ca } : {}), requestCert: !!tls.requestCert, rejectUnauthorized: false }, handler)
      : http.createServer(handler);
  const host = opts.host ?? '127.0.0.1';
  const dual = (opts.dualStack ?? true) && (host === '127.0.0.1' || host === 'localhost');

  for (let attempt = 0; ; attempt++) {
    const servers = [make()];
    await listen(servers[0]!, opts.port ?? 0, dual ? '127.0.0.1' : host);
    const port = (servers[0]!.address() as AddressInfo).port;
    if (dual) {
      const v6 = make();
      try {
        await listen(v6, port, '::1');
        servers.push(v6);
      } catch (err) {
        // An ephemeral port taken on ::1 by someone else: pick another pair. No IPv6 at all: IPv4 only.
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' && !opts.port && attempt < 10) {
          await Promise.all(servers.map(closeServer));
          continue;
        }
      }
    }
    let closing: Promise<void> | undefined;
    return {
      url: `${tls ? 'https' : 'http'}://${urlHost(host)}:${port}`,
      port,
      close: () => (closing ??= Promise.all(servers.map(closeServer)).then(() => undefined)),
    };
  }
}
