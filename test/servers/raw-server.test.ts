// The raw-socket test server and its behaviours, checked from a plain socket before errand is involved:
// who answers a request, what is recorded, the control endpoint, and that each hostile behaviour puts
// on the wire what it says (a matrix cell whose server behaved would prove nothing).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BAD_CHUNKING, badChunking, digestChallenge, endlessBody, endlessHeaders, hugeHeaders, longerBody, ok, proper,
  selfRedirect, shorterBody, unavailable,
} from './behaviours.ts';
import { startRawServer, type RawServer } from './raw-server.ts';

let server: RawServer;
beforeAll(async () => {
  server = await startRawServer({ control: true, script: [ok('scripted')], routes: (path) => (path.startsWith('/pattern/') ? [ok('pattern')] : undefined) });
});
afterAll(() => server.close());

const get = (path: string, headers = '') => `GET ${path} HTTP/1.1\r\nHost: x\r\n${headers}\r\n`;

/**
 * Writes `requests` on one new socket and collects what comes back until the server closes it, or until
 * `enough(bytes)` says so (then the socket is closed from this side).
 */
function talk(requests: string[], enough: (bytes: Buffer) => boolean = () => false): Promise<{ bytes: Buffer; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let bytes = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      if (enough(bytes)) {
        socket.destroy();
        resolve({ bytes, closedByServer: false });
      }
    });
    socket.on('end', () => resolve({ bytes, closedByServer: true }));
    socket.write(requests.join(''));
  });
}

const text = (bytes: Buffer) => bytes.toString('latin1');
const bodyOf = (bytes: Buffer) => text(bytes).slice(text(bytes).indexOf('\r\n\r\n') + 4);
/** One whole answer framed by its Content-Length has arrived (for answers on a kept-alive connection). */
const whole = (bytes: Buffer) => {
  const length = /\r\nContent-Length: (\d+)\r\n/.exec(text(bytes));
  return text(bytes).includes('\r\n\r\n') && !!length && Buffer.byteLength(bodyOf(bytes), 'latin1') >= Number(length[1]);
};

