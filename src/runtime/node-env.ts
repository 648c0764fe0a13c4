/// <reference types="node" />
// trustEnv's .netrc in Node: the file found and parsed for the pure logic of core/trust-env.ts (the
// environment variables are read by node-transport.ts). Nothing here throws: a missing or unreadable
// file means "no credentials".
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { NetrcLookup } from '../core/adapter.ts';
import { netrcAuth, parseNetrc, type Env, type NetrcEntry } from '../core/trust-env.ts';

// requests' NETRC_FILES: both names on every platform, the first that exists is used.
const NETRC_FILES = ['.netrc', '_netrc'];

type Stat = import('node:fs').Stats;

/** The .netrc to read and its stat: `$NETRC` alone when it is set (`~/` expanded), else ~/.netrc, else ~/_netrc. */
function findNetrc(env: Env): [path: string, stat: Stat | undefined] | undefined {
  const named = env['NETRC'];
  if (named !== undefined) {
    const path = named.replace(/^~(?=$|[\\/])/, () => homedir());
    return [path, statSync(path, { throwIfNoEntry: false })];
  }
  const home = homedir();
  for (const name of NETRC_FILES) {
    const path = join(home, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat) return [path, stat];
  }
  return undefined;
}

/** The .netrc requests would read: `$NETRC` alone when it is set (`~/` expanded), else ~/.netrc, else ~/_netrc. */
export function netrcPath(env: Env = process.env): string | undefined {
  try {
    return findNetrc(env)?.[0];
  } catch {
    return undefined;
  }
}

interface CachedNetrc { mtimeMs: number; size: number; text: string; entries: NetrcEntry[] | undefined }
const cache = new Map<string, CachedNetrc>();

function load(env: Env): CachedNetrc | undefined {
  let path: string | undefined;
  try {
    const found = findNetrc(env);
    if (!found) return undefined;
    const [where, stat] = found;
    path = where;
    if (!stat?.isFile()) return undefined;
    const hit = cache.get(path);
    if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit;
    const text = readFileSync(path, 'utf8');
    let entries: NetrcEntry[] | undefined;
    try {
      entries = parseNetrc(text);
    } catch {
      entries = undefined; // a file that does not parse gives no credentials (requests ignores NetrcParseError)
    }
    const loaded = { mtimeMs: stat.mtimeMs, size: stat.size, text, entries };
    cache.set(path, loaded);
    return loaded;
  } catch {
    if (path !== undefined) cache.delete(path);
    return undefined;
  }
}

/** The text of the .netrc (see netrcPath), re-read only when its mtime or size changes; undefined if missing or unreadable. */
export function readNetrc(env: Env = process.env): string | undefined {
  return load(env)?.text;
}

/**
 * The .netrc read now, as a lookup by URL: the Node runtime's `readNetrc` (a Session keeps it).
 * @example const auth = netrcLookup()('https://api.example.com/');
 */
export function netrcLookup(env: Env = process.env): NetrcLookup {
  const entries = load(env)?.entries;
  return (url) => (entries ? netrcAuth(url, entries) : undefined);
}
