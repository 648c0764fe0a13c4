/// <reference types="node" />
// Keep-alive pools: one undici dispatcher per (proxy, proxy credentials, TLS settings, timeouts), so a
// verified request never reuses a connection opened with `verify: false` (requests' CVE-2024-35195).
import { readFile } from 'node:fs/promises';
import type { Agent, Dispatcher } from 'undici';
import { basicAuthHeader } from '../core/auth.ts';
import { SSLError, UnsupportedError, redactUrl } from '../core/errors.ts';
import type { CertInput, VerifyInput } from '../core/options.ts';
import { timedConnector, timedPoolFactory } from './node-connections.ts';
import { watchTlsAlerts } from './node-errors.ts';

type Undici = typeof import('undici');

/** Everything that decides which pool a request may use. */
export interface PoolSettings {
  /** Proxy URL (may hold `user:pass@`), or undefined for a direct connection. */
  proxy: string | undefined;
  /** A `Proxy-Authorization` value from the request (HTTPProxyAuth); it goes to the proxy only. */
  proxyAuthorization: string | undefined;
  verify: VerifyInput;
  cert: CertInput | undefined;
  connect: number | undefined;
  read: number | undefined;
}

// Strings, numbers and booleans compare by value; a cert object or array by identity (the same object
// a session passes every time; a new one only costs building the key).
function sameSettings(a: PoolSettings, b: PoolSettings): boolean {
  return a.proxy === b.proxy && a.proxyAuthorization === b.proxyAuthorization && a.verify === b.verify
    && a.cert === b.cert && a.connect === b.connect && a.read === b.read;
}

type TlsOptions = { rejectUnauthorized: boolean; ca?: string; cert?: string; key?: string; passphrase?: string };

let undici: Promise<Undici> | undefined;

// undici costs ~65 ms to import (FACTS.md): load it with the first request, not with errand.
function loadUndici(): Promise<Undici> {
  return (undici ??= import('undici'));
}

/** A PEM given inline is used as it is; anything else is a file path, read now. */
async function readPem(value: string, what: string): Promise<string> {
  if (value.includes('-----BEGIN')) return value;
  try {
    return await readFile(value, 'utf8');
  } catch (cause) {
    throw new SSLError(`Could not read the ${what} file ${value}: ${(cause as { code?: string }).code ?? String(cause)}`, { cause });
  }
}

async function tlsOptions(verify: VerifyInput, cert: CertInput | undefined): Promise<TlsOptions> {
  const tls: TlsOptions = { rejectUnauthorized: verify !== false };
  // Like requests' `verify=path`: the bundle replaces the default roots.
  if (typeof verify === 'string') tls.ca = await readPem(verify, 'CA bundle (verify)');
  if (typeof cert === 'string') {
    const pem = await readPem(cert, 'client certificate (cert)');
    Object.assign(tls, { cert: pem, key: pem });
  } else if (Array.isArray(cert)) {
    const [certPem, keyPem] = await Promise.all([readPem(cert[0], 'client certificate (cert[0])'), readPem(cert[1], 'client key (cert[1])')]);
    Object.assign(tls, { cert: certPem, key: keyPem });
  } else if (cert) {
    const { cert: c, key, passphrase } = cert as { cert: string; key: string; passphrase?: string };
    Object.assign(tls, { cert: await readPem(c, 'client certificate (cert.cert)'), key: await readPem(key, 'client key (cert.key)') });
    if (passphrase !== undefined) tls.passphrase = passphrase;
  }
  return tls;
}

function createProxyDispatcher(lib: Undici, settings: PoolSettings, tls: TlsOptions, timeouts: Agent.Options): Dispatcher {
  const url = new URL(settings.proxy!);
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const connectTimeout = settings.connect === undefined ? {} : { timeout: settings.connect };
  if (url.protocol === 'socks5:' || url.protocol === 'socks5h:' || url.protocol === 'socks:') {
    // undici resolves the target name at the proxy for both schemes (socks5h semantics).
    url.protocol = 'socks5:';
    const options = { ...timeouts, connect: timedConnector(lib.buildConnector(connectTimeout)), requestTls: { ...tls, ...connectTimeout } };
    if (username) Object.assign(options, { username, password });
    return new lib.Socks5ProxyAgent(url.href, options);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UnsupportedError(`The proxy ${redactUrl(settings.proxy!)} has an unsupported scheme: use http://, https://, socks5:// or socks5h://`);
  }
  const token = settings.proxyAuthorization ?? (username || password ? basicAuthHeader(username, password) : undefined);
  const { cert: _cert, key: _key, passphrase: _passphrase, ...proxyTls } = tls;
  // The pools get errand's connector (node-connections.ts): the connection to the proxy is the one r.timings sees.
  const pool = timedPoolFactory((origin, options) => new lib.Pool(origin, options));
  return new lib.ProxyAgent({
    ...timeouts,
    clientFactory: pool,
    factory: pool,
    uri: url.href,
    ...(token === undefined ? {} : { token }),
    // http:// targets are forwarded in absolute form (RFC 9112 §3.2.2, as squid expects); https:// ones tunnel through CONNECT.
    proxyTunnel: false,
    requestTls: { ...tls, ...connectTimeout },
    proxyTls: { ...proxyTls, ...connectTimeout },
  });
}

async function createDispatcher(settings: PoolSettings): Promise<Dispatcher> {
  const [lib, tls] = await Promise.all([loadUndici(), tlsOptions(settings.verify, settings.cert)]);
  watchTlsAlerts();
  // No read timeout means none, as in requests; undici's own default would end a long poll at 300 s.
  const timeouts = { headersTimeout: settings.read ?? 0, bodyTimeout: settings.read ?? 0 };
  if (settings.proxy) return createProxyDispatcher(lib, settings, tls, timeouts);
  // errand's connector (undici's, noting the phases of each new connection for r.timings: node-connections.ts).
  const connect = timedConnector(lib.buildConnector({ ...tls, ...(settings.connect === undefined ? {} : { timeout: settings.connect }) }));
  return new lib.Agent({ ...timeouts, connect });
}

/** The dispatchers of one adapter, created on first use and released together by `close()`. */
export class DispatcherPools {
  private readonly pools = new Map<string, Promise<Dispatcher>>();

  private last: { settings: PoolSettings; key: string; pool: Promise<Dispatcher> } | undefined;

  /** The dispatcher for these settings, created once (concurrent first requests share it). */
  get(settings: PoolSettings): Promise<Dispatcher> {
    // Most requests of a session repeat the last settings: skip building the key for them.
    const last = this.last;
    if (last && sameSettings(last.settings, settings) && this.pools.get(last.key) === last.pool) return last.pool;
    const key = [settings.proxy, settings.proxyAuthorization, String(settings.verify), JSON.stringify(settings.cert), settings.connect, settings.read].join('\n');
    let pool = this.pools.get(key);
    if (!pool) {
      pool = createDispatcher(settings);
      this.pools.set(key, pool);
      // A missing CA file must not stay cached: the next request tries again.
      pool.catch(() => { if (this.pools.get(key) === pool) this.pools.delete(key); });
    }
    this.last = { settings, key, pool };
    return pool;
  }

  /** Destroys every pool: open sockets are closed, so nothing keeps the process alive. */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    this.last = undefined;
    await Promise.all(pools.map((pool) => pool.then((dispatcher) => dispatcher.destroy(), () => {})));
  }
}
