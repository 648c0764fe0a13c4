// What errand writes, read off a raw socket (issue 10, "Writers"): a value that would become a header line
// of its own is refused with InvalidHeaderError before any byte leaves (the server sees no connection);
// a hand-set string body goes out as its UTF-8 bytes with nothing added; server-chosen names round-trip.
import * as errand from 'errand';
import { describe, expect, it } from 'vitest';
import { respond, type Behaviour } from '../servers/behaviours.ts';
import type { RawServer } from '../servers/raw-server.ts';
import { scriptedServers } from './_scripted-server.ts';

const server = scriptedServers();

const ok: Behaviour = respond(200, [['Content-Type', 'text/plain']], 'ok');

/** The two transports of the Node build: undici's Dispatcher (default) and FetchAdapter over Node's fetch. */
const TRANSPORTS = [
  ['the Node transport', () => new errand.Session({ retries: 0 })],
  ['FetchAdapter', () => {
    const s = new errand.Session({ retries: 0 });
    s.mount('http://', new errand.FetchAdapter());
    return s;
  }],
] as const;

async function refusedBeforeSending(raw: RawServer, send: () => Promise<unknown>): Promise<Error> {
  const error = await send().then(() => undefined, (e: unknown) => e as Error);
  expect(error).toBeInstanceOf(errand.InvalidHeaderError);
  expect([raw.requests.length, raw.connections]).toEqual([0, 0]);
  return error!;
}

describe('wire: nothing given reaches the wire as a header line', () => {
  it.each(TRANSPORTS)('a multipart content type with CR/LF is refused before sending (%s)', async (_name, make) => {
    const raw = await server(ok);
    const s = make();
    // Before issue 10 this wrote "Content-Type: text/plain\r\nX-Injected: yes" into the body: two header lines.
    await refusedBeforeSending(raw, () => s.post(`${raw.url}/upload`, { files: { f: ['a.txt', 'hello', 'text/plain\r\nX-Injected: yes'] } }));
    await s.close();
  });

  it.each([
    ['a part header value', { f: ['a.txt', 'x', 'text/plain', { 'X-Part': 'v\r\nX-Injected: yes' }] }],
    ['a part header name', { f: ['a.txt', 'x', 'text/plain', { 'X-Part\r\nX-Injected': 'yes' }] }],
    ['a filename with NUL', { f: ['evil.php\0.jpg', 'x'] }],
  ])('%s is refused before sending', async (_what, files) => {
    const raw = await server(ok);
    await refusedBeforeSending(raw, () => errand.post(`${raw.url}/upload`, { files: files as never, retries: 0 }));
  });

  it('CR/LF in a filename and field name is escaped as browsers do, inside one header line', async () => {
    const raw = await server(ok);
    await errand.post(`${raw.url}/upload`, { files: { 'a"\r\nb': ['x"\r\nX-Injected: yes.txt', 'hello', 'text/plain'] } });
    const body = raw.requests[0]!.body.toString('utf8');
    expect(body).toContain('Content-Disposition: form-data; name="a%22%0D%0Ab"; filename="x%22%0D%0AX-Injected: yes.txt"\r\nContent-Type: text/plain\r\n\r\nhello');
    expect(body).not.toMatch(/^X-Injected/m);
  });

  it('a cookie with a control character is refused, its value not in the message', async () => {
    const raw = await server(ok);
    const error = await refusedBeforeSending(raw, () => errand.get(raw.url, { cookies: { sid: 'SECRET-COOKIE\u0001' }, retries: 0 }));
    expect(error.message).toContain("Cookie 'sid'");
    expect(error.message).not.toContain('SECRET');
  });

  it('a header value with a control character other than HTAB is an InvalidHeaderError, not a ConnectionError from undici', async () => {
    const raw = await server(ok);
    const error = await refusedBeforeSending(raw, () => errand.get(raw.url, { headers: { 'X-Token': 'SECRET-TOKEN\u007f' }, retries: 0 }));
    expect(error.message).not.toContain('SECRET');
  });

  it.each(TRANSPORTS)('a header a request hook, a custom auth or a hand-made PreparedRequest sets is checked too (%s)', async (_name, make) => {
    const raw = await server(ok);
    const s = make();
    const hooked = await refusedBeforeSending(raw, () => s.get(raw.url, { hooks: { request: (req) => { req.headers.set('X-Signed', 'SECRET-SIG\u0001'); } } }));
    expect(hooked.message).toContain("'x-signed'");
    expect(hooked.message).not.toContain('SECRET');
    await refusedBeforeSending(raw, () => s.get(raw.url, { auth: (req) => { req.headers.set('Authorization', 'Token SECRET\u001f'); return req; } }));
    const prepared = await new errand.Request('GET', raw.url).prepare();
    prepared.headers.set('X-By-Hand', 'a\u0007b');
    await refusedBeforeSending(raw, () => s.send(prepared));
    await s.close();
  });

  it('HTTPProxyAuth and Basic credentials with CR/LF go out base64-encoded, on one line', async () => {
    const raw = await server(ok);
    await errand.get(raw.url, { auth: ['u\r\nX-Injected: 1', 'p\r\n'] });
    expect(raw.requests[0]!.header('authorization')).toBe(`Basic ${Buffer.from('u\r\nX-Injected: 1:p\r\n').toString('base64')}`);
    expect(raw.requests[0]!.header('x-injected')).toBeUndefined();
  });
});

