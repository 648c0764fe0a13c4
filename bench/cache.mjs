// The HTTP cache's figures (issue 11), against bench/server.mjs in its own process:
//   1. a fresh hit on a 10 KiB JSON body versus a loopback miss (sequential calls/s, body loaded, not
//      parsed); the server's counts show that no request and no connection was made during the hits;
//   2. 1,000 concurrent identical GETs with collapsing: how many reached the server;
//   3. MemoryCacheStore under maxSize through 100,000 distinct URLs (64 in flight): the largest size seen.
//
//   node bench/cache.mjs            (npm run bench:cache builds first; npm run bench runs it too)
//   node bench/cache.mjs --quick    fewer calls
// Writes bench/results/cache-node<major>.json and prints a markdown table.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchDir, inFlight, median, startServer } from './lib.mjs';

const quick = process.argv.includes('--quick');
const { MemoryCacheStore, Session } = await import('errand');
const server = await startServer();
const base = `http://127.0.0.1:${server.port}`;
const rounds = quick ? 2 : 5;

// Calls per second, each one a loaded Response (the body read whole). The JSON is parsed once to check it,
// not in the loop: parsing 10 KiB costs the same for a hit and a miss, and would hide what the cache saves.
async function rate(session, url, n) {
  if ((await session.get(url)).json().items.length !== 130) throw new Error('wrong body');
  for (let i = 0; i < Math.min(200, n); i++) await session.get(url);
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await session.get(url);
    if (r.content.byteLength !== 10240) throw new Error('wrong body');
  }
  return n / ((performance.now() - started) / 1000);
}

const out = { node: process.versions.node, date: new Date().toISOString() };
try {
  // 1. hit vs miss, rounds interleaved, medians.
  const hits = [], misses = [];
  let during;
  for (let round = 0; round < rounds; round++) {
    const plain = new Session({ retries: 0 });
    misses.push(await rate(plain, `${base}/cached/miss`, quick ? 1000 : 3000));
    await plain.close();
    const cached = new Session({ cache: true });
    await cached.get(`${base}/cached/hit-${round}`);
    const before = await server.stats();
    hits.push(await rate(cached, `${base}/cached/hit-${round}`, quick ? 20000 : 60000));
    const after = await server.stats();
    during = { requests: after.cached - before.cached, connections: after.accepted - before.accepted };
    if ((await cached.get(`${base}/cached/hit-${round}`)).cacheStatus !== 'hit') throw new Error('not a hit');
    await cached.close();
  }
  out.hit = { callsPerSec: median(hits), serverSawDuringHits: during };
  out.miss = { callsPerSec: median(misses) };
  out.ratio = out.hit.callsPerSec / out.miss.callsPerSec;

  // 2. collapsing.
  const collapsing = new Session({ cache: true });
  const before = await server.stats();
  const responses = await Promise.all(Array.from({ length: 1000 }, () => collapsing.get(`${base}/cached/collapse?slow`)));
  const after = await server.stats();
  out.collapsing = {
    calls: responses.length,
    serverRequests: after.cached - before.cached,
    statuses: Object.fromEntries(['miss', 'hit'].map((s) => [s, responses.filter((r) => r.cacheStatus === s).length])),
  };
  await collapsing.close();

  // 3. MemoryCacheStore under maxSize, 100,000 distinct URLs.
  const maxSize = 8 * 1024 * 1024;
  const store = new MemoryCacheStore({ maxSize });
  const filling = new Session({ cache: { store } });
  let largest = 0;
  const urls = quick ? 20000 : 100000;
  const started = performance.now();
  let next = 0;
  await inFlight(urls, 64, async () => {
    const i = next++;
    (await filling.get(`${base}/cached/url-${i}`)).json();
    largest = Math.max(largest, store.size);
  });
  out.memoryStore = { urls, maxSize, largestSize: largest, entriesAtEnd: store.count, seconds: (performance.now() - started) / 1000, heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20 };
  await filling.close();
} finally {
  await server.stop();
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(`| HTTP cache (Node ${process.versions.node}) | figure |
| --- | --- |
| fresh hit, 10 KiB JSON, sequential | ${fmt(out.hit.callsPerSec)} calls/s; the server saw ${out.hit.serverSawDuringHits.requests} requests and ${out.hit.serverSawDuringHits.connections} new connections meanwhile |
| loopback miss, same body, sequential | ${fmt(out.miss.callsPerSec)} calls/s |
| hit ÷ miss | ${out.ratio.toFixed(1)}× |
| 1,000 concurrent identical GETs (collapsing) | ${out.collapsing.serverRequests} request at the server (${out.collapsing.statuses.miss} miss, ${out.collapsing.statuses.hit} hits) |
| MemoryCacheStore, maxSize ${fmt(out.memoryStore.maxSize)} B, ${fmt(out.memoryStore.urls)} distinct URLs | largest size ${fmt(out.memoryStore.largestSize)} B, ${fmt(out.memoryStore.entriesAtEnd)} entries at the end, ${out.memoryStore.seconds.toFixed(1)} s |`);
if (!quick) {
  mkdirSync(resolve(benchDir, 'results'), { recursive: true });
  writeFileSync(resolve(benchDir, 'results', `cache-node${process.versions.node.split('.')[0]}.json`), `${JSON.stringify(out, null, 1)}\n`);
}
