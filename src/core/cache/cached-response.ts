// The two kinds of Response the cache makes: one over stored bytes (a hit) and one that passes a network
// response through while keeping a copy of its body for the store.
import { joinChunks } from '../bytes.ts';
import type { PreparedRequest } from '../prepared-request.ts';
import { Response, type BodySource, type PlatformBody } from '../response.ts';

/** A Response over bytes the cache holds; each caller gets its own copy, so no caller can change another's. */
export function bytesResponse(status: number, statusText: string, headers: Headers, body: Uint8Array | null, request: PreparedRequest, elapsed: number): Response {
  const bytes = body && copy(body);
  const source: BodySource | null = bytes && {
    stream: () => new ReadableStream<Uint8Array>({ start(controller) { if (bytes.byteLength) controller.enqueue(bytes); controller.close(); } }),
    all: async () => bytes,
    cancel() {},
  };
  return sourcedResponse(status, statusText, headers, source, request, elapsed);
}

/**
 * A Response that reads `original` for its caller and hands `onBody` a copy of the whole body once it has
 * been read to the end: `undefined` instead when the read failed, stopped early, was closed, or went past
 * `limit` bytes (`tooBig`). `onBody` is called exactly once, unless nobody ever reads or closes the response.
 */
export function tappedResponse(original: Response, limit: number, onBody: (body: Uint8Array | undefined, tooBig: boolean) => void): Response {
  let called = false;
  const finish = (body: Uint8Array | undefined, tooBig = false) => {
    if (called) return;
    called = true;
    if (body && body.byteLength > limit) onBody(undefined, true);
    else onBody(body && copy(body), tooBig);
  };
  const source: BodySource = {
    async all() {
      try {
        await original.read();
      } catch (error) {
        finish(undefined);
        throw error;
      }
      finish(original.content);
      return original.content;
    },
    stream: () => tapStream(original, limit, finish),
    cancel() {
      finish(undefined);
      void original.close();
    },
  };
  const tapped = sourcedResponse(original.statusCode, original.reason, original.headers, source, original.request, original.elapsed);
  tapped.cookies = original.cookies;
  return tapped;
}

// An errand Response whose body is read from `source`; a platform Response over it when asked for `raw`.
function sourcedResponse(status: number, statusText: string, headers: Headers, source: BodySource | null, request: PreparedRequest, elapsed: number): Response {
  const platform = (init: PlatformBody) => new globalThis.Response(init as BodyInit | null, { status, statusText, headers });
  return new Response({ status, statusText, headers, body: source, platform }, request, { elapsed });
}

function tapStream(original: Response, limit: number, finish: (body: Uint8Array | undefined, tooBig?: boolean) => void): ReadableStream<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const iterator = original.iterContent()[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let step: IteratorResult<Uint8Array>;
      try {
        step = await iterator.next();
      } catch (error) {
        finish(undefined);
        controller.error(error);
        return;
      }
      if (step.done) {
        finish(size > limit ? undefined : joinChunks(chunks), size > limit);
        controller.close();
        return;
      }
      size += step.value.byteLength;
      // Past the limit nothing will be stored: stop keeping a copy.
      if (size > limit) chunks.length = 0;
      else chunks.push(step.value);
      controller.enqueue(step.value);
    },
    cancel() {
      finish(undefined);
      void iterator.return?.(undefined);
    },
  });
}

// A copy in a buffer of its own: a Node Buffer's slice() is a view of the same memory.
function copy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
