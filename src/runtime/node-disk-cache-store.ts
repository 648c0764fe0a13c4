// A persistent cache store for Node over cacache, npm's own content-addressable cache (pure JS, kept by
// npm): writes are atomic (a temp file moved into place), every read is checked against the content's
// hash, so a torn or corrupted file reads as a miss, never as someone else's bytes, and several processes
// may share one directory, as npm's do. Node 20 has no node:sqlite, and better-sqlite3 is a native addon
// with an install script. cacache is an optional peer dependency: only this store loads it.
import { Buffer } from 'node:buffer';
import type { CacheEntry, CacheStore } from '../core/cache/store.ts';

/** The part of cacache's API this store uses. */
interface Cacache {
  get(cache: string, key: string): Promise<{ data: Buffer; metadata: unknown }>;
  put(cache: string, key: string, data: Buffer, options: { metadata: unknown }): Promise<unknown>;
  rm: { entry(cache: string, key: string, options: { removeFully: boolean }): Promise<unknown> };
  verify(cache: string): Promise<unknown>;
}

/** Options of a DiskCacheStore. */
export interface DiskCacheStoreOptions {
  /** The directory the cache lives in (created when missing). */
  path: string;
}

/**
 * A cache store on disk (Node), kept across runs. Needs the `cacache` package (`npm install cacache`).
 * Removed entries free their space at `prune()`.
 * @example new Session({ cache: { store: new DiskCacheStore({ path: '.cache/http' }) } })
 */
export class DiskCacheStore implements CacheStore {
  /** The cache directory. */
  readonly path: string;
  #cacache: Promise<Cacache> | undefined;

  constructor(options: DiskCacheStoreOptions) {
    if (typeof options?.path !== 'string' || !options.path) throw new TypeError('errand: DiskCacheStore needs { path }: the directory to keep the cache in');
    this.path = options.path;
  }

  async get(key: string): Promise<CacheEntry[] | undefined> {
    const cacache = await this.#load();
    let found: { data: Buffer; metadata: unknown };
    try {
      found = await cacache.get(this.path, key);
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
    const meta = found.metadata as (Omit<CacheEntry, 'body'> & { length: number })[] | undefined;
    if (!Array.isArray(meta)) return undefined;
    const data = new Uint8Array(found.data.buffer, found.data.byteOffset, found.data.byteLength);
    let offset = 0;
    return meta.map(({ length, ...rest }) => {
      const body = data.slice(offset, offset + length);
      offset += length;
      return { ...rest, body };
    });
  }

  async set(key: string, entries: CacheEntry[]): Promise<void> {
    const cacache = await this.#load();
    const metadata = entries.map(({ body, ...rest }) => ({ ...rest, length: body.byteLength }));
    const data = Buffer.concat(entries.map((entry) => entry.body));
    await cacache.put(this.path, key, data, { metadata });
  }

  async delete(key: string): Promise<void> {
    const cacache = await this.#load();
    await cacache.rm.entry(this.path, key, { removeFully: true });
  }

  /** Frees the space of removed and replaced entries (cacache's verify: garbage collection). */
  async prune(): Promise<void> {
    await (await this.#load()).verify(this.path);
  }

  #load(): Promise<Cacache> {
    // @ts-ignore: cacache has no types of its own; the interface above is what this file relies on.
    this.#cacache ??= import('cacache').then((module) => ((module as { default?: Cacache }).default ?? module) as Cacache, (cause: unknown) => {
      throw new Error('errand: DiskCacheStore needs the cacache package: npm install cacache', { cause });
    });
    return this.#cacache;
  }
}
