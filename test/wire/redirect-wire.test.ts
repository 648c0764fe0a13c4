// The bytes of every redirect hop, read off a raw socket (requests' test_lowlevel.py technique):
// request line, body, Content-Length, Transfer-Encoding, Authorization, Cookie, per hop.
import * as errand from 'errand';
import { Agent, fetch as undiciFetch } from 'undici';
import { describe, expect, inject, it } from 'vitest';
import { rawHeaderValues, startForwardProxy } from '../servers/forward-proxy.ts';
import { startProxy } from '../servers/proxy.ts';
import { respond, type Behaviour } from '../servers/behaviours.ts';
import type { RawServer, RecordedRequest } from '../servers/raw-server.ts';
import { scriptedServers } from './_scripted-server.ts';

const server = scriptedServers();

const redirect = (status: number, location: string, extra: [string, string][] = []): Behaviour => respond(status, [['Location', location], ...extra]);
const ok = (body = 'ok'): Behaviour => respond(200, [['Content-Type', 'text/plain']], body);
const BASIC = `Basic ${Buffer.from('user:pass').toString('base64')}`;

/** The framing headers of a hop, to compare in one assertion. */
function framing(request: RecordedRequest) {
  return {
    line: request.requestLine,
    body: request.body.toString('latin1'),
    contentLength: request.header('content-length'),
    transferEncoding: request.header('transfer-encoding'),
    contentType: request.header('content-type'),
  };
}

function credentials(request: RecordedRequest) {
  return {
    authorization: request.header('authorization'),
    proxyAuthorization: request.header('proxy-authorization'),
    cookie: request.header('cookie'),
    apiKey: request.header('x-api-key'),
  };
}

function onceStream(text: string): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) return controller.close();
      sent = true;
      controller.enqueue(new TextEncoder().encode(text));
    },
  });
}

describe('wire: method and body per hop', () => {
  it('302 POST → GET: the second hop has no body, no Content-Length, no Transfer-Encoding, no Content-Type', async () => {
    const raw = await server(redirect(302, '/home'), ok());
    const r = await errand.post(`${raw.url}/login`, { json: { user: 'u' } });
    expect(r.statusCode).toBe(200);
    expect(raw.requests.map(framing)).toEqual([
      { line: 'POST /login HTTP/1.1', body: '{"user":"u"}', contentLength: '12', transferEncoding: undefined, contentType: 'application/json' },
      { line: 'GET /home HTTP/1.1', body: '', contentLength: undefined, transferEncoding: undefined, contentType: undefined },
    ]);
    expect(raw.requests[1]!.raw.toString('latin1').endsWith('\r\n\r\n')).toBe(true);
  });

  it('301 POST → GET and 303 PUT → GET drop the body the same way', async () => {
    for (const [status, method] of [[301, 'POST'], [303, 'PUT'], [303, 'DELETE']] as const) {
      const raw = await server(redirect(status, '/next'), ok());
      await errand.request(method, `${raw.url}/form`, { data: { a: '1' } });
      const [first, second] = raw.requests.map(framing);
      expect(first).toMatchObject({ line: `${method} /form HTTP/1.1`, body: 'a=1', contentLength: '3' });
      expect(second).toEqual({ line: 'GET /next HTTP/1.1', body: '', contentLength: undefined, transferEncoding: undefined, contentType: undefined });
    }
  });

  it('301 PUT stays PUT (only POST is rewritten on 301, as in requests) but its body and Content-Type are dropped', async () => {
    const raw = await server(redirect(301, '/moved'), ok());
    await errand.put(`${raw.url}/doc`, { data: 'payload', headers: { 'Content-Type': 'text/plain' } });
    const second = framing(raw.requests[1]!);
    expect(second.line).toBe('PUT /moved HTTP/1.1');
    expect(second.body).toBe('');
    expect(second.contentType).toBeUndefined();
    expect(second.transferEncoding).toBeUndefined();
    // Fetch writes Content-Length: 0 for a PUT without a body (Fetch spec, HTTP-network-or-cache fetch step 8).
    expect(second.contentLength ?? '0').toBe('0');
  });

  it('307 replays method, body bytes, Content-Length and Content-Type; Authorization and Cookie stay on the same origin', async () => {
    const raw = await server(redirect(307, '/again'), ok());
    const body = new Uint8Array([0, 1, 2, 250, 255]);
    await errand.post(`${raw.url}/upload`, {
      data: body, headers: { 'Content-Type': 'application/octet-stream' }, auth: ['user', 'pass'], cookies: { sid: 'abc' },
    });
    const [first, second] = raw.requests;
    expect(framing(second!)).toEqual({ ...framing(first!), line: 'POST /again HTTP/1.1' });
    expect([...second!.body]).toEqual([0, 1, 2, 250, 255]);
    expect(second!.header('content-length')).toBe('5');
    expect(credentials(second!)).toEqual({ authorization: BASIC, proxyAuthorization: undefined, cookie: 'sid=abc', apiKey: undefined });
    expect(second!.count('authorization')).toBe(1);
  });

  it('308 replays a form body byte for byte', async () => {
    const raw = await server(redirect(308, '/v2/form'), ok());
    await errand.patch(`${raw.url}/v1/form`, { data: { name: 'Zoë', n: '1' } });
    const [first, second] = raw.requests;
    expect(second!.requestLine).toBe('PATCH /v2/form HTTP/1.1');
    expect(second!.body.equals(first!.body)).toBe(true);
    expect(second!.body.toString('utf8')).toBe('name=Zo%C3%AB&n=1');
    expect(second!.header('content-type')).toBe('application/x-www-form-urlencoded');
  });

  it('HEAD stays HEAD through 302 and 303', async () => {
    for (const status of [302, 303]) {
      const raw = await server(redirect(status, '/there'), respond(200, [['Content-Length', '0']]));
      await errand.head(`${raw.url}/here`, { allowRedirects: true });
      expect(raw.requests.map((r) => r.requestLine)).toEqual(['HEAD /here HTTP/1.1', 'HEAD /there HTTP/1.1']);
    }
  });
});