describe('wire: send() sends exactly the prepared request', () => {
  it.each(TRANSPORTS)('a string body set by hand goes as UTF-8 bytes with no Content-Type added (%s)', async (_name, make) => {
    const raw = await server(ok);
    const s = make();
    const prepared = s.prepareRequest(new errand.Request('POST', `${raw.url}/raw`));
    const ready = await prepared;
    ready.body = 'héllo ☃';
    await s.send(ready);
    const sent = raw.requests[0]!;
    expect(sent.header('content-type')).toBeUndefined();
    expect(sent.body).toEqual(Buffer.from('héllo ☃', 'utf8'));
    expect(sent.header('content-length')).toBe(String(Buffer.byteLength('héllo ☃')));
    await s.close();
  });

  it.each(TRANSPORTS)('a Content-Type set by hand beside it is the only one sent (%s)', async (_name, make) => {
    const raw = await server(ok);
    const s = make();
    const ready = await s.prepareRequest(new errand.Request('POST', `${raw.url}/raw`));
    ready.body = '{"a":1}';
    ready.headers.set('Content-Type', 'application/json');
    await s.send(ready);
    expect(raw.requests[0]!.count('content-type')).toBe(1);
    expect(raw.requests[0]!.header('content-type')).toBe('application/json');
    await s.close();
  });
});

describe('wire: names a server chooses round-trip', () => {
  it('cookies named constructor, __proto__ and prototype are kept, listed and sent back', async () => {
    const raw = await server(
      respond(200, [['Set-Cookie', 'constructor=c1'], ['Set-Cookie', '__proto__=p1'], ['Set-Cookie', 'prototype=t1']], 'ok'),
      ok,
    );
    const s = new errand.Session();
    const first = await s.get(`${raw.url}/set`);
    const named = [['constructor', 'c1'], ['__proto__', 'p1'], ['prototype', 't1']];
    expect(Object.entries(first.cookies)).toEqual(named);
    expect(Object.getPrototypeOf(first.cookies)).toBeNull();
    expect(Object.entries(s.cookies.getDict())).toEqual(named);
    await s.get(`${raw.url}/again`);
    // Before issue 10 the send loop's `name in cookies` found these on Object.prototype: none was sent.
    expect(raw.requests[1]!.header('cookie')).toBe('constructor=c1; __proto__=p1; prototype=t1');
    await s.close();
  });
});

describe('wire: an unusable Location', () => {
  it('http://:1 is an InvalidURLError with the Location redacted, and nothing more is sent', async () => {
    const raw = await server(respond(302, [['Location', 'http://:1/next?token=SECRET-IN-LOCATION']]));
    const error = await errand.get(`${raw.url}/start`, { retries: 0 }).then(() => undefined, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(errand.InvalidURLError);
    expect(error!.message).toContain('invalid Location "http://:1/next?token=***"');
    expect(error!.message).not.toContain('SECRET');
    expect(error!.cause).toBeUndefined(); // the URL parser's error keeps the whole input
    expect(raw.requests).toHaveLength(1);
  });
});
