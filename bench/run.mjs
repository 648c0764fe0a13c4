// errand's benchmark: `npm run bench` (= npm run build && node bench/run.mjs).
//
//   node bench/run.mjs                 full run: 5 interleaved rounds (~10 min on 2 cores)
//   node bench/run.mjs --rounds 3      another number of rounds
//   node bench/run.mjs --quick         a short run (~3 min): 2 rounds, half the requests, 256 MiB transfers
//   node bench/run.mjs --only seq,get  some parts only (seq, get, post, download, upload, import, size, cache)
//   node bench/run.mjs --clients ky,fetch
//   node bench/run.mjs --no-pin        don't pin the server to CPU 1 and the clients to CPU 0 (taskset)
//   node bench/run.mjs --baseline DIR  adds the client 'errand baseline': the build in DIR (DIR/dist/node.js,
//                                      e.g. a checkout of main, built), interleaved with this one
//                                      (with --clients 'errand default,errand baseline': what a change costs)
//
// It measures the BUILT package (`import('errand')` resolves to dist/node.js through package.json
// `exports`), against a loopback server in its own process (bench/server.mjs). Each client runs in
// its own child process for each round and scenario (bench/child.mjs), and the order of the clients
// rotates from round to round; the tables give medians. Results go to bench/results/node<major>.json
// (kept per Node major), bench/results/latest.md and bench/results/chart.svg (every Node major
// measured so far), and the markdown of this run is printed too.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RPS_CLIENTS, TRANSFER_CLIENTS } from './clients.mjs';
import { benchDir, CLIENT_CPU, MiB, pinned, root, runChild, setPinning, startServer } from './lib.mjs';
import { renderAll, renderRun } from './report.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const quick = flag('--quick');
const rounds = Number(option('--rounds') ?? (quick ? 2 : 5));
if (!(Number.isInteger(rounds) && rounds > 0)) throw new Error('--rounds takes a positive integer');
const only = option('--only')?.split(',');
const clientFilter = option('--clients')?.split(',');
const wanted = (part) => !only || only.includes(part);
const scale = quick ? 0.5 : 1;
const transferBytes = (quick ? 256 : 1024) * MiB;
const importSpawns = quick ? 5 : 10;
const childTimeoutMs = 180_000;
const pin = setPinning(!flag('--no-pin'));
const baseline = option('--baseline');
if (baseline) process.env.ERRAND_BASELINE = resolve(baseline);

const SCENARIOS = [
  { key: 'seq', label: 'sequential GET', scenario: 'get', n: 2000, concurrency: 1, warmup: 1000 },
  { key: 'get', label: '64 GETs in flight', scenario: 'get', n: 20000, concurrency: 64, warmup: 2000 },
  { key: 'post', label: '64 × 1 KiB POSTs in flight', scenario: 'post', n: 10000, concurrency: 64, warmup: 1000 },
];

// Cold start: `import` only, and `import` plus one GET of /small (URL stands for its address), each in
// a fresh `node --input-type=module -e CODE`. Some modules load Node's fetch as they are imported
// (ky and ofetch touch globalThis.fetch / Request), others only at the first request, so the second
// column is the fairer one for what a short-lived process pays.
const IMPORTS = [
  { name: 'errand', code: "await import('errand')", first: "const e = await import('errand'); (await e.get(URL)).json()" },
  { name: 'ky', code: "await import('ky')", first: "const { default: ky } = await import('ky'); await ky.get(URL).json()" },
  { name: 'ofetch', code: "await import('ofetch')", first: "const { ofetch } = await import('ofetch'); await ofetch(URL)" },
  { name: 'axios', code: "await import('axios')", first: "const { default: axios } = await import('axios'); await axios.get(URL)" },
  { name: 'got', code: "await import('got')", first: "const { default: got } = await import('got'); await got(URL).json()" },
  { name: 'undici', code: "await import('undici')", first: "const { request } = await import('undici'); await (await request(URL)).body.json()" },
  { name: 'node-fetch', code: "await import('node-fetch')", first: "const { default: f } = await import('node-fetch'); await (await f(URL)).json()" },
  { name: 'global fetch', code: "await fetch('data:,')", first: 'await (await fetch(URL)).json()' },
];

const log = (...parts) => process.stderr.write(`${parts.join(' ')}\n`);
const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

