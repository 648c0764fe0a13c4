// Body-producing routes of the test httpbin: streams, bytes, timing, encodings, pages, pagination.
import { createHash } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import {
  echo,
  echoHeaders,
  intParam,
  multiDict,
  origin,
  pseudoRandomBytes,
  redirect,
  route,
  seconds,
  send,
  sendJson,
  sleep,
  write,
  type Ctx,
  type Route,
} from './httpbin-util.ts';

const GET = ['GET'];
const MAX_BYTES = 10 * 1024 * 1024;

function compressed(ctx: Ctx, encoding: string, flag: string, fn: (b: Buffer) => Buffer): void {
  const json = { [flag]: true, headers: echoHeaders(ctx.req), method: ctx.method, origin: origin(ctx.req) };
  ctx.res.setHeader('Content-Encoding', encoding);
  send(ctx, 200, fn(Buffer.from(JSON.stringify(json, null, 2) + '\n')), 'application/json');
}

const HTML = `<!DOCTYPE html>
<html>
  <head><meta charset="utf-8"><title>errand httpbin</title></head>
  <body>
    <h1>Herman Melville - Moby-Dick</h1>
    <p>A sample page for HTML tests. It has a heading, this paragraph and nothing that runs.</p>
  </body>
</html>
`;

const UTF8_HTML = `<!DOCTYPE html>
<html>
  <head><meta charset="utf-8"><title>UTF-8 sample</title></head>
  <body>
    <h1>Unicode sample</h1>
    <p>Latin-1: café, naïve, Straße, ½ £ ©</p>
    <p>Greek: Καλημέρα κόσμε. Cyrillic: Здравствуй, мир. Japanese: こんにちは世界</p>
    <p>Math: ∀x ∈ ℝ, x² ≥ 0. Arrows: ← ↑ → ↓. Emoji: 🎉🚀</p>
  </body>
</html>
`;

const JSON_DOC = {
  slideshow: {
    author: 'errand',
    date: '2024-01-01',
    title: 'Sample Slide Show',
    slides: [
      { title: 'Why errand', type: 'all' },
      { title: 'Overview', type: 'all', items: ['One API for every runtime', 'Sessions, auth, hooks'] },
    ],
  },
};

const XML_DOC = `<?xml version="1.0" encoding="utf-8"?>
<slideshow title="Sample Slide Show" date="2024-01-01" author="errand">
  <slide type="all"><title>Why errand</title></slide>
  <slide type="all">
    <title>Overview</title>
    <item>One API for every runtime</item>
    <item>Sessions, auth, hooks</item>
  </slide>
</slideshow>
`;

function parseRange(header: string, size: number): [number, number] | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(size - Number(m[2]), 0);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start <= end && start < size ? [start, end] : null;
}

