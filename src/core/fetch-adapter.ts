import type { Adapter, AdapterSendOptions } from './adapter.ts';
import { AuthBase } from './auth.ts';
import type { BodyValue } from './encode.ts';
import {
  ConnectionError, ConnectTimeoutError, ContentDecodingError, ReadTimeoutError, RequestError, SSLError,
  UnsupportedError, redactUrl,
} from './errors.ts';
import type { ProgressCallback } from './options.ts';
import type { PreparedRequest } from './prepared-request.ts';
import { Response } from './response.ts';
import { markSent } from './retry.ts';
import type { HopMarks, MarksLookup } from './timings.ts';

type Fetch = typeof globalThis.fetch;

/** Options of a FetchAdapter. */
export interface FetchAdapterOptions {
  /** The fetch to call; by default `globalThis.fetch`, read at each request so interceptors (msw) see it. */
  fetch?: Fetch;
  /** Used when there is no global fetch (old Node): resolves one, e.g. cross-fetch. */
  fallbackFetch?: () => Promise<Fetch>;
  /** The runtime's name, for UnsupportedError messages. */
  runtime?: string;
  /** Whether request bodies can be streamed (Chromium needs HTTP/2 for it). */
  streamingUploads?: boolean;
  /** False where `Cookie` is a forbidden request header (browsers drop it silently). */
  cookieHeader?: boolean;
  /** Where the platform measures a request's phases itself (the browser's Resource Timing): read at the first use of `r.timings`. */
  lookupMarks?: MarksLookup;
}

/**
 * The adapter over the platform `fetch` (default in browsers and on the edge). It refuses, with an
 * UnsupportedError, what fetch cannot do: proxies, TLS settings, connect/read timeouts.
 */
export class FetchAdapter implements Adapter {
  private readonly options: FetchAdapterOptions;

  constructor(options: FetchAdapterOptions = {}) {
    this.options = options;
  }

  async send(request: PreparedRequest, options: AdapterSendOptions): Promise<Response> {
    this.refuseUnsupported(request, options);
    const fetch = this.options.fetch ?? globalThis.fetch ?? (await this.options.fallbackFetch?.());
    if (typeof fetch !== 'function') throw new UnsupportedError(`There is no fetch in this runtime (${this.runtime})`, { request });
    const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers: request.headers, redirect: options.redirect, signal: options.signal ?? null };
    if (options.credentials) init.credentials = options.credentials;
    const progress = options.onUploadProgress && request.body !== null ? uploadProgress(request.body, options.onUploadProgress) : undefined;
    if (request.body !== null) {
      if (request.body instanceof ReadableStream && this.options.streamingUploads === false) {
        throw new UnsupportedError(`A streamed request body cannot be sent from ${this.runtime}: fetch streams uploads only over HTTP/2 here; send a Blob, a Uint8Array or FormData instead`, { request });
      }
      init.body = (progress?.stream ?? request.body) as BodyInit;
      // Fetch requires duplex: 'half' for a streamed body (fetch spec, "duplex").
      if (init.body instanceof ReadableStream) init.duplex = 'half';
    }
    // fetch shows only when it was called and when the headers came: no socket, DNS, TCP, TLS or upload.
    const marks: HopMarks = { start: performance.now() };
    let raw: globalThis.Response;
    try {
      raw = await fetch(request.url, init);
    } catch (error) {
      const mapped = mapFetchError(error, request, options.signal);
      // Where fetch says why (Node's undici codes), a connection lost once the request was written is a
      // read failure; elsewhere fetch gives a bare TypeError, counted as a failure to connect.
      throw SENT_CODES.test(causeCode(error)) ? markSent(mapped) : mapped;
    }
    marks.response = performance.now();
    progress?.done();
    return new Response(raw, request, {
      elapsed: marks.response - marks.start,
      marks,
      lookupMarks: this.options.lookupMarks,
      onDownloadProgress: options.onDownloadProgress,
      mapBodyError: (error, response) => mapBodyError(error, response, options.signal),
    });
  }

  async close(): Promise<void> {}

  private get runtime(): string {
    return this.options.runtime ?? 'this runtime';
  }

  private refuseUnsupported(request: PreparedRequest, options: AdapterSendOptions): void {
    const browser = this.options.cookieHeader === false;
    const refuse = (what: string, why: string): never => {
      throw new UnsupportedError(`${what} cannot be used with fetch in ${this.runtime}: ${why}`, { request });
    };
    if (Object.keys(options.proxies).length) refuse('proxies', browser ? 'the browser uses the system proxy settings' : 'fetch here has no proxy support');
    if (options.verify !== true) refuse('verify', browser ? 'the browser checks TLS itself; trust the CA in the OS or browser instead' : 'fetch here has no TLS settings');
    if (options.cert !== undefined) refuse('cert', browser ? 'the browser picks client certificates itself; install it in the OS or browser' : 'fetch here has no TLS settings');
    const phase = options.timeout.connect !== undefined ? 'timeout.connect' : options.timeout.read !== undefined ? 'timeout.read' : undefined;
    if (phase) refuse(phase, 'fetch has only a total deadline; use timeout: ms');
    if (options.onUploadProgress && this.options.streamingUploads === false) {
      refuse('onUploadProgress', 'fetch reports upload progress only for a streamed body, which Chromium sends only over HTTP/2');
    }
    if (browser && request.headers.has('cookie')) {
      refuse('cookies (or a Cookie header)', "the browser forbids that header and keeps cookies itself; use credentials: 'include' and let the server set them");
    }
    // Chromium answers a Digest 401 to a credentialed fetch with its own login prompt, and the fetch never settles.
    if (browser && options.credentials === 'include' && request.auth && request.auth.challenge !== AuthBase.prototype.challenge) {
      refuse("a challenge-based auth (Digest) with credentials: 'include'", 'the browser would hold the 401 for its own login prompt; leave credentials unset for this request');
    }
  }
}

