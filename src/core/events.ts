// s.events(): Server-Sent Events through the Session, reconnecting as the HTML standard's EventSource
// does (§9.2.3), with any method and body. Reached only through a dynamic import() from session.ts.
import { parseContentType } from './charset.ts';
import { ConnectionError, HTTPError, RequestError, SSLError, TimeoutError, redactUrl } from './errors.ts';
import { parseEventStream, type EventStreamState, type ServerSentEvent } from './event-stream.ts';
import { normalizeTimeout, type HeadersInput, type RequestOptions, type TimeoutInput } from './options.ts';
import type { Response } from './response.ts';
import { sleep } from './retry.ts';

/** The reconnection time before the server sends a `retry:` field (HTML §9.2.3 suggests a few seconds). */
export const DEFAULT_RECONNECT_MS = 3000;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Reconnects in a row that may follow no steady connection, by default. */
export const DEFAULT_MAX_RECONNECTS = 5;
/**
 * How long a connection that brought an event must have stayed open for the reconnect after it to be
 * free (not counted against `maxReconnects`). A feed dropped now and then by a proxy runs on; a server
 * that answers each connection with one event and `retry: 0` is reconnected to at most `maxReconnects`
 * times in a row, not hundreds of times a second (the events() call's budget, README "Every call has a budget").
 */
export const STEADY_CONNECTION_MS = 1000;

/** Options of `session.events()`: those of any call (but `stream`), and how to reconnect. */
export interface EventsOptions extends Omit<RequestOptions, 'stream'> {
  /** The method of every connection (default `GET`); a body (`json`, `data`) is sent again on each. */
  method?: string;
  /**
   * Reconnects in a row after connections that were not steady (default 5; `Infinity` for a feed that
   * never gives up, whose reconnects after an unsteady connection then wait at least a second). A
   * connection that delivered an event and stayed open at least a second (`STEADY_CONNECTION_MS`)
   * starts the count again, so a feed that drops now and then runs on, and a server that fails, hangs
   * up at once, or sends one event per connection with `retry: 0` is given up after this many reconnects.
   * @example s.events(url, { maxReconnects: 0 }) // one connection, as for an LLM completion
   */
  maxReconnects?: number;
  /** The `Last-Event-ID` of the first connection, to resume a feed where an earlier one stopped. */
  lastEventId?: string;
  /** Milliseconds to wait before a reconnect until the server sends a `retry:` field (default 3000). */
  reconnectDelay?: number;
  /** Called before each reconnect, with how long errand will wait first (for logs and metrics). */
  onReconnect?: (info: ReconnectInfo) => void | Promise<void>;
}

/** What `onReconnect` is told. */
export interface ReconnectInfo {
  /** 1 for the stream's first reconnect, 2 for the second… */
  attempt: number;
  /** Milliseconds errand waits before connecting again: the server's latest `retry:`, else `reconnectDelay`. */
  delay: number;
  /** The `Last-Event-ID` the next connection sends (`''`: none). */
  lastEventId: string;
  /** What ended the connection when it failed (a ConnectionError, a TimeoutError); absent when the stream ended. */
  error?: unknown;
}

/** What `streamEvents` needs from a Session. */
export interface EventSession {
  request(method: string, url: string | URL, options: RequestOptions): Promise<Response>;
  timeout: RequestOptions['timeout'];
}

/**
 * The events of `url`, reconnecting after the stream ends or breaks. Each connection is an ordinary call
 * through the Session (auth, cookies, proxies, hooks, retries and its own budget); the reconnects are
 * bounded by `maxReconnects` in a row, and only a steady connection (`STEADY_CONNECTION_MS`) frees the
 * next one. A total `timeout` bounds each connection until its headers arrive, not the stream's life.
 * Ends quietly on a 204, on `signal`, and when the reconnects are spent after a stream that ended;
 * throws on a non-2xx status, a Content-Type other than text/event-stream, an error a reconnect cannot
 * mend, or the last failure once the reconnects are spent.
 */
