// Bodies for the decoding fault tests (Node's in test/node/faults/decoding.test.ts, Bun's and Deno's
// through test/runtimes/rig.ts): the same bytes on every run, so a failure can be replayed.

/** Text that compresses, but not to a few bytes (brotli shrinks a repeated string to ~30 bytes). */
export const payload: Buffer = (() => {
  const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu'.split(' ');
  let text = '';
  for (let i = 0, x = 1; i < 3000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    text += words[x % words.length] + (x % 7 ? ' ' : '\n');
  }
  return Buffer.from(text);
})();

/** Deterministic noise (a xorshift generator), so every run feeds the decoders the same bytes. */
export function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * Valid compressed bytes with a run in the middle overwritten, so decoding fails past the header.
 * (Brotli has no checksum: corruption of stored, uncompressed blocks would go unseen; this payload compresses.)
 */
export function corruptMiddle(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  noise(16, 0x5eed).copy(copy, Math.floor(copy.length / 2));
  return copy;
}
