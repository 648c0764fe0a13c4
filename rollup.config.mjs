// Builds the runtime entries (STYLE.md §7):
//   dist/{node,browser,edge,bun,deno}.js  + dist/chunks/*.js   (ESM)
//   dist/{node,browser,edge,bun,deno}.cjs + dist/chunks/*.cjs  (CJS)
//   dist/{node,browser,edge,bun,deno}.d.ts and .d.cts          (one self-contained declaration file per entry)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import esbuild from 'rollup-plugin-esbuild';
import { dts } from 'rollup-plugin-dts';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';

const entries = {
  node: 'src/node.ts',
  browser: 'src/browser.ts',
  edge: 'src/edge.ts',
  bun: 'src/bun.ts',
  deno: 'src/deno.ts',
};

// Platform modules stay imports in every output; the package.json `exports`
// conditions decide which build (and so which of these imports) a consumer gets.
const externalPackages = /^(?:undici|tough-cookie|cross-fetch|cacache)(?:\/|$)/;
// Small packages copied into dist (see `code.plugins`).
const BUNDLED = ['@noble/hashes', 'eventsource-parser', 'http-cache-semantics'];
// Their licences travel with the copies: one notice file in dist (each of them asks for its notice).
const thirdPartyNotices = {
  name: 'errand:third-party-notices',
  generateBundle(output) {
    if (output.format !== 'es') return; // the ESM and CJS outputs share dist: written once
    const notices = BUNDLED.map((name) => `${name}\n${'-'.repeat(name.length)}\n${readFileSync(`node_modules/${name}/LICENSE`, 'utf8').trim()}\n`);
    this.emitFile({ type: 'asset', fileName: 'THIRD_PARTY_LICENSES', source: `errand's dist includes copies of these packages:\n\n${notices.join('\n')}` });
  },
};
const external = (id) => id.startsWith('node:') || externalPackages.test(id);

// Sources may import siblings as `./x.ts`, `./x.js` or `./x`; map `.js` to the
// `.ts` file beside it (rollup-plugin-esbuild already handles the other two).
const resolveTsFromJs = {
  name: 'errand:resolve-ts-from-js',
  resolveId(source, importer) {
    if (!importer || !source.startsWith('.') || !/\.[cm]?js$/.test(source)) return null;
    const candidate = resolve(dirname(importer), source).replace(/\.([cm]?)js$/, '.$1ts');
    return existsSync(candidate) ? candidate : null;
  },
};

// A bare import that is neither a relative file nor one of the externals above
// would be left as an unresolved import in dist: fail the build instead.
const onwarn = (warning, warn) => {
  if (warning.code === 'UNRESOLVED_IMPORT') {
    throw new Error(`errand build: ${warning.message} (not in the external list of rollup.config.mjs)`);
  }
  warn(warning);
};

const code = {
  input: entries,
  external,
  onwarn,
  // An external imported only for its bindings is dropped when the bindings
  // are unused (no `require('undici')` left behind in a build that doesn't use it).
  treeshake: { moduleSideEffects: (id, isExternal) => !isExternal },
  // @noble/hashes (MD5 for Digest auth) and eventsource-parser (event streams) are ESM-only and small:
  // bundle them, so CJS consumers and every runtime get them without a require(esm), and only the code
  // that uses them carries them (eventsource-parser sits in a chunk loaded by import() at first use).
  // http-cache-semantics (the cache's policy) is CommonJS: bundled as ESM, so a browser bundler adds no
  // CommonJS runtime to every chunk for it (esbuild's is 361 B gzip at import, in every bundle).
  plugins: [resolveTsFromJs, nodeResolve({ resolveOnly: BUNDLED }), commonjs({ include: /node_modules\/http-cache-semantics\// }), esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', sourceMap: false }), thirdPartyNotices],
  output: [
    {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      generatedCode: 'es2015',
      // Entries import only what they use; no `import 'tough-cookie'` copied up from a chunk.
      hoistTransitiveImports: false,
    },
    {
      dir: 'dist',
      format: 'cjs',
      entryFileNames: '[name].cjs',
      chunkFileNames: 'chunks/[name]-[hash].cjs',
      exports: 'named',
      generatedCode: 'es2015',
      hoistTransitiveImports: false,
      // `import()` of cross-fetch stays a real dynamic import in CJS too.
      dynamicImportInCjs: true,
    },
  ],
};

// `Session[Symbol.asyncDispose]` (for `await using`) needs TypeScript's esnext.disposable lib, which a
// project whose lib stops at es2022 (a browser app without @types/node) does not load: each declaration
// file references it, as @types/node does for its own disposables. rollup-plugin-dts drops `/// <reference
// lib>` directives of the sources, so the banner adds it. The other DOM-or-Node-only names stay out of the
// declarations altogether (test/package/types.test.ts compiles them under Node-only and DOM-only libs).
const declarationBanner = '/// <reference lib="esnext.disposable" />';

// One declaration build per entry, so each .d.ts/.d.cts is self-contained and
// a .d.cts never has to import an ESM-typed shared chunk.
const declarations = Object.entries(entries).map(([name, input]) => ({
  input,
  external,
  onwarn,
  plugins: [resolveTsFromJs, nodeResolve({ resolveOnly: BUNDLED }), dts({ tsconfig: 'tsconfig.json' })],
  output: [
    { file: `dist/${name}.d.ts`, format: 'es', banner: declarationBanner },
    { file: `dist/${name}.d.cts`, format: 'es', banner: declarationBanner },
  ],
}));

export default [code, ...declarations];