export const dataRoutes: Route[] = [
  route('/stream/:n', GET, async (ctx) => {
    const n = intParam(ctx.params.n, 0, 100);
    ctx.res.setHeader('Content-Type', 'application/json');
    const base = { url: ctx.url.href, args: multiDict(ctx.query), headers: echoHeaders(ctx.req), origin: origin(ctx.req) };
    for (let id = 0; id < n; id++) if (!(await write(ctx, JSON.stringify({ ...base, id }) + '\n'))) return;
    ctx.res.end();
  }),
  route('/stream-bytes/:n', GET, async (ctx) => {
    const bytes = pseudoRandomBytes(intParam(ctx.params.n, 0, MAX_BYTES), ctx.query.get('seed'));
    const chunk = Math.max(intParam(ctx.query.get('chunk_size'), 10 * 1024), 1);
    ctx.res.setHeader('Content-Type', 'application/octet-stream');
    for (let i = 0; i < bytes.length; i += chunk) if (!(await write(ctx, bytes.subarray(i, i + chunk)))) return;
    ctx.res.end();
  }),
  route('/bytes/:n', GET, (ctx) => {
    const bytes = pseudoRandomBytes(intParam(ctx.params.n, 0, MAX_BYTES), ctx.query.get('seed'));
    send(ctx, 200, bytes, 'application/octet-stream');
  }),
  route('/range/:n', GET, (ctx) => {
    const size = intParam(ctx.params.n, 0, MAX_BYTES);
    const all = Buffer.alloc(size, 'abcdefghijklmnopqrstuvwxyz');
    const { res } = ctx;
    res.setHeader('ETag', `"range${size}"`);
    res.setHeader('Accept-Ranges', 'bytes');
    const header = ctx.req.headers.range;
    if (!header) return send(ctx, 200, all, 'application/octet-stream');
    const r = parseRange(header, size);
    if (!r) {
      res.setHeader('Content-Range', `bytes */${size}`);
      return send(ctx, 416, '', undefined);
    }
    res.setHeader('Content-Range', `bytes ${r[0]}-${r[1]}/${size}`);
    send(ctx, 206, all.subarray(r[0], r[1] + 1), 'application/octet-stream');
  }),
  route('/drip', GET, async (ctx) => {
    const q = ctx.query;
    const duration = seconds(q.get('duration'), 2, 60);
    const numbytes = intParam(q.get('numbytes'), 10, MAX_BYTES);
    const code = intParam(q.get('code'), 200);
    if (!(await sleep(seconds(q.get('delay'), 0, 60), ctx.signal))) return;
    ctx.res.setHeader('Content-Type', 'application/octet-stream');
    ctx.res.setHeader('Content-Length', numbytes);
    ctx.res.writeHead(code >= 200 && code < 600 ? code : 200);
    ctx.res.flushHeaders();
    const pause = numbytes > 0 ? duration / numbytes : 0;
    for (let i = 0; i < numbytes; i++) {
      if (!(await write(ctx, '*'))) return;
      if (pause && i < numbytes - 1 && !(await sleep(pause, ctx.signal))) return;
    }
    ctx.res.end();
  }),
  route('/delay/:n', null, async (ctx) => {
    if (await sleep(seconds(ctx.params.n, 0, 10), ctx.signal)) sendJson(ctx, await echo(ctx));
  }),
  route('/slow-body', null, async (ctx) => {
    const chunks = intParam(ctx.query.get('chunks'), 5, 10_000);
    const interval = intParam(ctx.query.get('interval_ms'), 200, 60_000);
    ctx.res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    ctx.res.writeHead(200);
    ctx.res.flushHeaders();
    for (let i = 0; i < chunks; i++) {
      if (i > 0 && !(await sleep(interval, ctx.signal))) return;
      if (!(await write(ctx, `chunk ${i}\n`))) return;
    }
    ctx.res.end();
  }),
  route('/consume', null, async (ctx) => {
    // Counts the upload without buffering it, for bounded-memory streaming tests. `chunk_delay_ms` pauses
    // after each chunk read, so that a client sees its upload move slowly (upload progress, abort mid-upload).
    const pause = intParam(ctx.query.get('chunk_delay_ms'), 0, 1000);
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      hash.update(chunk);
      if (pause && !(await sleep(pause, ctx.signal))) return;
    }
    sendJson(ctx, { bytes, sha256: hash.digest('hex'), headers: echoHeaders(ctx.req) });
  }),

  route('/gzip', GET, (ctx) => compressed(ctx, 'gzip', 'gzipped', gzipSync)),
  route('/deflate', GET, (ctx) => compressed(ctx, 'deflate', 'deflated', deflateSync)),
  route('/brotli', GET, (ctx) => compressed(ctx, 'br', 'brotli', brotliCompressSync)),
  route('/encoding/utf8', GET, (ctx) => send(ctx, 200, UTF8_HTML, 'text/html; charset=utf-8')),
  route('/html', GET, (ctx) => send(ctx, 200, HTML, 'text/html; charset=utf-8')),
  route('/json', GET, (ctx) => sendJson(ctx, JSON_DOC)),
  route('/xml', GET, (ctx) => send(ctx, 200, XML_DOC, 'application/xml')),
  route('/robots.txt', GET, (ctx) => send(ctx, 200, 'User-agent: *\nDisallow: /deny\n', 'text/plain')),
  route('/base64/:value', GET, (ctx) =>
    send(ctx, 200, Buffer.from(ctx.params.value ?? '', 'base64url'), 'text/html; charset=utf-8'),
  ),
  route('/charset', null, (ctx) => {
    const ct = ctx.query.get('ct');
    send(ctx, 200, Buffer.from(ctx.query.get('b64') ?? '', 'base64'), ct ?? undefined);
  }),

  route('/links/:n/:offset?', GET, (ctx) => {
    const n = intParam(ctx.params.n, 0, 200);
    if (ctx.params.offset === undefined) return redirect(ctx, `/links/${n}/0`);
    const offset = intParam(ctx.params.offset, 0);
    const items = Array.from({ length: n }, (_, i) => (i === offset ? `${i} ` : `<a href='/links/${n}/${i}'>${i}</a> `));
    send(ctx, 200, `<html><head><title>Links</title></head><body>${items.join('')}</body></html>`, 'text/html; charset=utf-8');
  }),
  route('/paginate/:total', GET, (ctx) => {
    const total = intParam(ctx.params.total, 0, 1_000_000);
    const perPage = Math.max(intParam(ctx.query.get('per_page'), 10, 1000), 1);
    const last = Math.max(Math.ceil(total / perPage), 1);
    const page = Math.max(intParam(ctx.query.get('page'), 1), 1);
    // Like GitHub's API, the links carry the request's other query parameters.
    const rest = [...ctx.query].filter(([k]) => k !== 'page' && k !== 'per_page').map(([k, v]) => `&${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('');
    const link = (p: number, rel: string): string => `</paginate/${total}?page=${p}&per_page=${perPage}${rest}>; rel="${rel}"`;
    const links = [link(1, 'first')];
    if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
    if (page < last) links.push(link(page + 1, 'next'));
    links.push(link(last, 'last'));
    ctx.res.setHeader('Link', links.join(', '));
    ctx.res.setHeader('X-Total-Count', total);
    const first = (page - 1) * perPage;
    const ids = Array.from({ length: Math.max(Math.min(perPage, total - first), 0) }, (_, i) => ({ id: first + i + 1 }));
    sendJson(ctx, ids);
  }),
];
