// DiskCacheStore (cacache): entries outlive the Session and the process's memory; a damaged file is a miss.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { DiskCacheStore, Session } from 'errand';

const dirs: string[] = [];
const newDir = () => { const dir = mkdtempSync(join(tmpdir(), 'errand-disk-cache-')); dirs.push(dir); return dir; };
afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });
const lab = (key: string) => `${inject('httpbinUrl')}/cache-lab/${key}?h.Cache-Control=max-age%3D60&h.Vary=Accept-Language`;
const newKey = () => `d${Math.random().toString(36).slice(2)}`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('DiskCacheStore', () => {
  it('a second Session over the same directory gets hits, each variant its own', async () => {
    const path = newDir();
    const url = lab(newKey());
    const first = new Session({ cache: { store: new DiskCacheStore({ path }) } });
    await first.get(url, { headers: { 'Accept-Language': 'en' } });
    await first.get(url, { headers: { 'Accept-Language': 'fr' } });
    await first.close();
    const second = new Session({ cache: { store: new DiskCacheStore({ path }) } });
    const en = await second.get(url, { headers: { 'Accept-Language': 'en' } });
    const fr = await second.get(url, { headers: { 'Accept-Language': 'fr' } });
    expect([en.cacheStatus, en.json<{ lang: string }>().lang, fr.cacheStatus, fr.json<{ lang: string }>().lang]).toEqual(['hit', 'en', 'hit', 'fr']);
  });

  it('a damaged content file reads as a miss, never as other bytes', async () => {
    const path = newDir();
    const url = lab(newKey());
    const s = new Session({ cache: { store: new DiskCacheStore({ path }) } });
    await s.get(url);
    await s.close(); // the write has landed
    for (const file of filesUnder(join(path, 'content-v2'))) writeFileSync(file, 'garbage');
    const again = await new Session({ cache: { store: new DiskCacheStore({ path }) } }).get(url);
    expect([again.cacheStatus, again.json<{ n: number }>().n]).toEqual(['miss', 2]);
  });

  it('delete and prune free the space', async () => {
    const path = newDir();
    const store = new DiskCacheStore({ path });
    await store.set('http://a.test/x', [{ policy: { v: 1 }, status: 200, statusText: 'OK', body: new Uint8Array(4096).fill(7) }]);
    expect((await store.get('http://a.test/x'))![0]!.body).toEqual(new Uint8Array(4096).fill(7));
    await store.delete('http://a.test/x');
    expect(await store.get('http://a.test/x')).toBeUndefined();
    await store.prune();
    const bytes = filesUnder(path).filter((f) => f.includes('content-v2')).reduce((sum, f) => sum + statSync(f).size, 0);
    expect(bytes).toBe(0);
  });

  it('needs a path', () => {
    expect(() => new DiskCacheStore({} as never)).toThrow(/path/);
  });
});
