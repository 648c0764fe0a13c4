// What every fault test checks after the fault: the same Session still answers a normal request, and
// nothing is left open (no socket, server or timer beyond what was there before), by comparing
// process.getActiveResourcesInfo() before and after, with a short settle for closes in flight.
// Timers are tracked one by one with async_hooks as well: getActiveResourcesInfo() counts 'Timeout'
// entries loosely (on Node 20 a live setInterval can drop out of the count), so a timer that errand
// starts and never clears is found by identity, if it still holds the event loop (ref'd).
// Each test file runs in its own worker, so the shared httpbin of globalSetup (another process) is
// never among these handles; the raw server's listening sockets are, before and after alike.
import { createHook } from 'node:async_hooks';
import { expect } from 'vitest';
import { Session } from 'errand';
import type { RawServer } from '../../servers/raw-server.ts';

type SessionOptions = ConstructorParameters<typeof Session>[0];

/** Timers created while tracking and not yet fired or cleared. */
const liveTimers = new Map<number, { hasRef?: () => boolean; _onTimeout?: unknown; _destroyed?: boolean }>();
let tracking = false;
const timerHook = createHook({
  init(id, type, _trigger, resource) {
    if (tracking && type === 'Timeout') liveTimers.set(id, resource as { hasRef?: () => boolean });
  },
  destroy(id) { liveTimers.delete(id); },
});

/** Starts noting every timer created from now on (see expectNothingLeftOpen). */
export function trackTimers(): void {
  liveTimers.clear();
  tracking = true;
  timerHook.enable();
}

/** Timers created since trackTimers() that are still pending and keep the process alive. */
function pendingTimers(): string[] {
  // A timer that fired or was cleared is marked _destroyed at once; its async_hooks destroy comes later.
  return [...liveTimers.values()].filter((timer) => !timer._destroyed && timer.hasRef?.() !== false).map((timer) => String((timer._onTimeout as { name?: string } | undefined)?.name || 'anonymous'));
}

/** Active resources by type ('TCPSocketWrap': 2, 'Timeout': 1, ...). */
export function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** The resource types that are more numerous now than in `before`, with how many more. */
function extra(before: Record<string, number>): Record<string, number> {
  const now = resources();
  const grown: Record<string, number> = {};
  for (const [type, count] of Object.entries(now)) if (count > (before[type] ?? 0)) grown[type] = count - (before[type] ?? 0);
  // setImmediate callbacks queued this very turn are not something left open; timers are counted by pendingTimers().
  delete grown['Immediate'];
  delete grown['Timeout'];
  const timers = pendingTimers();
  if (timers.length) grown['Timeout'] = timers.length;
  return grown;
}

/**
 * Waits (up to a few seconds, polling) for sockets and timers to close, then asserts that none is
 * left beyond `before`. Only the final state is asserted, never how long closing took.
 */
export async function expectNothingLeftOpen(before: Record<string, number>, when: string): Promise<void> {
  for (let i = 0; i < 150 && Object.keys(extra(before)).length; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(extra(before), `resources left open ${when} (timers: ${pendingTimers().join(', ')})`).toEqual({});
}

export interface ScenarioOptions {
  /**
   * Check for open handles right after the fault too (default true). Off when the fault leaves a
   * healthy idle keep-alive connection in the pool on purpose (the session's to keep until close()).
   */
  checkAfterFault?: boolean;
  /** The path of the normal request sent afterwards (default `/healthy`, answered 200 `ok`). */
  healthyPath?: string;
}

/**
 * Runs `fault` on a new Session, then checks that nothing is left open, that the same Session
 * still gets `ok` from the server, and that closing it leaves nothing open either.
 */
export async function withFault(server: RawServer, sessionOptions: SessionOptions, fault: (s: Session) => Promise<void>,
  options: ScenarioOptions = {}): Promise<void> {
  trackTimers();
  const before = resources();
  const s = new Session(sessionOptions);
  try {
    await fault(s);
    if (options.checkAfterFault ?? true) await expectNothingLeftOpen(before, 'after the fault');
    const healthy = await s.get(`${server.url}${options.healthyPath ?? '/healthy'}`, { retries: 0 });
    expect([healthy.statusCode, healthy.text]).toEqual([200, 'ok']);
  } finally {
    await s.close();
  }
  try {
    await expectNothingLeftOpen(before, 'after session.close()');
  } finally {
    tracking = false;
    timerHook.disable();
  }
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { request?: unknown; response?: unknown }> {
  return promise.then(
    (value) => expect.fail(`expected a rejection, got ${String(value)}`),
    (error: unknown) => error as Error,
  );
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
