// The published declarations, as consumer projects compile them: `npm pack` → install the tarball →
// one small project per TypeScript configuration a user is likely to have (Node service, bundled app,
// browser, edge; ESM and CJS; old and new module resolution), each with the strict flags a careful
// project sets and `skipLibCheck: false`, so errand's .d.ts files are checked, not skipped. Each project
// compiles the fixtures in test/package/types/ (expect-type assertions; `@ts-expect-error` lines are the
// negative cases) and must report zero diagnostics, having resolved `errand` to the expected file.
// Needs a build first: `npm run build` (`npm test` does it).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test/package/types');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

const strict = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noImplicitOverride: true,
  skipLibCheck: false,
  noEmit: true,
  target: 'es2022',
};

interface Config {
  name: string;
  /** What a project like this is. */
  about: string;
  /** package.json `type` of the project. */
  type: 'module' | 'commonjs';
  compilerOptions: Record<string, unknown>;
  /** The fixture for the build's own surface, besides common.ts. */
  build: 'node' | 'edge' | 'browser';
  /** The declaration file `errand` must resolve to. */
  resolves: string;
  /** Also compile schemas.ts (zod and valibot, whose declarations double a project's check time). */
  schemas?: boolean;
}

/** The supported configurations (README "TypeScript"): keep the two lists in step. */
const configs: Config[] = [
  {
    name: 'node-esm', about: 'Node service, ESM, Node libs only', type: 'module', build: 'node', resolves: 'dist/node.d.ts', schemas: true,
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022'], types: ['node'] },
  },
  {
    name: 'node-cjs', about: 'Node service, CommonJS, Node libs only', type: 'commonjs', build: 'node', resolves: 'dist/node.d.cts',
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022'], types: ['node'] },
  },
  {
    name: 'node10-cjs', about: 'legacy Node project: module commonjs, moduleResolution node10 (no exports map)', type: 'commonjs',
    build: 'node', resolves: 'dist/node.d.cts',
    compilerOptions: { module: 'commonjs', moduleResolution: 'node10', lib: ['es2022'], types: ['node'], esModuleInterop: true, ignoreDeprecations: '5.0' },
  },
  {
    name: 'node-dom', about: 'Node service that also loads the DOM lib', type: 'module', build: 'node', resolves: 'dist/node.d.ts',
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'dom', 'dom.iterable'], types: ['node'] },
  },
  {
    name: 'bundler-node', about: 'Node app run through a bundler or tsx, `node` condition', type: 'module', build: 'node', resolves: 'dist/node.d.ts',
    compilerOptions: { module: 'preserve', moduleResolution: 'bundler', customConditions: ['node'], lib: ['es2022'], types: ['node'] },
  },
  {
    name: 'bundler-browser', about: 'browser app (Vite and the like): DOM libs, no Node types', type: 'module', build: 'browser', resolves: 'dist/browser.d.ts',
    schemas: true,
    compilerOptions: { module: 'esnext', moduleResolution: 'bundler', customConditions: ['browser'], lib: ['es2022', 'dom', 'dom.iterable'], types: [] },
  },
  {
    name: 'bundler-browser-node-types', about: 'browser app whose tsconfig also loads @types/node', type: 'module', build: 'browser', resolves: 'dist/browser.d.ts',
    compilerOptions: { module: 'esnext', moduleResolution: 'bundler', customConditions: ['browser'], lib: ['es2022', 'dom', 'dom.iterable'], types: ['node'] },
  },
  {
    name: 'bundler-workerd', about: 'edge worker (workerd condition), web libs, no Node types', type: 'module', build: 'edge', resolves: 'dist/edge.d.ts',
    compilerOptions: { module: 'esnext', moduleResolution: 'bundler', customConditions: ['workerd'], lib: ['es2022', 'dom'], types: [] },
  },
  {
    name: 'bundler-default', about: 'bundler with no runtime condition (the `default` edge build), DOM lib', type: 'module', build: 'edge', resolves: 'dist/edge.d.ts',
    compilerOptions: { module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom'], types: [] },
  },
];

let work = '';

async function run(command: string, args: string[], cwd: string, timeout = 120_000) {
  return exec(command, args, { cwd, timeout, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } });
}

beforeAll(async () => {
  const missing = ['node', 'browser', 'edge'].flatMap((n) => [`dist/${n}.d.ts`, `dist/${n}.d.cts`]).filter((f) => !existsSync(join(root, f)));
  if (missing.length > 0) throw new Error(`run \`npm run build\` before the type tests; missing ${missing.join(', ')}`);
  work = await mkdtemp(join(tmpdir(), 'errand-types-'));
  const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root);
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
  if (!info) throw new Error(`npm pack printed no file: ${packed.stdout}`);
  await writeFile(join(work, 'package.json'), JSON.stringify({ name: 'consumers', version: '0.0.0', private: true }));
  await run('npm', ['install', join(work, info.filename), '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--no-package-lock'], work);
  // What the fixtures import besides errand, from this repository's own install (devDependencies).
  await mkdir(join(work, 'node_modules/@types'), { recursive: true });
  for (const name of ['expect-type', 'zod', 'valibot', '@types/node', 'undici-types']) {
    await symlink(join(root, 'node_modules', name), join(work, 'node_modules', name), 'dir');
  }
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** Writes a consumer project for `config` and compiles it; returns tsc's diagnostics and the errand files it read. */
async function compile(config: Config): Promise<{ diagnostics: string[]; errandFiles: string[] }> {
  const dir = join(work, config.name);
  await mkdir(dir);
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: config.name, private: true, type: config.type }));
  const files = ['common.ts', `${config.build}.ts`, ...(config.schemas ? ['schemas.ts'] : [])];
  for (const file of files) await cp(join(fixtures, file), join(dir, file));
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...strict, ...config.compilerOptions }, files }, null, 2));
  let output: string;
  try {
    output = (await run(process.execPath, [tsc, '-p', '.', '--listFiles', '--pretty', 'false'], dir)).stdout;
  } catch (error) {
    output = (error as { stdout?: string }).stdout ?? String(error);
  }
  const lines = output.split('\n').filter(Boolean);
  const installed = join(work, 'node_modules/errand');
  return {
    diagnostics: lines.filter((line) => / error TS\d+:/.test(line) || /^\s/.test(line)).map((line) => line.replace(work, '<consumer>')),
    errandFiles: lines.filter((line) => line.startsWith(installed)).map((line) => relative(installed, line).split('\\').join('/')),
  };
}

describe('consumer projects compile against the packed declarations (skipLibCheck: false, strict flags)', () => {
  for (const config of configs) {
    it(`${config.name}: ${config.about} → ${config.resolves}`, async () => {
      const { diagnostics, errandFiles } = await compile(config);
      expect(diagnostics).toEqual([]);
      expect(errandFiles).toEqual([config.resolves]);
      // ~5 s of tsc on an idle machine; up to 90 s was seen on a 2-core machine at load 17.
    }, 240_000);
  }
});