describe('wire: streamed bodies', () => {
  it('307 with a ReadableStream body fails with a clear error, and nothing is sent twice', async () => {
    const raw = await server(redirect(307, '/again'));
    const error = await errand.post(`${raw.url}/upload`, { data: onceStream('one-shot') }).then(
      () => expect.fail('a 307 asking for a one-shot stream again must fail'),
      (e: unknown) => e as errand.RequestError,
    );
    expect(error).toBeInstanceOf(errand.RequestError);
    expect(error.message).toMatch(/cannot be replayed/);
    expect(error.message).toMatch(/allowRedirects: false/);
    expect(error.response?.statusCode).toBe(307);
    expect(raw.requests).toHaveLength(1);
    expect(raw.unscripted).toBe(0);
    expect(framing(raw.requests[0]!)).toMatchObject({ line: 'POST /upload HTTP/1.1', body: 'one-shot', transferEncoding: 'chunked', contentLength: undefined });
  });

  it('308 with a ReadableStream body fails the same way', async () => {
    const raw = await server(redirect(308, '/again'));
    await expect(errand.put(`${raw.url}/upload`, { data: onceStream('x') })).rejects.toThrow(/cannot be replayed/);
    expect(raw.requests).toHaveLength(1);
  });

  it('302 after a streamed POST: the stream is sent once, the GET that follows has no body', async () => {
    const raw = await server(redirect(302, '/done'), ok());
    const r = await errand.post(`${raw.url}/upload`, { data: onceStream('streamed') });
    expect(r.statusCode).toBe(200);
    expect(raw.requests.map(framing)).toEqual([
      { line: 'POST /upload HTTP/1.1', body: 'streamed', contentLength: undefined, transferEncoding: 'chunked', contentType: undefined },
      { line: 'GET /done HTTP/1.1', body: '', contentLength: undefined, transferEncoding: undefined, contentType: undefined },
    ]);
  });

  it('allowRedirects: false with a streamed body returns the 307 (no error: nothing is followed)', async () => {
    const raw = await server(redirect(307, '/again'));
    await expect(errand.post(`${raw.url}/upload`, { data: onceStream('x'), allowRedirects: false })).resolves.toMatchObject({ statusCode: 307 });
    expect(raw.requests).toHaveLength(1);
  });
});

