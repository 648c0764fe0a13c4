// The forwarding proxy checked with a raw socket, before errand exists: it must pass on what the
// `proxy` package hides, or the http:// proxy-credential tests in test/node/transport/proxy.test.ts
// could not fail.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawHeaderValues, startForwardProxy, type TestForwardProxy } from './forward-proxy.ts';
import { startProxy, type TestProxy } from './proxy.ts';

const token = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
let origin: http.Server;
let originUrl: string;
let ours: TestForwardProxy;
let theirs: TestProxy;

beforeAll(async () => {
  origin = http.createServer((req, res) => res.end(JSON.stringify(req.rawHeaders)));
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  [ours, theirs] = await Promise.all([startForwardProxy({ auth: ['alice', 's3cret'] }), startProxy({ auth: ['alice', 's3cret'] })]);
});
afterAll(async () => {
  origin.closeAllConnections();
  await Promise.all([ours.close(), theirs.close(), new Promise((resolve) => origin.close(resolve))]);
});

/** Writes `lines` as the head of one absolute-form GET to the proxy; resolves to the status line and body. */
function rawGet(port: number, lines: string[]): Promise<{ status: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: head.split('\r\n')[0]!, body });
    });
    socket.write([`GET ${originUrl}/x HTTP/1.1`, `Host: ${new URL(originUrl).host}`, 'Connection: close', ...lines, '', ''].join('\r\n'));
  });
}

describe('forward proxy (test/servers/forward-proxy.ts)', () => {
  const lines = [`Proxy-Authorization: ${token}`, `proxy-authorization: ${token}`, 'X-Keep: Case', 'x-keep: twice'];

  it('consumes the one Proxy-Authorization line with its credentials and forwards every other line as received', async () => {
    const { status, body } = await rawGet(ours.port, lines);
    expect(status).toBe('HTTP/1.1 200 OK');
    const seen = JSON.parse(body.slice(body.indexOf('['), body.lastIndexOf(']') + 1)) as string[];
    expect(rawHeaderValues(seen, 'proxy-authorization')).toEqual([token]);
    expect(seen).toEqual(expect.arrayContaining(['proxy-authorization', 'X-Keep', 'Case', 'x-keep', 'twice']));
    expect(rawHeaderValues(ours.hits[0]!.rawHeaders, 'proxy-authorization')).toEqual([token, token]);
  });

  it('refuses a request without its credentials: 407, nothing forwarded', async () => {
    const { status } = await rawGet(ours.port, ['X-Keep: Case']);
    expect(status).toMatch(/^HTTP\/1\.1 407 /);
  });

  it('(why: the `proxy` package strips every Proxy-Authorization line, so a second copy never reaches the origin)', async () => {
    const { status, body } = await rawGet(theirs.port, lines);
    expect(status).toBe('HTTP/1.1 200 OK');
    const seen = JSON.parse(body.slice(body.indexOf('['), body.lastIndexOf(']') + 1)) as string[];
    expect(rawHeaderValues(seen, 'proxy-authorization')).toEqual([]);
  });
});
