// The transport suites (test/shared/transport/) inside Deno (src/deno.ts): proxies, TLS, decoding, faults,
// streamed uploads and .netrc against the rig of test/runtimes/rig.ts, which runs here in Node; each
// test of the Deno child is reported here as a test of its own.
import { afterAll, inject } from 'vitest';
import { startRig } from '../runtimes/rig.ts';
import { runInRuntime } from '../runtimes/runner.ts';

const rig = await startRig();
afterAll(() => rig.close());

await runInRuntime({
  runtime: 'deno',
  caller: import.meta.url,
  suites: [{ from: '../shared/transport/index.ts', call: 'runTransportSuites' }],
  env: { base: inject('httpbinUrl'), alt: inject('httpbinAltUrl'), runtime: 'deno', rig: rig.info },
});
