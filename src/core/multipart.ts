import { toPairs, type EncodedBody } from './encode.ts';
import { InvalidHeaderError, type ErrorContext } from './errors.ts';
import { CONTROL, checkHeaderName, checkHeaderValue } from './wire.ts';

type FileContent = Blob | Uint8Array | ArrayBuffer | string;
/** One file field: content, or `[filename, content, contentType?, headers?]`. */
export type FileValue = FileContent | readonly [string | null, FileContent, string?, Record<string, string>?];
/** `files`: field name → file. */
export type FilesInput = Readonly<Record<string, FileValue>> | ReadonlyArray<readonly [string, FileValue]>;

const encoder = /* @__PURE__ */ new TextEncoder();

// The checks below are multipart's alone: kept here, not in wire.ts, so a bundle that never sends
// multipart does not carry them (wire.ts loads with every call; this file with the first `files`).

/**
 * A name or filename for a multipart Content-Disposition (RFC 7578 §4.2), as WHATWG's multipart/form-data
 * encoding and urllib3 write it: CR, LF and `"` percent-escaped (`%0D`, `%0A`, `%22`), so names holding them
 * still reach the server in the form browsers send. Any other control character (NUL, which truncates a
 * filename in C parsers, say) has no such form and is an InvalidHeaderError. The text may be any Unicode: the
 * part head is encoded as UTF-8, as browsers do.
 */
export function dispositionParam(value: string, what: string, context?: ErrorContext): string {
  const escaped = String(value).replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
  if (CONTROL.test(escaped)) throw new InvalidHeaderError(`The multipart ${what} contains NUL or another control character`, context);
  return `"${escaped}"`;
}

// RFC 2046 §5.1.1: 1 to 70 bchars, not ending in a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** Returns `boundary` if RFC 2046 allows it as a multipart boundary, else throws InvalidHeaderError. */
export function checkBoundary(boundary: string): string {
  if (!BOUNDARY.test(boundary)) throw new InvalidHeaderError('A multipart boundary must be 1 to 70 characters of RFC 2046 bchars, not ending in a space');
  return boundary;
}

function makeBoundary(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return checkBoundary(`errand-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`);
}

interface Part { name: string; filename?: string | undefined; contentType?: string | undefined; headers?: Record<string, string> | undefined; content: FileContent }

function toPart(name: string, value: FileValue): Part {
  if (Array.isArray(value)) {
    const [filename, content, contentType, headers] = value as readonly [string | null, FileContent, string?, Record<string, string>?];
    checkContent(name, content);
    return { name, filename: filename ?? undefined, contentType, headers, content };
  }
  const content = value as FileContent;
  checkContent(name, content);
  // requests names a bare file after its field when it has no name of its own.
  const filename = typeof File !== 'undefined' && content instanceof File ? content.name : name;
  return { name, filename, content };
}

function checkContent(name: string, content: unknown): void {
  if (typeof content === 'string' || content instanceof Blob || content instanceof Uint8Array || content instanceof ArrayBuffer) return;
  throw new TypeError(`errand: files['${name}'] must be a Blob, File, Uint8Array, ArrayBuffer, string or [filename, content, contentType?, headers?], not ${content === null ? 'null' : typeof content}`);
}

// Every line of a part head goes through core/wire.ts: a content type or header value holding CR/LF
// would otherwise write header lines of its own into the body (and a boundary line could end the part).
function partHead(boundary: string, part: Part): string {
  let head = `--${boundary}\r\nContent-Disposition: form-data; name=${dispositionParam(part.name, `field name of '${shownField(part.name)}'`)}`;
  if (part.filename !== undefined) head += `; filename=${dispositionParam(part.filename, `filename of '${shownField(part.name)}'`)}`;
  head += '\r\n';
  const type = part.contentType ?? (part.content instanceof Blob && part.content.type ? part.content.type : undefined);
  if (type) head += `Content-Type: ${checkHeaderValue(`Content-Type of part '${shownField(part.name)}'`, type)}\r\n`;
  if (part.headers != null && typeof part.headers !== 'object') {
    throw new TypeError(`errand: the headers of part '${shownField(part.name)}' must be an object of name → value`);
  }
  for (const [key, value] of Object.entries(part.headers ?? {})) {
    head += `${checkHeaderName(key)}: ${checkHeaderValue(`${key} of part '${shownField(part.name)}'`, value)}\r\n`;
  }
  return `${head}\r\n`;
}

// A field name as messages show it: short, and nothing that could forge a line in a log.
function shownField(name: string): string {
  return String(name).slice(0, 40).replace(/[^\w.-]/g, '?');
}

/**
 * `files` plus `data` fields → a multipart/form-data body (requests' `_encode_files`: data fields first).
 * The body is a Blob built from the parts, so file Blobs are referenced, not copied, and the length is known.
 */
export function encodeMultipart(files: FilesInput, data: unknown): EncodedBody {
  if (typeof data === 'string' || data instanceof Uint8Array || data instanceof Blob || data instanceof ReadableStream) {
    throw new TypeError('errand: with files, data must be an object, pairs or FormData of form fields, not a raw body');
  }
  if (typeof files !== 'object' || files === null) throw new TypeError('errand: files must be an object of field → file');
  const boundary = makeBoundary();
  const chunks: BlobPart[] = [];
  const fields: [string, FileValue][] = data instanceof FormData
    ? [...data].map(([key, value]) => [key, typeof value === 'string' ? value : [value.name, value]])
    : toPairs(data) as [string, string][];
  for (const [name, value] of fields) {
    if (typeof value === 'string') chunks.push(partHead(boundary, { name, content: value }), encoder.encode(value), '\r\n');
    else pushPart(chunks, boundary, toPart(name, value));
  }
  const entries = Array.isArray(files) ? files as [string, FileValue][] : Object.entries(files as Record<string, FileValue>);
  for (const [name, value] of entries) pushPart(chunks, boundary, toPart(name, value));
  chunks.push(`--${boundary}--\r\n`);
  const contentType = `multipart/form-data; boundary=${boundary}`;
  const body = new Blob(chunks, { type: contentType });
  return { body, contentType, length: body.size };
}

function pushPart(chunks: BlobPart[], boundary: string, part: Part): void {
  const content = typeof part.content === 'string' ? encoder.encode(part.content) : part.content;
  chunks.push(partHead(boundary, part), content as BlobPart, '\r\n');
}
