// The transport suites (test/shared/transport/) in Node, on the undici transport, against the rig of
// test/runtimes/rig.ts: the same checks Bun and Deno run (test/{bun,deno}/transport.test.ts).
import * as errand from 'errand';
import { afterAll, inject } from 'vitest';
import { peakRss, resetPeakRss } from '../runtimes/peak-rss.ts';
import { startRig } from '../runtimes/rig.ts';
import { runTransportSuites } from '../shared/transport/index.ts';

const rig = await startRig();
afterAll(() => rig.close());

runTransportSuites(errand, {
  base: inject('httpbinUrl'),
  alt: inject('httpbinAltUrl'),
  runtime: 'node',
  rig: rig.info,
  setEnv: (name, value) => { if (value === undefined) delete process.env[name]; else process.env[name] = value; },
  peakRss,
  resetPeakRss,
});