describe('wire: credentials per hop', () => {
  const sent = {
    auth: ['user', 'pass'] as const,
    headers: { 'Proxy-Authorization': 'Basic cHJveHk6c2VjcmV0', 'X-Api-Key': 'k-123', 'X-Trace': 't-1' },
    cookies: { call: 'c1' },
    sensitiveHeaders: ['X-Api-Key'],
  };

  it('127.0.0.1 → localhost (another server): Authorization, Proxy-Authorization, Cookie and the sensitive header are not sent', async () => {
    const target = await server(ok());
    const origin = await server(redirect(302, `${target.altUrl}/landing`));
    const s = new errand.Session();
    s.cookies.set('jar', 'j1', { domain: '127.0.0.1' });
    await s.get(`${origin.url}/start`, sent);
    const [first] = origin.requests;
    const [second] = target.requests;
    expect(credentials(first!)).toEqual({ authorization: BASIC, proxyAuthorization: 'Basic cHJveHk6c2VjcmV0', cookie: 'jar=j1; call=c1', apiKey: 'k-123' });
    expect(second!.requestLine).toBe('GET /landing HTTP/1.1');
    expect(second!.header('host')).toBe(`localhost:${target.port}`);
    expect(credentials(second!)).toEqual({ authorization: undefined, proxyAuthorization: undefined, cookie: undefined, apiKey: undefined });
    expect(second!.header('x-trace')).toBe('t-1'); // not marked sensitive: kept, as in requests
  });

  it('another port on the same host is another origin: credentials are dropped', async () => {
    const target = await server(ok());
    const origin = await server(redirect(302, `${target.url}/landing`));
    await errand.get(`${origin.url}/start`, sent);
    expect(credentials(target.requests[0]!)).toEqual({ authorization: undefined, proxyAuthorization: undefined, cookie: undefined, apiKey: undefined });
  });

  it('a cross-host 307 replays the body but not the credentials', async () => {
    const target = await server(ok());
    const origin = await server(redirect(307, `${target.altUrl}/landing`));
    await errand.post(`${origin.url}/start`, { ...sent, json: { a: 1 } });
    const second = target.requests[0]!;
    expect(framing(second)).toMatchObject({ line: 'POST /landing HTTP/1.1', body: '{"a":1}', contentLength: '7', contentType: 'application/json' });
    expect(credentials(second)).toEqual({ authorization: undefined, proxyAuthorization: undefined, cookie: undefined, apiKey: undefined });
  });

  it('the same origin keeps them all', async () => {
    const raw = await server(redirect(302, '/landing'), ok());
    await errand.get(`${raw.url}/start`, sent);
    expect(credentials(raw.requests[1]!)).toEqual({ authorization: BASIC, proxyAuthorization: 'Basic cHJveHk6c2VjcmV0', cookie: 'call=c1', apiKey: 'k-123' });
  });

  it('a function auth is applied again on each same-origin hop, and not on a cross-origin one', async () => {
    const target = await server(ok());
    const origin = await server(redirect(302, '/hop'), redirect(302, `${target.altUrl}/away`));
    let calls = 0;
    const auth = (req: errand.PreparedRequest) => {
      req.headers.set('Authorization', `Token call-${++calls}`);
      return req;
    };
    await errand.get(`${origin.url}/start`, { auth });
    expect(origin.requests.map((r) => r.header('authorization'))).toEqual(['Token call-1', 'Token call-2']);
    expect(target.requests[0]!.header('authorization')).toBeUndefined();
    expect(calls).toBe(2);
  });
});

