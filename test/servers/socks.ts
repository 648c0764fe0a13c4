// A real SOCKS5 server on loopback: @mongodb-js/socksv5 (MongoDB's maintained fork of socksv5, the
// server mongosh tests its SOCKS support against), with or without username/password auth (RFC 1929).
import type { AddressInfo, Server, Socket } from 'node:net';
// @ts-expect-error: the package ships no types
import socks from '@mongodb-js/socksv5';

/** A CONNECT the server was asked for: the target as the client named it (a name stays a name: socks5h). */
export interface SocksHit { dstAddr: string; dstPort: number }

/** A username/password sub-negotiation (RFC 1929) the server answered: who asked, and whether it let them in. */
export interface SocksLogin { user: string; accepted: boolean }

export interface TestSocks {
  /** socks5://127.0.0.1:PORT (no credentials). */
  url: string;
  port: number;
  hits: SocksHit[];
  /** Every RFC 1929 login, in order (empty for a server without auth). */
  logins: SocksLogin[];
  close(): Promise<void>;
}

interface SocksServer {
  _srv: Server;
  useAuth(auth: unknown): void;
  listen(port: number, host: string, cb: () => void): void;
  address(): AddressInfo;
  close(cb: () => void): void;
}

/** Starts a SOCKS5 server that accepts every CONNECT; with `auth`, only those credentials. */
export async function startSocks(options: { auth?: readonly [string, string] } = {}): Promise<TestSocks> {
  const hits: SocksHit[] = [];
  const logins: SocksLogin[] = [];
  const server = socks.createServer((info: SocksHit, accept: () => void) => {
    hits.push({ dstAddr: info.dstAddr, dstPort: info.dstPort });
    accept();
  }) as SocksServer;
  const [user, pass] = options.auth ?? [];
  server.useAuth(options.auth
    ? socks.auth.UserPassword((u: string, p: string, cb: (ok: boolean) => void) => {
      const accepted = u === user && p === pass;
      logins.push({ user: u, accepted });
      cb(accepted);
    })
    : socks.auth.None());
  const sockets = new Set<Socket>();
  server._srv.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `socks5://127.0.0.1:${port}`,
    port,
    hits,
    logins,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
