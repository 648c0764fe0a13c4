// The one mapping from what a platform throws to errand's errors, shared by the fetch adapter (every
// runtime) and the Node transport (src/runtime/node-errors.ts adds what only Node has: TLS alerts seen on
// the socket, OpenSSL's reasons in words, proxy failures). Errors are told apart by stable `code`s found
// along the `cause` chain (undici, node:net, node:tls, node:zlib), by message text only where no code exists.
import {
  ConnectionError, ConnectTimeoutError, ContentDecodingError, ReadTimeoutError, RequestError, SSLError, redactUrl,
} from './errors.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';

/** One link of a cause chain, as far as errand reads it. */
export interface CauseLink { code?: unknown; message?: unknown; cause?: unknown; socket?: unknown }

// fetch wraps undici's error in a TypeError, undici may wrap a socket error: a few links suffice, and a
// cycle (an error that is its own cause) must not loop.
const MAX_DEPTH = 8;

/** The error and its causes, outermost first. */
export function causeChain(error: unknown): CauseLink[] {
  const chain: CauseLink[] = [];
  for (let e = error; typeof e === 'object' && e !== null && chain.length < MAX_DEPTH && !chain.includes(e); e = (e as CauseLink).cause) {
    chain.push(e as CauseLink);
  }
  return chain;
}

/** The first string `code` in the cause chain ('' when there is none). */
export function errorCode(error: unknown): string {
  for (const link of causeChain(error)) if (typeof link.code === 'string') return link.code;
  return '';
}

/**
 * The innermost non-empty message of the chain: the most specific one (the socket's, not fetch's "fetch
 * failed"), with every URL in it redacted: a platform's message may quote the request URL whole (Deno's
 * does), and its query may hold a token.
 */
export function innermostMessage(error: unknown): string {
  const chain = causeChain(error);
  for (let i = chain.length - 1; i >= 0; i--) {
    const message = chain[i]!.message;
    if (typeof message === 'string' && message) return redactUrls(message);
  }
  return redactUrls(String(error));
}

/** `text` with each URL in it (`scheme://…` up to a space, quote, bracket or parenthesis) passed through redactUrl. */
function redactUrls(text: string): string {
  return text.includes('://') ? text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s)"'<>]+/gi, (url) => redactUrl(url)) : text;
}

// Codes that say a connection was lost once the request had been written (Node's undici under fetch,
// Bun, and the codes the Deno transport gives its errors): a read failure for the retry policy. A head
// too big to read (HEADERS_OVERFLOW) comes after the server had the request, as a timeout waiting for it does.
const SENT_CODES = /^(UND_ERR_SOCKET|ECONNRESET|EPIPE|UND_ERR_HEADERS_TIMEOUT|UND_ERR_HEADERS_OVERFLOW)$/;

/** True when a fetch failure says the request had reached the wire before the connection was lost. */
export function lostAfterSending(error: unknown): boolean {
  return SENT_CODES.test(errorCode(error));
}

// OpenSSL's verify codes and alerts (node:tls `err.code`), undici's and Node's TLS codes.
const TLS_CODE = /CERT|SSL|TLS|OSSL|UNABLE_TO_(GET|VERIFY)|INVALID_(PURPOSE|CA)|PATH_LENGTH_EXCEEDED/;

/** True for a code that names a TLS failure. */
export function isTlsCode(code: string): boolean {
  return TLS_CODE.test(code);
}

/** The first TLS code in the cause chain, or undefined. */
function tlsCode(error: unknown, known: (code: string) => boolean = () => false): string | undefined {
  for (const link of causeChain(error)) {
    if (typeof link.code === 'string' && (known(link.code) || isTlsCode(link.code))) return link.code;
  }
  return undefined;
}

/** Where a request was going, for messages: the redacted URL and, through a proxy, ` via proxy …`. */
function describeTarget(request: PreparedRequest, proxy?: string): { where: string; via: string } {
  return { where: redactUrl(request.url), via: proxy ? ` via proxy ${redactUrl(proxy)}` : '' };
}

/**
 * A failure before the response headers arrived, by code: connect timeout, headers timeout, TLS, else a
 * ConnectionError. `tlsReason` gives a TLS code in words where the runtime knows them (Node's OpenSSL).
 */
export function mapSendFailure(error: unknown, request: PreparedRequest, options: { proxy?: string | undefined; tlsReason?: (code: string) => string | undefined } = {}): RequestError {
  const code = errorCode(error);
  const { where, via } = describeTarget(request, options.proxy);
  const context = { request, cause: error };
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new ConnectTimeoutError(`Connecting to ${options.proxy ? `proxy ${redactUrl(options.proxy)} for ` : ''}${where} timed out`, context);
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new ReadTimeoutError(`${where}${via} sent no response headers within the read timeout`, context);
  const tls = tlsCode(error, (c) => options.tlsReason?.(c) !== undefined);
  if (tls) return new SSLError(`TLS failed for ${where}${via}: ${options.tlsReason?.(tls) ?? 'the TLS handshake failed'} (${tls})`, context);
  return new ConnectionError(`Could not get a response from ${where}${via}: ${code || innermostMessage(error)}`, context);
}

// zlib's codes (Z_DATA_ERROR...), Brotli's and zstd's; where a runtime gives no code, the decoders' messages.
const DECODING_CODE = /^Z_|BROTLI|ZSTD/;
const DECODING_MESSAGE = /incorrect header check|invalid (block|stored|distance|code)|unexpected end of file|decompress/i;

/** True for a failure of a Content-Encoding decoder, told by code, else by the decoders' messages. */
export function isDecodingFailure(error: unknown): boolean {
  return DECODING_CODE.test(errorCode(error)) || DECODING_MESSAGE.test(innermostMessage(error));
}

/** The ContentDecodingError for a body that does not decode. */
export function decodingError(response: Response, error: unknown): ContentDecodingError {
  const encoding = response.headers.get('content-encoding') ?? 'none';
  return new ContentDecodingError(`The body from ${redactUrl(response.url)} could not be decoded (Content-Encoding: ${encoding}): ${errorCode(error) || innermostMessage(error)}`, { response, cause: error });
}

/**
 * Maps a failure while the body streams in: decoding, timeouts, a broken connection. A runtime that
 * knows its own decoders' errors (Node) passes `isDecoding`.
 */
export function mapBodyError(error: unknown, response: Response, signal: AbortSignal | undefined, isDecoding: (error: unknown) => boolean = isDecodingFailure): Error {
  if (signal?.aborted) return signal.reason as Error;
  if (error instanceof RequestError) return error;
  if (isDecoding(error)) return decodingError(response, error);
  const code = errorCode(error);
  const where = redactUrl(response.url);
  const context = { response, cause: error };
  if (code === 'UND_ERR_BODY_TIMEOUT') return new ReadTimeoutError(`${where} stopped sending the body for longer than the read timeout`, context);
  return new ConnectionError(`The connection to ${where} broke while reading the body: ${code || innermostMessage(error)}`, context);
}
