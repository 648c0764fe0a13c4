import type { Adapter, AdapterSendOptions } from './adapter.ts';
import { AuthBase } from './auth.ts';
import { bodyForWire, type BodyValue } from './encode.ts';
import { lostAfterSending, mapBodyError, mapFetchError } from './error-mapping.ts';
import { UnsupportedError } from './errors.ts';
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
    if (options.cache) init.cache = options.cache;
    const body = bodyForWire(request.body);
    const progress = options.onUploadProgress && body !== null ? uploadProgress(body, options.onUploadProgress) : undefined;
    if (body !== null) {
      if (body instanceof ReadableStream && this.options.streamingUploads === false) {
        throw new UnsupportedError(`A streamed request body cannot be sent from ${this.runtime}: fetch streams uploads only over HTTP/2 here; send a Blob, a Uint8Array or FormData instead`, { request });
      }
      init.body = (progress?.stream ?? body) as BodyInit;
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
      throw lostAfterSending(error) ? markSent(mapped) : mapped;
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
