// How WebCacheStore writes the variants of one URL into one platform Cache entry, and reads them back.
import type { CacheEntry } from './store.ts';

// Layout: 4 bytes (big-endian) of JSON length, the JSON (each entry without its body, plus the body's
// length), then the bodies one after the other.
export function encodeEntries(entries: readonly CacheEntry[]): Uint8Array {
  const meta = new TextEncoder().encode(JSON.stringify(entries.map(({ body, ...rest }) => ({ ...rest, length: body.byteLength }))));
  const total = 4 + meta.byteLength + entries.reduce((sum, entry) => sum + entry.body.byteLength, 0);
  const bytes = new Uint8Array(total);
  new DataView(bytes.buffer).setUint32(0, meta.byteLength);
  bytes.set(meta, 4);
  let offset = 4 + meta.byteLength;
  for (const entry of entries) { bytes.set(entry.body, offset); offset += entry.body.byteLength; }
  return bytes;
}

export function decodeEntries(bytes: Uint8Array): CacheEntry[] | undefined {
  if (bytes.byteLength < 4) return undefined;
  const metaLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  const meta = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + metaLength))) as (Omit<CacheEntry, 'body'> & { length: number })[];
  let offset = 4 + metaLength;
  return meta.map(({ length, ...rest }) => {
    const body = bytes.slice(offset, offset + length);
    offset += length;
    return { ...rest, body };
  });
}