export async function* streamEvents(session: EventSession, url: string | URL, options: EventsOptions = {}): AsyncGenerator<ServerSentEvent> {
  const {
    method = 'GET', maxReconnects = DEFAULT_MAX_RECONNECTS, lastEventId = '', reconnectDelay = DEFAULT_RECONNECT_MS, onReconnect,
    signal, timeout, headers, ...call
  } = options;
  checkEventsOptions(maxReconnects, lastEventId, reconnectDelay, onReconnect);
  const deadline = splitTimeout(timeout === undefined ? session.timeout : timeout);
  const state: EventStreamState = { lastEventId, retry: undefined };
  let spent = 0; // reconnects in a row since the last steady connection
  for (let attempt = 1; ; attempt++) {
    let failure: { error: unknown } | undefined;
    const lived = { events: 0, since: 0, until: 0 };
    const connection = startConnection(signal ?? undefined, deadline.total, `${method} ${redactUrl(String(url))}`);
    try {
      const response = await session.request(method, url, {
        ...call, headers: eventStreamHeaders(headers, state.lastEventId), stream: true, signal: connection.signal, timeout: deadline.perPhase,
      });
      connection.headersArrived();
      lived.since = Date.now();
      try {
        if (!checkEventStream(response)) return;
        for await (const event of parseEventStream(response.iterContent(), state, response)) {
          lived.events++;
          yield event;
        }
      } finally {
        lived.until = Date.now();
        await response.close();
      }
    } catch (error) {
      if (signal?.aborted) return;
      if (!isReconnectable(error)) throw error;
      failure = { error };
    } finally {
      connection.done();
    }
    const steady = isSteady(lived);
    if (steady) spent = 0;
    const next = nextReconnect(state, spent, maxReconnects, reconnectDelay, steady);
    if (!next) {
      if (failure) throw failure.error;
      return;
    }
    if (isOneShot(call.data)) {
      throw new RequestError(`${method} ${redactUrl(String(url))}: cannot reconnect, the request body was a stream, which is sent only once; give it as bytes, a string or json, or set maxReconnects: 0`, { cause: failure?.error });
    }
    spent++;
    await onReconnect?.({ attempt, delay: next.delay, lastEventId: next.lastEventId, ...(failure ? { error: failure.error } : {}) });
    try {
      await sleep(next.delay, signal ?? undefined);
    } catch {
      return; // the user's signal ended the wait
    }
  }
}

/**
 * HTML §9.2.3 ("announce the connection" or "fail the connection"): true when the response carries an
 * event stream, false for a 204 (the server's way to say "stop"); throws for any other status or a
 * Content-Type other than text/event-stream, which reconnecting would not change.
 */
export function checkEventStream(response: Response): boolean {
  const status = response.statusCode;
  if (status === 204) return false;
  const where = `${response.request.method} ${redactUrl(response.url)}`;
  if (status < 200 || status > 299) {
    const ErrorClass = status >= 400 ? HTTPError : RequestError;
    throw new ErrorClass(`${where} answered ${status} ${response.reason || ''}`.trimEnd() + '; an event stream needs a 2xx, so errand does not reconnect', { response });
  }
  const { type } = parseContentType(response.headers.get('content-type'));
  if (type !== 'text/event-stream') {
    throw new RequestError(`${where} answered with Content-Type ${type || '(none)'}, not text/event-stream; errand does not reconnect`, { response });
  }
  return true;
}

/** Whether a failure is one a new connection may mend: a refused or broken connection, or a timeout (not TLS). */
export function isReconnectable(error: unknown): boolean {
  return (error instanceof ConnectionError && !(error instanceof SSLError)) || error instanceof TimeoutError;
}

/**
 * Whether a connection was steady: it delivered an event and its stream stayed open at least
 * `STEADY_CONNECTION_MS` (epoch milliseconds; `since` is 0 when no stream began). Only a steady
 * connection frees the reconnect after it, so events alone cannot keep a reconnect loop going. Pure.
 */
export function isSteady(connection: { events: number; since: number; until: number }): boolean {
  return connection.events > 0 && connection.since > 0 && connection.until - connection.since >= STEADY_CONNECTION_MS;
}

/**
 * The next reconnect, or none once `maxReconnects` reconnects in a row (`spent`, counted since the last
 * steady connection) are spent: wait the stream's reconnection time (its latest `retry:`, else
 * `reconnectDelay`), then send its last event ID. With no bound on the count (`Infinity`), a reconnect
 * after a connection that was not `steady` waits at least `STEADY_CONNECTION_MS`: the rate is then the
 * budget, at most one such reconnect a second whatever `retry:` says. Pure.
 */
