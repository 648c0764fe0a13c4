// A forwarding proxy of our own, for http:// targets only (absolute-form requests, RFC 9112 §3.2.2; a
// CONNECT gets a 405). Unlike the `proxy` package, it forwards every header line exactly as it received
// it (names, case, duplicates, hop-by-hop ones), so what reaches the origin is what the client sent. With `auth`, it
// consumes the one Proxy-Authorization line that carries its credentials (RFC 9110 §11.7.2: the
// header is for the proxy that asks for it) and forwards everything else, so any other copy of the
// credentials a client sends shows up at the origin.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the proxy received, its header lines as they came (`rawHeaders`: name, value, ...). */
export interface ForwardHit {
  method: string;
  target: string;
  rawHeaders: string[];
}

export interface TestForwardProxy {
  /** http://127.0.0.1:PORT (no credentials). */
  url: string;
  port: number;
  hits: ForwardHit[];
  close(): Promise<void>;
}

/** The values of header `name` (any case) in `rawHeaders` order, every line. */
export function rawHeaderValues(raw: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === name.toLowerCase()) values.push(raw[i + 1]!);
  return values;
}

/** The header lines to forward: all of them, less the one Proxy-Authorization line equal to `consumed`. */
function forwardedHeaders(raw: readonly string[], consumed: string | undefined): string[] {
  const out: string[] = [];
  let dropped = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const [name, value] = [raw[i]!, raw[i + 1]!];
    if (!dropped && consumed !== undefined && name.toLowerCase() === 'proxy-authorization' && value === consumed) {
      dropped = true;
      continue;
    }
    out.push(name, value);
  }
  return out;
}

/** Starts the proxy; with `auth`, a request without exactly those Basic credentials gets a 407. */
export async function startForwardProxy(options: { auth?: readonly [string, string] } = {}): Promise<TestForwardProxy> {
  const expected = options.auth && `Basic ${Buffer.from(options.auth.join(':')).toString('base64')}`;
  const hits: ForwardHit[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    hits.push({ method: req.method ?? '', target: req.url ?? '', rawHeaders: [...req.rawHeaders] });
    if (expected !== undefined && req.headers['proxy-authorization'] !== expected) {
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="forward-proxy"', 'Content-Length': '0' }).end();
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
      if (target.protocol !== 'http:') throw new Error('not http');
    } catch {
      res.writeHead(400, { 'Content-Length': '0' }).end();
      return;
    }
    const upstream = http.request({
      host: target.hostname, port: target.port || 80, method: req.method, path: target.pathname + target.search,
      headers: forwardedHeaders(req.rawHeaders, expected), agent: false,
    }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
      answer.pipe(res);
    });
    upstream.on('error', () => res.headersSent ? res.destroy() : res.writeHead(502, { 'Content-Length': '0' }).end());
    req.pipe(upstream);
  });
  // No tunnels here: a CONNECT is refused at once rather than left hanging.
  server.on('connect', (req: http.IncomingMessage, socket: Socket) => {
    hits.push({ method: req.method ?? '', target: req.url ?? '', rawHeaders: [...req.rawHeaders] });
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n');
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
