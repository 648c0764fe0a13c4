/// <reference types="node" />
// Content-Encoding for the Dispatcher path: undici's Dispatcher hands over the bytes as sent, so errand
// decodes gzip, deflate, br (and zstd where node:zlib has it) itself, as Node's fetch would.
import { Duplex, Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';
import { joinChunks } from '../core/bytes.ts';
import type { BodySource } from '../core/response.ts';
import type { BodyChannel } from './node-body-channel.ts';

type Bytes = ReadableStream<Uint8Array>;

// Lenient like curl and browsers (and undici's fetch): a body cut short after valid data yields what
// was decoded instead of an error; corrupt data still fails.
const ZLIB_OPTIONS = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_OPTIONS = { flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };

// zstd arrived in node:zlib with Node 22.15/23.8; on Node 20 a zstd body is passed on undecoded.
const createZstd = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;

const decodingErrors = new WeakSet<object>();

/** True for an error a decoder raised: the body is not valid for its Content-Encoding. */
export function isDecodingError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && decodingErrors.has(error);
}

/** The Accept-Encoding this runtime can decode. */
export const ACCEPT_ENCODING: string = createZstd ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br';

/**
 * HTTP "deflate" is zlib-wrapped (RFC 9110 §8.4.1.2), but some servers send raw deflate; the first
 * byte tells them apart (a zlib header's low nibble is 8, CM=deflate), as urllib3 and undici also do.
 */
class InflateAny extends Transform {
  private inner: zlib.Inflate | zlib.InflateRaw | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.inner) {
      this.inner = (chunk[0]! & 0x0f) === 0x08 ? zlib.createInflate(ZLIB_OPTIONS) : zlib.createInflateRaw(ZLIB_OPTIONS);
      this.inner.on('data', (data: Buffer) => this.push(data));
      this.inner.on('error', (error) => this.destroy(error));
    }
    this.inner.write(chunk, () => callback());
  }

  override _flush(callback: TransformCallback): void {
    if (!this.inner) return callback();
    this.inner.once('end', () => callback());
    this.inner.end();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner?.destroy();
    callback(error);
  }
}

function createDecoder(coding: string): Transform | undefined {
  switch (coding) {
    case 'gzip': case 'x-gzip': return zlib.createGunzip(ZLIB_OPTIONS);
    case 'deflate': return new InflateAny();
    case 'br': return zlib.createBrotliDecompress(BROTLI_OPTIONS);
    case 'zstd': return createZstd?.();
    default: return undefined;
  }
}

type OneShot = (buffer: Uint8Array, options: object, callback: (error: Error | null, result: Buffer) => void) => void;

const zstdWhole = (zlib as { zstdDecompress?: OneShot }).zstdDecompress;

function wholeDecoder(coding: string, first: number): OneShot | undefined {
  switch (coding) {
    case 'gzip': case 'x-gzip': return zlib.gunzip as OneShot;
    case 'deflate': return ((first & 0x0f) === 0x08 ? zlib.inflate : zlib.inflateRaw) as OneShot;
    case 'br': return zlib.brotliDecompress as OneShot;
    case 'zstd': return zstdWhole;
    default: return undefined;
  }
}

/** The codings to undo, last applied first; undefined when there is nothing errand can undo. */
function codingsToUndo(contentEncoding: string | null): string[] | undefined {
  if (!contentEncoding) return undefined;
  const codings = contentEncoding.toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity').reverse();
  if (!codings.length || !codings.every((coding) => wholeDecoder(coding, 0x08))) return undefined;
  return codings;
}

/** The whole body decoded in one go, with the same leniency as the streaming decoders. */
async function decodeWhole(body: Uint8Array, codings: string[]): Promise<Uint8Array> {
  for (const coding of codings) {
    if (body.byteLength === 0) return body;
    const decoder = wholeDecoder(coding, body[0]!)!;
    const options = coding === 'br' ? BROTLI_OPTIONS : ZLIB_OPTIONS;
    body = await new Promise<Uint8Array>((resolve, reject) => decoder(body, options, (error, result) => {
      if (error) { decodingErrors.add(error); reject(error); } else resolve(result);
    }));
  }
  return body;
}

async function readAll(stream: Bytes): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value);
  return joinChunks(chunks);
}

/**
 * The body as the caller sees it: decoded for its Content-Encoding, whole or as a stream. An unknown
 * coding leaves the body as it is (requests does the same), so the caller still gets the bytes.
 */
export function decodedSource(channel: BodyChannel, contentEncoding: string | null): BodySource {
  const codings = codingsToUndo(contentEncoding);
  if (!codings) return channel;
  return {
    stream: () => decodeBody(channel.stream(), contentEncoding),
    // A body still arriving is decoded as it comes, so corrupt data fails at once, not at the end.
    all: async () => (channel.complete ? decodeWhole(await channel.all(), codings) : readAll(decodeBody(channel.stream(), contentEncoding))),
    cancel: () => channel.cancel(),
  };
}

/**
 * The decoded body for a Content-Encoding list (`gzip`, `gzip, br`: undone last first). An unknown
 * coding leaves the body as it is (requests does the same), so the caller still gets the bytes.
 */
export function decodeBody(body: Bytes, contentEncoding: string | null): Bytes {
  if (!contentEncoding) return body;
  const codings = contentEncoding.toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity');
  const decoders: Transform[] = [];
  for (const coding of codings.reverse()) {
    const decoder = createDecoder(coding);
    if (!decoder) return body;
    decoder.on('error', (error) => decodingErrors.add(error));
    decoders.push(decoder);
  }
  // A decoder error errors the readable side; pipeThrough then cancels the source, which aborts the
  // request and frees the socket, so a corrupt body fails instead of hanging.
  return decoders.reduce<Bytes>((stream, decoder) => stream.pipeThrough(Duplex.toWeb(decoder) as unknown as TransformStream<Uint8Array, Uint8Array>), body);
}