describe('raw server: who answers', () => {
  it('route() first (its script in order, the last repeating), then the routes option, then the script, then 500 past its end', async () => {
    server.route('/fixed', ok('one', { keepAlive: true }), ok('two', { keepAlive: true }));
    const fixed = await talk([get('/fixed'), get('/fixed'), get('/fixed')], (b) => (text(b).match(/HTTP\/1\.1/g) ?? []).length === 3);
    expect(text(fixed.bytes).match(/\r\n\r\n(one|two)/g)?.map((m) => m.trim())).toEqual(['one', 'two', 'two']);
    expect(bodyOf((await talk([get('/pattern/x')])).bytes)).toBe('pattern');
    expect(bodyOf((await talk([get('/anything')])).bytes)).toBe('scripted');
    const past = await talk([get('/anything-else')]);
    expect([text(past.bytes).split('\r\n')[0], bodyOf(past.bytes), server.unscripted]).toEqual(['HTTP/1.1 500 Status', 'unscripted request', 1]);
    expect([server.count('/fixed'), server.count('/pattern/x')]).toEqual([3, 1]);
  });

  it('without a script an unknown path gets 200 ok on a kept-alive connection', async () => {
    const plain = await startRawServer();
    try {
      const socket = net.connect(plain.port, '127.0.0.1');
      const answer = await new Promise<string>((resolve) => { socket.once('data', (b: Buffer) => resolve(text(b))); socket.write(get('/healthy')); });
      socket.destroy();
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Connection: keep-alive\r\n\r\nok$/);
    } finally {
      await plain.close();
    }
  });

  it('records header lines as written, and a header named __proto__ is a header like any other', async () => {
    server.route('/recorded', ok());
    await talk([get('/recorded?q=1', 'X-Twice: a\r\nx-twice: b\r\n__proto__: polluted\r\n')]);
    const request = server.requests.at(-1)!;
    expect([request.path, request.target, request.header('X-TWICE'), request.count('x-twice'), request.headers['__proto__']]).toEqual(['/recorded', '/recorded?q=1', 'a, b', 2, 'polluted']);
    expect(request.headerLines.slice(1, 3)).toEqual([['X-Twice', 'a'], ['x-twice', 'b']]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('raw server: the control endpoint', () => {
  it('/__count says what a path got and which of its connections are open; /__reset forgets it and closes them; neither is recorded', async () => {
    server.route('/counted', ok('held', { keepAlive: true }));
    const held = net.connect(server.port, '127.0.0.1');
    await new Promise((resolve) => { held.once('data', resolve); held.write(get('/counted')); });
    const recorded = server.requests.length;
    const count = async () => JSON.parse(bodyOf((await talk([get('/__count?path=/counted')], whole)).bytes)) as unknown;
    expect(await count()).toEqual({ path: '/counted', count: 1, open: 1 });
    const closed = new Promise((resolve) => held.once('close', resolve));
    expect(text((await talk([`POST /__reset?prefix=/count HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`])).bytes)).toMatch(/^HTTP\/1\.1 204/);
    await closed;
    expect(await count()).toEqual({ path: '/counted', count: 0, open: 0 });
    expect(server.requests.length).toBe(recorded);
  });
});

describe('behaviours: what each hostile one puts on the wire', () => {
  const answer = { status: 503, headers: [['Retry-After', '0']] as [string, string][], body: 'busy' };

  it('hugeHeaders: a head of more than 1 MiB', async () => {
    server.route('/huge', hugeHeaders(answer));
    const head = text((await talk([get('/huge')])).bytes).split('\r\n\r\n')[0]!;
    expect(head.length).toBeGreaterThan(1024 * 1024);
    expect(head).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\nRetry-After: 0\r\n/);
  });

  it('endlessHeaders: header line after header line, never the blank line', async () => {
    server.route('/endless-head', endlessHeaders(answer));
    const { bytes, closedByServer } = await talk([get('/endless-head')], (b) => text(b).includes('X-More-3:'));
    expect([text(bytes).includes('\r\n\r\n'), closedByServer]).toEqual([false, false]);
  });

  it('longerBody: Content-Length covers the body, a whole response follows, and the next request on the connection goes unanswered', async () => {
    server.route('/longer', longerBody(answer));
    const { bytes, closedByServer } = await talk([get('/longer')], (b) => text(b).endsWith('smuggled'));
    expect(bodyOf(bytes)).toBe('busyHTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: keep-alive\r\n\r\nsmuggled');
    expect(text(bytes)).toMatch(/\r\nContent-Length: 4\r\nConnection: keep-alive\r\n/);
    expect(closedByServer).toBe(false);
    // The next request, once the answer is in: read (and counted), never answered; the connection closes.
    const socket = net.connect(server.port, '127.0.0.1');
    let received = '';
    socket.on('data', (b: Buffer) => {
      received += text(b);
      if (received.endsWith('smuggled')) socket.write(get('/longer'));
    });
    socket.write(get('/longer'));
    await new Promise((resolve) => socket.once('close', resolve));
    expect([received.match(/smuggled/g)?.length, server.count('/longer')]).toEqual([1, 3]);
  });

  it('shorterBody: Content-Length 1,000 more than the body, then FIN', async () => {
    server.route('/shorter', shorterBody(answer));
    const { bytes, closedByServer } = await talk([get('/shorter')]);
    expect([text(bytes).match(/Content-Length: (\d+)/)![1], bodyOf(bytes), closedByServer]).toEqual(['1004', 'busy', true]);
  });

  it('endlessBody: chunk after chunk, never the last one', async () => {
    server.route('/endless-body', endlessBody(answer));
    const { bytes, closedByServer } = await talk([get('/endless-body')], (b) => (text(b).match(/more/g) ?? []).length >= 3);
    expect(bodyOf(bytes)).toMatch(/^4\r\nbusy\r\n(4\r\nmore\r\n){3,}$/);
    expect(closedByServer).toBe(false);
  });

  it.each(Object.keys(BAD_CHUNKING) as (keyof typeof BAD_CHUNKING)[])('badChunking(%s): its framing as given, then FIN', async (kind) => {
    server.route('/bad-chunks', badChunking(kind)(answer));
    const { bytes, closedByServer } = await talk([get('/bad-chunks')]);
    expect([bodyOf(bytes), closedByServer]).toEqual([BAD_CHUNKING[kind], true]);
    expect(text(bytes)).toMatch(/\r\nTransfer-Encoding: chunked\r\n\r\n/);
  });

  it('the answers: a redirect to the request\'s own target, a fresh Digest nonce each time, a Retry-After computed when sent', async () => {
    let n = 0;
    server.route('/self', proper(selfRedirect()));
    server.route('/digest', proper(digestChallenge(true)));
    server.route('/later', proper(unavailable(() => `${++n}`, 429)));
    expect(text((await talk([get('/self?x=1')])).bytes)).toMatch(/^HTTP\/1\.1 302 Found\r\nLocation: \/self\?x=1\r\n/);
    const nonces = await Promise.all([1, 2].map(async () => /nonce="(\w+)".*stale=true/.exec(text((await talk([get('/digest')])).bytes))![1]));
    expect(nonces[0]).not.toBe(nonces[1]);
    const [first, second] = [await talk([get('/later')]), await talk([get('/later')])];
    expect([first, second].map((t) => /^HTTP\/1\.1 (\d+)[^]*Retry-After: (\d+)/.exec(text(t.bytes))!.slice(1))).toEqual([['429', '1'], ['429', '2']]);
  });
});