if (!existsSync(resolve(root, 'dist/node.js'))) {
  log('bench: dist/node.js is missing: run `npm run build` first (npm run bench does).');
  process.exit(2);
}

/** What the built package offers: its default Node adapter, and whether UndiciAdapter is exported. */
function probeErrand() {
  const code = `const e = await import('errand');
    const s = new e.Session();
    console.log(JSON.stringify({ url: import.meta.resolve('errand'), defaultAdapter: s.getAdapter('http://127.0.0.1/').constructor.name.replace(/\\$\\d+$/, ''),
      undiciAdapter: typeof e.UndiciAdapter === 'function', fetchAdapter: typeof e.FetchAdapter === 'function' }));`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`could not import the built errand: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop() ?? '');
}

function timeSpawn(code) {
  const started = performance.now();
  // process.exit: a keep-alive socket must not keep the process up after the work.
  const [command, args] = pinned(CLIENT_CPU, [process.execPath, '--input-type=module', '-e', code ? `${code}; process.exit(0)` : '']);
  const out = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: 30_000 });
  const ms = performance.now() - started;
  if (out.status !== 0) throw new Error(`node -e "${code}" failed: ${out.stderr.trim().split('\n').slice(-2).join(' ')}`);
  return ms;
}

/** Median-ready spawn times: for each of `spawns` rounds, every target once, in rotating order. */
function timeStarts(targets, spawns) {
  const times = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (const t of targets) timeSpawn(t.code); // fill the file cache
  for (let i = 0; i < spawns; i++) for (const t of rotate(targets, i)) times[t.name].push(timeSpawn(t.code));
  return times;
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(resolve(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

const errand = probeErrand();
log(`bench: Node ${process.version}; ${pin ? `server pinned to CPU 1, clients to CPU ${CLIENT_CPU}` : 'not pinned to CPUs'}; errand resolves to ${errand.url.replace(`file://${root}/`, '')}; default adapter ${errand.defaultAdapter}; UndiciAdapter ${errand.undiciAdapter ? 'exported' : 'not exported (skipped)'}`);

const pick = (names) => names.filter((name) => (name !== 'errand UndiciAdapter' || errand.undiciAdapter) && (!clientFilter || clientFilter.includes(name)));
const rpsClients = pick(baseline ? [...RPS_CLIENTS, 'errand baseline'] : RPS_CLIENTS);
const transferClients = pick(TRANSFER_CLIENTS);

const cpuList = cpus();
const busy = loadavg()[0];
// The 1-minute load average lags: a run that ended a minute ago still shows about 0.6.
if (busy > 1) log(`bench: WARNING: load average ${busy.toFixed(2)} before the run: other work on this machine skews the figures`);
const run = {
  node: process.version,
  platform: `${process.platform} ${process.arch}, ${cpuList.length} CPUs (${cpuList[0]?.model.trim() ?? 'unknown'})`,
  date: new Date().toISOString(),
  loadAverageAtStart: Number(busy.toFixed(2)),
  pinned: pin,
  quick,
  rounds,
  errand: { version: JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).version, defaultAdapter: errand.defaultAdapter, undiciAdapter: errand.undiciAdapter },
  versions: Object.fromEntries(['undici', 'ky', 'ofetch', 'axios', 'got', 'node-fetch'].map((name) => [name, packageVersion(name)])),
  scenarios: /** @type {Record<string, any>} */ ({}),
  transfers: /** @type {Record<string, any>} */ ({}),
  imports: /** @type {object | undefined} */ (undefined),
  size: /** @type {string | undefined} */ (undefined),
};

const started = performance.now();
const server = await startServer();
try {
  const rpsScenarios = SCENARIOS.filter((s) => wanted(s.key));
  for (const s of rpsScenarios) {
    run.scenarios[s.key] = { label: s.label, n: Math.round(s.n * scale), concurrency: s.concurrency, results: Object.fromEntries(rpsClients.map((c) => [c, []])), errors: {} };
  }
  for (const direction of ['download', 'upload'].filter(wanted)) {
    run.transfers[direction] = { bytes: transferBytes, results: Object.fromEntries(transferClients.map((c) => [c, []])), errors: {} };
  }

  for (let round = 0; round < rounds; round++) {
    for (const s of rpsScenarios) {
      const entry = run.scenarios[s.key];
      for (const client of rotate(rpsClients, round)) {
        const result = await runChild(resolve(benchDir, 'child.mjs'), {
          client, scenario: s.scenario, n: entry.n, concurrency: s.concurrency, warmup: s.warmup, port: server.port,
        }, { timeoutMs: childTimeoutMs });
        if (result.error) { entry.errors[client] = result.error; log(`  round ${round + 1} ${s.key} ${client}: ERROR ${result.error}`); continue; }
        entry.results[client].push(result.reqPerSec);
        log(`  round ${round + 1}/${rounds} ${s.label.padEnd(26)} ${client.padEnd(22)} ${Math.round(result.reqPerSec).toLocaleString('en-US').padStart(7)} req/s`);
      }
    }
    for (const direction of Object.keys(run.transfers)) {
      const entry = run.transfers[direction];
      for (const client of rotate(transferClients, round)) {
        const result = await runChild(resolve(benchDir, 'child.mjs'), { client, scenario: direction, bytes: transferBytes, port: server.port }, { nodeArgs: ['--expose-gc'], timeoutMs: childTimeoutMs });
        if (result.error) { entry.errors[client] = result.error; log(`  round ${round + 1} ${direction} ${client}: ERROR ${result.error}`); continue; }
        entry.results[client].push({ mibPerSec: result.mibPerSec, peakAboveStart: result.peakAboveStart });
        log(`  round ${round + 1}/${rounds} ${`${transferBytes / MiB} MiB ${direction}`.padEnd(26)} ${client.padEnd(22)} ${Math.round(result.mibPerSec).toString().padStart(5)} MiB/s, peak RSS +${(result.peakAboveStart / MiB).toFixed(0)} MiB`);
      }
    }
  }
  if (wanted('import')) {
    const url = `http://127.0.0.1:${server.port}/small`;
    const empty = { name: 'empty', code: '' };
    run.imports = {
      spawns: importSpawns,
      times: timeStarts([empty, ...IMPORTS], importSpawns),
      firstRequest: timeStarts([empty, ...IMPORTS.map((t) => ({ name: t.name, code: t.first.replaceAll('URL', JSON.stringify(url)) }))], importSpawns),
    };
    log(`  cold starts: ${importSpawns} spawns each`);
  }
} finally {
  await server.stop();
}


