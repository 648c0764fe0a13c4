// The servers of the transport suites (test/shared/transport/), started in Node by the runner of each
// runtime and described to the suites as plain data (URLs, PEMs, paths), so that the suites run the same
// in Node, in Bun and in Deno: a real forward proxy (with and without credentials), real SOCKS5 servers,
// HTTPS servers with openssl-made certificates, and a scripted raw-socket server for faults and bodies
// that do not decode. What only the servers can see (proxy hits, requests per path) is read back through
// control routes on the scripted server, so a suite in another process can assert on it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { inject } from 'vitest';
import { head, respond, resetAfter, hangUp, stall, type Behaviour } from '../servers/behaviours.ts';
import { startProxy, type TestProxy } from '../servers/proxy.ts';
import { startRawServer } from '../servers/raw-server.ts';
import { startSocks, type TestSocks } from '../servers/socks.ts';
import { makePki, startTlsServer, type TlsServer } from '../servers/tls.ts';
import { corruptMiddle, noise, payload } from '../servers/decoding-fixtures.ts';

/** Everything a transport suite may reach, as JSON. */
export interface RigInfo {
  /** The shared httpbin (globalSetup): http://127.0.0.1:PORT, and the same server as localhost. */
  httpbin: string;
  httpbinAlt: string;
  /** The shared HTTPS httpbin (globalSetup), the same as https://localhost:PORT, and the CA of its certificate. */
  httpsbin: string;
  httpsbinAlt: string;
  httpsbinCa: string;
  proxy: {
    /** A forward proxy without credentials, and the same proxy as http://localhost:PORT. */
    open: string;
    openAlt: string;
    /** A forward proxy that wants `alice` / `s3cret` (Basic). */
    locked: string;
    /** A SOCKS5 server without credentials, and one that wants `bob` / `hunter2`. */
    socks: string;
    socksLocked: string;
    /** A proxy URL nothing listens on. */
    dead: string;
  };
  tls: {
    good: string;
    expired: string;
    wrongHost: string;
    selfSigned: string;
    /** Requires a client certificate signed by the CA. */
    mutual: string;
    ca: string;
    caPath: string;
    client: { cert: string; key: string; certPath: string; keyPath: string };
    /** cert and key in one PEM file. */
    combinedPath: string;
    encryptedKey: { pem: string; passphrase: string };
  };
  /** The scripted server: the routes of FAULT_ROUTES, and /_rig/* control routes. */
  faulty: string;
  /** A .netrc with `machine 127.0.0.1 login netrc-user password netrc-pass`. */
  netrcPath: string;
  /** Bodies the decoding routes send, decoded: their length. */
  payloadLength: number;
}


const COMPRESS = { gzip: zlib.gzipSync, deflate: zlib.deflateSync, br: zlib.brotliCompressSync } as const;

/** The scripted routes the suites use, by path. */
function faultRoutes(): Record<string, Behaviour> {
  const routes: Record<string, Behaviour> = {};
  for (const [coding, compress] of Object.entries(COMPRESS)) {
    const enc: [string, string][] = [['Content-Encoding', coding]];
    routes[`/decode/${coding}/good`] = respond(200, enc, compress(payload));
    routes[`/decode/${coding}/plain`] = respond(200, enc, 'this body was never compressed, whatever the header says');
    routes[`/decode/${coding}/noise`] = respond(200, enc, noise(512, 42));
    routes[`/decode/${coding}/corrupt`] = respond(200, enc, corruptMiddle(compress(payload)));
    routes[`/decode/${coding}/keep-alive`] = respond(200, enc, 'this body was never compressed either', { keepAlive: true });
    // Content-Length promises more than is sent: only the decoder can end this request.
    routes[`/decode/${coding}/silent`] = stall(Buffer.concat([head(200, [...enc, ['Content-Length', '100000']]), noise(512, 42)]));
  }
  routes['/decode/deflate/raw'] = respond(200, [['Content-Encoding', 'deflate']], zlib.deflateRawSync(payload));
  routes['/decode/stacked/good'] = respond(200, [['Content-Encoding', 'gzip, br']], zlib.brotliCompressSync(zlib.gzipSync(payload)));
  routes['/decode/stacked/bad'] = respond(200, [['Content-Encoding', 'br, gzip']], zlib.gzipSync(Buffer.from('not brotli inside')));
  routes['/decode/x-gzip'] = respond(200, [['Content-Encoding', 'x-gzip']], zlib.gzipSync(payload));
  routes['/decode/truncated'] = respond(200, [['Content-Encoding', 'gzip']], zlib.gzipSync(payload).subarray(0, 300));
  routes['/decode/unknown'] = respond(200, [['Content-Encoding', 'x-custom']], 'as sent');
  routes['/decode/empty'] = respond(200, [['Content-Encoding', 'gzip']], '');
  routes['/fault/reset-mid-body'] = resetAfter(Buffer.concat([head(200, [['Content-Length', '1000']]), Buffer.from('partial')]));
  // The request was read, then the connection dropped: a failure after sending (a read retry).
  routes['/fault/reset-after-request'] = resetAfter();
  routes['/fault/hang-up'] = hangUp;
  routes['/fault/not-http'] = ({ socket }) => { socket.end('garbage\r\n\r\n'); };
  routes['/fault/cut-short'] = ({ socket }) => { socket.end(Buffer.concat([head(200, [['Content-Length', '1000']]), Buffer.from('only this')])); };
  routes['/healthy'] = respond(200, [['Content-Type', 'text/plain']], 'ok', { keepAlive: true });
  return routes;
}

