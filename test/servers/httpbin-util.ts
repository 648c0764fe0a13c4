// Shared plumbing for the test httpbin: request context, body parsing, replies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { TLSSocket } from 'node:tls';
import type { EchoBody } from './echo-body.ts';
import type { Watch } from './watch.ts';

export type { EchoBody } from './echo-body.ts';

export interface ServerState {
  /** digest nonce -> times used and the highest nc seen */
  nonces: Map<string, { uses: number; lastNc: number }>;
  opaque: string;
  /** requests sent with ?watch=TOKEN, by token (test/servers/watch.ts) */
  watches: Map<string, Watch>;
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  query: URLSearchParams;
  params: Record<string, string>;
  /** aborted when the client goes away before the response ends */
  signal: AbortSignal;
  state: ServerState;
  /** the whole request body, read once and cached */
  body(): Promise<Buffer>;
}

export type Handler = (ctx: Ctx) => void | Promise<void>;

export interface Route {
  re: RegExp;
  keys: string[];
  methods: string[] | null;
  handler: Handler;
}

/** '/links/:n/:offset?' and '/anything/*' style patterns; optional params only at the end. */
export function route(pattern: string, methods: string[] | null, handler: Handler): Route {
  const keys: string[] = [];
  let src = '';
  for (const seg of pattern.split('/').slice(1)) {
    if (seg === '*') {
      keys.push('*');
      src += '(?:/(.*))?';
    } else if (seg.startsWith(':')) {
      const optional = seg.endsWith('?');
      keys.push(seg.slice(1, optional ? -1 : undefined));
      src += optional ? '(?:/([^/]+))?' : '/([^/]+)';
    } else {
      src += '/' + seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return { re: new RegExp(`^${src || '/'}/?$`), keys, methods, handler };
}

export function matchRoute(r: Route, path: string): Record<string, string> | null {
  const m = r.re.exec(path);
  if (!m) return null;
  const params: Record<string, string> = {};
  r.keys.forEach((k, i) => {
    const v = m[i + 1];
    if (v !== undefined) params[k] = safeDecode(v);
  });
  return params;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Python's str.title() as werkzeug applies it to header names: x-api-key -> X-Api-Key. */
export function titleCase(name: string): string {
  return name.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_, p: string, c: string) => p + c.toUpperCase());
}

export function echoHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = titleCase(raw[i]!);
    out[k] = k in out ? `${out[k]}, ${raw[i + 1]}` : raw[i + 1]!;
  }
  return out;
}

/** httpbin style: a string, or an array when the key repeats. */
export function multiDict(pairs: Iterable<[string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of pairs) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export function origin(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

export function isTls(req: IncomingMessage): boolean {
  return req.socket instanceof TLSSocket;
}

/** Text when the bytes are valid UTF-8, else a base64 data URL (as httpbin does). */
export function textOrDataUrl(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return `data:application/octet-stream;base64,${buf.toString('base64')}`;
  }
}

export interface MultipartPart {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
  data: Buffer;
}

function dispositionParams(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of value.matchAll(/;\s*([\w*.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g)) {
    const raw = m[2]!.trim();
    out[m[1]!.toLowerCase()] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  }
  const star = out['filename*'];
  if (star) {
    const i = star.indexOf("''");
    out.filename = safeDecode(i >= 0 ? star.slice(i + 2) : star);
  }
  return out;
}

export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const parts: MultipartPart[] = [];
  const delim = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delim);
  while (pos >= 0) {
    pos += delim.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing delimiter
    const lineEnd = body.indexOf('\r\n', pos);
    if (lineEnd < 0) break;
    const start = lineEnd + 2;
    const end = body.indexOf(next, start);
    if (end < 0) break;
    const part = body.subarray(start, end);
    const headEnd = part.subarray(0, 2).toString() === '\r\n' ? 0 : part.indexOf('\r\n\r\n');
    const headText = headEnd <= 0 ? '' : part.subarray(0, headEnd).toString('utf8');
    const data = part.subarray(headEnd <= 0 ? 2 : headEnd + 4);
    const headers: Record<string, string> = {};
    for (const line of headText.split('\r\n')) {
      const c = line.indexOf(':');
      if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
    }
    const disp = dispositionParams(headers['content-disposition'] ?? '');
    parts.push({ name: disp.name ?? '', filename: disp.filename, contentType: headers['content-type'], data });
    pos = end + 2;
  }
  return parts;
}

