// One request sent with XMLHttpRequest, for XHRAdapter (./xhr-adapter.ts), which loads this module at its
// first call. XMLHttpRequest fires upload progress events over HTTP/1.1 too (XHR standard, "upload" object);
// fetch reports nothing of an upload unless its body is a stream, which Chromium sends only over HTTP/2.
import type { AdapterSendOptions } from '../core/adapter.ts';
import { bodyForWire } from '../core/encode.ts';
import { mapSendFailure } from '../core/error-mapping.ts';
import { UnsupportedError } from '../core/errors.ts';
import { refuseUnsupported } from '../core/fetch-adapter.ts';
import type { ProgressCallback } from '../core/options.ts';
import type { PreparedRequest } from '../core/prepared-request.ts';
import { Response, type BodySource } from '../core/response.ts';
import type { HopMarks } from '../core/timings.ts';

// fetch's null body statuses: a platform Response for them must have no body.
const NULL_BODY_STATUS = [101, 103, 204, 205, 304];

/**
 * Refuses, with an UnsupportedError, what XMLHttpRequest cannot do (what fetch cannot, `credentials: 'omit'`,
 * a cache mode answered from the browser's cache, a streamed body). Then sends `request` and resolves with its Response once the whole body has arrived (the
 * loaded bytes are its body). Rejects with the signal's reason when the call's signal aborts (the user's
 * signal, or the total timeout's TimeoutError), and with a ConnectionError when XMLHttpRequest reports a
 * network error, which is also what a CORS refusal looks like to a page.
 */
export async function sendWithXHR(request: PreparedRequest, options: AdapterSendOptions): Promise<Response> {
  const refuse = (what: string, why: string): never => {
    throw new UnsupportedError(`${what} cannot be used with XMLHttpRequest in the browser: ${why}`, { request });
  };
  await refuseUnsupported(request, options, true, refuse);
  if (options.credentials === 'omit') refuse("credentials: 'omit'", 'XMLHttpRequest always sends same-origin cookies; leave credentials unset, or send without onUploadProgress');
  // XMLHttpRequest has no cache mode: modes that would answer from the browser's cache cannot be honoured.
  if (options.cache === 'force-cache' || options.cache === 'only-if-cached') refuse(`cache: '${options.cache}'`, 'XMLHttpRequest has no cache mode');
  const body = bodyForWire(request.body);
  if (body instanceof ReadableStream) refuse('a streamed request body', 'XMLHttpRequest sends a body it has whole; send a Blob, a Uint8Array or FormData instead');
  const signal = options.signal;
  if (signal?.aborted) throw signal.reason;
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    // r.timings: XMLHttpRequest shows the start, the end of the upload (when it is watched), the headers and the end.
    const marks: HopMarks = { start: performance.now() };
    const onAbort = () => xhr.abort();
    const settle = <T>(then: (value: T) => void, value: T) => {
      signal?.removeEventListener('abort', onAbort);
      then(value);
    };
    xhr.open(request.method, request.url);
    xhr.responseType = 'arraybuffer';
    // fetch's 'same-origin' (the default) is XMLHttpRequest's default; 'omit' was refused above.
    xhr.withCredentials = options.credentials === 'include';
    for (const [name, value] of request.headers) xhr.setRequestHeader(name, value);
    // An upload listener makes a cross-origin request preflighted (XHR standard, "upload listener flag").
    if (options.onUploadProgress) {
      reportProgress(xhr.upload, options.onUploadProgress, () => true);
      xhr.upload.addEventListener('load', () => { marks.upload = performance.now(); });
    }
    // With a Content-Encoding the length counts encoded bytes, so no total is given (as Response does).
    if (options.onDownloadProgress) reportProgress(xhr, options.onDownloadProgress, () => !xhr.getResponseHeader('content-encoding'));
    xhr.onreadystatechange = () => {
      if (xhr.readyState === XMLHttpRequest.HEADERS_RECEIVED) marks.response = performance.now();
    };
    xhr.onload = () => {
      marks.end = performance.now();
      settle(resolve, toResponse(xhr, request, marks));
    };
    // A page learns nothing more of a network error (unreachable, connection lost, CORS refusal alike).
    xhr.onerror = () => settle(reject, mapSendFailure(new TypeError('XMLHttpRequest reported a network error (the server unreachable, the connection lost, or a CORS refusal)'), request));
    xhr.onabort = () => settle(reject, signal?.reason ?? new DOMException('The request was aborted', 'AbortError'));
    signal?.addEventListener('abort', onAbort, { once: true });
    // Bytes go as a Blob: Chromium writes an ArrayBuffer body from the page's own thread, which then
    // stays blocked while a slow server takes the upload (no progress bar could repaint meanwhile).
    xhr.send(body instanceof Uint8Array ? new Blob([body as Uint8Array<ArrayBuffer>]) : body as XMLHttpRequestBodyInit | null);
  });
}

/**
 * Calls `onProgress` with the bytes moved so far at each progress event, and at the end (`load`): never
 * twice for the same count, so the values only grow and the last is the total.
 */
function reportProgress(target: XMLHttpRequestEventTarget, onProgress: ProgressCallback, totalKnown: () => boolean): void {
  let last = -1;
  const report = (event: ProgressEvent) => {
    if (event.loaded <= last) return;
    last = event.loaded;
    const total = event.lengthComputable && totalKnown() ? event.total : undefined;
    onProgress(total === undefined ? { loaded: event.loaded } : { loaded: event.loaded, total, percent: total ? (event.loaded / total) * 100 : 100 });
  };
  target.addEventListener('progress', report);
  target.addEventListener('load', report);
}

/** The Response for a finished XMLHttpRequest: its status, the headers the page may read, the final URL, the loaded body. */
function toResponse(xhr: XMLHttpRequest, request: PreparedRequest, marks: HopMarks): Response {
  const { status, statusText } = xhr;
  const headers = new Headers();
  for (const line of xhr.getAllResponseHeaders().split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const bytes = new Uint8Array((xhr.response as ArrayBuffer | null) ?? new ArrayBuffer(0));
  const url = xhr.responseURL || request.url;
  const body: BodySource | null = request.method === 'HEAD' || NULL_BODY_STATUS.includes(status) ? null : {
    all: async () => bytes,
    stream: () => new ReadableStream<Uint8Array>({
      start(controller) {
        if (bytes.byteLength) controller.enqueue(bytes);
        controller.close();
      },
    }),
    cancel() {},
  };
  return new Response({
    status, statusText, headers, body, url,
    platform(rest) {
      const raw = new globalThis.Response(rest as BodyInit | null, { status, statusText, headers });
      Object.defineProperty(raw, 'url', { value: url });
      return raw;
    },
  }, request, { elapsed: (marks.response ?? marks.end ?? marks.start) - marks.start, marks });
}
