// TLS options of the Node transport against loopback HTTPS servers with openssl-made certificates.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SSLError } from 'errand';
import { trackedSessions } from '../tracked-sessions.ts';
import { makePki, startTlsServer, type TestPki, type TlsServer } from '../../servers/tls.ts';

let pki: TestPki;
let good: TlsServer;
let expired: TlsServer;
let wrongHost: TlsServer;
let selfSigned: TlsServer;
let mutual: TlsServer;
const session = trackedSessions({ retries: 0 });

async function sslError(promise: Promise<unknown>): Promise<SSLError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(SSLError);
  return error as SSLError;
}

beforeAll(async () => {
  pki = makePki();
  [good, expired, wrongHost, selfSigned, mutual] = await Promise.all([
    startTlsServer({ pair: pki.server }),
    startTlsServer({ pair: pki.expired }),
    startTlsServer({ pair: pki.wrongHost }),
    startTlsServer({ pair: pki.selfSigned }),
    startTlsServer({ pair: pki.server, ca: pki.ca.cert, requireClientCert: true }),
  ]);
});
afterEach(async () => {
  delete process.env.REQUESTS_CA_BUNDLE;
  delete process.env.CURL_CA_BUNDLE;
});
afterAll(async () => {
  await Promise.all([good, expired, wrongHost, selfSigned, mutual].map((server) => server.close()));
  pki.remove();
});

describe('verify', () => {
  it('rejects a CA the system does not trust, saying so', async () => {
    const error = await sslError(session().get(good.url));
    expect(error.message).toMatch(/unknown CA/);
    expect(error.cause).toBeDefined();
  });

  it.each([['a file path', () => pki.ca.certPath], ['PEM text', () => pki.ca.cert]])('accepts a CA bundle as %s', async (_what, ca) => {
    expect((await session({ verify: ca() }).get(good.url)).statusCode).toBe(200);
  });

  it('verify: false skips verification', async () => {
    expect((await session({ verify: false }).get(expired.url)).statusCode).toBe(200);
  });

  it.each(['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])('reads %s with trustEnv, and not without', async (name) => {
    process.env[name] = pki.ca.certPath;
    expect((await session().get(good.url)).statusCode).toBe(200);
    await sslError(session({ trustEnv: false }).get(good.url));
  });

  it('a missing CA file is an SSLError naming its path', async () => {
    const error = await sslError(session({ verify: '/nonexistent/errand-ca.pem' }).get(good.url));
    expect(error.message).toContain('/nonexistent/errand-ca.pem');
  });

  it.each([
    ['an expired certificate', () => expired, /expired/],
    ['a hostname mismatch', () => wrongHost, /hostname mismatch/],
    ['a self-signed certificate', () => selfSigned, /self-signed/],
  ])('%s is an SSLError that says why', async (_what, server, reason) => {
    const error = await sslError(session({ verify: pki.ca.cert }).get(server().url));
    expect(error.message).toMatch(reason);
  });

  it('never reuses a connection opened with verify: false for a verified request (CVE-2024-35195)', async () => {
    const s = session();
    expect((await s.get(good.url, { verify: false })).statusCode).toBe(200);
    await sslError(s.get(good.url));
    expect((await s.get(good.url, { verify: pki.ca.cert })).statusCode).toBe(200);
  });
});

describe('cert (mutual TLS)', () => {
  it('a server that requires a client certificate fails the handshake without one', async () => {
    const error = await sslError(session({ verify: pki.ca.cert }).get(mutual.url));
    expect(error.message).toMatch(/client certificate|handshake/);
  });

  it.each([
    ['one PEM path with cert and key', () => pki.combinedPath],
    ['[certPath, keyPath]', () => [pki.client.certPath, pki.client.keyPath] as const],
    ['{ cert, key } as PEM text', () => ({ cert: pki.client.cert, key: pki.client.key })],
    ['{ cert, key, passphrase } with an encrypted key', () => ({ cert: pki.client.cert, key: pki.encryptedKey.pem, passphrase: pki.encryptedKey.passphrase })],
  ])('presents a client certificate given as %s', async (_what, cert) => {
    const r = await session({ verify: pki.ca.cert, cert: cert() }).get(mutual.url);
    expect(r.json()).toEqual({ clientCert: 'errand transport client' });
  });

  it('sends no certificate to a server that only asks for one, unless given', async () => {
    expect((await session({ verify: pki.ca.cert }).get(good.url)).json()).toEqual({ clientCert: null });
  });

  it('a wrong passphrase is an SSLError', async () => {
    const cert = { cert: pki.client.cert, key: pki.encryptedKey.pem, passphrase: 'wrong' };
    const error = await sslError(session({ verify: pki.ca.cert, cert }).get(mutual.url));
    expect(error.message).toMatch(/passphrase|decrypt|TLS/);
  });

  it('a missing client certificate file is an SSLError naming its path', async () => {
    const error = await sslError(session({ verify: pki.ca.cert, cert: ['/nonexistent/client.crt', pki.client.keyPath] }).get(mutual.url));
    expect(error.message).toContain('/nonexistent/client.crt');
  });
});
