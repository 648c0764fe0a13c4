// The shared behaviour suites (test/shared/: index.ts, and the cookie-jar and redirect-rule suites) inside
// Bun (src/bun.ts) against the local httpbin: the suites run in a Bun child process (test/runtimes/), and
// each of their tests is reported here as a test of its own.
import { inject } from 'vitest';
import { runInRuntime } from '../runtimes/runner.ts';

await runInRuntime({
  runtime: 'bun',
  caller: import.meta.url,
  suites: [
    { from: '../shared/index.ts', call: 'runSharedSuites' },
    { from: '../shared/cookies.ts', call: 'cookiesSuite' },
    { from: '../shared/redirect-rules.ts', call: 'redirectRulesSuite' },
  ],
  env: { base: inject('httpbinUrl'), alt: inject('httpbinAltUrl'), runtime: 'bun' },
});
