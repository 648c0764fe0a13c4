// One error mapping for both transports (src/core/error-mapping.ts): the fetch adapter and the Node
// transport walk the same cause chain, know the same TLS codes and write the same messages. Before
// issue 10 each had its own copy, and they had drifted (depth 4 vs 5, TLS codes, decoding messages).
import { describe, expect, it } from 'vitest';
import { ConnectionError, ContentDecodingError, FetchAdapter, ProxyError, ReadTimeoutError, SSLError } from 'errand';
import { causeChain, errorCode, innermostMessage, isTlsCode, mapBodyError } from '../../src/core/error-mapping.ts';
import { Response } from '../../src/core/response.ts';
import { mapTransportError } from '../../src/runtime/node-errors.ts';
import { preparedFor } from './_helpers.ts';

/** An error whose cause chain is `codes.length` deep, the code at the innermost link. */
function chain(depth: number, code: string, message = 'inner failure'): Error {
  let error: Error = Object.assign(new Error(message), { code });
  for (let i = 1; i < depth; i++) error = new Error(`wrapper ${i}`, { cause: error });
  return new TypeError('fetch failed', { cause: error });
}

/** What the FetchAdapter makes of a fetch that rejects with `error`. */
async function viaFetch(error: unknown): Promise<unknown> {
  const adapter = new FetchAdapter({ fetch: async () => { throw error; } });
  return adapter.send(preparedFor('https://x.test/p?token=SECRET'), {
    signal: undefined, redirect: 'manual', timeout: {}, proxies: {}, verify: true, cert: undefined, trustEnv: false,
    credentials: undefined, onUploadProgress: undefined, onDownloadProgress: undefined,
  }).catch((e: unknown) => e);
}

const viaNode = (error: unknown, proxy?: string) => mapTransportError(error, { request: preparedFor('https://x.test/p?token=SECRET'), signal: undefined, proxy });

describe('the cause chain', () => {
  it('is walked outermost first, to a bounded depth, and stops at a cycle', () => {
    const inner = Object.assign(new Error('inner'), { code: 'ECONNRESET' });
    const outer = new TypeError('fetch failed', { cause: inner });
    expect(causeChain(outer)).toEqual([outer, inner]);
    const cyclic = new Error('me') as Error & { cause?: unknown };
    cyclic.cause = cyclic;
    expect(causeChain(cyclic)).toEqual([cyclic]);
    expect(causeChain(chain(20, 'X'))).toHaveLength(8);
    expect(causeChain('not an object')).toEqual([]);
  });

  it('gives the first string code and the innermost message', () => {
    expect(errorCode(chain(3, 'ECONNREFUSED'))).toBe('ECONNREFUSED');
    expect(innermostMessage(chain(3, 'ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'))).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(errorCode(new Error('no code'))).toBe('');
  });

  it('knows the TLS codes of OpenSSL, Node and undici', () => {
    for (const code of ['CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_SSL_WRONG_VERSION_NUMBER',
      'ERR_OSSL_X509_KEY_VALUES_MISMATCH', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'INVALID_PURPOSE', 'PATH_LENGTH_EXCEEDED']) {
      expect(isTlsCode(code), code).toBe(true);
    }
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'UND_ERR_SOCKET', 'Z_DATA_ERROR', '']) expect(isTlsCode(code), code).toBe(false);
  });
});

describe('the fetch adapter and the Node transport map alike', () => {
  it.each([
    ['a TLS code OpenSSL only has (OSSL)', chain(2, 'ERR_OSSL_X509_KEY_VALUES_MISMATCH'), SSLError],
    ['a certificate key-usage failure', chain(2, 'INVALID_PURPOSE'), SSLError],
    ['a code five links deep', chain(5, 'CERT_HAS_EXPIRED'), SSLError],
    ['a reset connection', chain(2, 'ECONNRESET'), ConnectionError],
    ['a headers timeout', chain(2, 'UND_ERR_HEADERS_TIMEOUT'), ReadTimeoutError],
  ])('%s', async (_what, error, kind) => {
    const fromFetch = await viaFetch(error) as Error;
    const fromNode = viaNode(error) as Error;
    expect(fromFetch).toBeInstanceOf(kind);
    expect(fromNode).toBeInstanceOf(kind);
    expect(fromFetch.constructor).toBe(fromNode.constructor);
    expect(fromFetch.message).not.toContain('SECRET');
    // The Node transport adds OpenSSL's reason in words; the rest of the message is the same.
    if (kind !== SSLError) expect(fromFetch.message).toBe(fromNode.message);
    else expect(fromFetch.message).toMatch(new RegExp(`^TLS failed for https://x.test/p\\?token=\\*\\*\\*: .+ \\(${errorCode(error)}\\)$`));
  });

  it('a proxy failure is a ProxyError in Node (where proxies exist), through the same walk', () => {
    const error = viaNode(chain(3, 'ECONNREFUSED'), 'http://user:pw@proxy.test:3128') as Error;
    expect(error).toBeInstanceOf(ProxyError);
    expect(error.message).toBe('The proxy http://***@proxy.test:3128/ could not be used: ECONNREFUSED (target https://x.test/p?token=***)');
  });
});

describe('body errors', () => {
  const response = () => new Response(new globalThis.Response('x', { headers: { 'content-encoding': 'gzip' } }), preparedFor('https://x.test/b?k=SECRET'), { elapsed: 0 });

  it('a decoder failure is one ContentDecodingError message, whichever way it was recognised', () => {
    const byCode = mapBodyError(chain(2, 'Z_DATA_ERROR', 'incorrect header check'), response(), undefined);
    const known = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR' });
    const byIdentity = mapBodyError(known, response(), undefined, (e) => e === known);
    for (const error of [byCode, byIdentity]) {
      expect(error).toBeInstanceOf(ContentDecodingError);
      expect(error.message).toBe('The body from https://x.test/b?k=*** could not be decoded (Content-Encoding: gzip): Z_DATA_ERROR');
    }
    const byMessage = mapBodyError(new TypeError('terminated', { cause: new Error('Decompression failed') }), response(), undefined);
    expect(byMessage).toBeInstanceOf(ContentDecodingError);
    expect(byMessage.message).toContain(': Decompression failed');
  });

  it('a body timeout and a broken connection', () => {
    expect(mapBodyError(chain(2, 'UND_ERR_BODY_TIMEOUT'), response(), undefined)).toBeInstanceOf(ReadTimeoutError);
    const broken = mapBodyError(chain(2, 'UND_ERR_SOCKET'), response(), undefined);
    expect(broken).toBeInstanceOf(ConnectionError);
    expect(broken.message).toBe('The connection to https://x.test/b?k=*** broke while reading the body: UND_ERR_SOCKET');
  });
});

describe('a platform message that quotes a URL', () => {
  // Deno's says "error sending request for url (http://host/x?token=…)": no token may reach an errand message.
  it('is quoted with every URL in it redacted, by both transports', async () => {
    const quoting = new TypeError('fetch failed', { cause: new Error('connection closed before message completed for http://u:pw@x.test/p?token=SECRET (and https://y.test/?k=KEY)') });
    expect(innermostMessage(quoting)).toBe('connection closed before message completed for http://***@x.test/p?token=*** (and https://y.test/?k=***)');
    for (const error of [await viaFetch(quoting), viaNode(quoting)]) {
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).not.toMatch(/SECRET|KEY|pw@/);
    }
  });
});
