// Event-stream memory: `npm run bench:events` (= npm run build && node --expose-gc bench/events.mjs).
//
// 1,000,000 small Server-Sent Events through ONE s.events() stream, from a server in its own process
// (this file run with --serve) that writes as fast as the socket takes them (it waits for 'drain').
// Every 100,000 events the consumer runs global.gc() twice and samples heapUsed; the first 100,000 are
// warm-up. Exits 1 when heap after the last sample is more than 20% (+1 MiB) above heap after warm-up,
// when an event is missing or out of order, or after the time limit (--time-limit seconds, default 300).
//
//   node --expose-gc bench/events.mjs [--events 1000000] [--sample-every 100000] [--adapter UndiciAdapter|FetchAdapter]
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchDir, MiB } from './lib.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : fallback; };

if (argv.includes('--serve')) {
  // The server: GET /events?n=N → N events `id: i` / `data: {"n":i}`, written in batches, with back-pressure.
  const server = createServer((req, res) => {
    const n = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('n'));
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    let i = 0;
    const pump = () => {
      while (i < n) {
        let batch = '';
        for (const end = Math.min(n, i + 200); i < end;) { i++; batch += `id: ${i}\ndata: {"n":${i}}\n\n`; }
        if (!res.write(batch)) { res.once('drain', pump); return; }
      }
      res.end();
    };
    pump();
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: /** @type {import('node:net').AddressInfo} */ (server.address()).port }));
  process.on('disconnect', () => process.exit(0));
} else {
  const total = Number(option('--events', 1_000_000));
  const every = Number(option('--sample-every', 100_000));
  const adapterName = option('--adapter', undefined);
  const timeLimitMs = Number(option('--time-limit', 300)) * 1000;
  if (!(total > every && total % every === 0)) throw new Error('events: --events must be a multiple of --sample-every, and larger');
  const log = (line) => process.stderr.write(`${line}\n`);
  const hasGc = typeof globalThis.gc === 'function';
  if (!hasGc) log('events: run with node --expose-gc for exact heap figures (npm run bench:events does); heap is not checked.');

  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const deadline = setTimeout(() => { log(`events: FAILED: still running after ${timeLimitMs / 1000} s`); child.kill(); process.exit(1); }, timeLimitMs);
  const { port } = await new Promise((ok) => child.once('message', ok));

  const errand = await import('errand');
  const session = new errand.Session();
  if (adapterName) session.mount('http://', new errand[adapterName]());
  const adapter = session.getAdapter('http://127.0.0.1/').constructor.name.replace(/\$\d+$/, '');
  const sample = (events, seconds) => {
    if (globalThis.gc) { globalThis.gc(); globalThis.gc(); }
    const { heapUsed, rss } = process.memoryUsage();
    return { events, seconds, heapUsed, rss };
  };

  log(`events: Node ${process.version}, errand ${adapter}, ${total.toLocaleString('en-US')} events through one s.events() stream`);
  const samples = [];
  let count = 0;
  let outOfOrder = 0;
  const started = performance.now();
  let busy = 0;
  let last = started;
  try {
    for await (const event of session.events(`http://127.0.0.1:${port}/events?n=${total}`, { maxReconnects: 0 })) {
      count++;
      if (event.id !== String(count)) outOfOrder++;
      if (count % every === 0) {
        busy += performance.now() - last;
        const s = sample(count, busy / 1000);
        samples.push(s);
        log(`  ${String(count).padStart(8)} events  heap ${(s.heapUsed / MiB).toFixed(1).padStart(5)} MiB  rss ${(s.rss / MiB).toFixed(0).padStart(4)} MiB  ${Math.round(count / s.seconds).toLocaleString('en-US').padStart(9)} events/s`);
        last = performance.now();
      }
    }
  } finally {
    await session.close();
    child.disconnect();
    clearTimeout(deadline);
  }

  const warm = samples[0];
  const end = samples[samples.length - 1];
  if (!warm || !end) throw new Error('events: no sample was taken');
  const heapGrowth = end.heapUsed / warm.heapUsed - 1;
  const problems = [];
  if (count !== total) problems.push(`${count} events arrived, not ${total}`);
  if (outOfOrder) problems.push(`${outOfOrder} events had an unexpected id`);
  if (hasGc && end.heapUsed > warm.heapUsed * 1.2 + MiB) problems.push(`heap grew ${(heapGrowth * 100).toFixed(1)}% after warm-up (limit 20% + 1 MiB)`);
  const result = {
    node: process.version, date: new Date().toISOString(), adapter, events: count, sampleEvery: every, gc: hasGc,
    eventsPerSec: count / end.seconds, warm, end, maxHeapUsed: Math.max(...samples.map((s) => s.heapUsed)), heapGrowth, problems, samples,
  };
  const resultsDir = resolve(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(resolve(resultsDir, `events-node${process.versions.node.split('.')[0]}.json`), `${JSON.stringify(result, null, 1)}\n`);

  const mib = (b) => `${(b / MiB).toFixed(1)} MiB`;
  console.log(`## Event streams, Node ${process.version}: ${count.toLocaleString('en-US')} events through one s.events() stream (${adapter})`);
  console.log('');
  console.log(`| | after warm-up (${every.toLocaleString('en-US')} events) | end (${count.toLocaleString('en-US')} events) |`);
  console.log('| --- | ---: | ---: |');
  console.log(`| heap used${hasGc ? ' (after gc)' : ' (no gc: not checked)'} | ${mib(warm.heapUsed)} | ${mib(end.heapUsed)} (${heapGrowth >= 0 ? '+' : ''}${(heapGrowth * 100).toFixed(1)}%; max ${mib(result.maxHeapUsed)}) |`);
  console.log(`| RSS | ${mib(warm.rss)} | ${mib(end.rss)} |`);
  console.log(`| events/s | | ${Math.round(result.eventsPerSec).toLocaleString('en-US')} |`);
  console.log('');
  if (problems.length) {
    console.log(`FAILED: ${problems.join('; ')}`);
    process.exit(1);
  }
  console.log('OK: heap flat after warm-up.');
}
