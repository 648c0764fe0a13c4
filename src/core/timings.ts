// r.timings: where the milliseconds of one hop went, with got's names (its @szmarczak/http-timer), built from
// the moments an adapter saw. A moment the runtime does not show stays undefined, and so does every phase
// that needs it: never a guess (DESIGN.md "Timings and tracing").

/**
 * The moments of one hop, in milliseconds on the runtime's high-resolution clock (`performance.now()`), as
 * an adapter notes them. Only `start` is always known.
 */
export interface HopMarks {
  /** The adapter began the request. */
  start: number;
  /** The request got its socket: a new connection began to open, or a kept-alive one was taken. */
  socket?: number | undefined;
  /** The DNS answer arrived (equal to `socket` when the host is an IP address: there was nothing to look up). */
  lookup?: number | undefined;
  /** The TCP connection was up (to the proxy, through one). */
  connect?: number | undefined;
  /** The TLS handshake with the server was done. */
  secureConnect?: number | undefined;
  /** The whole request, body included, had been written. */
  upload?: number | undefined;
  /** Where the end of the upload cannot be seen: when the request began to go out (Resource Timing's requestStart). */
  sent?: number | undefined;
  /** The response headers had arrived. */
  response?: number | undefined;
  /** The body had been read to its end. */
  end?: number | undefined;
}

/**
 * Reads more exact marks for a hop at the first use of `r.timings`, where the runtime measures them itself
 * (the browser's Resource Timing); undefined when it has none for this URL.
 */
export type MarksLookup = (url: string, marks: HopMarks) => HopMarks | undefined;

/** Durations of one hop in milliseconds, as got names them; undefined where a moment it needs is unknown. */
export interface TimingPhases {
  /** `socket - start`: waiting for a socket (a free one in the pool, or the start of a new connection). */
  wait: number | undefined;
  /** `lookup - socket`: the DNS lookup (0 for an IP address). */
  dns: number | undefined;
  /** `connect - lookup`: the TCP handshake. */
  tcp: number | undefined;
  /** `secureConnect - connect`: the TLS handshake. */
  tls: number | undefined;
  /** `upload - (secureConnect ?? connect ?? socket)`: writing the request. */
  request: number | undefined;
  /** `response - upload`: the server's answer, up to the response headers (from the request's start where the upload's end is not seen). */
  firstByte: number | undefined;
  /** `end - response`: reading the body. */
  download: number | undefined;
  /** `end - start`. */
  total: number | undefined;
}

/**
 * `r.timings`: the moments of one hop as epoch milliseconds (fractional), and its phases. A reused
 * keep-alive socket has no `lookup`, `connect`, `secureConnect` (so no `dns`, `tcp`, `tls`); what each runtime
 * can see is in the README ("Timings").
 */
export interface Timings {
  start: number | undefined;
  socket: number | undefined;
  lookup: number | undefined;
  connect: number | undefined;
  secureConnect: number | undefined;
  upload: number | undefined;
  response: number | undefined;
  end: number | undefined;
  phases: TimingPhases;
}

const MOMENTS = ['start', 'socket', 'lookup', 'connect', 'secureConnect', 'upload', 'response', 'end'] as const;

/** The Timings of a hop from its marks (all undefined without marks: a Response made by hand or by a hook). */
export function toTimings(marks: HopMarks | undefined): Timings {
  const m: Partial<HopMarks> = marks ?? {};
  const span = (from: number | undefined, to: number | undefined) => (from === undefined || to === undefined ? undefined : to - from);
  const timings = {} as Timings;
  // Epoch milliseconds, as got gives them (Date.now()), on the high-resolution clock.
  for (const name of MOMENTS) timings[name] = m[name] === undefined ? undefined : performance.timeOrigin + m[name];
  timings.phases = {
    wait: span(m.start, m.socket),
    dns: span(m.socket, m.lookup),
    tcp: span(m.lookup, m.connect),
    tls: span(m.connect, m.secureConnect),
    request: span(m.secureConnect ?? m.connect ?? m.socket, m.upload),
    firstByte: span(m.upload ?? m.sent ?? m.start, m.response),
    download: span(m.response, m.end),
    total: span(m.start, m.end),
  };
  return timings;
}
