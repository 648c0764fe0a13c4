// One measurement in its own process: node bench/child.mjs '{"client":"ky","scenario":"get","n":2000,...}'
// Prints one JSON line: { reqPerSec } for request scenarios, { mibPerSec, peakAboveStart } for transfers,
// or { error }.
import { performance } from 'node:perf_hooks';
import { makeClient } from './clients.mjs';
import { inFlight, MiB, rssSampler } from './lib.mjs';

const args = JSON.parse(process.argv[2]);
const base = `http://127.0.0.1:${args.port}`;
const POST_BODY = new Uint8Array(1024).fill(0x62);
const CHUNK_SIZE = 64 * 1024;

/** The upload body: fresh 64 KiB chunks from an async generator, never one buffer. */
async function* chunks(total) {
  for (let left = total; left > 0; left -= CHUNK_SIZE) yield Buffer.allocUnsafe(Math.min(CHUNK_SIZE, left));
}

async function requests(client) {
  const call = args.scenario === 'post'
    ? () => client.post(`${base}/echo-size`, POST_BODY)
    : () => client.get(`${base}/small`);
  await inFlight(args.warmup, args.concurrency, call);
  const started = performance.now();
  await inFlight(args.n, args.concurrency, call);
  const seconds = (performance.now() - started) / 1000;
  return { reqPerSec: args.n / seconds, seconds };
}

async function transfer(client) {
  const warm = 16 * MiB;
  const once = async (bytes) => args.scenario === 'download'
    ? client.download(`${base}/bytes/${bytes}`)
    : client.upload(`${base}/sink`, chunks(bytes));
  const warmed = await once(warm);
  if (warmed !== warm) throw new Error(`warm-up moved ${warmed} bytes, expected ${warm}`);
  globalThis.gc?.();
  const sampler = rssSampler(20);
  const started = performance.now();
  const moved = await once(args.bytes);
  const seconds = (performance.now() - started) / 1000;
  const memory = sampler.stop();
  if (moved !== args.bytes) throw new Error(`moved ${moved} bytes, expected ${args.bytes}`);
  return { mibPerSec: args.bytes / MiB / seconds, seconds, ...memory };
}

try {
  const client = await makeClient(args.client);
  /** @type {Record<string, unknown>} */
  const result = args.scenario === 'download' || args.scenario === 'upload' ? await transfer(client) : await requests(client);
  if (client.adapter) result.adapter = client.adapter;
  await client.close?.();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: String(/** @type {{ stack?: string } | undefined} */ (error)?.stack ?? error).split('\n').slice(0, 2).join(' ') })}\n`);
  process.exit(1);
}
