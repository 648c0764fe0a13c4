// What the transport suites receive: the runtime's errand (as every shared suite), and the rig of
// servers the runner started in Node (test/runtimes/rig.ts) with a few helpers of the runtime. The
// suites run in Node (test/node/transport-shared.test.ts), Bun and Deno (test/{bun,deno}/transport.test.ts).
import { afterEach } from 'vitest';
import type { RigInfo } from '../../runtimes/rig.ts';
import type { ProxyHit } from '../../servers/proxy.ts';
import type { Errand } from '../env.ts';

export interface TransportEnv {
  base: string;
  alt: string;
  runtime: 'node' | 'bun' | 'deno';
  rig: RigInfo;
  /** Sets (or, with undefined, removes) an environment variable of the process the suite runs in. */
  setEnv(name: string, value: string | undefined): void;
  /** The peak resident set size of this process since the last reset, in bytes (Linux: VmHWM). */
  peakRss(): number;
  /** Starts a new peak from the current resident set size (Linux: /proc/self/clear_refs). */
  resetPeakRss(): void;
}

export type TransportSuite = (errand: Errand, env: TransportEnv) => void;

type Session = InstanceType<Errand['Session']>;
type SessionOptions = ConstructorParameters<Errand['Session']>[0];

/** A Session factory whose Sessions are closed after each test, so no pool outlives its test. */
export function trackedSessions(errand: Errand, defaults: SessionOptions = {}): (options?: SessionOptions) => Session {
  const open: Session[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return (options = {}) => {
    const s = new errand.Session({ ...defaults, ...options });
    open.push(s);
    return s;
  };
}

/** Sets environment variables for one test: everything set through it is removed after each test. */
export function scopedEnv(env: TransportEnv): (name: string, value: string) => void {
  const set = new Set<string>();
  afterEach(() => {
    for (const name of set) env.setEnv(name, undefined);
    set.clear();
  });
  return (name, value) => {
    set.add(name);
    env.setEnv(name, value);
  };
}

// The rig's control routes, read with the runtime's own fetch (not errand), never through a proxy a
// test put in the environment (Bun's fetch would use it: `proxy: false` says no; others ignore it).
const control = async <T>(env: TransportEnv, path: string): Promise<T> => (await fetch(`${env.rig.faulty}${path}`, { proxy: false } as RequestInit)).json() as Promise<T>;

/** What a rig proxy saw since the last look. */
export function proxyState(env: TransportEnv, name: 'open' | 'locked' | 'socks' | 'socksLocked'): Promise<{ hits: ProxyHit[]; connections: number | null; open: number | null }> {
  return control(env, `/_rig/proxy?name=${name}`);
}

/** Requests the scripted server received for a path since the last look. */
export function requestsTo(env: TransportEnv, path: string): Promise<number> {
  return control(env, `/_rig/count?path=${encodeURIComponent(path)}`);
}

/** `url` with `user:pass@` added. */
export const withCredentials = (url: string, user: string, pass: string): string => url.replace('://', `://${user}:${pass}@`);
