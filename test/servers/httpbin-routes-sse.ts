// Event-stream routes of the test httpbin (Server-Sent Events, JSON lines): a feed that resumes from
// Last-Event-ID and drops mid-event, an LLM-style POST stream, streams that stay open and report when
// the client goes away, a flood that measures back-pressure, and raw bytes for parsing checks.
import { digestAuth } from './digest-server.ts';
import { route, send, sendJson, sleep, write, type Ctx, type Route } from './httpbin-util.ts';

const MAX_KEYS = 1000;

/** What the server saw of a connection opened with `?key=`: whether the client closed it, bytes written. */
interface Seen { closed: boolean; written: number; blocked: boolean; done: boolean }
const seen = new Map<string, Seen>();

function track(ctx: Ctx): Seen {
  const key = ctx.query.get('key');
  const entry: Seen = { closed: false, written: 0, blocked: false, done: false };
  if (!key) return entry;
  if (seen.size >= MAX_KEYS) seen.delete(seen.keys().next().value!);
  seen.set(key, entry);
  ctx.res.once('close', () => { if (!ctx.res.writableFinished) entry.closed = true; });
  return entry;
}

function startStream(ctx: Ctx, contentType = 'text/event-stream'): void {
  ctx.res.setHeader('Content-Type', contentType);
  ctx.res.setHeader('Cache-Control', 'no-store');
  ctx.res.writeHead(200);
  ctx.res.flushHeaders();
}

/** The request as the stream's first event sees it (for checks of what each connection sent). */
async function requestInfo(ctx: Ctx) {
  const body = (await ctx.body()).toString('utf8');
  return {
    method: ctx.method,
    lastEventId: ctx.req.headers['last-event-id'] ?? null,
    accept: ctx.req.headers.accept ?? null,
    authorization: ctx.req.headers.authorization ?? null,
    cookie: ctx.req.headers.cookie ?? null,
    contentType: ctx.req.headers['content-type'] ?? null,
    body,
  };
}

/**
 * /sse/feed?total=N&per=K&retry=MS&end=drop|close&linger=MS: events `id: n` from Last-Event-ID + 1, K per
 * connection; then half of the next event and a dropped socket (end=drop) or a clean end (end=close);
 * once every event up to N was sent, a 204 tells the client to stop. Each event's data says what the
 * connection was asked with.
 */
async function feed(ctx: Ctx): Promise<void> {
  const total = Number(ctx.query.get('total') ?? 6);
  const per = Number(ctx.query.get('per') ?? 2);
  const lastId = Number(ctx.req.headers['last-event-id'] ?? 0) || 0;
  if (lastId >= total) return send(ctx, 204, '');
  const info = await requestInfo(ctx);
  if (ctx.query.has('cookie')) ctx.res.setHeader('Set-Cookie', `feed=${lastId}; Path=/`);
  startStream(ctx);
  const retry = ctx.query.get('retry');
  if (retry !== null && !(await write(ctx, `retry: ${retry}\n\n`))) return;
  const last = Math.min(lastId + per, total);
  for (let n = lastId + 1; n <= last; n++) {
    const data = JSON.stringify({ n, ...info });
    if (!(await write(ctx, `id: ${n}\nevent: tick\ndata: ${data}\n\n`))) return;
  }
  if (last === total) return void ctx.res.end();
  // Half of the next event: its id and part of its data, no blank line.
  const half = `id: ${last + 1}\nevent: tick\ndata: {"n":${last + 1},"half":`;
  if (ctx.query.get('end') === 'close') return void ctx.res.end(half);
  // linger=MS waits before the drop: Chromium's fetch throws away the bytes still unread when the
  // connection breaks, so a test of what follows a drop lets them be read first.
  const linger = Number(ctx.query.get('linger') ?? 0);
  ctx.res.write(half, () => setTimeout(() => ctx.req.socket.destroy(), linger));
}

