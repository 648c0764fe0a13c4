import type { Adapter, AdapterSendOptions } from './adapter.ts';
import { bodyForWire } from './encode.ts';
import { RequestError, UnsupportedError } from './errors.ts';
import type { PreparedRequest } from './prepared-request.ts';
import { Response } from './response.ts';
import type { HopMarks, MarksLookup } from './timings.ts';
import type { Refused } from './refusals.ts';

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
    await this.refuseUnsupported(request, options);
    if (options.onUploadProgress && this.options.streamingUploads === false) {
      this.refuse(request, ...(await import('./refusals.ts')).refusal('onUploadProgress', true));
    }
    const fetch = this.options.fetch ?? globalThis.fetch ?? (await this.options.fallbackFetch?.());
    if (typeof fetch !== 'function') throw new UnsupportedError(`There is no fetch in this runtime (${this.runtime})`, { request });
    const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers: request.headers, redirect: options.redirect, signal: options.signal ?? null };
    if (options.credentials) init.credentials = options.credentials;
    if (options.cache) init.cache = options.cache;
    const body = bodyForWire(request.body);
    // Loaded only for a call that asks for upload progress.
    const progress = options.onUploadProgress && body !== null ? (await import('./upload-progress.ts')).uploadProgress(body, options.onUploadProgress) : undefined;
    if (body !== null) {
      if (body instanceof ReadableStream && this.options.streamingUploads === false) {
        throw (await import('./refusals.ts')).streamedBodyRefused(this.runtime, request);
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
      if (options.signal?.aborted) throw options.signal.reason;
      if (error instanceof RequestError) throw error;
      // The mapping of platform failures is loaded at the first one.
      const mapping = await import('./error-mapping.ts');
      const mapped = mapping.mapSendFailure(error, request);
      // Where fetch says why (Node's undici codes), a connection lost once the request was written is a
      // read failure; elsewhere fetch gives a bare TypeError, counted as a failure to connect.
      throw mapping.lostAfterSending(error) ? (await import('./retry.ts')).markSent(mapped) : mapped;
    }
    marks.response = performance.now();
    progress?.done();
    return new Response(raw, request, {
      elapsed: marks.response - marks.start,
      marks,
      lookupMarks: this.options.lookupMarks,
      onDownloadProgress: options.onDownloadProgress,
      mapBodyError: async (error, response) => (await import('./error-mapping.ts')).mapBodyError(error, response, options.signal),
    });
  }

  async close(): Promise<void> {}

  protected get runtime(): string {
    return this.options.runtime ?? 'this runtime';
  }

  private refuse(request: PreparedRequest, what: string, why: string): never {
    throw new UnsupportedError(`${what} cannot be used with fetch in ${this.runtime}: ${why}`, { request });
  }

  private refuseUnsupported(request: PreparedRequest, options: AdapterSendOptions): Promise<void> {
    return refuseUnsupported(request, options, this.options.cookieHeader === false, (what, why) => this.refuse(request, what, why));
  }
}

/**
 * Refuses, with an UnsupportedError (thrown by `refuse`), what a transport over the platform's fetch or
 * XMLHttpRequest cannot do, before anything is sent: proxies, TLS settings, connect/read timeouts; in a
 * browser (`browser`), cookies of the call's own and a challenge-based auth with credentials.
 */
export async function refuseUnsupported(request: PreparedRequest, options: AdapterSendOptions, browser: boolean,
  refuse: (what: string, why: string) => never): Promise<void> {
  let refused: Refused | undefined;
  if (Object.keys(options.proxies).length) refused = 'proxies';
  else if (options.verify !== true) refused = 'verify';
  else if (options.cert !== undefined) refused = 'cert';
  else if (options.timeout.connect !== undefined) refused = 'timeout.connect';
  else if (options.timeout.read !== undefined) refused = 'timeout.read';
  else if (!browser) return;
  else if (request.headers.has('cookie') || Object.values(request.cookies).some((value) => value !== null)) refused = 'cookies';
  else if (options.credentials === 'include' && request.auth && (await import('./auth-option.ts')).answersChallenges(request.auth)) refused = 'challenge';
  // The reasons load with the first refusal (./refusals.ts): a call that asks only what fetch can do never needs them.
  if (refused) refuse(...(await import('./refusals.ts')).refusal(refused, browser));
}
