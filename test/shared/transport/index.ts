// Every transport suite: what the server runtimes (Node, Bun, Deno) do with their own transports,
// against the rig of test/runtimes/rig.ts. Runners: test/node/transport-shared.test.ts,
// test/bun/transport.test.ts, test/deno/transport.test.ts.
import type { Errand } from '../env.ts';
import { decodingSuite } from './decoding.ts';
import type { TransportEnv, TransportSuite } from './env.ts';
import { faultsSuite } from './faults.ts';
import { interceptionSuite } from './interception.ts';
import { netrcSuite } from './netrc.ts';
import { proxiesSuite } from './proxies.ts';
import { streamingSuite } from './streaming.ts';
import { tlsSuite } from './tls.ts';

export const transportSuites: TransportSuite[] = [proxiesSuite, tlsSuite, decodingSuite, faultsSuite, streamingSuite, netrcSuite, interceptionSuite];

/** Defines every transport suite against one runtime's errand. */
export function runTransportSuites(errand: Errand, env: TransportEnv): void {
  for (const suite of transportSuites) suite(errand, env);
}
