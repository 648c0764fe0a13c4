// What the Node runner (runner.ts) tells a Bun or Deno child: the suites to run, the values vitest's
// inject() gives, and the environment the suites receive. Read from the child's first argument.
import { peakRss, resetPeakRss } from './peak-rss.ts';

/** A suite module and the function of it to call with (errand, env). */
export interface ChildSuite {
  /** An absolute path. */
  path: string;
  call: string;
}

/** The message the runner passes to the child, as JSON. */
export interface ChildConfig {
  runtime: 'bun' | 'deno';
  suites: ChildSuite[];
  /** The `env` every suite function receives (plain data; the child adds its runtime's helpers). */
  env: Record<string, unknown>;
  /** inject() values. */
  provide: Record<string, unknown>;
  testTimeout: number;
}

interface DenoLike {
  args: string[];
  env: { set(name: string, value: string): void; delete(name: string): void };
}

const deno = (globalThis as { Deno?: DenoLike }).Deno;

let config: ChildConfig | undefined;

/** The runner's message (parsed once). */
export function childConfig(): ChildConfig {
  config ??= JSON.parse((deno ? deno.args : process.argv.slice(2))[0] ?? '') as ChildConfig;
  return config;
}

export const provided = (): Record<string, unknown> => childConfig().provide;

/** Sets (or, with undefined, removes) a variable of this process's environment. */
function setEnv(name: string, value: string | undefined): void {
  if (deno) {
    if (value === undefined) deno.env.delete(name);
    else deno.env.set(name, value);
  } else if (value === undefined) {
    delete process.env[name];
  } else {
    process.env[name] = value;
  }
}

/** The `env` a suite function receives: the runner's data and this runtime's helpers. */
export function suiteEnv(): Record<string, unknown> {
  return { ...childConfig().env, setEnv, peakRss, resetPeakRss };
}