/** A JSON answer from a control route. */
const json = (value: unknown): Behaviour => respond(200, [['Content-Type', 'application/json']], JSON.stringify(value));

/**
 * Starts every server, beside the shared httpbins of globalSetup (`inject`); `close()` stops them and
 * removes the certificates.
 */
export async function startRig(): Promise<{ info: RigInfo; close(): Promise<void> }> {
  const shared = { httpbin: inject('httpbinUrl'), httpbinAlt: inject('httpbinAltUrl'), httpsbin: inject('httpsUrl'), httpsbinAlt: inject('httpsAltUrl'), httpsbinCa: inject('caCertPem') };
  const pki = makePki();
  const [open, locked, socks, socksLocked, dead] = await Promise.all([
    startProxy(), startProxy({ auth: ['alice', 's3cret'] }), startSocks(), startSocks({ auth: ['bob', 'hunter2'] }), startProxy(),
  ]);
  await dead.close();
  const [good, expired, wrongHost, selfSigned, mutual] = await Promise.all([
    startTlsServer({ pair: pki.server }),
    startTlsServer({ pair: pki.expired }),
    startTlsServer({ pair: pki.wrongHost }),
    startTlsServer({ pair: pki.selfSigned }),
    startTlsServer({ pair: pki.server, ca: pki.ca.cert, requireClientCert: true }),
  ]);
  const faulty = await startRawServer();
  for (const [path, behaviour] of Object.entries(faultRoutes())) faulty.route(path, behaviour);

  const proxies: Record<string, TestProxy | TestSocks> = { open, locked, socks, socksLocked };
  const query = (target: string, name: string) => new URL(target, 'http://rig').searchParams.get(name) ?? '';
  // GET /_rig/proxy?name=open: what that proxy was asked since the last look (then forgotten), and its
  // client connections: accepted so far, and open now (HTTP proxies only).
  faulty.route('/_rig/proxy', (exchange) => {
    const proxy = proxies[query(exchange.request.target, 'name')];
    if (!proxy) return json(null)(exchange);
    const { connections, open: openNow } = proxy as Partial<TestProxy>;
    return json({ hits: proxy.hits.splice(0), connections: connections ?? null, open: openNow ?? null })(exchange);
  });
  // GET /_rig/count?path=/x: requests the scripted server received for a path since the last look.
  const seen = new Map<string, number>();
  faulty.route('/_rig/count', (exchange) => {
    const path = query(exchange.request.target, 'path');
    const total = faulty.count(path);
    const since = total - (seen.get(path) ?? 0);
    seen.set(path, total);
    return json(since)(exchange);
  });

  const dir = mkdtempSync(join(tmpdir(), 'errand-rig-'));
  const netrcPath = join(dir, 'netrc');
  writeFileSync(netrcPath, 'machine 127.0.0.1 login netrc-user password netrc-pass\n');

  const info: RigInfo = {
    ...shared,
    proxy: { open: open.url, openAlt: open.url.replace('127.0.0.1', 'localhost'), locked: locked.url, socks: socks.url, socksLocked: socksLocked.url, dead: dead.url },
    tls: {
      good: good.url, expired: expired.url, wrongHost: wrongHost.url, selfSigned: selfSigned.url, mutual: mutual.url,
      ca: pki.ca.cert,
      caPath: pki.ca.certPath,
      client: { cert: pki.client.cert, key: pki.client.key, certPath: pki.client.certPath, keyPath: pki.client.keyPath },
      combinedPath: pki.combinedPath,
      encryptedKey: { pem: pki.encryptedKey.pem, passphrase: pki.encryptedKey.passphrase },
    },
    faulty: faulty.url,
    netrcPath,
    payloadLength: payload.byteLength,
  };
  const servers: { close(): Promise<void> }[] = [open, locked, socks, socksLocked, good, expired, wrongHost, selfSigned, mutual, faulty];
  return {
    info,
    async close() {
      await Promise.all(servers.map((server: TlsServer | { close(): Promise<void> }) => server.close()));
      pki.remove();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
