// A scripted raw-socket HTTP/1.1 server (node:net) for wire tests, in the spirit of requests'
// test_lowlevel.py: each request is answered by the next scripted exchange, and the exact bytes the
// client sent are recorded (request line, header lines as written, body bytes and their framing).
import net, { type AddressInfo, type Socket } from 'node:net';
import { headerValues, parseRawRequest, type RawRequest } from '../servers/raw-request.ts';

/** One request as it arrived on the wire: the raw request (line, header lines as written, body, bytes). */
export interface RecordedRequest extends RawRequest {
  /** Which connection (0, 1, ...) carried it. */
  connection: number;
  /** A header's value (names compared without case); several occurrences joined with ", ". */
  header(name: string): string | undefined;
  /** How many times a header occurs. */
  count(name: string): number;
}

/** Answers one request: raw response bytes (see `reply`). */
export type Exchange = (request: RecordedRequest, server: RawServer) => string | Buffer | Promise<string | Buffer>;

export interface RawServer {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** http://localhost:PORT: the same server under another host name. */
  altUrl: string;
  /** Every request received, in order (unscripted ones too). */
  requests: RecordedRequest[];
  /** How many connections were opened. */
  connections: number;
  /** Requests that arrived after the script ran out (each answered 500). */
  unscripted: number;
  close(): Promise<void>;
}

/**
 * A response as bytes: status line, the given header lines as written, and a Content-Length unless one
 * is given. `Connection: close` by default so each exchange gets its own connection.
 */
export function reply(status: number, headers: [string, string][] = [], body: string | Buffer = ''): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}`];
  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  if (!has('content-length') && !has('transfer-encoding')) lines.push(`Content-Length: ${bytes.byteLength}`);
  if (!has('connection')) lines.push('Connection: close');
  // latin1: a header value given as a binary string goes out byte for byte (for non-ASCII Location tests).
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]);
}

const REASONS: Record<number, string> = {
  200: 'OK', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 307: 'Temporary Redirect',
  308: 'Permanent Redirect', 401: 'Unauthorized', 500: 'Internal Server Error',
};

/**
 * Starts a server on 127.0.0.1 (and ::1 on the same port where the host has IPv6, so `localhost`
 * reaches it whichever address the resolver picks). `script[i]` answers the i-th request.
 */
export async function startRawServer(script: Exchange[]): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const state: RawServer = {
    port: 0, url: '', altUrl: '', requests: [], connections: 0, unscripted: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
  let next = 0;
  const onConnection = (socket: Socket): void => {
    const connection = state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let pending = Buffer.alloc(0);
    let busy = false;
    const pump = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        for (;;) {
          const parsed = parseRequest(pending, connection);
          if (!parsed) break;
          pending = pending.subarray(parsed.length);
          state.requests.push(parsed.request);
          const exchange = script[next++];
          let response: string | Buffer;
          if (exchange) {
            response = await exchange(parsed.request, state);
          } else {
            state.unscripted++;
            response = reply(500, [], 'unscripted request');
          }
          if (socket.destroyed) return;
          const bytes = typeof response === 'string' ? Buffer.from(response, 'latin1') : response;
          socket.write(bytes);
          if (/\r\nconnection:\s*close\r\n/i.test(bytes.subarray(0, bytes.indexOf('\r\n\r\n') + 2).toString('latin1'))) {
            socket.end();
            return;
          }
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

  const servers: net.Server[] = [];
  const v4 = net.createServer(onConnection);
  await new Promise<void>((resolve, reject) => v4.once('error', reject).listen(0, '127.0.0.1', resolve));
  servers.push(v4);
  state.port = (v4.address() as AddressInfo).port;
  const v6 = net.createServer(onConnection);
  try {
    await new Promise<void>((resolve, reject) => v6.once('error', reject).listen(state.port, '::1', resolve));
    servers.push(v6);
  } catch { /* no IPv6 loopback here: localhost resolves to 127.0.0.1 */ }
  state.url = `http://127.0.0.1:${state.port}`;
  state.altUrl = `http://localhost:${state.port}`;
  return state;
}

/** One complete request at the start of `data`, or undefined when more bytes are needed. */
function parseRequest(data: Buffer, connection: number): { request: RecordedRequest; length: number } | undefined {
  const parsed = parseRawRequest(data);
  if (!parsed) return undefined;
  const raw = parsed.request;
  const values = (name: string) => headerValues(raw, name);
  const request: RecordedRequest = {
    ...raw,
    connection,
    header: (name) => (values(name).length ? values(name).join(', ') : undefined),
    count: (name) => values(name).length,
  };
  return { request, length: parsed.length };
}
