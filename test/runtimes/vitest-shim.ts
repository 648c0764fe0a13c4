// `vitest` inside Bun and Deno: the suites import { describe, it, expect, inject } from 'vitest', and a
// child process of those runtimes gets this module instead (test/runtimes/bun.tsconfig.json, deno.import-map.json).
// describe/it and the hooks are vitest's own runner (@vitest/runner, which runs outside Node), and
// expect is vitest's own (@vitest/expect over chai), so a suite behaves as it does under vitest:
// the same titles, `.each` formatting, `.runIf`/`.skipIf` gates, timeouts and assertion messages.
import {
  ASYMMETRIC_MATCHERS_OBJECT, ChaiStyleAssertions, JestAsymmetricMatchers, JestChaiExpect, JestExtend, chai, customMatchers,
  getState, setState,
} from '@vitest/expect';
import { provided } from './child-state.ts';

export { afterAll, afterEach, beforeAll, beforeEach, describe, it, suite, test } from '@vitest/runner';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(ChaiStyleAssertions);
chai.use(JestAsymmetricMatchers);

type Expect = ((value: unknown, message?: string) => Chai.Assertion) & Record<string, unknown>;

/** vitest's expect, built as vitest's createExpect builds it (without snapshots and polling). */
export const expect: Expect = Object.assign((value: unknown, message?: string) => chai.expect(value, message), chai.expect) as never;
Object.assign(expect, (globalThis as Record<symbol, unknown>)[ASYMMETRIC_MATCHERS_OBJECT]);
expect.getState = () => getState(expect as never);
expect.setState = (state: object) => setState(state as never, expect as never);
setState({ assertionCalls: 0, isExpectingAssertions: false, isExpectingAssertionsError: null, expectedAssertionsNumber: null, expectedAssertionsNumberErrorGen: null, currentTestName: '' } as never, expect as never);
// JestExtend adds `extend` to chai.expect at run time; chai's types do not know it.
expect.extend = (matchers: object) => (chai.expect as unknown as { extend(expect: never, matchers: never): void }).extend(expect as never, matchers as never);
(expect.extend as (m: object) => void)(customMatchers);

/** What the Node runner provided (its globalSetup values), as vitest's inject() gives them. */
export function inject<T = unknown>(key: string): T {
  const values = provided();
  if (!(key in values)) throw new Error(`inject('${key}'): the runner did not provide it`);
  return values[key] as T;
}

/** Not available outside vitest: a suite that runs in Bun or Deno must not mock. */
export const vi = new Proxy({}, { get: (_, name) => { throw new Error(`vi.${String(name)} is not available in the Bun/Deno harness`); } });
