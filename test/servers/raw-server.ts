// The scriptable HTTP/1.1 server of the tests, on a raw socket (node:net): it reads exactly what the
// client wrote (requests' test_lowlevel.py technique) and answers with behaviours that own the socket,
// so it can answer properly, lie about lengths and framing, stall, trickle or reset
// (test/servers/behaviours.ts is the library of them). Loopback only.
//
// Who answers a request, first match wins:
//   1. route(path, ...script): the i-th request to that path runs the i-th behaviour, the last repeats;
//   2. options.routes(path): the same, for scripts preset by pattern (the hostile matrix's routes);
//   3. options.script: the i-th request to the server, whatever its path (a wire test's exchanges);
//      past its end a 500 is sent and counted in `unscripted`;
//   4. otherwise 200 `ok`, connection kept alive (what the fault tests' "still usable" request gets).
// Every request is recorded (raw bytes, header lines as written) and counted per path. With
// `control: true`, GET /__count?path=P and POST /__reset[?prefix=P] let a test that cannot hold this
// object (edge VM, workerd, both in another process) ask what a path got, and start a path over.
import net, { type AddressInfo, type Socket } from 'node:net';
import { headerValues, parseRawRequest, type RawRequest } from './raw-request.ts';

/** One request as it arrived: the raw request plus where it came from and easy header access. */
export interface RecordedRequest extends RawRequest {
  /** Which connection (0, 1, ...) carried it. */
  connection: number;
  /** Its position on that connection (0 for the first). */
  onConnection: number;
  /** The request target without the query. */
  path: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** A header's value (any case); several occurrences joined with ", ". */
  header(name: string): string | undefined;
  /** How many times a header occurs. */
  count(name: string): number;
}

/** What a behaviour is given: the request, its socket, and helpers that respect a closed socket. */
export interface Exchange {
  request: RecordedRequest;
  socket: Socket;
  /** Writes when the socket is still open; false once the peer has gone. */
  write(bytes: string | Buffer): boolean;
  /** Resolves after `ms`, or at once when the socket closes (so a stalled behaviour never outlives its client). */
  wait(ms: number): Promise<void>;
}

/** Answers (or refuses to answer) one request. */
export type Behaviour = (exchange: Exchange) => void | Promise<void>;

export interface RawServerOptions {
  /** Answers the i-th request to the server, whatever its path, unless a route matches. */
  script?: Behaviour[];
  /** Scripts for paths not given to route(), chosen by pattern; undefined: not this one. */
  routes?: (path: string) => Behaviour[] | undefined;
  /** Serve /__count and /__reset (see the header comment). */
  control?: boolean;
}

export interface RawServer {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** http://localhost:PORT: the same server under another host name (another origin). */
  altUrl: string;
  /** Every request received, in order (control requests excepted). */
  requests: RecordedRequest[];
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections open now (server side). */
  readonly open: number;
  /** Requests that arrived after options.script ran out (each answered 500). */
  readonly unscripted: number;
  /** Sets the script of a path (replacing any earlier one) and forgets its count. */
  route(path: string, ...script: Behaviour[]): void;
  /** Requests received for a path. */
  count(path: string): number;
  /** Connections open now whose latest request was for `path`. */
  openFor(path: string): number;
  /**
   * Forgets the counts of the paths starting with `prefix` (all by default), so their scripts start over,
   * and closes every connection that carried one of them: a connection a hostile answer left in a bad
   * state (bytes past its Content-Length waiting to be read) cannot reach the next test.
   */
  reset(prefix?: string): void;
  close(): Promise<void>;
}

/**
 * Starts the server on 127.0.0.1, and on ::1 with the same port where the host has IPv6 (so
 * `localhost` reaches it whichever address the resolver picks).
 */
