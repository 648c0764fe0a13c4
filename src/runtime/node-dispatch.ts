/// <reference types="node" />
// One request through an undici Dispatcher. A handler of undici's own (v7 controller API) is used
// rather than `dispatcher.request()` because request() drops the reason phrase (requests' `reason`)
// and wraps the body in a Node Readable that would then be wrapped again as a Web stream.
import type { Dispatcher } from 'undici';
import { markSent } from '../core/retry.ts';
import type { HopMarks } from '../core/timings.ts';
import { BodyChannel } from './node-body-channel.ts';
import { noteWriteStart, type WriteState } from './node-socket-reuse.ts';

/** The response line, headers and body, as they came off the socket (the body still encoded). */
export interface DispatchedResponse {
  status: number;
  statusText: string;
  headers: Headers;
  /** null for HEAD, 204, 205, 304 (no content, RFC 9110 §6.4.1). */
  body: BodyChannel | null;
}

// Statuses whose Response may not have a body (Fetch standard, "null body status").
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const name in raw) {
    const value = raw[name];
    // Set-Cookie arrives as an array and stays separate values (headers.getSetCookie()).
    for (const item of Array.isArray(value) ? value : [value ?? '']) {
      try {
        headers.append(name, item);
      } catch {
        // A name Headers refuses (not a token) cannot be represented; requests would keep it, fetch drops it.
      }
    }
  }
  return headers;
}

/**
 * Dispatches and resolves once the response headers are in. The signal aborts at any point; before
 * the headers it rejects at once, even while undici is still connecting. The hop's moments for
 * r.timings are noted in `marks` as undici reaches them.
 */
export function dispatchRequest(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, signal: AbortSignal | undefined,
  marks: HopMarks): Promise<DispatchedResponse> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let body: BodyChannel | undefined;
    let done = false;
    const onAbort = () => {
      controller?.abort(signal!.reason);
      finish(signal!.reason);
    };
    const write: WriteState = { started: false, reused: false, marks };
    const finish = (error?: unknown) => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      // Written to a fresh socket and lost before an answer: the server may have acted on it (see node-socket-reuse.ts).
      if (!body) reject(write.started && !write.reused ? markSent(error) : error);
      else if (error === undefined) body.end();
      else body.fail(error);
    };
    if (signal?.aborted) return reject(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });

    const noBody = options.method === 'HEAD';
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
        noteWriteStart(write);
        if (done) started.abort(signal?.reason ?? new Error('errand: request abandoned'));
      },
      onResponseStart(started, status, headers, statusText) {
        // An informational response (103 Early Hints) precedes the real one (RFC 9110 §15.2).
        if (done || (status >= 100 && status < 200 && status !== 101)) return;
        marks.response = performance.now();
        if (!noBody && !NULL_BODY_STATUS.has(status)) {
          body = new BodyChannel(started, (reason) => {
            if (done) return;
            done = true;
            signal?.removeEventListener('abort', onAbort);
            started.abort(reason);
          });
        }
        resolve({ status, statusText: statusText ?? '', headers: toHeaders(headers), body: body ?? null });
        if (!body) finish();
      },
      onResponseData(_started, chunk) {
        if (!done) body?.push(chunk);
      },
      onResponseEnd() {
        finish();
      },
      onResponseError(_started, error) {
        finish(error);
      },
    };
    try {
      dispatcher.dispatch(options, handler);
    } catch (error) {
      finish(error);
    }
  });
}
