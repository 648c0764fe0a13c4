// Size of what a browser app ships when it imports errand (STYLE.md §7: the
// benchmark records it; tests don't assert it).
//   node scripts/size.mjs            a markdown table: what loads at import, and each chunk loaded later
//   node scripts/size.mjs --check    also exit 1 when an at-import size is over scripts/size-budget.json
//   node scripts/size.mjs --modules  also the bytes each source module puts in each chunk (bundled from src/)
//   node scripts/size.mjs --json     the figures as JSON
// Needs a build (npm run build): `errand` resolves through this package's own
// `exports` with the `browser` condition, exactly as a bundler would resolve it.
//
// Bundlers split code at `import()` (esbuild, rollup, webpack, Vite all do): the page loads the entry
// and the chunks it imports statically, and a lazily imported chunk (the HTTP cache, event streams,
// Digest's hashing, the XHR transport...) only when a call first needs it. So each case is bundled with
// esbuild's `splitting: true`, and two figures are kept apart: what loads at import (the budget's
// figure: each file gzipped on its own, as a server sends them), and each lazy chunk with what it
// holds. The old measure, everything inlined into one file (no splitting), is printed beside them.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const budgets = JSON.parse(readFileSync(resolve(root, 'scripts/size-budget.json'), 'utf8'));
const argv = process.argv.slice(2);

const cases = [
  { key: 'full', label: 'everything (`import * as errand`)', code: (m) => `import * as e from '${m}'; globalThis.e = e;` },
  { key: 'get', label: '`import { get }`', code: (m) => `import { get } from '${m}'; globalThis.g = get;` },
  { key: 'session', label: '`new Session()` and `.get`', code: (m) => `import { Session } from '${m}'; globalThis.g = (u) => new Session().get(u);` },
];

const OUT = resolve(root, '.size-out'); // never written: write: false

