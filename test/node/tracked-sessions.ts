// Sessions a test file makes through `trackedSessions()` are closed after each test, so no pool or
// socket outlives the test that opened it.
import { afterEach } from 'vitest';
import { Session } from 'errand';

type Options = ConstructorParameters<typeof Session>[0];

/** A Session factory for one test file; `defaults` go under each call's options. */
export function trackedSessions(defaults: Options = {}): (options?: Options) => Session {
  const open: Session[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return (options = {}) => {
    const s = new Session({ ...defaults, ...options });
    open.push(s);
    return s;
  };
}
