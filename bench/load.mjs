// Load test: `npm run bench:load` (= npm run build && node --expose-gc bench/load.mjs).
//
// 100,000 GETs on ONE errand Session with 256 in flight, against bench/server.mjs in its own process.
// The requests go in batches of 5,000; after each batch (nothing in flight) it runs global.gc() when
// node was started with --expose-gc, then samples heapUsed and the open TCP sockets of this process
// (process.getActiveResourcesInfo(), TCPSocketWrap). The first 10,000 requests are warm-up.
// Exits 1 when heap after the last batch is more than 20% above heap after warm-up, when the open
// sockets at the end exceed those after warm-up (+10%, +4), or when a request fails. Bounded: a fixed
// number of requests and a time limit (--time-limit seconds, default 600).
//
// As in bench/run.mjs, the server runs on CPU 1 and this process on CPU 0 where taskset exists (--no-pin: not).
//
//   node --expose-gc bench/load.mjs [--requests 100000] [--in-flight 256] [--adapter UndiciAdapter|FetchAdapter] [--no-pin]
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderAll } from './report.mjs';
import { spawnSync } from 'node:child_process';
import { activeTcpSockets, benchDir, CLIENT_CPU, inFlight, MiB, openSocketFds, setPinning, startServer } from './lib.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : fallback; };
const total = Number(option('--requests', 100_000));
const concurrency = Number(option('--in-flight', 256));
const every = Number(option('--sample-every', 5_000));
const warmup = Number(option('--warmup', 10_000));
const adapterName = option('--adapter', undefined);
const timeLimitMs = Number(option('--time-limit', 600)) * 1000;
for (const [name, value] of Object.entries({ total, concurrency, every, warmup })) {
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`load: ${name} must be a positive integer`);
}
if (warmup >= total || warmup % every !== 0) throw new Error('load: --warmup must be a multiple of --sample-every and below --requests');

const log = (line) => process.stderr.write(`${line}\n`);
// All of this process's threads (-a) onto the client CPU.
const pin = setPinning(!argv.includes('--no-pin')) && spawnSync('taskset', ['-a', '-p', '-c', String(CLIENT_CPU), String(process.pid)], { stdio: 'ignore' }).status === 0;
const hasGc = typeof globalThis.gc === 'function';
if (!hasGc) log('load: run with node --expose-gc for exact heap figures (npm run bench:load does); heap is sampled without a GC and not checked.');

const deadline = setTimeout(() => {
  log(`load: FAILED: still running after ${timeLimitMs / 1000} s`);
  process.exit(1);
}, timeLimitMs);

const server = await startServer();
const errand = await import('errand');
const session = new errand.Session();
if (adapterName) session.mount('http://', new errand[adapterName]());
const adapter = session.getAdapter('http://127.0.0.1/').constructor.name.replace(/\$\d+$/, '');
const url = `http://127.0.0.1:${server.port}/small`;
const serverStats = server.stats;
const baselineFds = openSocketFds();

let failures = 0;
/** @type {unknown} */
let firstError;
const get = async () => {
  try {
    const r = await session.get(url);
    if (r.statusCode !== 200 || /** @type {{ id?: number }} */ (r.json()).id !== 42) throw new Error(`unexpected response ${r.statusCode}`);
  } catch (error) {
    failures++;
    firstError ??= error;
  }
};

async function sample(done, busyMs) {
  if (hasGc) { globalThis.gc?.(); globalThis.gc?.(); }
  const memory = process.memoryUsage();
  const server = await serverStats();
  return {
    requests: done, seconds: busyMs / 1000, heapUsed: memory.heapUsed, rss: memory.rss,
    // TCPSocketWrap in getActiveResourcesInfo(): only sockets that hold the event loop (undici unrefs idle ones).
    activeSockets: activeTcpSockets(),
    // Every socket fd of this process, less those open before the first request (stdio, the server's pipes).
    socketFds: baselineFds === undefined ? undefined : (openSocketFds() ?? baselineFds) - baselineFds,
    serverOpen: server.open, serverAccepted: server.accepted,
  };
}

const samples = [];
let busyMs = 0;
let done = 0;
log(`load: Node ${process.version}, errand ${adapter}, ${total.toLocaleString('en-US')} GETs, ${concurrency} in flight, sample every ${every.toLocaleString('en-US')}`);
try {
  while (done < total) {
    const batch = Math.min(every, total - done);
    const started = performance.now();
    await inFlight(batch, concurrency, get);
    busyMs += performance.now() - started;
    done += batch;
    const rate = batch / ((performance.now() - started) / 1000);
    const s = await sample(done, busyMs);
    samples.push(s);
    log(`  ${String(done).padStart(7)} requests  heap ${(s.heapUsed / MiB).toFixed(1).padStart(5)} MiB  rss ${(s.rss / MiB).toFixed(0).padStart(4)} MiB  sockets: active ${String(s.activeSockets).padStart(3)}, fds ${String(s.socketFds ?? '-').padStart(3)}, server open ${String(s.serverOpen).padStart(3)}, accepted ${String(s.serverAccepted).padStart(5)}  ${Math.round(rate).toLocaleString('en-US').padStart(6)} req/s`);
    if (failures > 100) break;
  }
} finally {
  await session.close();
  await server.stop();
  clearTimeout(deadline);
}

