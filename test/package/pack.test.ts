// The published package, as a consumer gets it (STYLE.md §6, §8 `package/`):
// `npm pack` → install the tarball into an empty project → resolve and load
// `errand` under each export condition from child processes, and check which
// build answered through the `runtime` constant each entry exports.
// Needs a build first: `npm run build`.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINARIES, childEnv } from '../runtimes/runner.ts';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

const entries = ['node', 'browser', 'edge', 'bun', 'deno'] as const;
type Build = (typeof entries)[number];
const publicNames = ['get', 'Session', 'codes', 'RequestError'] as const;

let work = '';
let tarball = '';
let consumer = '';
let installed = '';

async function run(command: string, args: string[], cwd: string, timeout = 60_000) {
  try {
    return await exec(command, args, { cwd, timeout, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}\n${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

beforeAll(async () => {
  const missing = entries
    .flatMap((name) => ['.js', '.cjs', '.d.ts', '.d.cts'].map((ext) => `dist/${name}${ext}`))
    .filter((file) => !existsSync(join(root, file)));
  if (missing.length > 0) throw new Error(`run \`npm run build\` before the package test; missing ${missing.join(', ')}`);

  work = await mkdtemp(join(tmpdir(), 'errand-pack-'));
  const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root);
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
  if (!info) throw new Error(`npm pack printed no file: ${packed.stdout}`);
  tarball = join(work, info.filename);

  consumer = join(work, 'consumer');
  await mkdir(consumer);
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '0.0.0', private: true }));
  await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--no-package-lock'], consumer, 120_000);
  installed = join(consumer, 'node_modules', 'errand');
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

interface Probe {
  file: string;
  runtime: unknown;
  kinds: Record<string, string>;
}

const probeBody = `
  const names = ${JSON.stringify(publicNames)};
  const kinds = Object.fromEntries(names.map((n) => [n, typeof m[n]]));
  console.log(JSON.stringify({ file, runtime: m.runtime, kinds }));
`;

/** Loads `errand` in a fresh Node process of the consumer project with `--conditions`. */
async function probe(mode: 'import' | 'require', conditions: string[]): Promise<Probe> {
  const flags = conditions.flatMap((c) => ['-C', c]);
  const code =
    mode === 'import'
      ? `const m = await import('errand'); const file = import.meta.resolve('errand');${probeBody}`
      : `const m = require('errand'); const file = require.resolve('errand');${probeBody}`;
  const args = mode === 'import' ? [...flags, '--input-type=module', '-e', code] : [...flags, '-e', code];
  const { stdout } = await run(process.execPath, args, consumer);
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Probe;
  const path = result.file.startsWith('file:') ? fileURLToPath(result.file) : result.file;
  return { ...result, file: relative(installed, path).split('\\').join('/') };
}

// Node always has `node`, `default` and `import`/`require` active; the package's
// key order (edge keys, then browser, then node) decides which key wins.
const nodeCases: Array<{ conditions: string[]; build: Build }> = [
  { conditions: [], build: 'node' },
  { conditions: ['workerd'], build: 'edge' },
  { conditions: ['edge-light'], build: 'edge' },
  { conditions: ['worker'], build: 'edge' },
  { conditions: ['browser'], build: 'browser' },
  // Wrangler enables workerd, worker and browser together: the edge build must win.
  { conditions: ['browser', 'worker', 'workerd'], build: 'edge' },
];

describe('installed tarball under Node --conditions', () => {
  for (const { conditions, build: expected } of nodeCases) {
    const label = conditions.length ? conditions.map((c) => `-C ${c}`).join(' ') : '(no flags)';
    it(`${label} → ${expected} build, import and require`, async () => {
      const [esm, cjs] = await Promise.all([probe('import', conditions), probe('require', conditions)]);
      expect(esm.file).toBe(`dist/${expected}.js`);
      expect(cjs.file).toBe(`dist/${expected}.cjs`);
      for (const loaded of [esm, cjs]) {
        expect(loaded.runtime).toBe(expected);
        expect(loaded.kinds).toEqual({ get: 'function', Session: 'function', codes: 'object', RequestError: 'function' });
      }
    }, 30_000);
  }

  it('each build sends a real request from the installed package (import and require)', async () => {
    const server: Server = createServer((req, res) => {
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end(`pong ${req.method} ${req.url}`);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/probe`;
    const send = `const r = await m.get(${JSON.stringify(url)}); console.log(JSON.stringify([m.runtime, r.statusCode, r.text])); process.exit(0);`;
    try {
      const cases = [[], ['workerd'], ['browser']].flatMap((conditions) =>
        (['import', 'require'] as const).map(async (mode) => {
          const flags = conditions.flatMap((c) => ['-C', c]);
          const code =
            mode === 'import'
              ? `const m = await import('errand'); ${send}`
              : `(async () => { const m = require('errand'); ${send} })().catch((e) => { console.error(e); process.exit(1); });`;
          const args = mode === 'import' ? [...flags, '--input-type=module', '-e', code] : [...flags, '-e', code];
          const { stdout } = await run(process.execPath, args, consumer);
          return [mode, ...JSON.parse(stdout.trim().split('\n').pop() ?? '')];
        }),
      );
      expect(await Promise.all(cases)).toEqual(
        ['node', 'edge', 'browser'].flatMap((name) =>
          ['import', 'require'].map((mode) => [mode, name, 200, 'pong GET /probe']),
        ),
      );
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  }, 30_000);

  it('error classes match across the ESM and CJS copies (dual-package hazard, STYLE.md §5)', async () => {
    const code = `
      import { createRequire } from 'node:module';
      const esm = await import('errand');
      const cjs = createRequire(process.cwd() + '/').call(null, 'errand');
      const fromCjs = new cjs.RequestError('probe');
      const fromEsm = new esm.RequestError('probe');
      console.log(JSON.stringify({
        distinctCopies: esm.RequestError !== cjs.RequestError,
        cjsIsEsm: fromCjs instanceof esm.RequestError,
        esmIsCjs: fromEsm instanceof cjs.RequestError,
        ok: [esm.codes.ok, cjs.codes.ok],
      }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], consumer);
    expect(JSON.parse(stdout.trim().split('\n').pop() ?? '')).toEqual({
      distinctCopies: true,
      cjsIsEsm: true,
      esmIsCjs: true,
      ok: [200, 200],
    });
  }, 30_000);
});

interface RuntimeLoad { file: string; runtime: string; answer: unknown; viaDeadProxy: string }

/**
 * Loads `errand` from the consumer in Bun or Deno, as `import` (a .mjs file) or `require` (.cjs), and
 * sends a request with it, then one through a proxy that refuses connections: which file resolved,
 * the build's `runtime`, the answer, and the error of the proxied request (and whether it names a way out).
 */
async function runtimeLoad(runtime: 'bun' | 'deno', mode: 'import' | 'require', url: string, flags: string[] = []): Promise<RuntimeLoad> {
  const send = `const r = await m.get(${JSON.stringify(url)});
    const e = await m.get(${JSON.stringify(url)}, { proxies: { http: 'http://127.0.0.1:9' }, retries: 0 }).then(() => 'no error', (error) => error.name + (/--conditions=deno/.test(error.message) ? ' naming --conditions=deno' : ''));
    console.log(JSON.stringify({ file, runtime: m.runtime, answer: [r.statusCode, r.text], viaDeadProxy: e }));`;
  const file = mode === 'import' ? 'probe.mjs' : 'probe.cjs';
  await writeFile(join(consumer, file), mode === 'import'
    ? `const m = await import('errand'); const file = import.meta.resolve('errand');\n${send}\n`
    : `const m = require('errand'); const file = require.resolve('errand');\n(async () => { ${send} })();\n`);
  const args = runtime === 'bun' ? [file] : ['run', '-A', '--no-lock', ...flags, file];
  const { stdout } = await exec(BINARIES[runtime], args, { cwd: consumer, timeout: 60_000, env: childEnv() }).catch((error: Error & { stdout?: string; stderr?: string }) => {
    throw new Error(`${runtime} ${file}: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
  });
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '') as RuntimeLoad;
  const path = result.file.startsWith('file:') ? fileURLToPath(result.file) : result.file;
  return { ...result, file: relative(installed, path).split('\\').join('/') };
}

// Bun enables `bun` and Deno `deno` (with `node` too): their keys come before `node` in `exports`.
describe('installed tarball under Bun and Deno', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => res.end(`pong ${req.method} ${req.url}`));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/probe`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });
  const answer = [200, 'pong GET /probe'];

  it('bun resolves errand to the bun build, import and require, and sends with it', async () => {
    expect(await runtimeLoad('bun', 'import', url)).toEqual({ file: 'dist/bun.js', runtime: 'bun', answer, viaDeadProxy: 'ProxyError' });
    expect(await runtimeLoad('bun', 'require', url)).toEqual({ file: 'dist/bun.cjs', runtime: 'bun', answer, viaDeadProxy: 'ProxyError' });
  }, 120_000);

  it('deno resolves an import of errand to the deno build, and sends with it', async () => {
    expect(await runtimeLoad('deno', 'import', url)).toEqual({ file: 'dist/deno.js', runtime: 'deno', answer, viaDeadProxy: 'ProxyError' });
  }, 120_000);

  // Deno's require() resolves with Node's conditions: it gets the node build, which refuses there
  // what it could not do rather than dropping it; --conditions=deno gives require() the deno build.
  it('deno: require() gets the node build, which refuses proxies with an UnsupportedError naming --conditions=deno; with that flag, the deno build', async () => {
    expect(await runtimeLoad('deno', 'require', url)).toEqual({ file: 'dist/node.cjs', runtime: 'node', answer, viaDeadProxy: 'UnsupportedError naming --conditions=deno' });
    expect(await runtimeLoad('deno', 'require', url, ['--conditions=deno'])).toEqual({ file: 'dist/deno.cjs', runtime: 'deno', answer, viaDeadProxy: 'ProxyError' });
  }, 120_000);
});

/** Resolves `errand` from the consumer as a bundler would, with exactly these conditions. */
async function bundlerResolve(platform: 'neutral' | 'browser', conditions: string[]) {
  const found: Record<string, string> = {};
  const capture: Plugin = {
    name: 'capture',
    setup(b) {
      b.onResolve({ filter: /^probe:/ }, async (args) => {
        const kind = args.path === 'probe:require' ? 'require-call' : 'import-statement';
        const r = await b.resolve('errand', { kind, resolveDir: consumer });
        if (r.errors.length > 0) throw new Error(r.errors.map((e) => e.text).join('\n'));
        found[args.path] = relative(installed, r.path).split('\\').join('/');
        return { path: args.path, external: true };
      });
    },
  };
  await build({
    stdin: { contents: `import 'probe:import'; require('probe:require');`, resolveDir: consumer },
    bundle: true,
    write: false,
    platform,
    mainFields: [],
    conditions,
    plugins: [capture],
    logLevel: 'silent',
  });
  return { import: found['probe:import'], require: found['probe:require'] };
}

describe('installed tarball under bundler conditions', () => {
  it('`default` alone (no node, no browser) → edge build', async () => {
    expect(await bundlerResolve('neutral', [])).toEqual({ import: 'dist/edge.js', require: 'dist/edge.cjs' });
  });
  it('`browser` → browser build', async () => {
    expect(await bundlerResolve('browser', [])).toEqual({ import: 'dist/browser.js', require: 'dist/browser.cjs' });
  });
  it('`workerd`, `worker` and `browser` together → edge build', async () => {
    expect(await bundlerResolve('browser', ['workerd', 'worker'])).toEqual({
      import: 'dist/edge.js',
      require: 'dist/edge.cjs',
    });
  });
});

/** Every import (static, dynamic, require) of a built file and the chunks it reaches. */
async function importsOf(file: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(installed, file)],
    bundle: true,
    write: false,
    platform: 'neutral',
    mainFields: [],
    packages: 'external',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs: Metafile['inputs'] = result.metafile.inputs;
  return [...new Set(Object.values(inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path)))];
}

describe('what the non-Node builds import', () => {
  const forbidden: Record<'edge' | 'browser', RegExp> = {
    // Edge keeps tough-cookie (the cookie jar runs there) but nothing Node-only.
    edge: /^(?:node:|undici(?:\/|$)|cross-fetch(?:\/|$))/,
    browser: /^(?:node:|undici(?:\/|$)|tough-cookie(?:\/|$)|cross-fetch(?:\/|$))/,
  };
  for (const name of ['edge', 'browser'] as const) {
    for (const ext of ['.js', '.cjs']) {
      it(`dist/${name}${ext} and its chunks import no Node-only module`, async () => {
        const { builtinModules } = await import('node:module');
        const imports = await importsOf(`dist/${name}${ext}`);
        const bad = imports.filter((p) => forbidden[name].test(p) || builtinModules.includes(p.split('/')[0] ?? p));
        expect(bad).toEqual([]);
      });
    }
  }
});

describe('what the Bun and Deno builds import', () => {
  // Bun's built-in `undici` shadows the npm package (its Agent has no destroy); Deno ignores a dispatcher.
  for (const name of ['bun', 'deno'] as const) {
    for (const ext of ['.js', '.cjs']) {
      it(`dist/${name}${ext} and its chunks import neither undici nor cross-fetch`, async () => {
        const imports = await importsOf(`dist/${name}${ext}`);
        expect(imports.filter((p) => /^(?:undici|cross-fetch)(?:\/|$)/.test(p))).toEqual([]);
        expect(imports).toContain('tough-cookie');
      });
    }
  }
});

describe('what every build imports, the package brings', () => {
  // A package errand copies into dist (rollup.config.mjs BUNDLED) is a devDependency: an import of it
  // left in a build would fail only in a consumer's install, and only when that code first loads.
  it('each package a build or its chunks import (static, dynamic, require) is a dependency or a peer', async () => {
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const brought = new Set([...Object.keys(manifest['dependencies'] ?? {}), ...Object.keys(manifest['peerDependencies'] ?? {})]);
    const packageOf = (path: string) => path.split('/').slice(0, path.startsWith('@') ? 2 : 1).join('/');
    const missing: string[] = [];
    for (const name of entries) {
      for (const ext of ['.js', '.cjs']) {
        for (const path of await importsOf(`dist/${name}${ext}`)) {
          if (!path.startsWith('node:') && !brought.has(packageOf(path))) missing.push(`dist/${name}${ext}: ${path}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('the licences of the packages copied into dist travel with it (dist/THIRD_PARTY_LICENSES)', async () => {
    const notices = await readFile(join(installed, 'dist', 'THIRD_PARTY_LICENSES'), 'utf8');
    expect(notices).toContain('Copyright');
    for (const [name, holder] of [['@noble/hashes', 'Paul Miller'], ['eventsource-parser', 'Espen Hovlandsdal'], ['http-cache-semantics', 'Kornel']]) {
      expect(notices).toContain(`${name}\n`);
      expect(notices).toContain(holder);
    }
  });
});

describe('package linters', () => {
  it('publint --strict finds nothing', async () => {
    const { stdout } = await run(bin('publint'), ['run', tarball, '--strict'], root);
    expect(stdout).toContain('All good');
  }, 30_000);

  it('attw (profile node16) finds nothing', async () => {
    const { stdout } = await run(bin('attw'), [tarball, '--profile', 'node16', '--no-color', '--no-emoji'], root);
    expect(stdout).toContain('No problems found');
  }, 60_000);
});
