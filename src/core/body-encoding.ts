// Request body encoding (`data`, `json`): loaded by prepare.ts with the first call that sends a body, so
// a bundle whose calls send none (a page that only GETs) loads it only when one does.
import { encodePairs, toPairs, type EncodedBody } from './encode.ts';
import { InvalidJSONError } from './errors.ts';

const encoder = /* @__PURE__ */ new TextEncoder();

/** Serialises `json`; BigInt and cycles get an InvalidJSONError instead of a bare TypeError. */
export function encodeJson(value: unknown): EncodedBody {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new InvalidJSONError(`json could not be serialised: ${(error as Error).message}`, { cause: error });
  }
  if (text === undefined) throw new InvalidJSONError(`json could not be serialised: ${typeof value} has no JSON form`);
  const body = encoder.encode(text);
  return { body, contentType: 'application/json', length: body.byteLength };
}

/** Encodes `data` as DESIGN.md says: objects and pairs are form-encoded, streams streamed, the rest sent as given. */
export function encodeData(data: unknown): EncodedBody {
  if (typeof data === 'string') {
    const body = encoder.encode(data);
    return { body, length: body.byteLength };
  }
  if (data instanceof Uint8Array) return { body: data, length: data.byteLength };
  if (data instanceof ArrayBuffer) return { body: new Uint8Array(data), length: data.byteLength };
  if (ArrayBuffer.isView(data)) return { body: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), length: data.byteLength };
  if (data instanceof Blob) return { body: data, contentType: data.type || undefined, length: data.size };
  if (data instanceof FormData) return { body: data };
  if (data instanceof URLSearchParams) return { body: data, contentType: 'application/x-www-form-urlencoded;charset=UTF-8' };
  if (data instanceof ReadableStream) return { body: data };
  if (isAsyncIterable(data)) return { body: iterableToStream(data) };
  if (typeof data === 'object' && data !== null) {
    const body = encoder.encode(encodePairs(toPairs(data) as [string, string][]));
    return { body, contentType: 'application/x-www-form-urlencoded', length: body.byteLength };
  }
  throw new TypeError(`errand: data of type ${typeof data} cannot be sent; give a string, bytes, Blob, FormData, URLSearchParams, a stream, an object or pairs`);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * Wraps an async iterable (a generator, a Node Readable) in a pull stream, so it is read only as fast
 * as the transport sends it and never buffered whole.
 */
function iterableToStream(iterable: AsyncIterable<unknown>): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<unknown> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      iterator ??= iterable[Symbol.asyncIterator]();
      const { value, done } = await iterator.next();
      if (done) return controller.close();
      controller.enqueue(toBytes(value));
    },
    async cancel(reason) {
      await iterator?.return?.(reason);
    },
  });
}

/** Converts a chunk of a streamed body to bytes. */
export function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return encoder.encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`errand: a streamed body yielded ${typeof chunk}; yield strings or bytes`);
}
