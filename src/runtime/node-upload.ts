/// <reference types="node" />
// Request bodies for the Dispatcher path, streamed in bounded memory: undici writes an async iterable
// chunk by chunk and waits for the socket to drain (unlike Node's fetch, which tees and holds the
// whole body, nodejs/undici#4058). Content-Length is sent when the size is known, chunked otherwise.
import { bodyForWire, type BodyValue } from '../core/encode.ts';
import type { ProgressCallback } from '../core/options.ts';

/** What undici is given: a body it can write and the headers the body implies. */
export interface UploadBody {
  body: Uint8Array | AsyncIterable<Uint8Array> | undefined;
  /** Set when the body knows its size and the request has no Content-Length yet. */
  contentLength?: number;
  /** Set when the body implies a type (FormData boundary) and the request has none. */
  contentType?: string;
}

// Bytes are handed over in slices of this size when progress is reported, so the callback follows
// the socket instead of firing once.
const PROGRESS_SLICE = 64 * 1024;

async function* slices(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += PROGRESS_SLICE) yield bytes.subarray(at, at + PROGRESS_SLICE);
}

async function* counted(source: AsyncIterable<Uint8Array>, total: number | undefined, onProgress: ProgressCallback): AsyncGenerator<Uint8Array> {
  let loaded = 0;
  for await (const chunk of source) {
    yield chunk;
    // After the yield: undici has taken the chunk and written it to the socket.
    loaded += chunk.byteLength;
    onProgress(total === undefined ? { loaded } : { loaded, total, percent: total ? (loaded / total) * 100 : 100 });
  }
}

/** The length a Content-Length header declares, if it is a valid one. */
function declaredLength(headers: Headers): number | undefined {
  const value = headers.get('content-length');
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * Turns a PreparedRequest body into what undici writes. Blobs (fs.openAsBlob too) are read through
 * `blob.stream()`, FormData is encoded by the platform's multipart encoder, streams are passed on
 * as async iterables; nothing is buffered whole.
 */
export function toUploadBody(body: BodyValue | null, headers: Headers, onProgress?: ProgressCallback): UploadBody {
  if (body === null) return { body: undefined };
  body = bodyForWire(body); // a string set by hand: UTF-8 bytes, with no Content-Type added
  const upload: UploadBody = { body: undefined };
  let size: number | undefined;
  if (body instanceof URLSearchParams) {
    body = new TextEncoder().encode(body.toString());
    if (!headers.has('content-type')) upload.contentType = 'application/x-www-form-urlencoded;charset=UTF-8';
  }
  if (body instanceof Uint8Array) {
    size = body.byteLength;
    upload.body = onProgress ? slices(body) : body;
  } else if (body instanceof Blob) {
    size = body.size;
    upload.body = body.stream() as unknown as AsyncIterable<Uint8Array>;
    if (body.type && !headers.has('content-type')) upload.contentType = body.type;
  } else if (body instanceof ReadableStream) {
    upload.body = body as unknown as AsyncIterable<Uint8Array>;
  } else {
    // FormData: the platform's multipart encoder (boundary, file parts streamed), as fetch would.
    const encoded = new globalThis.Response(body);
    const type = encoded.headers.get('content-type');
    if (type && !headers.has('content-type')) upload.contentType = type;
    upload.body = encoded.body as unknown as AsyncIterable<Uint8Array>;
  }
  const declared = declaredLength(headers);
  if (size !== undefined && declared === undefined && !(body instanceof Uint8Array && !onProgress)) upload.contentLength = size;
  if (onProgress) upload.body = counted(upload.body as AsyncIterable<Uint8Array>, declared ?? size, onProgress);
  return upload;
}