/**
 * Upload progress over fetch. A streamed body is counted as fetch pulls it. A body of known length is
 * left as it is (wrapping it in a stream would turn a Content-Length upload into a chunked one, which
 * some servers refuse): fetch does not report its progress, so it is reported once sent.
 */
function uploadProgress(body: BodyValue, onProgress: ProgressCallback): { stream?: ReadableStream<Uint8Array>; done(): void } {
  if (!(body instanceof ReadableStream)) {
    const total = body instanceof Blob ? body.size : body instanceof Uint8Array ? body.byteLength : undefined;
    return { done: () => onProgress(total === undefined ? { loaded: 0 } : { loaded: total, total, percent: 100 }) };
  }
  let loaded = 0;
  const stream = body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      loaded += chunk.byteLength;
      onProgress({ loaded });
    },
  }));
  return { stream, done() {} };
}

function causeCode(error: unknown): string {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return '';
}

function causeMessage(error: unknown): string {
  const cause = (error as { cause?: { message?: string } })?.cause;
  return String(cause?.message ?? (error as Error)?.message ?? error);
}

const SENT_CODES = /^(UND_ERR_SOCKET|ECONNRESET|EPIPE|UND_ERR_HEADERS_TIMEOUT)$/;

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS/;

/** Maps a fetch rejection to errand's errors by the cause's stable `code` (undici, Node) or its shape. */
export function mapFetchError(error: unknown, request: PreparedRequest, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof RequestError) return error;
  const code = causeCode(error);
  const where = redactUrl(request.url);
  const detail = code || causeMessage(error);
  const context = { request, cause: error };
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new ConnectTimeoutError(`Connecting to ${where} timed out`, context);
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new ReadTimeoutError(`${where} sent no response headers within the read timeout`, context);
  if (TLS_CODES.test(code)) return new SSLError(`TLS failed for ${where}: ${detail}`, context);
  return new ConnectionError(`Could not get a response from ${where}: ${detail}`, context);
}

/** Maps a failure while the body streams in: decoding, timeouts, a broken connection. */
export function mapBodyError(error: unknown, response: Response, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return signal.reason as Error;
  if (error instanceof RequestError) return error;
  const code = causeCode(error);
  const where = redactUrl(response.url);
  const context = { response, cause: error };
  if (/^Z_|BROTLI|ZSTD/.test(code) || /incorrect header check|invalid (block|stored|distance|code)|unexpected end of file|decompress/i.test(causeMessage(error))) {
    return new ContentDecodingError(`The body from ${where} could not be decoded (Content-Encoding: ${response.headers.get('content-encoding') ?? 'none'}): ${code || causeMessage(error)}`, context);
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') return new ReadTimeoutError(`${where} stopped sending the body for longer than the read timeout`, context);
  return new ConnectionError(`The connection to ${where} broke while reading the body: ${code || causeMessage(error)}`, context);
}
