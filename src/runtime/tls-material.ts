/// <reference types="node" />
// TLS material for the fetch-based server runtimes (Bun, Deno): the PEM text behind `verify` and `cert`,
// files read through the runtime's own reader, and a passphrase-protected key decrypted here (with
// node:crypto, which both runtimes carry), so that a wrong passphrase is an SSLError that says so
// rather than a socket that fails to open (Bun) or a key that is not found (Deno).
import { SSLError } from '../core/errors.ts';
import type { CertInput, VerifyInput } from '../core/options.ts';

/** PEM text for the runtime's TLS options; a field is absent when the call did not ask for it. */
export interface TlsMaterial {
  /** The CA bundle of `verify: path | PEM`. */
  ca?: string;
  /** The client certificate chain. */
  cert?: string;
  /** The client key, unencrypted. */
  key?: string;
}

/** Reads a text file (`Bun.file().text()`, `Deno.readTextFile`); rejects when it cannot. */
export type ReadText = (path: string) => Promise<string>;

/** A PEM given inline is used as it is; anything else is a file path, read now. */
async function readPem(value: string, what: string, readText: ReadText): Promise<string> {
  if (value.includes('-----BEGIN')) return value;
  try {
    return await readText(value);
  } catch (cause) {
    const why = (cause as { code?: unknown; name?: unknown }).code ?? (cause as { name?: unknown }).name ?? String(cause);
    throw new SSLError(`Could not read the ${what} file ${value}: ${String(why)}`, { cause });
  }
}

async function decryptKey(pem: string, passphrase: string): Promise<string> {
  const { createPrivateKey } = await import('node:crypto');
  try {
    return createPrivateKey({ key: pem, format: 'pem', passphrase }).export({ format: 'pem', type: 'pkcs8' }).toString();
  } catch (cause) {
    throw new SSLError('The client key (cert.key) could not be decrypted (wrong passphrase?)', { cause });
  }
}

/**
 * The PEM text for `verify` (a CA bundle) and `cert` in every form the contract allows: one PEM path
 * with cert and key, `[certPath, keyPath]`, or `{ cert, key, passphrase }` as paths or PEM text.
 * A missing file is an SSLError naming its path, as in the Node build.
 * @example await loadTlsMaterial('/etc/ssl/my-ca.pem', undefined, (path) => Deno.readTextFile(path))
 */
export async function loadTlsMaterial(verify: VerifyInput, cert: CertInput | undefined, readText: ReadText): Promise<TlsMaterial> {
  const material: TlsMaterial = {};
  // Like requests' `verify=path`: the bundle is what the server's chain must lead to.
  if (typeof verify === 'string') material.ca = await readPem(verify, 'CA bundle (verify)', readText);
  if (typeof cert === 'string') {
    const pem = await readPem(cert, 'client certificate (cert)', readText);
    material.cert = pem;
    material.key = pem;
  } else if (Array.isArray(cert)) {
    const [certPem, keyPem] = await Promise.all([
      readPem(cert[0], 'client certificate (cert[0])', readText),
      readPem(cert[1], 'client key (cert[1])', readText),
    ]);
    material.cert = certPem;
    material.key = keyPem;
  } else if (cert) {
    const { cert: certValue, key, passphrase } = cert as { cert: string; key: string; passphrase?: string };
    const [certPem, keyPem] = await Promise.all([
      readPem(certValue, 'client certificate (cert.cert)', readText),
      readPem(key, 'client key (cert.key)', readText),
    ]);
    material.cert = certPem;
    material.key = passphrase === undefined ? keyPem : await decryptKey(keyPem, passphrase);
  }
  return material;
}