const warm = samples.find((s) => s.requests === warmup);
const end = samples.at(-1);
if (!warm || !end) throw new Error(`no sample at ${warmup} requests: the run stopped early (${failures} failures)`);
const afterWarmupRate = (end.requests - warm.requests) / (end.seconds - warm.seconds);
const heapGrowth = end.heapUsed / warm.heapUsed - 1;
// Sockets "keep growing" when the open count at the end is above what warm-up left open (+10%, +4)
// or above the most a pool needs (one per request in flight). The exact count is this process's
// socket fds where /proc exists, else the server's open connections.
const openCount = (s) => s.socketFds ?? s.serverOpen;
const socketLimit = Math.max(Math.ceil(openCount(warm) * 1.1) + 4, concurrency + 4);
const activeLimit = Math.max(Math.ceil(warm.activeSockets * 1.1) + 4, concurrency + 4);
const problems = [];
if (failures) problems.push(`${failures} requests failed (first: ${firstError instanceof Error ? firstError.message : firstError})`);
if (hasGc && heapGrowth > 0.2) problems.push(`heap grew ${(heapGrowth * 100).toFixed(1)}% after warm-up (limit 20%)`);
if (openCount(end) > socketLimit) problems.push(`open sockets grew from ${openCount(warm)} to ${openCount(end)} after warm-up`);
if (end.activeSockets > activeLimit) problems.push(`active TCPSocketWrap handles grew from ${warm.activeSockets} to ${end.activeSockets} after warm-up`);

const result = {
  node: process.version, date: new Date().toISOString(), pinned: pin, adapter, total: done, concurrency, warmup, sampleEvery: every, gc: hasGc,
  reqPerSec: done / end.seconds, reqPerSecAfterWarmup: afterWarmupRate,
  warm, end, heapGrowth, maxOpenSockets: Math.max(...samples.map(openCount)), newConnectionsAfterWarmup: end.serverAccepted - warm.serverAccepted, failures, problems, samples,
};
const resultsDir = resolve(benchDir, 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(resolve(resultsDir, `load-node${process.versions.node.split('.')[0]}.json`), `${JSON.stringify(result, null, 1)}\n`);
{
  // latest.md shows the load tests under the benchmark runs.
  const { markdown, svg } = renderAll(resultsDir);
  writeFileSync(resolve(resultsDir, 'latest.md'), markdown);
  writeFileSync(resolve(resultsDir, 'chart.svg'), svg);
}

const mib = (b) => `${(b / MiB).toFixed(1)} MiB`;
console.log(`## Load test, Node ${process.version}: ${done.toLocaleString('en-US')} GETs on one Session (${adapter}), ${concurrency} in flight`);
console.log('');
console.log(`| | after warm-up (${warmup.toLocaleString('en-US')} requests) | end (${done.toLocaleString('en-US')} requests) |`);
console.log('| --- | ---: | ---: |');
console.log(`| heap used${hasGc ? ' (after gc)' : ' (no gc: not checked)'} | ${mib(warm.heapUsed)} | ${mib(end.heapUsed)} (${heapGrowth >= 0 ? '+' : ''}${(heapGrowth * 100).toFixed(1)}%) |`);
console.log(`| RSS | ${mib(warm.rss)} | ${mib(end.rss)} |`);
console.log(`| open sockets (${warm.socketFds === undefined ? 'server side' : 'socket fds'}) | ${openCount(warm)} | ${openCount(end)} (max ${result.maxOpenSockets}) |`);
console.log(`| TCPSocketWrap in getActiveResourcesInfo() | ${warm.activeSockets} | ${end.activeSockets} |`);
console.log(`| connections the server accepted | ${warm.serverAccepted} | ${end.serverAccepted} (+${result.newConnectionsAfterWarmup}) |`);
console.log(`| req/s | ${Math.round(warm.requests / warm.seconds).toLocaleString('en-US')} (warm-up) | ${Math.round(afterWarmupRate).toLocaleString('en-US')} (after warm-up) |`);
console.log('');
if (problems.length) {
  console.log(`FAILED: ${problems.join('; ')}`);
  process.exit(1);
}
console.log(`OK: ${Math.round(result.reqPerSec).toLocaleString('en-US')} req/s overall; heap and sockets flat after warm-up.`);
