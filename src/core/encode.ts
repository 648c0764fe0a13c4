/**
 * One query or form value, as `toPairs` accepts it: written as text (a Date as its ISO string); `null`
 * and `undefined` are dropped. Objects are refused: a query string and a form body have no nesting.
 */
export type FormValue = string | number | boolean | bigint | Date | null | undefined;
/** Query input: an object (arrays repeat the key, null/undefined dropped), URLSearchParams, pairs or a string. */
export type ParamsInput =
  | string | URLSearchParams | ReadonlyArray<readonly [string, FormValue | readonly FormValue[]]>
  | Readonly<Record<string, FormValue | readonly FormValue[]>>;

/**
 * Flattens params or form data into pairs: arrays repeat the key, `null`/`undefined` values are dropped
 * (kept as `null` when `keepNull`, so a call can delete a session key).
 */
export function toPairs(input: unknown, keepNull = false): [string, string | null][] {
  if (input == null) return [];
  if (typeof input === 'string') return [...new URLSearchParams(input)];
  if (input instanceof URLSearchParams) return [...input];
  const entries: Iterable<readonly [unknown, unknown]> = Array.isArray(input)
    ? input.map((pair) => {
        if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError('errand: params/data pairs must be [key, value] arrays');
        return pair as [unknown, unknown];
      })
    : typeof input === 'object' ? Object.entries(input) : badInput(input);
  const pairs: [string, string | null][] = [];
  for (const [key, value] of entries) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || item === undefined) {
        if (keepNull) pairs.push([String(key), null]);
      } else if (typeof item === 'object' && !(item instanceof Date)) {
        throw new TypeError(`errand: value of '${String(key)}' must be a string, number or boolean (or an array of them), not an object`);
      } else {
        pairs.push([String(key), item instanceof Date ? item.toISOString() : String(item)]);
      }
    }
  }
  return pairs;
}

function badInput(input: unknown): never {
  throw new TypeError(`errand: expected an object, pairs, URLSearchParams or a string, not ${typeof input}`);
}

// Python's quote_plus: only letters, digits and _.-~ stay as they are; space becomes '+'.
// encodeURIComponent also leaves !'()* alone, so those are escaped here, as requests does.
function quotePlus(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

/** Encodes pairs as application/x-www-form-urlencoded, byte-for-byte as requests (urllib's urlencode) does. */
export function encodePairs(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([key, value]) => `${quotePlus(key)}=${quotePlus(value)}`).join('&');
}

/** Appends encoded params to the URL's own query (requests keeps the URL's query first). */
export function appendParams(url: URL, params: ReadonlyArray<readonly [string, string]>): void {
  if (params.length === 0) return;
  const encoded = encodePairs(params);
  const own = url.search.slice(1);
  url.search = own ? `${own}&${encoded}` : encoded;
}

/**
 * A body errand hands to a transport. errand's own encoders turn strings into UTF-8 bytes (so fetch adds no
 * Content-Type); a string appears only when set by hand on a PreparedRequest, as requests allows.
 */
export type BodyValue = Uint8Array | Blob | FormData | URLSearchParams | ReadableStream<Uint8Array> | string;

/**
 * The body as a transport writes it: a string set by hand becomes its UTF-8 bytes, so that neither fetch
 * nor the Node transport adds the `Content-Type: text/plain;charset=UTF-8` they give string bodies;
 * `send()` sends exactly the prepared request (requests sends a str body with no Content-Type either).
 */
export function bodyForWire<B extends BodyValue | null>(body: B): Exclude<B, string> | Uint8Array {
  return typeof body === 'string' ? encoder.encode(body) : body as Exclude<B, string>;
}

/** The encoded body and the Content-Type it implies (none for raw bytes, as in requests). */
export interface EncodedBody { body: BodyValue | null; contentType?: string | undefined; length?: number | undefined }

const encoder = /* @__PURE__ */ new TextEncoder();