export function nextReconnect(state: Readonly<EventStreamState>, spent: number, maxReconnects: number,
  reconnectDelay = DEFAULT_RECONNECT_MS, steady = false): { delay: number; lastEventId: string } | undefined {
  if (spent >= maxReconnects) return undefined;
  const floor = maxReconnects === Infinity && !steady ? STEADY_CONNECTION_MS : 0;
  // A timer longer than 2^31 - 1 ms fires at once (HTML timers, setTimeout): a huge retry: waits the longest a timer can.
  return { delay: Math.min(Math.max(state.retry ?? reconnectDelay, floor), MAX_TIMER_MS), lastEventId: state.lastEventId };
}

/**
 * The headers of one connection: `Accept: text/event-stream` unless the call names another, the call's
 * own headers (a `null` still removes a session header), and `Last-Event-ID` when there is one, UTF-8
 * encoded as the HTML standard says (a header value is bytes).
 */
export function eventStreamHeaders(input: HeadersInput | null | undefined, lastEventId: string): Record<string, string | number | null | undefined> {
  const headers: Record<string, string | number | null | undefined> = { Accept: 'text/event-stream' };
  const entries = input == null ? [] : input instanceof Headers ? [...input] : Array.isArray(input) ? input : Object.entries(input);
  for (const [name, value] of entries) headers[name] = value;
  if (lastEventId !== '') {
    let bytes = '';
    for (const byte of new TextEncoder().encode(lastEventId)) bytes += String.fromCharCode(byte);
    headers['Last-Event-ID'] = bytes;
  }
  return headers;
}

/** A total timeout splits in two: the part errand applies per connection until the headers, and the rest. */
function splitTimeout(input: TimeoutInput | null | undefined): { total: number | undefined; perPhase: TimeoutInput | null } {
  const { total, ...phases } = normalizeTimeout(input);
  return { total, perPhase: Object.keys(phases).length ? phases : null };
}

/**
 * One connection's signal: the user's, and the total timeout until the headers arrive (then the stream
 * may live as long as it lives; `timeout.read`, where the runtime has it, still catches a silent one).
 * Close to send.ts's startCall, which ends its clock when the body settles rather than at the headers;
 * a helper shared by the two cost 49 B gzip at import in the browser build (measured), so each keeps its own.
 */
function startConnection(user: AbortSignal | undefined, total: number | undefined, what: string) {
  if (total === undefined) return { signal: user, headersArrived() {}, done() {} };
  const controller = new AbortController();
  const onAbort = () => controller.abort(user!.reason);
  if (user?.aborted) controller.abort(user.reason);
  else user?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new TimeoutError(`${what} sent no response headers within the total timeout of ${total} ms`)), total);
  return {
    signal: controller.signal,
    headersArrived: () => clearTimeout(timer),
    done() {
      clearTimeout(timer);
      user?.removeEventListener('abort', onAbort);
    },
  };
}

function checkEventsOptions(maxReconnects: unknown, lastEventId: unknown, reconnectDelay: unknown, onReconnect: unknown): void {
  if (!(maxReconnects === Infinity || (Number.isInteger(maxReconnects) && (maxReconnects as number) >= 0))) {
    throw new TypeError(`errand: maxReconnects must be an integer >= 0 or Infinity, got ${String(maxReconnects)}`);
  }
  if (typeof reconnectDelay !== 'number' || !(reconnectDelay >= 0) || reconnectDelay === Infinity) {
    throw new TypeError(`errand: reconnectDelay must be a finite number of milliseconds >= 0, got ${String(reconnectDelay)}`);
  }
  if (typeof lastEventId !== 'string') throw new TypeError('errand: lastEventId must be a string');
  if (onReconnect !== undefined && typeof onReconnect !== 'function') throw new TypeError('errand: onReconnect must be a function');
}

function isOneShot(data: unknown): boolean {
  return data instanceof ReadableStream || (typeof data === 'object' && data !== null && Symbol.asyncIterator in data);
}
