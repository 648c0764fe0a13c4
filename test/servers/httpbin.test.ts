// The test httpbin checked with plain fetch / node:http, before errand exists.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeCerts } from './certs.ts';
import { startHttpbin, type Httpbin } from './httpbin.ts';

let bin: Httpbin;
let base: string;
beforeAll(async () => {
  bin = await startHttpbin();
  base = bin.url;
});
afterAll(() => bin.close());

const get = (path: string, init?: RequestInit): Promise<Response> => fetch(base + path, { redirect: 'manual', ...init });
const json = async (path: string, init?: RequestInit): Promise<any> => (await get(path, init)).json();

/** A node:http request, for what fetch hides (raw targets, early aborts). */
function raw(opts: http.RequestOptions, body?: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: bin.port, agent: false, ...opts }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('echo endpoints', () => {
  it('/get echoes args, Title-Case headers, origin and url', async () => {
    const r = await get('/get?a=1&a=2&b=x', { headers: { 'x-api-key': 'k', 'X-Test2': 'y' } });
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.args).toEqual({ a: ['1', '2'], b: 'x' });
    expect(body.headers['X-Api-Key']).toBe('k');
    expect(body.headers['X-Test2']).toBe('y');
    expect(body.headers.Host).toBe(new URL(base).host);
    expect(body).toMatchObject({ method: 'GET', origin: '127.0.0.1', url: `${base}/get?a=1&a=2&b=x`, data: '', json: null });
  });

  it('/post parses JSON, forms, multipart, text and binary', async () => {
    const j = await json('/post', { method: 'POST', body: '{"a":[1,2]}', headers: { 'content-type': 'application/json' } });
    expect(j).toMatchObject({ json: { a: [1, 2] }, data: '{"a":[1,2]}', form: {} });
    const f = await json('/post', { method: 'POST', body: new URLSearchParams([['k', '1'], ['k', '2'], ['n', 'é']]) });
    expect(f).toMatchObject({ form: { k: ['1', '2'], n: 'é' }, data: '', json: null });
    const fd = new FormData();
    fd.append('field', 'v');
    fd.append('upload', new Blob(['file body\n'], { type: 'text/plain' }), 'a.txt');
    fd.append('bin', new Blob([new Uint8Array([0xff, 0x00, 0xfe])]), 'b.bin');
    const m = await json('/post', { method: 'POST', body: fd });
    expect(m.form).toEqual({ field: 'v' });
    expect(m.files).toEqual({ upload: 'file body\n', bin: 'data:application/octet-stream;base64,/wD+' });
    const b = await json('/post', { method: 'POST', body: new Uint8Array([0xc3, 0x28]) });
    expect(b.data).toBe('data:application/octet-stream;base64,wyg=');
    expect((await json('/post', { method: 'POST', body: 'plain' })).data).toBe('plain');
  });

  it('method routes, 405 with Allow, OPTIONS and HEAD', async () => {
    for (const m of ['PUT', 'PATCH', 'DELETE']) expect((await json(`/${m.toLowerCase()}`, { method: m })).method).toBe(m);
    const bad = await get('/post');
    expect(bad.status).toBe(405);
    expect(bad.headers.get('allow')).toContain('POST');
    const opt = await get('/get', { method: 'OPTIONS' });
    expect(opt.status).toBe(200);
    expect(opt.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    const head = await get('/get', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await head.text()).toBe('');
    expect((await get('/nope')).status).toBe(404);
  });

  it('/anything takes any method and path', async () => {
    const r = await json('/anything/a/b?x=1', { method: 'MKCOL', body: 'hi' });
    expect(r).toMatchObject({ method: 'MKCOL', data: 'hi', url: `${base}/anything/a/b?x=1`, args: { x: '1' } });
    expect((await json('/anything', { method: 'OPTIONS' })).method).toBe('OPTIONS');
  });

  it('/headers /user-agent /ip /uuid', async () => {
    expect((await json('/headers', { headers: { 'x-one': '1' } })).headers['X-One']).toBe('1');
    expect(await json('/user-agent', { headers: { 'user-agent': 'errand/test' } })).toEqual({ 'user-agent': 'errand/test' });
    expect(await json('/ip')).toEqual({ origin: '127.0.0.1' });
    expect((await json('/uuid')).uuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reaches the same server through localhost and ::1', async () => {
    expect((await (await fetch(`http://localhost:${bin.port}/get`)).json()).url).toBe(`http://localhost:${bin.port}/get`);
    expect(await (await fetch(`http://[::1]:${bin.port}/ip`)).json()).toEqual({ origin: '::1' });
  });

  it('echoes an absolute-form target (used as a proxy) and counts uploads', async () => {
    const r = await raw({ path: 'http://example.test/get?p=1', headers: { host: 'example.test' } });
    expect(JSON.parse(r.body).url).toBe('http://example.test/get?p=1');
    const data = randomBytes(1 << 20);
    const c = await json('/consume', { method: 'POST', body: data });
    expect(c).toMatchObject({ bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
  });
});

describe('cookies and redirects', () => {
  it('sets, reads and deletes cookies', async () => {
    expect(await json('/cookies', { headers: { cookie: 'a=1; b=2' } })).toEqual({ cookies: { a: '1', b: '2' } });
    const s = await get('/cookies/set/name/value');
    expect(s.status).toBe(302);
    expect(s.headers.get('location')).toBe('/cookies');
    expect(s.headers.getSetCookie()).toEqual(['name=value; Path=/']);
    expect((await get('/cookies/set?x=1&y=2')).headers.getSetCookie()).toEqual(['x=1; Path=/', 'y=2; Path=/']);
    const d = (await get('/cookies/delete?x')).headers.getSetCookie();
    expect(d[0]).toMatch(/^x=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=\/$/);
    const raw = (await get('/set-cookie?raw=' + encodeURIComponent('s=1; HttpOnly') + '&raw=t=2')).headers.getSetCookie();
    expect(raw).toEqual(['s=1; HttpOnly', 't=2']);
  });

  it('redirect chains end at /get', async () => {
    expect((await get('/redirect/3')).headers.get('location')).toBe('/relative-redirect/2');
    expect((await get('/redirect/1')).headers.get('location')).toBe('/get');
    expect((await get('/relative-redirect/2')).headers.get('location')).toBe('/relative-redirect/1');
    expect((await get('/absolute-redirect/2')).headers.get('location')).toBe(`${base}/absolute-redirect/1`);
    expect((await get('/absolute-redirect/1')).headers.get('location')).toBe(`${base}/get`);
    const followed = await fetch(`${base}/redirect/4`);
    expect(followed.url).toBe(`${base}/get`);
    expect(followed.redirected).toBe(true);
  });

  it('/redirect-to with any method and status', async () => {
    const r = await get('/redirect-to?url=/anything&status_code=307', { method: 'PUT' });
    expect(r.status).toBe(307);
    expect(r.headers.get('location')).toBe('/anything');
    expect((await get('/redirect-to?url=http://x.test/&status_code=200')).status).toBe(302);
    expect((await get('/redirect-to?url=/anything/%E2%82%AC')).headers.get('location')).toBe('/anything/%E2%82%AC');
    const form = await get('/redirect-to', { method: 'POST', body: new URLSearchParams({ url: '/get', status_code: '303' }) });
    expect([form.status, form.headers.get('location')]).toEqual([303, '/get']);
  });
});

describe('auth', () => {
  const basic = (u: string, p: string) => ({ authorization: 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64') });

  it('basic, hidden basic and bearer', async () => {
    expect(await json('/basic-auth/u/p', { headers: basic('u', 'p') })).toEqual({ authenticated: true, user: 'u' });
    const no = await get('/basic-auth/u/p', { headers: basic('u', 'x') });
    expect([no.status, no.headers.get('www-authenticate')]).toEqual([401, 'Basic realm="Fake Realm"']);
    expect((await get('/hidden-basic-auth/u/p')).status).toBe(404);
    expect((await get('/hidden-basic-auth/u/p', { headers: basic('u', 'p') })).status).toBe(200);
    expect(await json('/bearer', { headers: { authorization: 'Bearer tok' } })).toEqual({ authenticated: true, token: 'tok' });
    const nb = await get('/bearer');
    expect([nb.status, nb.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
  });

  const HASH: Record<string, string> = { MD5: 'md5', 'SHA-256': 'sha256' };
  function digest(challenge: string, method: string, uri: string, pass: string, nc = 1, body = ''): string {
    const c = Object.fromEntries([...challenge.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)].map((m) => [m[1], m[2] ?? m[3]]));
    const alg: string = c.algorithm;
    const H = (s: string) => createHash(HASH[alg.replace(/-sess$/, '')]!).update(s).digest('hex');
    const cnonce = 'abcdef';
    const ncs = nc.toString(16).padStart(8, '0');
    let ha1 = H(`user:${c.realm}:${pass}`);
    if (alg.endsWith('-sess')) ha1 = H(`${ha1}:${c.nonce}:${cnonce}`);
    const qop: string | undefined = c.qop;
    const ha2 = H(qop === 'auth-int' ? `${method}:${uri}:${H(body)}` : `${method}:${uri}`);
    const resp = qop ? H(`${ha1}:${c.nonce}:${ncs}:${cnonce}:${qop}:${ha2}`) : H(`${ha1}:${c.nonce}:${ha2}`);
    const q = qop ? `, qop=${qop}, nc=${ncs}, cnonce="${cnonce}"` : '';
    return `Digest username="user", realm="${c.realm}", nonce="${c.nonce}", uri="${uri}", algorithm=${alg}, response="${resp}", opaque="${c.opaque}"${q}`;
  }

  it.each([
    ['auth', 'MD5'],
    ['auth', 'MD5-sess'],
    ['auth', 'SHA-256'],
    ['auth-int', 'SHA-256-sess'],
    ['auth-int', 'MD5'],
    ['none', 'MD5'],
  ])('digest qop=%s algorithm=%s', async (qop, alg) => {
    const path = `/digest-auth/${qop}/user/pass/${alg}`;
    const method = qop === 'auth-int' ? 'POST' : 'GET';
    const first = await get(path);
    expect(first.status).toBe(401);
    const chal = first.headers.get('www-authenticate')!;
    expect(chal).toMatch(new RegExp(`^Digest realm=".+", nonce="\\w+", ${qop === 'none' ? '' : `qop="${qop}", `}opaque="\\w+", algorithm=${alg}, stale=FALSE$`));
    const body = method === 'POST' ? 'payload' : undefined;
    const wrong = await get(path, { method, ...(body ? { body } : {}), headers: { authorization: digest(chal, 'PUT', path, 'pass', 1, body) } });
    expect(wrong.status).toBe(401);
    const ok = await get(path, { method, ...(body ? { body } : {}), headers: { authorization: digest(chal, method, path, 'pass', 1, body) } });
    expect(await ok.json()).toEqual({ authenticated: true, user: 'user' });
    const bad = await get(path, { headers: { authorization: digest(chal, 'GET', path, 'nope') } });
    expect(bad.status).toBe(401);
  });

  it('digest defaults to MD5, flags stale nonces and can check nonce counts', async () => {
    const chal = (await get('/digest-auth/auth/user/pass')).headers.get('www-authenticate')!;
    expect(chal).toContain('algorithm=MD5,');
    const p = '/digest-auth/auth/user/pass/MD5/1';
    const c2 = (await get(p)).headers.get('www-authenticate')!;
    expect((await get(p, { headers: { authorization: digest(c2, 'GET', p, 'pass', 1) } })).status).toBe(200);
    const stale = await get(p, { headers: { authorization: digest(c2, 'GET', p, 'pass', 2) } });
    expect([stale.status, /stale=TRUE/.test(stale.headers.get('www-authenticate')!)]).toEqual([401, true]);
    const q = '/digest-auth/auth/user/pass/MD5?check_nc=1';
    const c3 = (await get(q)).headers.get('www-authenticate')!;
    expect((await get(q, { headers: { authorization: digest(c3, 'GET', q, 'pass', 1) } })).status).toBe(200);
    expect((await get(q, { headers: { authorization: digest(c3, 'GET', q, 'pass', 1) } })).status).toBe(401);
    expect((await get(q, { headers: { authorization: digest(c3, 'GET', q, 'pass', 2) } })).status).toBe(200);
  });
});

describe('status and headers', () => {
  it('/status picks codes and adds the right extras', async () => {
    expect((await get('/status/204')).status).toBe(204);
    expect([200, 201]).toContain((await get('/status/200,201')).status);
    expect((await get('/status/500:0,201:1')).status).toBe(201);
    const r = await get('/status/302');
    expect([r.status, r.headers.get('location')]).toEqual([302, '/redirect/1']);
    expect((await get('/status/401')).headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await get('/status/304')).headers.get('location')).toBeNull();
    const tea = await get('/status/418');
    expect([tea.status, (await tea.text()).includes('teapot')]).toEqual([418, true]);
    expect((await get('/status/abc')).status).toBe(400);
    const t = await get('/status-text/299?reason=Very%20Custom');
    expect([t.status, t.statusText]).toEqual([299, 'Very Custom']);
  });

  it('/response-headers sets repeated headers and exposes them', async () => {
    const r = await get('/response-headers?X-Foo=a&X-Foo=b&Retry-After=3', { headers: { origin: 'http://page.test' } });
    expect(r.headers.get('x-foo')).toBe('a, b');
    expect(await r.json()).toMatchObject({ 'X-Foo': ['a', 'b'], 'Retry-After': '3', 'Content-Type': 'application/json' });
    expect(r.headers.get('access-control-expose-headers')).toMatch(/X-Foo/i);
    const l = await get('/link-header?value=' + encodeURIComponent('<https://x.test/?a=b,c>; rel="next"'));
    expect(l.headers.get('link')).toBe('<https://x.test/?a=b,c>; rel="next"');
  });

  it('CORS: preflight and simple responses', async () => {
    const pre = await get('/post', {
      method: 'OPTIONS',
      headers: { origin: 'http://page.test', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-a, content-type' },
    });
    expect(pre.status).toBe(204);
    expect(Object.fromEntries([...pre.headers].filter(([k]) => k.startsWith('access-control')))).toMatchObject({
      'access-control-allow-origin': 'http://page.test',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'PUT',
      'access-control-allow-headers': 'x-a, content-type',
      'access-control-max-age': '3600',
    });
    const r = await get('/cookies/set/a/b', { headers: { origin: 'http://page.test' } });
    expect(r.headers.get('access-control-allow-origin')).toBe('http://page.test');
    const exposed = r.headers.get('access-control-expose-headers')!;
    expect(exposed).toMatch(/Location/);
    expect(exposed).toMatch(/WWW-Authenticate/);
    expect(exposed).not.toMatch(/Set-Cookie/i);
    expect((await get('/get')).headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('bodies', () => {
  it('/stream, /stream-bytes, /bytes and /range', async () => {
    const lines = (await (await get('/stream/3')).text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual([0, 1, 2]);
    const a = new Uint8Array(await (await get('/bytes/64?seed=7')).arrayBuffer());
    const b = new Uint8Array(await (await get('/stream-bytes/100?seed=7&chunk_size=10')).arrayBuffer());
    expect(a.length).toBe(64);
    expect(b.subarray(0, 64)).toEqual(a);
    expect(new Uint8Array(await (await get('/bytes/64')).arrayBuffer())).not.toEqual(a);
    const r = await get('/range/26', { headers: { range: 'bytes=2-4' } });
    expect([r.status, r.headers.get('content-range'), await r.text()]).toEqual([206, 'bytes 2-4/26', 'cde']);
    expect((await get('/range/26', { headers: { range: 'bytes=-3' } }).then((x) => x.text()))).toBe('xyz');
    expect((await get('/range/26', { headers: { range: 'bytes=30-' } })).status).toBe(416);
  });

  it('/drip, /delay and /slow-body take their time', async () => {
    let t = Date.now();
    const d = await get('/drip?duration=0.3&numbytes=4&code=201&delay=0.1');
    expect([d.status, await d.text()]).toEqual([201, '****']);
    expect(Date.now() - t).toBeGreaterThanOrEqual(300);
    t = Date.now();
    expect((await json('/delay/0.2')).url).toBe(`${base}/delay/0.2`);
    expect(Date.now() - t).toBeGreaterThanOrEqual(190);
    expect(await (await get('/slow-body?chunks=3&interval_ms=20')).text()).toBe('chunk 0\nchunk 1\nchunk 2\n');
  });

  it('/delay stops its timer when the client goes away', async () => {
    const set = vi.spyOn(globalThis, 'setTimeout');
    const clear = vi.spyOn(globalThis, 'clearTimeout');
    try {
      const req = http.get({ host: '127.0.0.1', port: bin.port, path: '/delay/10', agent: false });
      req.on('error', () => {});
      await vi.waitFor(() => expect(set.mock.calls.some((c) => c[1] === 10_000)).toBe(true));
      const timer = set.mock.results[set.mock.calls.findIndex((c) => c[1] === 10_000)]!.value;
      req.destroy();
      await vi.waitFor(() => expect(clear).toHaveBeenCalledWith(timer));
    } finally {
      set.mockRestore();
      clear.mockRestore();
    }
  });

  it('compressed, text and page bodies', async () => {
    for (const [p, flag, enc] of [['/gzip', 'gzipped', 'gzip'], ['/deflate', 'deflated', 'deflate'], ['/brotli', 'brotli', 'br']]) {
      const r = await get(p!);
      expect(r.headers.get('content-encoding')).toBe(enc);
      expect((await r.json())[flag!]).toBe(true);
    }
    const u = await get('/encoding/utf8');
    expect(u.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await u.text()).toContain('Здравствуй');
    expect(await (await get('/html')).text()).toContain('Herman Melville');
    expect((await json('/json')).slideshow.title).toBe('Sample Slide Show');
    expect((await get('/xml')).headers.get('content-type')).toBe('application/xml');
    expect(await (await get('/robots.txt')).text()).toContain('Disallow');
    const links = await (await get('/links/4/1')).text();
    expect(links).toContain("<a href='/links/4/0'>0</a> 1 <a href='/links/4/2'>2</a>");
    expect((await get('/links/4')).headers.get('location')).toBe('/links/4/0');
  });

  it('/paginate pages with a Link header', async () => {
    const r = await get('/paginate/7?page=2&per_page=3');
    expect(await r.json()).toEqual([{ id: 4 }, { id: 5 }, { id: 6 }]);
    expect(r.headers.get('link')).toBe(
      '</paginate/7?page=1&per_page=3>; rel="first", </paginate/7?page=1&per_page=3>; rel="prev", ' +
        '</paginate/7?page=3&per_page=3>; rel="next", </paginate/7?page=3&per_page=3>; rel="last"',
    );
    const last = await get('/paginate/7?page=3&per_page=3');
    expect(await last.json()).toEqual([{ id: 7 }]);
    expect(last.headers.get('link')).not.toContain('rel="next"');
  });

  it('/charset, /echo-raw and /close', async () => {
    const c = await get('/charset?ct=' + encodeURIComponent('text/plain; charset=iso-8859-1') + '&b64=' + Buffer.from([0xe9]).toString('base64'));
    expect(c.headers.get('content-type')).toBe('text/plain; charset=iso-8859-1');
    expect(new Uint8Array(await c.arrayBuffer())).toEqual(new Uint8Array([0xe9]));
    expect((await get('/charset?b64=AA==')).headers.get('content-type')).toBeNull();
    const e = await get('/echo-raw', { method: 'PUT', body: new Uint8Array([1, 2, 3]), headers: { 'content-type': 'x/y' } });
    expect([e.headers.get('content-type'), [...new Uint8Array(await e.arrayBuffer())]]).toEqual(['x/y', [1, 2, 3]]);
    await expect(get('/close')).rejects.toThrow();
  });
});

describe('/watch (ours): the server\'s view of a request', () => {
  it('reports a finished response, a connection closed by the client, an aborted response, and 404 for an unknown token', async () => {
    await raw({ path: '/get?watch=w-done' });
    expect(await json('/watch/w-done?until=connection')).toEqual({ response: 'finished', connection: 'closed' });
    const cut = await new Promise<http.ClientRequest>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: bin.port, path: '/drip?duration=30&numbytes=30&watch=w-cut', agent: false }, () => resolve(req));
    });
    cut.destroy();
    expect(await json('/watch/w-cut?until=response')).toEqual({ response: 'aborted', connection: 'closed' });
    expect((await get('/watch/never-seen')).status).toBe(404);
  });
});

describe('TLS', () => {
  it('serves the generated certificate and reports client certificates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'errand-httpbin-test-'));
    const certs = makeCerts(dir);
    const tls = await startHttpbin({ tls: { key: certs.serverKey, cert: certs.serverCert, ca: certs.caCert, requestCert: true } });
    const call = (host: string, extra: https.RequestOptions = {}): Promise<any> =>
      new Promise((resolve, reject) => {
        https
          .get({ host, port: tls.port, path: '/client-cert', ca: certs.caCert, agent: false, ...extra }, (res) => {
            let s = '';
            res.on('data', (c) => (s += c));
            res.on('end', () => resolve(JSON.parse(s)));
          })
          .on('error', reject);
      });
    try {
      expect(tls.url).toBe(`https://127.0.0.1:${tls.port}`);
      expect(await call('127.0.0.1')).toMatchObject({ tls: true, present: false });
      expect(await call('localhost', { servername: 'localhost' })).toMatchObject({ tls: true, present: false });
      expect(await call('127.0.0.1', { cert: certs.clientCert, key: certs.clientKey })).toEqual({
        tls: true, present: true, authorized: true, subject: 'errand test client', issuer: 'errand test CA',
      });
      await expect(call('127.0.0.1', { ca: undefined })).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    } finally {
      await tls.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
