// What every shared suite receives, and the few helpers they share (wretch's createWretchTests pattern):
// a runner in test/{node,edge,browser}/shared.test.ts imports `errand` for its runtime and calls each suite.
import { expect } from 'vitest';

type EdgeEntry = typeof import('../../src/edge.ts');
type Common<T> = Omit<T, 'runtime' | 'CookieJar' | 'Session' | 'default'>;
/** One entry's Session, as far as the suites use it (the cookie jar differs per runtime and is not tested here). */
type AnySession = Omit<InstanceType<EdgeEntry['Session']>, 'cookies'>;
type SessionClass = new (...args: ConstructorParameters<EdgeEntry['Session']>) => AnySession;

/**
 * The public API of one entry, typed from the edge entry: what the three export alike. The runtime
 * name, the cookie jar (none in the browser) and the Session's `cookies` differ and stay out.
 */
export type Errand = Common<EdgeEntry> & {
  runtime: string;
  Session: SessionClass;
  default: Common<EdgeEntry['default']> & { runtime: string; Session: SessionClass };
};

export interface SuiteEnv {
  /** http://127.0.0.1:PORT, the shared httpbin */
  base: string;
  /** the same server as http://localhost:PORT: another origin (and host) */
  alt: string;
  runtime: 'node' | 'edge' | 'browser' | 'bun' | 'deno';
  /** A Cache API (CacheStorage) for WebCacheStore where the runtime has no `caches` global (undici's, in node and edge). */
  cacheStorage?: CacheStorage;
}

export type Suite = (errand: Errand, env: SuiteEnv) => void;

/** httpbin's echo of a request (/get, /post, /anything...): the shape the local server writes. */
export type { EchoBody as Echo } from '../servers/echo-body.ts';

/** httpbin's /headers. */
export interface HeadersEcho {
  headers: Record<string, string>;
}

/** A header of an httpbin echo, whatever case the server gave its name. */
export function header(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { response?: any; request?: any; issues?: unknown[] }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  expect.fail('expected the promise to reject, but it resolved');
}

/** The error a function throws; fails the test when it returns. */
export function thrown(fn: () => unknown): Error & { response?: any; request?: any } {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  expect.fail('expected the call to throw, but it returned');
}

/** base64 of a string's UTF-8 bytes, as Basic auth (RFC 7617, charset UTF-8) and /charset's b64 want it. */
export function b64(input: string | Uint8Array): string {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * A URL nothing listens on. Port 2 is not one of fetch's "bad ports" (1, 7, 9... are refused by fetch
 * itself before dialling), so Node and edge really get ECONNREFUSED; Chromium says only "Failed to fetch".
 */
export const REFUSED_URL = 'http://127.0.0.1:2/';
