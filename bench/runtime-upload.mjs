// Peak memory of a 1 GiB streamed upload through errand's build for each server runtime: Node
// (dist/node.js, the undici transport), Bun (dist/bun.js) and Deno (dist/deno.js), with the binaries
// the npm packages carry. `npm run bench:runtimes` (= npm run build && node bench/runtime-upload.mjs);
// `--mib 256` for a smaller body. Each upload runs in a fresh process of its runtime against a Node
// server that counts the bytes and drops them. Prints a markdown table (README, "Bun and Deno").
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const mib = Number(argv[argv.indexOf('--mib') + 1] || 1024) || 1024;

const RUNTIMES = {
  node: { command: process.execPath, args: [] },
  bun: { command: join(dirname(require.resolve('@oven/bun-linux-x64/package.json')), 'bin', 'bun'), args: [] },
  deno: { command: join(dirname(require.resolve('@deno/linux-x64-glibc/package.json')), 'deno'), args: ['run', '-A', '--no-lock'] },
};

const server = http.createServer((req, res) => {
  let bytes = 0;
  req.on('data', (chunk) => { bytes += chunk.length; });
  req.on('end', () => res.end(JSON.stringify({ bytes, chunked: req.headers['transfer-encoding'] === 'chunked' })));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;

function run(name) {
  const { command, args } = RUNTIMES[name];
  const entry = pathToFileURL(join(root, 'dist', `${name}.js`)).href;
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, join(root, 'bench', 'runtime-upload-child.mjs'), entry, url, String(mib)], {
      cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (data) => { out += data; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '')) : reject(new Error(`${name} exited with ${code}: ${out}`))));
  });
}

const rows = [];
for (const name of Object.keys(RUNTIMES)) {
  const result = await run(name);
  if (result.received.bytes !== mib * 1024 * 1024) throw new Error(`${name}: the server received ${result.received.bytes} bytes`);
  rows.push(`| ${name} | ${result.runtime} | ${result.beforeMiB} MiB | ${result.peakMiB} MiB | ${result.received.chunked ? 'chunked' : 'Content-Length'} | ${result.seconds} s |`);
}
server.close();
console.log([
  `${mib} MiB streamed upload (a ReadableStream of fresh 1 MiB chunks), one process per runtime:`,
  '',
  '| runtime | build | RSS before | peak RSS | sent | time |',
  '| --- | --- | ---: | ---: | --- | ---: |',
  ...rows,
].join('\n'));
