// TLS options of the runtime's transport against loopback HTTPS servers with openssl-made certificates
// (test/servers/tls.ts): a CA bundle, verify: false, the CA from the environment, certificates that
// fail and say why, and client certificates in every form the contract allows.
import { describe, expect, it } from 'vitest';
import { rejection } from '../env.ts';
import { scopedEnv, trackedSessions, type TransportSuite } from './env.ts';

export const tlsSuite: TransportSuite = (errand, env) => {
  const { tls } = env.rig;
  const session = trackedSessions(errand, { retries: 0 });
  const setEnv = scopedEnv(env);

  async function sslError(promise: Promise<unknown>) {
    const error = await rejection(promise);
    expect(error).toBeInstanceOf(errand.SSLError);
    return error;
  }

  describe('transport: verify', () => {
    it('rejects a CA the system does not trust, saying so', async () => {
      const error = await sslError(session().get(tls.good));
      // Node and Deno say why in words; Bun's fetch gives OpenSSL's code.
      expect(error.message).toMatch(/unknown CA|UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
      expect(error.cause).toBeDefined();
    });

    it.each([['a file path', tls.caPath], ['PEM text', tls.ca]])('accepts a CA bundle as %s', async (_what, ca) => {
      expect((await session({ verify: ca }).get(tls.good)).statusCode).toBe(200);
    });

    // Deno's fetch has no switch for it: runtime-limits.ts checks the UnsupportedError.
    it.skipIf(env.runtime === 'deno')('verify: false skips verification (node, bun)', async () => {
      expect((await session({ verify: false }).get(tls.expired)).statusCode).toBe(200);
    });

    it.each(['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])('reads %s with trustEnv, and not without', async (name) => {
      setEnv(name, tls.caPath);
      expect((await session().get(tls.good)).statusCode).toBe(200);
      await sslError(session({ trustEnv: false }).get(tls.good));
    });

    it('a missing CA file is an SSLError naming its path', async () => {
      const error = await sslError(session({ verify: '/nonexistent/errand-ca.pem' }).get(tls.good));
      expect(error.message).toContain('/nonexistent/errand-ca.pem');
    });

    it.each([
      ['an expired certificate', tls.expired, /expired/i],
      ['a hostname mismatch', tls.wrongHost, /hostname mismatch|ALTNAME/],
      ['a self-signed certificate', tls.selfSigned, /self-signed|SELF_SIGNED/],
    ])('%s is an SSLError that says why', async (_what, url, reason) => {
      const error = await sslError(session({ verify: tls.ca }).get(url));
      expect(error.message).toMatch(reason);
    });

    it.skipIf(env.runtime === 'deno')('never reuses a connection opened with verify: false for a verified request (CVE-2024-35195; node, bun)', async () => {
      const s = session();
      expect((await s.get(tls.good, { verify: false })).statusCode).toBe(200);
      await sslError(s.get(tls.good));
      expect((await s.get(tls.good, { verify: tls.ca })).statusCode).toBe(200);
    });
  });

  describe('transport: cert (mutual TLS)', () => {
    it('a server that requires a client certificate fails the handshake without one', async () => {
      const error = await sslError(session({ verify: tls.ca }).get(tls.mutual));
      expect(error.message).toMatch(/client certificate|handshake/);
    });

    it.each([
      ['one PEM path with cert and key', tls.combinedPath],
      ['[certPath, keyPath]', [tls.client.certPath, tls.client.keyPath] as const],
      ['{ cert, key } as PEM text', { cert: tls.client.cert, key: tls.client.key }],
      ['{ cert, key, passphrase } with an encrypted key', { cert: tls.client.cert, key: tls.encryptedKey.pem, passphrase: tls.encryptedKey.passphrase }],
    ])('presents a client certificate given as %s', async (_what, cert) => {
      const r = await session({ verify: tls.ca, cert }).get(tls.mutual);
      expect(r.json()).toEqual({ clientCert: 'errand transport client' });
    });

    it('sends no certificate to a server that only asks for one, unless given', async () => {
      expect((await session({ verify: tls.ca }).get(tls.good)).json()).toEqual({ clientCert: null });
    });

    it('a wrong passphrase is an SSLError', async () => {
      const cert = { cert: tls.client.cert, key: tls.encryptedKey.pem, passphrase: 'wrong' };
      const error = await sslError(session({ verify: tls.ca, cert }).get(tls.mutual));
      expect(error.message).toMatch(/passphrase|decrypt|TLS/);
    });

    it('a missing client certificate file is an SSLError naming its path', async () => {
      const error = await sslError(session({ verify: tls.ca, cert: ['/nonexistent/client.crt', tls.client.keyPath] }).get(tls.mutual));
      expect(error.message).toContain('/nonexistent/client.crt');
    });
  });
};
