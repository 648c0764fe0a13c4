// The transport suites (test/shared/transport/) inside Bun (src/bun.ts): proxies, TLS, decoding, faults,
// streamed uploads and .netrc against the rig of test/runtimes/rig.ts, which runs here in Node; each
// test of the Bun child is reported here as a test of its own.
import { afterAll, inject } from 'vitest';
import { startRig } from '../runtimes/rig.ts';
import { runInRuntime } from '../runtimes/runner.ts';

const rig = await startRig();
afterAll(() => rig.close());

await runInRuntime({
  runtime: 'bun',
  caller: import.meta.url,
  suites: [{ from: '../shared/transport/index.ts', call: 'runTransportSuites' }],
  env: { base: inject('httpbinUrl'), alt: inject('httpbinAltUrl'), runtime: 'bun', rig: rig.info },
});
