// Size of what a browser app ships when it imports errand (STYLE.md §7: the
// benchmark records it; tests don't assert it).
//   node scripts/size.mjs          print a markdown table
//   node scripts/size.mjs --check  also exit 1 when a gzip size is over scripts/size-budget.json
// Needs a build (npm run build): `errand` resolves through this package's own
// `exports` with the `browser` condition, exactly as a bundler would resolve it.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const budgets = JSON.parse(readFileSync(resolve(root, 'scripts/size-budget.json'), 'utf8'));

const cases = [
  { key: 'full', label: 'full browser entry', code: `import * as e from 'errand'; globalThis.e = e;` },
  { key: 'get', label: 'tree-shaken `get`', code: `import { get } from 'errand'; globalThis.g = get;` },
];

async function measure(code) {
  const result = await build({
    stdin: { contents: code, resolveDir: root, sourcefile: 'size-entry.js', loader: 'js' },
    bundle: true,
    write: false,
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
  const bytes = result.outputFiles[0].contents;
  const inputs = Object.keys(result.metafile.inputs).filter((p) => p !== 'size-entry.js');
  if (!inputs.includes('dist/browser.js')) {
    throw new Error(`'errand' did not resolve to dist/browser.js under the browser condition: ${inputs.join(', ')}`);
  }
  return { minified: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, inputs };
}

const check = process.argv.includes('--check');
const rows = [];
let over = false;
for (const c of cases) {
  let m;
  try {
    m = await measure(c.code);
  } catch (error) {
    console.error(`size: could not bundle "${c.code}" (run \`npm run build\` first?)\n${error instanceof Error ? error.message : error}`);
    process.exit(2);
  }
  const budget = budgets[c.key];
  const fits = typeof budget !== 'number' || m.gzip <= budget;
  if (!fits) over = true;
  rows.push({ ...c, ...m, budget, fits });
}

console.log('| bundle | minified (bytes) | gzip -9 (bytes) | budget (bytes) | |');
console.log('| --- | ---: | ---: | ---: | --- |');
for (const r of rows) {
  const status = typeof r.budget !== 'number' ? '' : r.fits ? 'ok' : `**over by ${r.gzip - r.budget}**`;
  console.log(`| ${r.label} | ${r.minified} | ${r.gzip} | ${r.budget ?? '—'} | ${status} |`);
}
if (process.argv.includes('--verbose')) {
  for (const r of rows) console.log(`\n${r.label} bundles:\n${r.inputs.map((p) => `- ${p}`).join('\n')}`);
}
if (check && over) {
  console.error('size: over budget (scripts/size-budget.json)');
  process.exit(1);
}