/** POST /sse/chat: an LLM-style completion; Bearer token required; streams the prompt's words back. */
async function chat(ctx: Ctx): Promise<void> {
  const token = /^Bearer (\S+)$/.exec(ctx.req.headers.authorization ?? '')?.[1];
  if (!token) {
    ctx.res.setHeader('WWW-Authenticate', 'Bearer');
    return sendJson(ctx, { error: 'missing bearer token' }, 401);
  }
  let prompt: string;
  try {
    prompt = String((JSON.parse((await ctx.body()).toString('utf8')) as { prompt?: unknown }).prompt ?? '');
  } catch {
    return sendJson(ctx, { error: 'body must be JSON' }, 400);
  }
  startStream(ctx);
  for (const [index, word] of prompt.split(/\s+/).filter(Boolean).entries()) {
    const chunk = { id: 'chat-1', index, token: token.length, choices: [{ delta: { content: (index ? ' ' : '') + word } }] };
    if (!(await write(ctx, `data: ${JSON.stringify(chunk)}\n\n`))) return;
  }
  if (await write(ctx, 'data: [DONE]\n\n')) ctx.res.end();
}

/** /sse/hold?n=K&key=X: K events, then the stream stays open, silent, until the client leaves. */
async function hold(ctx: Ctx): Promise<void> {
  track(ctx);
  startStream(ctx);
  const n = Number(ctx.query.get('n') ?? 1);
  for (let i = 1; i <= n; i++) if (!(await write(ctx, `id: ${i}\ndata: event ${i}\n\n`))) return;
  // Open until the client goes away (or the server closes at teardown).
  await sleep(60_000, ctx.signal);
  ctx.res.end();
}

/**
 * /sse/flood?key=X&events=N&size=B: N events of B bytes as fast as the client takes them; `blocked` says
 * whether the server is waiting for the client to read (TCP back-pressure).
 */
async function flood(ctx: Ctx): Promise<void> {
  const entry = track(ctx);
  startStream(ctx);
  const events = Number(ctx.query.get('events') ?? 1000);
  const filler = 'x'.repeat(Math.max(0, Number(ctx.query.get('size') ?? 1024) - 40));
  for (let i = 1; i <= events; i++) {
    const text = `id: ${i}\ndata: ${filler}\n\n`;
    if (ctx.signal.aborted || ctx.res.destroyed) return;
    entry.written += text.length;
    if (!ctx.res.write(text)) {
      entry.blocked = true;
      if (!(await write(ctx, ''))) return;
      entry.blocked = false;
    }
  }
  entry.done = true;
  ctx.res.end();
}

/**
 * /stream-raw?ct=TYPE&chunk=B64&chunk=B64…: the given bytes, one write per chunk with a pause between,
 * so that the client is likely to receive them apart (a multi-byte character split, a CR before its LF).
 */
async function raw(ctx: Ctx): Promise<void> {
  startStream(ctx, ctx.query.get('ct') ?? 'text/event-stream');
  for (const [i, chunk] of ctx.query.getAll('chunk').entries()) {
    if (i > 0 && !(await sleep(5, ctx.signal))) return;
    if (!(await write(ctx, Buffer.from(chunk, 'base64')))) return;
  }
  ctx.res.end();
}

/** /sse/echo: one event whose data is what the request carried, then the end of the stream. */
async function echo(ctx: Ctx): Promise<void> {
  const info = await requestInfo(ctx);
  startStream(ctx);
  if (await write(ctx, `data: ${JSON.stringify(info)}\n\n`)) ctx.res.end();
}

export const sseRoutes: Route[] = [
  route('/sse/feed', null, feed),
  route('/sse/chat', ['POST'], chat),
  route('/sse/hold', null, hold),
  route('/sse/flood', null, flood),
  route('/sse/echo', null, echo),
  route('/sse/seen/:key', null, (ctx) => sendJson(ctx, seen.get(ctx.params.key ?? '') ?? null)),
  // Digest first (a 401 and its challenge), then the events.
  route('/sse/digest-auth/:qop/:user/:passwd/:algorithm?', null, (ctx) => digestAuth(ctx, echo)),
  route('/stream-raw', null, raw),
];
