import { entriesSize, type CacheEntry, type CacheStore } from './store.ts';

/** Options of a MemoryCacheStore. */
export interface MemoryCacheStoreOptions {
  /** Most bytes kept (bodies plus policies); least recently used entries go first. Default 64 MiB. */
  maxSize?: number;
}

/**
 * A cache store in memory, in every runtime (the default store of `new Session({ cache: true })`).
 * Bounded by `maxSize` bytes: the least recently used URL is dropped first.
 * @example new Session({ cache: { store: new MemoryCacheStore({ maxSize: 8 * 1024 * 1024 }) } })
 */
export class MemoryCacheStore implements CacheStore {
  /** The byte limit. */
  readonly maxSize: number;
  // A Map iterates in insertion order: re-inserting a key on use keeps the least recent one first.
  readonly #entries = new Map<string, { entries: CacheEntry[]; size: number }>();
  #size = 0;

  constructor(options: MemoryCacheStoreOptions = {}) {
    const maxSize = options.maxSize ?? 64 * 1024 * 1024;
    if (typeof maxSize !== 'number' || !(maxSize >= 0)) throw new TypeError(`errand: MemoryCacheStore maxSize must be a number of bytes >= 0, got ${String(maxSize)}`);
    this.maxSize = maxSize;
  }

  /** Bytes held now; never more than `maxSize`. */
  get size(): number { return this.#size; }

  /** URLs held now. */
  get count(): number { return this.#entries.size; }

  get(key: string): CacheEntry[] | undefined {
    const found = this.#entries.get(key);
    if (!found) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, found);
    return found.entries;
  }

  set(key: string, entries: CacheEntry[]): void {
    this.delete(key);
    const size = entriesSize(entries);
    if (!entries.length || size > this.maxSize) return;
    this.#entries.set(key, { entries, size });
    this.#size += size;
    for (const [oldest, value] of this.#entries) {
      if (this.#size <= this.maxSize) break;
      this.#entries.delete(oldest);
      this.#size -= value.size;
    }
  }

  delete(key: string): void {
    const found = this.#entries.get(key);
    if (!found) return;
    this.#entries.delete(key);
    this.#size -= found.size;
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
    this.#size = 0;
  }
}
