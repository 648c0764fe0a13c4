/// <reference types="node" />
// Maps what undici, node:net and node:tls throw to errand's errors, by stable `code`s (never by message
// text, except undici's proxy errors, which have no code of their own).
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { causeChain, errorCode, innermostMessage, isTlsCode, mapSendFailure } from '../core/error-mapping.ts';
import { ProxyError, RequestError, redactUrl } from '../core/errors.ts';
import type { PreparedRequest } from '../core/prepared-request.ts';

// OpenSSL's verify codes (node:tls `err.code`) and the alerts a server sends, in words a user can act on.
const TLS_REASONS: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in a self-signed CA that is not trusted (unknown CA)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is signed by an unknown CA',
  UNABLE_TO_GET_ISSUER_CERT: 'the certificate is signed by an unknown CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate is signed by an unknown CA',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname mismatch: the certificate is not valid for this host',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'the server requires a client certificate (the cert option)',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'the server rejected the client certificate',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'the server does not trust the CA of the client certificate',
  INVALID_PURPOSE: 'the certificate is not meant for this use (key usage)',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'the TLS handshake failed (a client certificate may be required)',
  ERR_OSSL_BAD_DECRYPT: 'the client key could not be decrypted (wrong passphrase?)',
  ERR_OSSL_EVP_BAD_DECRYPT: 'the client key could not be decrypted (wrong passphrase?)',
  ERR_OSSL_X509_KEY_VALUES_MISMATCH: 'the client key does not match the client certificate',
});

// With TLS 1.3 a server checks the client certificate after the handshake, so its alert (say
// "certificate required") arrives while the request is in flight. undici then reports the socket's
// 'end' as "other side closed" and the alert is lost. So TLS errors are noted per socket, found
// again from the socket info undici puts on its SocketError, and forgotten once the socket closed.
const tlsAlerts = new Map<string, Error>();
let watching = false;

const socketKey = (s: { localAddress?: unknown; localPort?: unknown; remotePort?: unknown }) => `${s.localAddress}|${s.localPort}|${s.remotePort}`;

/** Starts noting TLS errors of undici's sockets (its `undici:client:connected` diagnostics channel). */
export function watchTlsAlerts(): void {
  if (watching) return;
  watching = true;
  subscribe('undici:client:connected', (message) => {
    const socket = (message as { socket?: Socket & { encrypted?: boolean } }).socket;
    if (!socket?.encrypted) return;
    const key = socketKey(socket);
    socket.on('error', (error: Error & { code?: string }) => {
      if (typeof error.code === 'string' && isTlsCode(error.code)) tlsAlerts.set(key, error);
    });
    // Deleted a turn later: the request's rejection is mapped in the microtasks that follow 'close'.
    socket.once('close', () => setImmediate(() => tlsAlerts.delete(key)));
  });
}

function tlsAlertBehind(error: unknown): Error | undefined {
  const info = causeChain(error).map((e) => e.socket as { localPort?: unknown } | undefined).find((s) => s?.localPort !== undefined);
  return info && tlsAlerts.get(socketKey(info));
}
// A proxy that cannot be reached, resets, or answers a tunnel with anything but 200.
const PROXY_CODE = /^(ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_SOCKS5.*)$/;
const PROXY_MESSAGE = /Proxy response \((\d+)\)|Proxy Authentication Required|SOCKS5/;

/** Where the failing request was going, for messages: redacted URL and proxy. */
export interface FailureContext {
  request: PreparedRequest;
  signal: AbortSignal | undefined;
  /** The proxy URL in use, if any (redacted before it reaches a message). */
  proxy?: string | undefined;
}

/** Maps a failure before the response headers arrived (connect, TLS, proxy, send, wait for headers). */
export function mapTransportError(error: unknown, { request, signal, proxy }: FailureContext): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof RequestError) return error;
  error = tlsAlertBehind(error) ?? error;
  const mapped = mapSendFailure(error, request, { proxy, tlsReason: (code) => TLS_REASONS[code] });
  if (mapped.name !== 'ConnectionError' || !proxy) return mapped;
  const code = errorCode(error);
  const message = innermostMessage(error);
  if (!PROXY_CODE.test(code) && !PROXY_MESSAGE.test(message)) return mapped;
  const status = /Proxy response \((\d+)\)/.exec(message)?.[1] ?? (/Authentication Required/.test(message) ? '407' : undefined);
  const what = status === '407' ? 'asked for credentials (407 Proxy Authentication Required)'
    : status ? `refused the tunnel with status ${status}` : `could not be used: ${code || message}`;
  return new ProxyError(`The proxy ${redactUrl(proxy)} ${what} (target ${redactUrl(request.url)})`, { request, cause: error });
}