describe('wire: cookies per hop', () => {
  it('the Set-Cookie of every hop is stored and sent on the following hops', async () => {
    const raw = await server(
      redirect(302, '/b', [['Set-Cookie', 'a=1; Path=/']]),
      redirect(302, '/c', [['Set-Cookie', 'b=2; Path=/']]),
      respond(200, [['Set-Cookie', 'c=3; Path=/']], 'done'),
    );
    const s = new errand.Session();
    const r = await s.get(`${raw.url}/a`);
    expect(raw.requests.map((q) => q.header('cookie'))).toEqual([undefined, 'a=1', 'a=1; b=2']);
    expect(raw.requests.map((q) => q.count('cookie'))).toEqual([0, 1, 1]);
    expect(s.cookies.getDict()).toEqual({ a: '1', b: '2', c: '3' });
    expect(r.history.map((h) => h.cookies)).toEqual([{ a: '1' }, { b: '2' }]);
    expect(r.cookies).toEqual({ c: '3' });
  });

  it('a cookie without Domain set on a redirect hop belongs to that host only (requests CVE-2015-2296)', async () => {
    // 127.0.0.1 sets `fix` and sends us to localhost, which sends us back: only 127.0.0.1 sees it again.
    const a = await server(ok());
    const b = await server(redirect(302, `${a.url}/back`));
    const start = await server(redirect(302, `${b.altUrl}/elsewhere`, [['Set-Cookie', 'fix=attacker-chosen; Path=/']]));
    const s = new errand.Session();
    await s.get(`${start.url}/start`);
    expect(b.requests[0]!.header('cookie')).toBeUndefined();
    expect(a.requests[0]!.header('cookie')).toBe('fix=attacker-chosen');
    expect([...s.cookies].map((c) => [c.name, c.domain])).toEqual([['fix', '127.0.0.1']]);
  });

  it('a Set-Cookie naming another host as Domain is refused', async () => {
    const raw = await server(redirect(302, '/next', [['Set-Cookie', 'evil=1; Domain=localhost; Path=/']]), ok());
    const s = new errand.Session();
    await s.get(`${raw.url}/start`);
    expect(raw.requests[1]!.header('cookie')).toBeUndefined();
    expect(s.cookies.getDict()).toEqual({});
  });
});

describe('wire: Location', () => {
  it('a UTF-8 Location is read as UTF-8, as requests does (get_redirect_target)', async () => {
    // The raw bytes C3 A9 ("é" in UTF-8): fetch shows them as two Latin-1 characters.
    const raw = await server(respond(302, [['Location', '/caf\xc3\xa9?q=\xe6\x97\xa5']]), ok());
    const r = await errand.get(`${raw.url}/start`);
    expect(raw.requests[1]!.requestLine).toBe('GET /caf%C3%A9?q=%E6%97%A5 HTTP/1.1');
    expect(r.url).toBe(`${raw.url}/caf%C3%A9?q=%E6%97%A5`);
  });

  it('a Latin-1 Location that is not UTF-8 is kept as Latin-1 text', async () => {
    const raw = await server(respond(302, [['Location', '/caf\xe9']]), ok());
    await errand.get(`${raw.url}/start`);
    expect(raw.requests[1]!.requestLine).toBe('GET /caf%C3%A9 HTTP/1.1');
  });

  it('a relative Location resolves against the current URL; the fragment carries over but never goes on the wire', async () => {
    const raw = await server(redirect(302, '../up?x=1'), ok());
    const r = await errand.get(`${raw.url}/a/b/c#frag`);
    expect(raw.requests.map((q) => q.requestLine)).toEqual(['GET /a/b/c HTTP/1.1', 'GET /a/up?x=1 HTTP/1.1']);
    expect(r.request.url).toBe(`${raw.url}/a/up?x=1#frag`);
  });

  it.each([
    ['file:///etc/passwd', errand.InvalidSchemaError],
    ['ftp://127.0.0.1/x', errand.InvalidSchemaError],
    ['javascript:alert(1)', errand.InvalidSchemaError],
    ['data:text/plain,hi', errand.InvalidSchemaError],
    // got's CVE-2022-33987 was a redirect to a UNIX socket written this way; here it is no URL at all.
    ['http://unix:/var/run/docker.sock:/info', errand.RequestError],
  ])('a redirect to %s is refused and nothing more is sent', async (location, kind) => {
    const raw = await server(redirect(302, location));
    await expect(errand.get(`${raw.url}/start`, { auth: ['user', 'pass'] })).rejects.toBeInstanceOf(kind);
    expect(raw.requests).toHaveLength(1);
    expect(raw.unscripted).toBe(0);
  });
});

