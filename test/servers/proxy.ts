// A real forward proxy on loopback: the npm package `proxy` (TooTallNate's, the proxy-agents
// project's own test proxy) on a node:http server. It forwards absolute-form requests for http://
// targets and opens CONNECT tunnels for https://, and asks for Basic credentials when given some.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createProxy } from 'proxy';

/** One request the proxy received: a forwarded one (absolute-form target) or a CONNECT. */
export interface ProxyHit {
  method: string;
  /** `http://host:port/path` for a forwarded request, `host:port` for CONNECT. */
  target: string;
  proxyAuthorization: string | undefined;
}

export interface TestProxy {
  /** http://127.0.0.1:PORT (no credentials). */
  url: string;
  port: number;
  hits: ProxyHit[];
  /** TCP connections accepted from clients. */
  connections: number;
  /** Client connections open now. */
  readonly open: number;
  close(): Promise<void>;
}

/** Starts a forward proxy; with `auth`, requests without those Basic credentials get a 407. */
export async function startProxy(options: { auth?: readonly [string, string] } = {}): Promise<TestProxy> {
  const server = createProxy(http.createServer());
  const sockets = new Set<Socket>();
  const state = { hits: [] as ProxyHit[], connections: 0 };
  const record = (req: http.IncomingMessage) => {
    const header = req.headers['proxy-authorization'];
    state.hits.push({ method: req.method ?? '', target: req.url ?? '', proxyAuthorization: header });
  };
  // Registered first, so every request is seen before `proxy` answers it.
  server.prependListener('request', record);
  server.prependListener('connect', record);
  server.on('connection', (socket: Socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  if (options.auth) {
    const expected = `Basic ${Buffer.from(options.auth.join(':')).toString('base64')}`;
    server.authenticate = (req) => req.headers['proxy-authorization'] === expected;
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get hits() { return state.hits; },
    get connections() { return state.connections; },
    get open() { return sockets.size; },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
