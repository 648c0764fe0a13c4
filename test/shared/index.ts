// Every shared behaviour suite, in the order the runners call them.
import { authSuite } from './auth.ts';
import { bodiesSuite } from './bodies.ts';
import { cacheSuite } from './cache.ts';
import { encodingSuite } from './encoding.ts';
import type { Errand, Suite, SuiteEnv } from './env.ts';
import { errorsSuite } from './errors.ts';
import { eventsSuite } from './events.ts';
import { hooksSuite } from './hooks.ts';
import { redirectsSuite } from './redirects.ts';
import { requestsSuite } from './requests.ts';
import { responsesSuite } from './responses.ts';
import { runtimeLimitsSuite } from './runtime-limits.ts';
import { sessionsSuite } from './sessions.ts';
import { streamingSuite } from './streaming.ts';
import { timingsSuite } from './timings.ts';

export const suites: Suite[] = [
  requestsSuite,
  bodiesSuite,
  sessionsSuite,
  authSuite,
  responsesSuite,
  encodingSuite,
  streamingSuite,
  eventsSuite,
  redirectsSuite,
  hooksSuite,
  errorsSuite,
  runtimeLimitsSuite,
  cacheSuite,
  timingsSuite,
];

/** Defines every shared suite against one runtime's errand. */
export function runSharedSuites(errand: Errand, env: SuiteEnv): void {
  for (const suite of suites) suite(errand, env);
}
