// Content-Encoding over the web's DecompressionStream, for the runtimes whose fetch leaves decoding to
// errand: Bun (asked not to decode, `decompress: false`, so errand sees every failure) and Deno (which
// decodes a lone gzip or br itself and passes every other coding on as sent).

type Bytes = ReadableStream<Uint8Array>;
type FetchResponse = globalThis.Response;

/** The DecompressionStream format of each Content-Encoding token errand can undo (deflate: see inflateAny). */
const FORMATS: Record<string, string> = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate', br: 'brotli', zstd: 'zstd' };

const supported = new Map<string, boolean>();

/** Whether this runtime's DecompressionStream knows `format` (Deno has no zstd; Node 20 no brotli). */
function hasFormat(format: string): boolean {
  let known = supported.get(format);
  if (known === undefined) {
    try {
      new DecompressionStream(format as CompressionFormat);
      known = true;
    } catch {
      known = false;
    }
    supported.set(format, known);
  }
  return known;
}

/** The Accept-Encoding this runtime can decode, in the order requests and Node's build send them. */
export function acceptEncoding(): string {
  return Object.keys(FORMATS).filter((coding) => coding !== 'x-gzip' && hasFormat(FORMATS[coding]!)).join(', ');
}

/**
 * The codings of a Content-Encoding list to undo, last applied first; undefined when one of them is
 * unknown here: the body is then left as it is (requests does the same), so the caller still gets bytes.
 */
export function codingsToUndo(contentEncoding: string | null): string[] | undefined {
  if (!contentEncoding) return [];
  const codings = contentEncoding.toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity').reverse();
  return codings.every((coding) => FORMATS[coding] !== undefined && hasFormat(FORMATS[coding]!)) ? codings : undefined;
}

// Errors raised by a decoder, whatever the runtime calls them. The code is zlib's name for corrupt
// input, which mapBodyError (core/fetch-adapter.ts) turns into a ContentDecodingError.
function decodingError(cause: unknown): Error {
  const error = new TypeError(`the body does not decode: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  return Object.assign(error, { code: 'Z_DATA_ERROR' });
}

const isDecodingError = (error: unknown) => (error as { code?: unknown } | null)?.code === 'Z_DATA_ERROR';

/**
 * One coding undone as a stream, its decoder made at the first chunk: an empty body stays empty (a
 * decoder would call it truncated), and HTTP "deflate" is told apart from the raw deflate some servers
 * send by the first byte (a zlib header's low nibble is 8, CM=deflate; RFC 9110 §8.4.1.2), as urllib3,
 * undici and errand's Node build do.
 */
function decoderFor(coding: string): TransformStream<Uint8Array, Uint8Array> {
  let writer: WritableStreamDefaultWriter<BufferSource> | undefined;
  let pumped: Promise<void> | undefined;
  return new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      if (!writer || !pumped) {
        const format = coding === 'deflate' && (chunk[0]! & 0x0f) !== 0x08 ? 'deflate-raw' : FORMATS[coding]!;
        const decoder = new DecompressionStream(format as CompressionFormat);
        writer = decoder.writable.getWriter();
        pumped = (async () => {
          const reader = decoder.readable.getReader();
          for (let read = await reader.read(); !read.done; read = await reader.read()) controller.enqueue(read.value as Uint8Array);
        })();
        pumped.catch(() => {}); // seen by write() or close() below
      }
      await Promise.race([writer.write(chunk as Uint8Array<ArrayBuffer>), pumped]);
    },
    async flush() {
      if (!writer) return;
      await writer.close();
      await pumped;
    },
  });
}

/**
 * Forwards a stream's chunks and passes each error through `map` (a ReadableStream wrapper: a
 * TransformStream never sees the errors of what is piped into it).
 */
function relay(stream: Bytes, map: (error: unknown) => unknown): Bytes {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let read: ReadableStreamReadResult<Uint8Array>;
      try {
        read = await reader.read();
      } catch (error) {
        throw map(error);
      }
      if (read.done) controller.close();
      else controller.enqueue(read.value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

// Statuses whose Response may carry no body (fetch standard, "null body status").
const NULL_BODY_STATUSES = [101, 103, 204, 205, 304];

/** What a runtime's fetch already did about Content-Encoding. */
export interface RuntimeDecoding {
  /** True when the runtime's fetch decoded a body with this Content-Encoding itself. */
  decodes(contentEncoding: string): boolean;
  /** True for a body-read error that is the runtime's decoder failing (only asked when `decodes`). */
  isDecodingError(error: unknown): boolean;
}

/**
 * The fetch Response with its body decoded for its Content-Encoding (what the runtime left undone), a
 * decoder's failure marked as one: a corrupt body then fails as a ContentDecodingError, never as a
 * broken connection. A decoder that fails cancels the source, which closes the connection.
 */
export function decodedResponse(raw: FetchResponse, runtime?: RuntimeDecoding): FetchResponse {
  const contentEncoding = raw.headers.get('content-encoding');
  if (!raw.body || !contentEncoding || NULL_BODY_STATUSES.includes(raw.status)) return raw;
  const decodedByRuntime = runtime?.decodes(contentEncoding) ?? false;
  const codings = decodedByRuntime ? [] : codingsToUndo(contentEncoding);
  if (!codings || (!codings.length && !decodedByRuntime)) return raw;
  // Errors of the connection stay what they are; everything a decoder throws is a decoding error.
  const fromConnection = new WeakSet<object>();
  let body = relay(raw.body, (error) => {
    if (decodedByRuntime && runtime!.isDecodingError(error)) return decodingError(error);
    if (typeof error === 'object' && error !== null) fromConnection.add(error);
    return error;
  });
  for (const coding of codings) body = body.pipeThrough(decoderFor(coding));
  body = relay(body, (error) => (isDecodingError(error) || (typeof error === 'object' && error !== null && fromConnection.has(error)) ? error : decodingError(error)));
  return rebuilt(raw, body);
}

/** A platform Response like `raw` with another body (the constructor allows only 200–599 and 101). */
function rebuilt(raw: FetchResponse, body: Bytes): FetchResponse {
  const fits = raw.status >= 200 && raw.status <= 599;
  const response = new Response(body, { status: fits ? raw.status : 200, statusText: raw.statusText, headers: raw.headers });
  if (!fits) Object.defineProperty(response, 'status', { value: raw.status });
  return response;
}