if (wanted('size') && existsSync(resolve(root, 'scripts/size.mjs'))) {
  const out = spawnSync(process.execPath, [resolve(root, 'scripts/size.mjs')], { cwd: root, encoding: 'utf8' });
  run.size = out.status === 0 ? out.stdout.trim() : `size.mjs failed: ${(out.stderr || out.stdout).trim().slice(0, 300)}`;
}
if (wanted('cache')) {
  // The HTTP cache's figures (bench/cache.mjs, in a process of its own): printed, and kept in results/cache-node<major>.json.
  const out = spawnSync(process.execPath, [resolve(benchDir, 'cache.mjs'), ...(quick ? ['--quick'] : [])], { cwd: root, encoding: 'utf8' });
  run.cache = out.status === 0 ? out.stdout.trim() : `cache.mjs failed: ${(out.stderr || out.stdout).trim().slice(0, 300)}`;
  process.stdout.write(`${run.cache}\n\n`);
}
run.seconds = (performance.now() - started) / 1000;

const resultsDir = resolve(benchDir, 'results');
const major = process.versions.node.split('.')[0];
if (only || clientFilter || baseline) {
  // A partial run is printed only: it must not replace a whole run's stored figures.
  process.stdout.write(`${renderRun(run)}\n`);
  log(`bench: done in ${Math.round(run.seconds)} s (partial run: bench/results left as they were)`);
} else {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(resolve(resultsDir, `node${major}.json`), `${JSON.stringify(run, null, 1)}\n`);
  const { markdown, svg } = renderAll(resultsDir, run);
  writeFileSync(resolve(resultsDir, 'latest.md'), markdown);
  writeFileSync(resolve(resultsDir, 'chart.svg'), svg);
  process.stdout.write(`${renderRun(run)}\n`);
  log(`bench: done in ${Math.round(run.seconds)} s; wrote bench/results/node${major}.json, latest.md and chart.svg`);
}
