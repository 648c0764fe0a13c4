// The behaviours of the raw-socket test server (test/servers/raw-server.ts): how it answers one
// request. The plain ones build an answer byte by byte (`respond`, `head`) or break the exchange
// (`stall`, `resetAfter`, `endAfter`, `hangUp`, `trickle`). The hostile ones take an answer (a status,
// headers and body, decided per request) and send it the way a misbehaving server would: with a
// header block too big to parse, headers that never end, a body longer or shorter than its
// Content-Length, a body that never ends, or broken chunked framing. A path whose script repeats an
// answer "answers forever": a 302 to itself, a 401 to every attempt, a 503 to every retry.
import type { Behaviour, RecordedRequest } from './raw-server.ts';

export type { Behaviour, Exchange } from './raw-server.ts';

const REASONS: Record<number, string> = {
  100: 'Continue', 103: 'Early Hints', 200: 'OK', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found',
  303: 'See Other', 307: 'Temporary Redirect', 308: 'Permanent Redirect', 401: 'Unauthorized', 404: 'Not Found',
  429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
};

/**
 * A response head: status line and header lines, ending in the blank line. Latin-1: a header value
 * given as a binary string goes out byte for byte (for the non-ASCII Location tests).
 */
export function head(status: number, headers: [string, string][] = []): Buffer {
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}`, ...headers.map(([name, value]) => `${name}: ${value}`)];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

const has = (headers: [string, string][], name: string) => headers.some(([n]) => n.toLowerCase() === name);

/**
 * A complete response. Content-Length is added unless a length or Transfer-Encoding is given; the
 * connection is closed after it (`Connection: close`) unless `keepAlive`.
 */
export function respond(status: number, headers: [string, string][] = [], body: string | Buffer = '', options: { keepAlive?: boolean } = {}): Behaviour {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const all: [string, string][] = [...headers];
  if (!has(headers, 'content-length') && !has(headers, 'transfer-encoding')) all.push(['Content-Length', String(bytes.byteLength)]);
  if (!has(headers, 'connection')) all.push(['Connection', options.keepAlive ? 'keep-alive' : 'close']);
  return ({ write, socket }) => {
    write(Buffer.concat([head(status, all), bytes]));
    if (!options.keepAlive) socket.end();
  };
}

/** 200 text/plain `body`. */
export const ok = (body = 'ok', options: { keepAlive?: boolean } = {}): Behaviour => respond(200, [['Content-Type', 'text/plain']], body, options);

/** Writes `bytes` as they are, then leaves the socket open (the client must give up). */
export const stall = (bytes: string | Buffer = ''): Behaviour => ({ write }) => { if (bytes.length) write(bytes); };

/** Writes `bytes`, then resets the connection (TCP RST). */
export const resetAfter = (bytes: string | Buffer = ''): Behaviour => ({ write, socket }) => {
  if (bytes.length) write(bytes);
  // Let the bytes leave before the reset, or the kernel discards them with the connection.
  setImmediate(() => socket.resetAndDestroy());
};

/** Writes `bytes`, then closes the connection normally (FIN). */
export const endAfter = (bytes: string | Buffer = ''): Behaviour => ({ socket }) => { socket.end(bytes); };

/** Closes the connection without answering (what a server whose keep-alive timeout just fired does). */
export const hangUp: Behaviour = ({ socket }) => { socket.end(); };

/** Writes `first`, then each of `rest` after `intervalMs`; ends the connection after the last. */
export function trickle(first: string | Buffer, rest: (string | Buffer)[], intervalMs: number): Behaviour {
  return async ({ write, wait, socket }) => {
    write(first);
    for (const piece of rest) {
      await wait(intervalMs);
      if (!write(piece)) return;
    }
    socket.end();
  };
}

/** Runs `behaviours` one after the other on the same exchange (a 1xx before the real answer, say). */
export const sequence = (...behaviours: Behaviour[]): Behaviour => async (exchange) => {
  for (const behaviour of behaviours) await behaviour(exchange);
};

// ---- hostile answers -------------------------------------------------------------------------------

/** The parts of a response, fixed or decided per request (a Location naming the request's own path). */
export interface Answer {
  status: number;
  headers?: [string, string][];
  body?: string;
}
export type AnswerFor = Answer | ((request: RecordedRequest) => Answer);

/** A misbehaviour: sends an answer the way a hostile server would. */
export type Misbehaviour = (answer: AnswerFor) => Behaviour;

function parts(answer: AnswerFor, request: RecordedRequest): { status: number; headers: [string, string][]; body: Buffer } {
  const { status, headers = [], body = `${status}` } = typeof answer === 'function' ? answer(request) : answer;
  return { status, headers, body: Buffer.from(body) };
}

/** A 3xx to the request's own target: followed, it never ends. */
export const selfRedirect = (status = 302): AnswerFor => (request) => ({ status, headers: [['Location', request.target]], body: 'moved' });

/** 401 asking for Basic credentials. */
export const basicChallenge: Answer = { status: 401, headers: [['WWW-Authenticate', 'Basic realm="hostile"']], body: 'who?' };

/** 401 asking for Digest with a fresh nonce each time; `stale=true` says "your nonce expired, try again". */
export const digestChallenge = (stale: boolean): AnswerFor => () => ({
  status: 401,
  headers: [['WWW-Authenticate', `Digest realm="hostile", nonce="${Math.random().toString(16).slice(2)}", qop="auth"${stale ? ', stale=true' : ''}`]],
  body: 'who?',
});

/** A status to retry (503 by default), with a Retry-After computed when it is sent (an HTTP-date, say). */
export const unavailable = (retryAfter?: () => string, status = 503): AnswerFor => () => ({
  status, headers: retryAfter ? [['Retry-After', retryAfter()]] : [], body: 'busy',
});

/** An event stream of one event that asks for reconnects at once (`retry: 0`). */
export const oneEvent: Answer = { status: 200, headers: [['Content-Type', 'text/event-stream']], body: 'retry: 0\nid: 1\ndata: tick\n\n' };

/** Sent properly: framed by its Content-Length, connection closed after it. */
export const proper: Misbehaviour = (answer) => (exchange) => {
  const { status, headers, body } = parts(answer, exchange.request);
  return respond(status, headers, body)(exchange);
};

/**
 * 1.2 MB of header lines (20,000 of 60 bytes): past every client's header limit (undici's is 16 KiB;
 * workerd reads a 66 KiB head without complaint).
 */
export const hugeHeaders: Misbehaviour = (answer) => (exchange) => {
  const { status, headers, body } = parts(answer, exchange.request);
  const filler = Array.from({ length: 20_000 }, (_, i): [string, string] => [`X-Filler-${String(i).padStart(5, '0')}`, 'f'.repeat(43)]);
  return respond(status, [...headers, ...filler], body)(exchange);
};

/** The status line and headers, then one more header line every 50 ms, never the blank line. */
export const endlessHeaders: Misbehaviour = (answer) => async ({ request, write, wait }) => {
  const { status, headers } = parts(answer, request);
  write(head(status, headers).subarray(0, -2)); // without the blank line that ends the head
  for (let i = 0; ; i++) {
    await wait(50);
    if (!write(`X-More-${i}: yes\r\n`)) return;
  }
};

/**
 * Content-Length covers the body, and then more bytes follow on a kept-alive connection: a complete
 * response of their own (`200 smuggled`), which a client that reused the connection would take for the
 * next answer. The next request on that connection is read and never answered (the connection closes),
 * so a client that got an answer to it got the smuggled one, and nothing stays queued for the one after.
 */
export const longerBody: Misbehaviour = (answer) => ({ request, socket, write }) => {
  const { status, headers, body } = parts(answer, request);
  const smuggled = Buffer.concat([head(200, [['Content-Length', '8'], ['Connection', 'keep-alive']]), Buffer.from('smuggled')]);
  write(Buffer.concat([head(status, [...headers, ['Content-Length', String(body.byteLength)], ['Connection', 'keep-alive']]), body, smuggled]));
  // Before the server's own reader: it still records the request, but can no longer answer it.
  socket.prependOnceListener('data', () => socket.destroy());
};

/** Content-Length promises 1,000 bytes more than the body has; the connection then closes (FIN). */
export const shorterBody: Misbehaviour = (answer) => (exchange) => {
  const { status, headers, body } = parts(answer, exchange.request);
  endAfter(Buffer.concat([head(status, [...headers, ['Content-Length', String(body.byteLength + 1000)]]), body]))(exchange);
};

/** A chunked body that never ends: a chunk every 50 ms, never the last one. */
export const endlessBody: Misbehaviour = (answer) => async ({ request, write, wait }) => {
  const { status, headers, body } = parts(answer, request);
  write(Buffer.concat([head(status, [...headers, ['Transfer-Encoding', 'chunked']]), chunk(body)]));
  while (write(chunk(Buffer.from('more')))) await wait(50);
};

const chunk = (bytes: Buffer) => Buffer.concat([Buffer.from(`${bytes.byteLength.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);

/** Broken chunked framing, each kind as a client's parser meets it. */
export const BAD_CHUNKING = {
  /** A chunk size that is not hexadecimal. */
  'size not hex': 'zz\r\nhello\r\n0\r\n\r\n',
  /** More chunk data than the size said. */
  'data overruns size': '5\r\nhello, world\r\n0\r\n\r\n',
  /** A size no body could have (24 hex digits). */
  'absurd size': 'ffffffffffffffffffffffff\r\nx\r\n',
  /** Cut off before the last chunk, then the connection closes. */
  'cut before last chunk': '5\r\nhello\r\n',
} as const;

/** `Transfer-Encoding: chunked` with broken framing (a kind of BAD_CHUNKING); the connection then closes. */
export const badChunking = (kind: keyof typeof BAD_CHUNKING): Misbehaviour => (answer) => (exchange) => {
  const { status, headers } = parts(answer, exchange.request);
  endAfter(Buffer.concat([head(status, [...headers, ['Transfer-Encoding', 'chunked']]), Buffer.from(BAD_CHUNKING[kind])]))(exchange);
};
