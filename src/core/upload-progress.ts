// Upload progress over fetch (FetchAdapter), loaded only by a call that asks for it.
import type { BodyValue } from './encode.ts';
import type { ProgressCallback } from './options.ts';

/**
 * Upload progress over fetch. A streamed body is counted as fetch pulls it. A body of known length is
 * left as it is (wrapping it in a stream would turn a Content-Length upload into a chunked one, which
 * some servers refuse): fetch does not report its progress, so it is reported once sent.
 */
export function uploadProgress(body: BodyValue, onProgress: ProgressCallback): { stream?: ReadableStream<Uint8Array>; done(): void } {
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
