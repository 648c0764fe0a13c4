/**
 * Request collapsing: while one request for a URL is on its way to the network (the leader), identical
 * requests wait for it instead of sending their own, then look in the store again. A leader whose answer
 * could not be stored says so, and the requests that waited go to the network themselves, once: nobody
 * waits twice.
 */
export interface Flight {
  /** Settles when the leader's answer is stored, or known not to be. */
  readonly landed: Promise<void>;
  /** Whether the leader's answer went into the store. */
  stored: boolean;
}

/** The flights of one cache, by store key. */
export class Flights {
  readonly #flights = new Map<string, Flight & { land(stored: boolean): void }>();

  /** The flight for `key`, if a leader is out. */
  get(key: string): Flight | undefined {
    return this.#flights.get(key);
  }

  /**
   * Becomes the leader for `key`, unless one is out already (then undefined); call the returned function
   * once the answer is stored, or is not.
   */
  lead(key: string): ((stored: boolean) => void) | undefined {
    if (this.#flights.has(key)) return undefined;
    let land!: () => void;
    const flight = { landed: new Promise<void>((resolve) => { land = resolve; }), stored: false } as Flight & { land(stored: boolean): void };
    flight.land = (stored) => {
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
      flight.stored = stored;
      land();
    };
    this.#flights.set(key, flight);
    return flight.land;
  }
}

/** Waits for a flight to land, or rejects with the reason of `signal` when it aborts first. */
export function waitFor(flight: Flight, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return flight.landed;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void flight.landed.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
