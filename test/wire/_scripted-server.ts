// One raw server per script, for the wire tests: each test gets fresh servers, closed after it.
import { afterEach } from 'vitest';
import type { Behaviour } from '../servers/behaviours.ts';
import { startRawServer, type RawServer } from '../servers/raw-server.ts';

/**
 * Returns `server(...script)`: starts a raw server answering the i-th request with script[i], whatever
 * its path (past the end, 500 and `unscripted`). Every server started is closed after each test.
 */
export function scriptedServers(): (...script: Behaviour[]) => Promise<RawServer> {
  const started: RawServer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.close()));
  });
  return async (...script) => {
    const raw = await startRawServer({ script });
    started.push(raw);
    return raw;
  };
}
