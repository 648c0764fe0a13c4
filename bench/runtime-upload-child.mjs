// One 1 GiB streamed upload through errand, in whatever runtime runs this file (Node, Bun or Deno):
// `<runtime> bench/runtime-upload-child.mjs <entry file> <server url> <MiB>`. Prints one JSON line:
// the resident set before the upload and the process's peak (Linux /proc/self/status), in MiB.
import { readFileSync } from 'node:fs';

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const [entry, url, mib] = args;
const errand = await import(entry);
const status = () => readFileSync('/proc/self/status', 'utf8');
const field = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status())?.[1]) / 1024;

// errand, its transport and a connection ready before measuring.
await errand.put(`${url}/warm`, { data: 'x' });
const before = field('VmRSS');
const chunkSize = 1024 * 1024;
let left = Number(mib);
// A fresh chunk each time, as a real source makes them: a transport that keeps chunks keeps memory.
const body = new ReadableStream({
  pull(controller) {
    if (left-- > 0) controller.enqueue(new Uint8Array(chunkSize).fill(0x61));
    else controller.close();
  },
});
const started = performance.now();
const r = await errand.put(`${url}/upload`, { data: body });
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ runtime: errand.runtime, received: r.json(), beforeMiB: Math.round(before), peakMiB: Math.round(field('VmHWM')), seconds: Math.round(seconds * 10) / 10 }));
