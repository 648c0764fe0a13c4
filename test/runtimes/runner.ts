// The Node side of the Bun/Deno harness. A test file of the bun or deno vitest project calls
// runInRuntime() at its top level: it starts the runtime on child.ts with the suites to run, waits for
// the tree of tests the child collected, and declares the same describes and tests here, each of which
// waits for the result the child reports for it. So every case the suites define is a vitest test of
// its own, passed, failed (with the child's message, diff and stack) or skipped where it ran.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import type { ChildConfig } from './child-state.ts';
import { MARK, type ErrorInfo, type Message, type ResultInfo, type TreeNode } from './protocol.ts';

export type ServerRuntime = 'bun' | 'deno';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);

/** The binaries the npm packages carry (package.json pins their versions). */
export const BINARIES: Record<ServerRuntime, string> = {
  bun: join(dirname(require.resolve('@oven/bun-linux-x64/package.json')), 'bin', 'bun'),
  deno: join(dirname(require.resolve('@deno/linux-x64-glibc/package.json')), 'deno'),
};

/**
 * The command that runs `script` in a runtime, with the bare `vitest` and `errand` mapped to the
 * harness's shim and that runtime's entry. Deno gets every permission (the suites start no prompt);
 * test/deno/permissions.test.ts is where permissions are withheld.
 */
export function runtimeCommand(runtime: ServerRuntime, script: string, args: string[] = []): [string, string[]] {
  if (runtime === 'bun') return [BINARIES.bun, [`--tsconfig-override=${join(here, 'bun.tsconfig.json')}`, script, ...args]];
  return [BINARIES.deno, ['run', '-A', '--no-prompt', '--no-lock', `--import-map=${join(here, 'deno.import-map.json')}`, script, ...args]];
}

/** The environment of a child: this process's, which the setup file cleared of proxy and CA settings. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _nodeOptions, ...env } = process.env;
  return { ...env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DO_NOT_TRACK: '1', ...extra };
}

export interface RunOptions {
  runtime: ServerRuntime;
  /** `import.meta.url` of the calling test file: suite paths are relative to it. */
  caller: string;
  /** Suite modules and the function each exports, called with (errand, env). */
  suites: { from: string; call: string }[];
  /** The suites' env (JSON); the child adds `setEnv`, `peakRss` and `resetPeakRss`. */
  env: Record<string, unknown>;
  /** What inject() gives inside the child. */
  provide?: Record<string, unknown>;
  /** Per test, inside the child. */
  testTimeout?: number;
}

interface Deferred<T> { promise: Promise<T>; resolve(value: T): void; reject(error: Error): void }
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

function toError(errors: ErrorInfo[], runtime: string): Error {
  const [first, ...rest] = errors;
  const error = new Error([`(in ${runtime}) ${first?.message ?? 'failed without an error'}`, first?.diff, ...rest.map((e) => `and: ${e.message}`)].filter(Boolean).join('\n'));
  if (first?.name) error.name = first.name;
  if (first?.stack) error.stack = `${error.name}: ${error.message}\n${first.stack.split('\n').filter((line) => /^\s+at /.test(line)).join('\n')}`;
  return error;
}

function testIds(nodes: TreeNode[], into = new Set<string>()): Set<string> {
  for (const node of nodes) {
    if (node.type === 'test') into.add(node.id);
    else testIds(node.children ?? [], into);
  }
  return into;
}

/** Declares, in the calling test file, one vitest test per test the suites define in the runtime. */
export async function runInRuntime(options: RunOptions): Promise<void> {
  const { runtime } = options;
  const testTimeout = options.testTimeout ?? 30_000;
  const config: ChildConfig = {
    runtime,
    suites: options.suites.map((suite) => ({ path: fileURLToPath(new URL(suite.from, options.caller)), call: suite.call })),
    env: options.env,
    provide: options.provide ?? {},
    testTimeout,
  };
  const [command, args] = runtimeCommand(runtime, join(here, 'child.ts'), [JSON.stringify(config)]);
  const child = spawn(command, args, { cwd: root, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });

  const output: string[] = [];
  const note = (line: string) => { output.push(line); if (output.length > 80) output.shift(); };
  const collected = deferred<{ tree: TreeNode[]; errors: ErrorInfo[] }>();
  const results = new Map<string, Deferred<ResultInfo>>();
  let tests = new Set<string>();
  const suiteFailures: ResultInfo[] = [];
  let exited: Error | undefined;
  const exit = deferred<void>();
  const resultOf = (id: string) => {
    let d = results.get(id);
    if (!d) {
      results.set(id, (d = deferred()));
      if (exited) d.reject(exited);
    }
    return d;
  };

  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (data: string) => {
    const lines = (pending + data).split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith(MARK)) { note(line); continue; }
      const message = JSON.parse(line.slice(MARK.length)) as Message;
      if (message.type === 'collected') {
        tests = testIds(message.tree);
        collected.resolve(message);
      } else if (message.type === 'result') {
        resultOf(message.result.id).resolve(message.result);
      } else {
        for (const result of message.results) {
          // A test without a result yet did not run (a failed beforeAll): its final state says so.
          resultOf(result.id).resolve(result);
          if (result.state === 'fail' && result.errors.length && !tests.has(result.id)) suiteFailures.push(result);
        }
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (data: string) => data.split('\n').forEach(note));
  child.on('exit', (code, signal) => {
    exited = new Error(`${runtime} exited (${signal ?? `code ${code}`}) before reporting this; its last output:\n${output.join('\n')}`);
    collected.reject(exited);
    for (const d of results.values()) d.reject(exited);
    exit.resolve();
  });

  const { tree, errors } = await collected.promise;
  if (errors.length) throw toError(errors, runtime);
  const suiteErrors = () => suiteFailures.flatMap((suite) => suite.errors);

  const declare = (nodes: TreeNode[]) => {
    for (const node of nodes) {
      if (node.type === 'suite') {
        (node.mode === 'skip' ? describe.skip : describe)(node.name, () => declare(node.children ?? []));
      } else if (node.mode === 'todo') {
        it.todo(node.name);
      } else if (node.mode === 'skip') {
        it.skip(node.name, () => {});
      } else {
        it(node.name, async (context) => {
          const result = await resultOf(node.id).promise;
          if (result.state === 'fail') throw toError(result.errors.length ? result.errors : suiteErrors(), runtime);
          if (result.state === 'skip') context.skip();
          if (result.state !== 'pass') throw new Error(`(in ${runtime}) this test did not run (${result.state})${suiteFailures.length ? `: ${toError(suiteErrors(), runtime).message}` : ''}`);
        }, testTimeout + 15_000);
      }
    }
  };
  declare(tree);

  // The child ends once its last result is out; a suite hook that failed after its tests passed (an
  // afterAll) fails the file, as in vitest.
  afterAll(async () => {
    const ended = await Promise.race([exit.promise.then(() => true), new Promise<boolean>((r) => setTimeout(r, 10_000, false))]);
    if (!ended) child.kill('SIGKILL');
    if (suiteFailures.length) throw toError(suiteErrors(), runtime);
  }, 20_000);
}