async function bundle(code, splitting) {
  return build({
    stdin: { contents: code, resolveDir: root, sourcefile: 'size-entry.js', loader: 'js' },
    bundle: true,
    write: false,
    splitting,
    outdir: OUT,
    chunkNames: 'chunk-[hash]',
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    target: 'es2022',
    minify: true,
    treeShaking: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
}

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
// A name for an input of the bundle: dist/chunks/http-cache-L2Pc0jqE.js → http-cache, src/core/x.ts → core/x.ts.
const inputName = (path) => path
  .replace(/^dist\/chunks\/(.*)-[\w-]{8}\.js$/, '$1')
  .replace(/^dist\//, '')
  .replace(/^src\//, '')
  .replace(/^node_modules\/((@[^/]+\/)?[^/]+)\/.*$/, '$1');

/**
 * One case, split: the outputs that load at import (the entry and what it imports statically, however
 * deep) and each other output (reached only through import()), with sizes and inputs.
 */
async function measureSplit(code) {
  const result = await bundle(code, true);
  const { outputs } = result.metafile;
  /** @param {string} path */
  const file = (path) => {
    const found = result.outputFiles.find((f) => relative(root, f.path) === path);
    if (!found) throw new Error(`size: esbuild wrote no ${path}`);
    return found;
  };
  const entry = Object.keys(outputs).find((path) => outputs[path].entryPoint === 'size-entry.js');
  if (!entry) throw new Error('size: no output for the entry');
  /** @type {Set<string>} */
  const atImport = new Set();
  for (const stack = [entry]; stack.length;) {
    const path = /** @type {string} */ (stack.pop());
    if (atImport.has(path)) continue;
    atImport.add(path);
    for (const imported of outputs[path].imports) if (imported.kind === 'import-statement' && !imported.external) stack.push(imported.path);
  }
  /** @param {string} path */
  const describe = (path) => {
    const bytes = file(path).contents;
    const inputs = Object.entries(outputs[path].inputs).filter(([, v]) => v.bytesInOutput > 0)
      .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).map(([name, v]) => ({ name, bytes: v.bytesInOutput }));
    return { path, minified: bytes.length, gzip: gzip(bytes), inputs };
  };
  // The chunks live code can load later: through an import() left in an output, then what they import.
  // (esbuild also writes chunks for import() calls it found in code it then dropped: those never load.)
  /** @type {Set<string>} */
  const reachable = new Set();
  for (const stack = [...atImport]; stack.length;) {
    const path = /** @type {string} */ (stack.pop());
    if (reachable.has(path)) continue;
    reachable.add(path);
    for (const imported of outputs[path].imports) if (!imported.external) stack.push(imported.path);
  }
  const loaded = [...atImport].map(describe);
  const lazy = [...reachable].filter((path) => !atImport.has(path)).map(describe)
    .filter((chunk) => chunk.inputs.length).sort((a, b) => b.gzip - a.gzip);
  const inputs = Object.keys(result.metafile.inputs);
  return {
    minified: loaded.reduce((n, o) => n + o.minified, 0),
    gzip: loaded.reduce((n, o) => n + o.gzip, 0),
    files: loaded.length,
    loaded,
    lazy,
    inputs,
  };
}

async function measureInlined(code) {
  const result = await bundle(code, false);
  return gzip(result.outputFiles[0].contents);
}

const rows = [];
let over = false;
for (const c of cases) {
  let split, inlined;
  try {
    split = await measureSplit(c.code('errand'));
    inlined = await measureInlined(c.code('errand'));
  } catch (error) {
    console.error(`size: could not bundle "${c.code('errand')}" (run \`npm run build\` first?)\n${error instanceof Error ? error.message : error}`);
    process.exit(2);
  }
  if (!split.inputs.includes('dist/browser.js')) {
    console.error(`size: 'errand' did not resolve to dist/browser.js under the browser condition: ${split.inputs.join(', ')}`);
    process.exit(2);
  }
  const budget = budgets[c.key];
  const fits = typeof budget !== 'number' || split.gzip <= budget;
  if (!fits) over = true;
  const modules = argv.includes('--modules') ? await measureSplit(c.code('./src/browser.ts')) : undefined;
  rows.push({ ...c, ...split, inlined, budget, fits, modules });
}

const n = (value) => value.toLocaleString('en-US');
const chunkLabel = (chunk) => chunk.inputs.map((i) => inputName(i.name)).join(', ');

if (argv.includes('--json')) {
  console.log(JSON.stringify(rows.map(({ code, inputs, ...r }) => r), null, 2));
} else {
  console.log('| bundle | at import: gzip -9 (minified) | budget | | loaded later, on first use: gzip -9 each | no splitting (all inlined) |');
  console.log('| --- | ---: | ---: | --- | --- | ---: |');
  for (const r of rows) {
    const status = typeof r.budget !== 'number' ? '' : r.fits ? 'ok' : `**over by ${n(r.gzip - r.budget)}**`;
    const lazy = r.lazy.map((chunk) => `${chunkLabel(chunk)}: ${n(chunk.gzip)}`).join('; ') || '—';
    console.log(`| ${r.label} | ${n(r.gzip)} B (${n(r.minified)} B${r.files > 1 ? `, ${r.files} files` : ''}) | ${r.budget === undefined ? '—' : `${n(r.budget)} B`} | ${status} | ${lazy} | ${n(r.inlined)} B |`);
  }
  for (const r of rows) {
    if (!r.modules) continue;
    console.log(`\n${r.label}, bundled from src/ (minified bytes each module puts in the output):\n`);
    console.log(`at import, ${n(r.modules.gzip)} B gzip: ${r.modules.loaded.flatMap((o) => o.inputs).sort((a, b) => b.bytes - a.bytes).map((i) => `${inputName(i.name)} ${n(i.bytes)}`).join(', ')}`);
    for (const chunk of r.modules.lazy) {
      console.log(`\nlazy chunk, ${n(chunk.gzip)} B gzip: ${chunk.inputs.map((i) => `${inputName(i.name)} ${n(i.bytes)}`).join(', ')}`);
    }
  }
}
if (argv.includes('--check') && over) {
  console.error('size: an at-import size is over its budget (scripts/size-budget.json)');
  process.exit(1);
}
