/// <reference types="node" />
// The phases of opening a connection (DNS, TCP, TLS), noted per socket, for r.timings. undici's diagnostics
// channels say when a connection starts and when it is ready, but not which socket is being opened until it
// is ready, so errand gives every dispatcher its own connector: undici's buildConnector, wrapped to note
// when it was called and to listen to the socket's 'lookup' and 'connect' events. undici's
// `undici:client:connected` channel then says when the connection was ready (for https://, the TLS handshake
// is done). The request first written on the socket takes these phases (node-socket-reuse.ts).
//
// Through a proxy, the socket opened is the one to the proxy: `lookup` and `connect` are the proxy's. A
// CONNECT tunnel (ProxyAgent, SOCKS5) hands undici a TLS socket made over that one; it is found through the
// TLS socket's `_parent` (node:tls has kept the socket it wraps there since Node 0.x), so `tls` counts the
// tunnel's set-up and the TLS handshake with the server.
import { subscribe } from 'node:diagnostics_channel';
import { isIP, type Socket } from 'node:net';
import type { buildConnector } from 'undici';

type Connector = buildConnector.connector;

/** When a connection began to open, its DNS answer came, its TCP connection and its TLS session were up. */
export interface ConnectionMarks {
  socket: number;
  lookup?: number;
  connect?: number;
  secureConnect?: number;
}

const opened = new WeakMap<object, ConnectionMarks>();
let watching = false;

function onConnected(message: unknown): void {
  const { socket, connectParams } = message as { socket?: Socket & { _parent?: object }; connectParams?: { protocol?: string } };
  if (!socket) return;
  const marks = opened.get(socket) ?? (socket._parent && opened.get(socket._parent));
  if (!marks) return;
  if (connectParams?.protocol === 'https:') marks.secureConnect = performance.now();
  opened.set(socket, marks);
}

/**
 * The connector `connect`, noting the phases of each connection it opens (see connectionMarks). It adds
 * nothing to a request on a kept-alive connection: the listeners go on new sockets only.
 */
export function timedConnector(connect: Connector): Connector {
  if (!watching) {
    watching = true;
    subscribe('undici:client:connected', onConnected);
  }
  const base = connect as (...args: Parameters<Connector>) => unknown;
  const timed = (options: buildConnector.Options, callback: buildConnector.Callback) => {
    const marks: ConnectionMarks = { socket: performance.now() };
    // buildConnector returns the socket it opens (its typings say void); a tunnel's connector returns a promise.
    const socket = base(options, callback) as Socket | undefined;
    if (socket && typeof socket.prependOnceListener === 'function') {
      opened.set(socket, marks);
      // Prepended: undici's own 'connect' listener goes on to write the first request at once.
      if (isIP(options.hostname)) marks.lookup = marks.socket;
      else socket.prependOnceListener('lookup', () => { marks.lookup = performance.now(); });
      socket.prependOnceListener('connect', () => { marks.connect = performance.now(); });
    }
    return socket;
  };
  return timed as Connector;
}

/** The phases of the connection `socket` belongs to, when errand's connector opened it. */
export function connectionMarks(socket: object): ConnectionMarks | undefined {
  return opened.get(socket);
}

/**
 * The dispatcher factories that give each pool errand's connector: ProxyAgent's `clientFactory` (its
 * connection to the proxy) and `factory` (one pool per origin, forwarding or tunnelling).
 */
export function timedPoolFactory<T>(createPool: (origin: URL | string, options: { connect: Connector }) => T): (origin: URL | string, options: object) => T {
  return (origin: URL | string, options: object): T => {
    const connect = (options as { connect?: unknown }).connect;
    return createPool(origin, { ...options, connect: typeof connect === 'function' ? timedConnector(connect as Connector) : connect as Connector });
  };
}
