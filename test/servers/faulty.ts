// A misbehaving HTTP/1.1 server on a raw socket (node:net), for fault-injection tests: each path gets
// a script of behaviours (the i-th request to a path runs the i-th behaviour, the last one repeats),
// and a behaviour owns the socket: it may answer properly, reset it, stall, trickle, lie about the
// length or the encoding. Every request and connection is counted, per path too. Loopback only.
import net, { type AddressInfo, type Socket } from 'node:net';
import { parseRawRequest } from './raw-request.ts';

/** One request as the server parsed it. */
export interface FaultyRequest {
  /** Which connection (0, 1, ...) carried it. */
  connection: number;
  /** Its position on that connection (0 for the first). */
  onConnection: number;
  method: string;
  /** The request target as sent (`/path?q`). */
  target: string;
  /** The path without the query. */
  path: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The body, de-chunked. */
  body: Buffer;
}

/** What a behaviour is given: the request, its socket, and whether the socket is still writable. */
export interface Exchange {
  request: FaultyRequest;
  socket: Socket;
  /** Writes when the socket is still open; false once the peer has gone. */
  write(bytes: string | Buffer): boolean;
  /** Resolves after `ms`, or at once when the socket closes (so a stalled behaviour never outlives its client). */
  wait(ms: number): Promise<void>;
}

/** Answers (or refuses to answer) one request. */
export type Behaviour = (exchange: Exchange) => void | Promise<void>;

export interface FaultyServer {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** Every request received, in order. */
  requests: FaultyRequest[];
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections open now (server side). */
  readonly open: number;
  /** Sets the script of a path (replacing any earlier one) and forgets its count. */
  route(path: string, ...script: Behaviour[]): void;
  /** Requests received for a path. */
  count(path: string): number;
  close(): Promise<void>;
}

const REASONS: Record<number, string> = {
  100: 'Continue', 103: 'Early Hints', 200: 'OK', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found',
  307: 'Temporary Redirect', 401: 'Unauthorized', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A response head: status line and header lines, ending in the blank line. */
export function head(status: number, headers: [string, string][] = []): Buffer {
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}`, ...headers.map(([name, value]) => `${name}: ${value}`)];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/**
 * A complete response. Content-Length is added unless a length or Transfer-Encoding is given; the
 * connection is closed after it unless `keepAlive`.
 */
export function respond(status: number, headers: [string, string][] = [], body: string | Buffer = '', options: { keepAlive?: boolean } = {}): Behaviour {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
  const all: [string, string][] = [...headers];
  if (!has('content-length') && !has('transfer-encoding')) all.push(['Content-Length', String(bytes.byteLength)]);
  if (!has('connection')) all.push(['Connection', options.keepAlive ? 'keep-alive' : 'close']);
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

/** Starts the server on 127.0.0.1. A path without a script answers 200 `ok` and keeps the connection alive. */
export async function startFaultyServer(): Promise<FaultyServer> {
  const sockets = new Set<Socket>();
  const scripts = new Map<string, Behaviour[]>();
  const counts = new Map<string, number>();
  let connections = 0;
  const requests: FaultyRequest[] = [];

  const onConnection = (socket: Socket): void => {
    const connection = connections++;
    let onConnection = 0;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let pending = Buffer.alloc(0);
    let busy = false;
    const write = (bytes: string | Buffer): boolean => {
      if (socket.destroyed || !socket.writable) return false;
      socket.write(bytes);
      return true;
    };
    const wait = (ms: number) => new Promise<void>((resolve) => {
      if (socket.destroyed) return resolve();
      const done = () => { clearTimeout(timer); socket.off('close', done); resolve(); };
      const timer = setTimeout(done, ms);
      socket.once('close', done);
    });
    const pump = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        for (;;) {
          const parsed = parseRequest(pending, connection, onConnection);
          if (!parsed) break;
          onConnection++;
          pending = pending.subarray(parsed.length);
          const request = parsed.request;
          requests.push(request);
          const seen = counts.get(request.path) ?? 0;
          counts.set(request.path, seen + 1);
          const script = scripts.get(request.path);
          const behaviour = script ? script[Math.min(seen, script.length - 1)]! : ok('ok', { keepAlive: true });
          await behaviour({ request, socket, write, wait });
          if (socket.destroyed || !socket.writable) return;
        }
      } finally {
        busy = false;
      }
    };
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      void pump();
    });
  };

  const server = net.createServer(onConnection);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    get connections() { return connections; },
    get open() { return sockets.size; },
    route(path, ...script) {
      if (!script.length) throw new Error('faulty server: a script needs at least one behaviour');
      scripts.set(path, script);
      counts.delete(path);
    },
    count: (path) => counts.get(path) ?? 0,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/** One complete request at the start of `data`, or undefined while more bytes are needed. */
function parseRequest(data: Buffer, connection: number, onConnection: number): { request: FaultyRequest; length: number } | undefined {
  const parsed = parseRawRequest(data);
  if (!parsed) return undefined;
  const { method, target, headerLines, body } = parsed.request;
  const headers: Record<string, string> = {};
  for (const [rawName, value] of headerLines) {
    const name = rawName.toLowerCase();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const request: FaultyRequest = { connection, onConnection, method, target, path: target.split('?')[0]!, headers, body };
  return { request, length: parsed.length };
}