export function mimeType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function ctParam(contentType: string | undefined, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i').exec(contentType ?? '');
  return m ? (m[1] ?? m[2]) : undefined;
}

export async function echo(ctx: Ctx): Promise<EchoBody> {
  const body = await ctx.body();
  const ct = ctx.req.headers['content-type'];
  const mime = mimeType(ct);
  const form: [string, string][] = [];
  const files: [string, string][] = [];
  let data = '';
  let json: unknown = null;
  if (mime === 'application/x-www-form-urlencoded') {
    form.push(...new URLSearchParams(body.toString('utf8')));
  } else if (mime === 'multipart/form-data' && ctParam(ct, 'boundary')) {
    for (const p of parseMultipart(body, ctParam(ct, 'boundary')!)) {
      (p.filename !== undefined ? files : form).push([p.name, textOrDataUrl(p.data)]);
    }
  } else {
    data = textOrDataUrl(body);
    try {
      json = data ? JSON.parse(data) : null;
    } catch {
      json = null;
    }
  }
  return {
    args: multiDict(ctx.query),
    data,
    files: multiDict(files),
    form: multiDict(form),
    headers: echoHeaders(ctx.req),
    json,
    method: ctx.method,
    origin: origin(ctx.req),
    url: ctx.url.href,
  };
}

export function send(ctx: Ctx, status: number, body: string | Buffer, contentType?: string): void {
  const { res } = ctx;
  if (contentType) res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.writeHead(status);
  res.end(body);
}

export function sendJson(ctx: Ctx, value: unknown, status = 200): void {
  send(ctx, status, JSON.stringify(value, null, 2) + '\n', 'application/json');
}

export function redirect(ctx: Ctx, location: string, status = 302): void {
  // Header values must be Latin-1; percent-encode anything beyond.
  ctx.res.setHeader('Location', location.replace(/[^\x00-\xff]+/g, encodeURIComponent));
  send(ctx, status, '', undefined);
}

/** Integer query/path value with a fallback and an upper bound. */
export function intParam(v: string | null | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = v == null || v === '' ? NaN : Number(v);
  return Number.isFinite(n) ? Math.min(Math.max(Math.trunc(n), 0), max) : fallback;
}

/** A duration given in (fractional) seconds, as httpbin's `delay` takes it, in milliseconds, bounded. */
export function seconds(v: string | null | undefined, fallback: number, max: number): number {
  const n = v == null || v === '' ? NaN : Number(v);
  return Number.isFinite(n) ? Math.min(Math.max(n, 0), max) * 1000 : fallback * 1000;
}

/** Deterministic bytes for a seed (AES-CTR keystream), random without one; a prefix is stable across lengths. */
export function pseudoRandomBytes(n: number, seed: string | null): Buffer {
  if (seed === null) return randomBytes(n);
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  return cipher.update(Buffer.alloc(n));
}

/** Resolves after ms, or early (with false) when the signal aborts; never throws. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(t);
      resolve(false);
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Writes a chunk and waits for drain; false when the client went away. */
export async function write(ctx: Ctx, chunk: string | Buffer): Promise<boolean> {
  if (ctx.signal.aborted || ctx.res.destroyed) return false;
  if (ctx.res.write(chunk)) return true;
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      ctx.res.off('drain', onDrain);
      ctx.signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onDrain = done(true);
    const onAbort = done(false);
    ctx.res.once('drain', onDrain);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}