describe('wire: scheme changes', () => {
  it.skip('http → https on the same host with default ports keeps Authorization: needs ports 80 and 443 on loopback; covered by test/unit/redirect.test.ts (shouldStripAuth)', () => {});

  // A raw http socket cannot play the https side; the HTTPS httpbin does, with a fetch that trusts its CA.
  it('https → http on the same host name (another port: loopback has no 443/80) drops Authorization and a Secure cookie (requests CVE-2018-18074)', async () => {
    const raw = await server(ok());
    const dispatcher = new Agent({ connect: { ca: inject('caCertPem') } });
    try {
      const s = new errand.Session();
      s.mount('https://', new errand.FetchAdapter({ fetch: ((url: string, init: RequestInit) => undiciFetch(url, { ...init, dispatcher } as never)) as unknown as typeof fetch }));
      s.cookies.set('secure-one', 's', { domain: '127.0.0.1', secure: true });
      const https = inject('httpsUrl');
      expect(new URL(https).hostname).toBe('127.0.0.1');
      const r = await s.get(`${https}/redirect-to?${new URLSearchParams({ url: `${raw.url}/plain` })}`, { auth: ['user', 'pass'] });
      expect(r.history[0]!.request.headers.get('authorization')).toBe(BASIC);
      expect(r.history[0]!.request.headers.get('cookie')).toBe('secure-one=s');
      expect(credentials(raw.requests[0]!)).toEqual({ authorization: undefined, proxyAuthorization: undefined, cookie: undefined, apiKey: undefined });
    } finally {
      await dispatcher.close();
    }
  });

  // requests 2.3–2.30 put the proxy's credentials back on a redirected request as a header, which a
  // CONNECT tunnel then carried to the origin. Here each hop's proxy gets its own credentials from its
  // own URL, and nothing of them travels inside the tunnel.
  it('Proxy-Authorization is rebuilt for the new target, never sent through the tunnel (requests CVE-2023-32681)', async () => {
    const token = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    const https = inject('httpsUrl');
    const target = await server(redirect(302, `${https}/headers`));
    const [forwarder, tunnel] = await Promise.all([startForwardProxy({ auth: ['alice', 'fwd-pw'] }), startProxy({ auth: ['bob', 'tunnel-pw'] })]);
    const s = new errand.Session({ verify: inject('caCertPem'), proxies: {
      http: forwarder.url.replace('://', '://alice:fwd-pw@'), https: tunnel.url.replace('://', '://bob:tunnel-pw@'),
    } });
    try {
      const r = await s.get(`${target.url}/start`);
      expect([r.statusCode, r.history.map((h) => h.statusCode)]).toEqual([200, [302]]);
      // hop 1, http:// forwarded: our forwarder passes on every header line but the one it consumed.
      expect(forwarder.hits.map((hit) => rawHeaderValues(hit.rawHeaders, 'proxy-authorization'))).toEqual([[token('alice', 'fwd-pw')]]);
      expect(credentials(target.requests[0]!).proxyAuthorization).toBeUndefined();
      // hop 2, https:// through CONNECT: the second proxy's own credentials, on the CONNECT only.
      expect(tunnel.hits).toEqual([{ method: 'CONNECT', target: new URL(https).host, proxyAuthorization: token('bob', 'tunnel-pw') }]);
      const echoed = r.json<{ headers: Record<string, string> }>().headers;
      expect(echoed['Proxy-Authorization']).toBeUndefined();
      for (const secret of ['fwd-pw', 'tunnel-pw', token('alice', 'fwd-pw'), token('bob', 'tunnel-pw')]) expect(JSON.stringify(echoed)).not.toContain(secret);
    } finally {
      await s.close();
      await Promise.all([forwarder.close(), tunnel.close()]);
    }
  });
});
