// A scriptable origin for HTTP cache tests: /cache-lab/:key counts the requests it gets per key, answers
// with the headers the query asks for, and answers a conditional request with 304 when its validators
// match. /cache-lab/:key/count tells a test how many requests (and conditional ones) reached the server,
// without being cacheable itself.
//
//   ?h.Cache-Control=max-age%3D60&h.ETag=%22v1%22   response headers (any name, repeatable)
//   ?status=500                                     the status of a full response (default 200)
//   ?failAfter=1&fail=503|close                     after that many requests: a 503, or a dropped connection
//   ?size=20000&chunked=1                           a body of that many bytes instead of the JSON one (chunked: no Content-Length)
//   ?delay=300&delayAfter=1                         wait that many ms first (for the requests after that many)
//   ?etag304=%22v2%22                               the ETag a 304 carries (default: the response's)
import type { Ctx, Route } from './httpbin-util.ts';
import { route, send, sendJson } from './httpbin-util.ts';

interface Seen { count: number; conditional: number; methods: string[]; cookies: string[] }
const seen = new Map<string, Seen>();

function countOf(key: string): Seen {
  let found = seen.get(key);
  if (!found) seen.set(key, (found = { count: 0, conditional: 0, methods: [], cookies: [] }));
  return found;
}

async function lab(ctx: Ctx): Promise<void> {
  const { req, res, query } = ctx;
  const key = ctx.params.key!;
  const state = countOf(key);
  state.count++;
  state.methods.push(ctx.method);
  state.cookies.push(req.headers.cookie ?? '');
  const conditional = req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined;
  if (conditional) state.conditional++;
  const delay = Number(query.get('delay') ?? 0);
  if (delay && state.count > Number(query.get('delayAfter') ?? 0)) {
    await new Promise<void>((done) => {
      const timer = setTimeout(done, delay);
      ctx.signal.addEventListener('abort', () => { clearTimeout(timer); done(); }, { once: true });
    });
    if (ctx.signal.aborted) return;
  }
  const failAfter = Number(query.get('failAfter') ?? Infinity);
  if (state.count > failAfter) {
    if (query.get('fail') === 'close') return void req.socket.destroy();
    res.setHeader('Cache-Control', 'no-store');
    return send(ctx, 503, 'down\n', 'text/plain');
  }
  for (const [name, value] of query) if (name.startsWith('h.')) res.appendHeader(name.slice(2), value);
  const etag = query.get('h.ETag');
  const modified = query.get('h.Last-Modified');
  const inm = req.headers['if-none-match'];
  const notModified = (etag && inm && inm.split(',').map((t) => t.trim().replace(/^W\//, '')).includes(etag.replace(/^W\//, '')))
    || (!etag && modified && req.headers['if-modified-since'] === modified);
  if (notModified && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
    if (query.get('etag304')) res.setHeader('ETag', query.get('etag304')!);
    res.writeHead(304);
    return void res.end();
  }
  const status = Number(query.get('status') ?? 200);
  const size = query.get('size');
  if (size && query.get('chunked')) {
    // No Content-Length: the client learns the size only by reading to the end.
    res.writeHead(status, { 'Content-Type': 'application/octet-stream' });
    return void res.end(Buffer.alloc(Number(size), 'x'));
  }
  if (size) return send(ctx, status, Buffer.alloc(Number(size), 'x'), 'application/octet-stream');
  sendJson(ctx, { key, n: state.count, method: ctx.method, lang: req.headers['accept-language'] ?? null }, status);
}

// httpbin's own caching routes (/cache, /cache/:n, /etag/:etag), as httpbin.org answers them.
function httpbinCache(ctx: Ctx): void {
  const { req, res } = ctx;
  if (req.headers['if-modified-since'] !== undefined || req.headers['if-none-match'] !== undefined) {
    res.writeHead(304);
    return void res.end();
  }
  res.setHeader('Last-Modified', new Date().toUTCString());
  res.setHeader('ETag', `"${Math.random().toString(16).slice(2)}"`);
  sendJson(ctx, { url: ctx.url.href, headers: Object.fromEntries(Object.entries(req.headers)) });
}

export const cacheRoutes: Route[] = [
  route('/cache', ['GET'], httpbinCache),
  route('/cache/:n', ['GET'], (ctx) => {
    ctx.res.setHeader('Cache-Control', `public, max-age=${Number(ctx.params.n) || 0}`);
    sendJson(ctx, { url: ctx.url.href, time: Date.now() });
  }),
  route('/etag/:etag', ['GET'], (ctx) => {
    const { req, res } = ctx;
    const etag = `"${ctx.params.etag}"`;
    res.setHeader('ETag', etag);
    const inm = req.headers['if-none-match'];
    if (inm && (inm === '*' || inm.split(',').map((t) => t.trim()).includes(etag))) {
      res.writeHead(304);
      return void res.end();
    }
    const im = req.headers['if-match'];
    if (im && im !== '*' && !im.split(',').map((t) => t.trim()).includes(etag)) return send(ctx, 412, '', undefined);
    sendJson(ctx, { url: ctx.url.href, time: Date.now() });
  }),
  route('/cache-lab/:key/count', ['GET'], (ctx) => {
    ctx.res.setHeader('Cache-Control', 'no-store');
    sendJson(ctx, countOf(ctx.params.key!));
  }),
  route('/cache-lab/:key', null, lab),
];
