// trustEnv under Deno: the environment and the .netrc read through Deno's own API, and only where the
// process was granted it (`--allow-env`, `--allow-read`). Whatever it may not read counts as absent:
// errand asks Deno.permissions.querySync first, so it never triggers a permission prompt or throws.
import type { NetrcLookup } from '../core/adapter.ts';
import { netrcAuth, parseNetrc, readTrustEnv, type Env, type NetrcEntry } from '../core/trust-env.ts';

type PermissionDescriptor = { name: 'env'; variable: string } | { name: 'read'; path: string };

/** The part of the `Deno` namespace errand uses (lib.deno.ns.d.ts). */
export interface DenoApi {
  env: { get(name: string): string | undefined };
  permissions: { querySync(descriptor: PermissionDescriptor): { state: 'granted' | 'denied' | 'prompt' } };
  readTextFile(path: string): Promise<string>;
  readTextFileSync(path: string): string;
  statSync(path: string): { isFile: boolean };
  createHttpClient(options: DenoHttpClientOptions): DenoHttpClient;
}

/** Deno.CreateHttpClientOptions, as far as errand sets them. */
export interface DenoHttpClientOptions {
  proxy?: { url: string; basicAuth?: { username: string; password: string } };
  caCerts?: string[];
  cert?: string;
  key?: string;
}

/** A Deno.HttpClient: its own connection pool, closed by the adapter. */
export interface DenoHttpClient { close(): void }

/** The `Deno` namespace (only ever called in the Deno build). */
export const deno = (): DenoApi => (globalThis as unknown as { Deno: DenoApi }).Deno;

/** True when the process may already do this: never asks (no prompt), never throws. */
function granted(descriptor: PermissionDescriptor): boolean {
  try {
    return deno().permissions.querySync(descriptor).state === 'granted';
  } catch {
    return false;
  }
}

/** An environment variable, or undefined when it is unset or not readable. */
function readVariable(name: string): string | undefined {
  return granted({ name: 'env', variable: name }) ? deno().env.get(name) : undefined;
}

/** The trustEnv variables this process may read and that are set; a CA bundle it may not read is absent. */
export function readDenoTrustEnv(): Env | undefined {
  const env = readTrustEnv(readVariable) as Record<string, string> | undefined;
  for (const name of ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE']) {
    const path = env?.[name];
    if (path && !granted({ name: 'read', path })) delete env![name];
  }
  return env && Object.keys(env).length ? env : undefined;
}

/**
 * Reads a file the caller named (a CA bundle, a client certificate) if the process may: without
 * --allow-read for it, a NotCapable error, never a permission prompt.
 */
export function readPermittedText(path: string): Promise<string> {
  if (!granted({ name: 'read', path })) {
    return Promise.reject(Object.assign(new Error(`deno may not read ${path} (--allow-read)`), { name: 'NotCapable' }));
  }
  return deno().readTextFile(path);
}

/** requests' NETRC_FILES order: `$NETRC` alone when set (`~/` expanded), else ~/.netrc, else ~/_netrc. */
function netrcCandidates(): string[] {
  const home = readVariable('HOME') ?? readVariable('USERPROFILE');
  const named = readVariable('NETRC');
  if (named !== undefined) return home === undefined && /^~(?=$|[\\/])/.test(named) ? [] : [named.replace(/^~(?=$|[\\/])/, () => home!)];
  return home === undefined ? [] : ['.netrc', '_netrc'].map((name) => `${home.replace(/[\\/]$/, '')}/${name}`);
}

function readEntries(): NetrcEntry[] | undefined {
  for (const path of netrcCandidates()) {
    if (!granted({ name: 'read', path })) continue;
    let text: string;
    try {
      if (!deno().statSync(path).isFile) return undefined;
      text = deno().readTextFileSync(path);
    } catch {
      continue; // not there: the next candidate, as requests does
    }
    try {
      return parseNetrc(text);
    } catch {
      return undefined; // a file that does not parse gives no credentials (requests ignores NetrcParseError)
    }
  }
  return undefined;
}

/**
 * The .netrc read now, as a lookup by URL: the Deno runtime's `readNetrc` (a Session keeps it).
 * @example const auth = denoNetrcLookup()('https://api.example.com/');
 */
export function denoNetrcLookup(): NetrcLookup {
  const entries = readEntries();
  return (url) => (entries ? netrcAuth(url, entries) : undefined);
}