export async function startRawServer(options: RawServerOptions = {}): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const scripts = new Map<string, Behaviour[]>();
  const counts = new Map<string, number>();
  /** The paths each open connection carried, the latest last. */
  const carried = new Map<Socket, string[]>();
  let connections = 0;
  let next = 0;
  let unscripted = 0;
  const requests: RecordedRequest[] = [];

  const choose = (request: RecordedRequest): Behaviour => {
    const seen = counts.get(request.path) ?? 0;
    counts.set(request.path, seen + 1);
    const script = scripts.get(request.path) ?? options.routes?.(request.path);
    if (script) return script[Math.min(seen, script.length - 1)]!;
    if (options.script) {
      const scripted = options.script[next++];
      if (scripted) return scripted;
      unscripted++;
      return answer(500, 'unscripted request');
    }
    return answer(200, 'ok', true);
  };

  const control = (request: RecordedRequest): Behaviour | undefined => {
    if (!options.control || !request.path.startsWith('/__')) return undefined;
    const query = new URLSearchParams(request.target.split('?')[1] ?? '');
    if (request.path === '/__count') {
      const path = query.get('path') ?? '';
      return answer(200, JSON.stringify({ path, count: counts.get(path) ?? 0, open: state.openFor(path) }), true, 'application/json');
    }
    if (request.path === '/__reset' && request.method === 'POST') {
      // Answered on a connection that then closes, so that resetting never cuts the answer short.
      return (exchange) => {
        carried.delete(exchange.socket);
        state.reset(query.get('prefix') ?? '');
        return answer(204, '')(exchange);
      };
    }
    return undefined;
  };

  const onConnection = (socket: Socket): void => {
    const connection = connections++;
    let onConnection = 0;
    sockets.add(socket);
    socket.on('close', () => { sockets.delete(socket); carried.delete(socket); });
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
          const parsed = parseRawRequest(pending);
          if (!parsed) break;
          pending = pending.subarray(parsed.length);
          const request = record(parsed.request, connection, onConnection++);
          let behaviour = control(request);
          if (!behaviour) {
            requests.push(request);
            carried.set(socket, [...carried.get(socket) ?? [], request.path]);
            behaviour = choose(request);
          }
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

  const servers: net.Server[] = [];
  const v4 = net.createServer(onConnection);
  await new Promise<void>((resolve, reject) => v4.once('error', reject).listen(0, '127.0.0.1', resolve));
  servers.push(v4);
  const { port } = v4.address() as AddressInfo;
  const v6 = net.createServer(onConnection);
  try {
    await new Promise<void>((resolve, reject) => v6.once('error', reject).listen(port, '::1', resolve));
    servers.push(v6);
  } catch { /* no IPv6 loopback here: localhost resolves to 127.0.0.1 */ }

  const state: RawServer = {
    port,
    url: `http://127.0.0.1:${port}`,
    altUrl: `http://localhost:${port}`,
    requests,
    get connections() { return connections; },
    get open() { return sockets.size; },
    get unscripted() { return unscripted; },
    route(path, ...script) {
      if (!script.length) throw new Error('raw server: a script needs at least one behaviour');
      scripts.set(path, script);
      counts.delete(path);
    },
    count: (path) => counts.get(path) ?? 0,
    openFor: (path) => [...carried.values()].filter((paths) => paths.at(-1) === path).length,
    reset(prefix = '') {
      for (const path of [...counts.keys()]) if (path.startsWith(prefix)) counts.delete(path);
      for (const [socket, paths] of carried) if (paths.some((path) => path.startsWith(prefix))) socket.destroy();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
  return state;
}

/** A small complete answer of the server's own (defaults, control endpoints). */
function answer(status: number, body: string, keepAlive = false, type = 'text/plain'): Behaviour {
  const bytes = Buffer.from(body);
  const head = `HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Status'}\r\nContent-Type: ${type}\r\nContent-Length: ${bytes.byteLength}\r\n`
    + `Connection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`;
  return ({ socket, write }) => {
    write(Buffer.concat([Buffer.from(head, 'latin1'), bytes]));
    if (!keepAlive) socket.end();
  };
}

/** The parsed request, with the connection it came on and its headers easy to read. */
function record(raw: RawRequest, connection: number, onConnection: number): RecordedRequest {
  // No prototype: a header named __proto__ or constructor is a header like any other.
  const headers: Record<string, string> = Object.create(null);
  for (const [rawName, value] of raw.headerLines) {
    const name = rawName.toLowerCase();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const values = (name: string) => headerValues(raw, name);
  return {
    ...raw,
    connection,
    onConnection,
    path: raw.target.split('?')[0]!,
    headers,
    header: (name) => (values(name).length ? values(name).join(', ') : undefined),
    count: (name) => values(name).length,
  };
}
