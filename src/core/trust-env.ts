// trustEnv as pure logic over an environment map and .netrc text: the Node entry feeds it real data,
// the browser and edge builds drop it by tree-shaking. requests/urllib behaviour is the reference
// (utils.py get_environ_proxies/should_bypass_proxies/select_proxy/get_netrc_auth, urllib.request
// getproxies_environment/proxy_bypass_environment, Python's netrc module); differences are marked.

/** An environment: `process.env` or any map of variable names to values. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Proxies named by the environment, and its NO_PROXY list. */
export interface EnvProxies {
  proxies: { http?: string; https?: string; all?: string };
  noProxy: string | undefined;
}

const ENV_PROXY_KEYS = ['http', 'https', 'all', 'no'] as const;

/**
 * HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY, any case, as urllib's getproxies_environment: a
 * lower-case variable wins over the others, even when empty (then it removes the setting).
 * @example proxiesFromEnv({ HTTPS_PROXY: 'http://proxy:3128', no_proxy: 'localhost' })
 */
export function proxiesFromEnv(env: Env): EnvProxies {
  const found: Partial<Record<(typeof ENV_PROXY_KEYS)[number], string>> = {};
  const lower: [key: (typeof ENV_PROXY_KEYS)[number], value: string][] = [];
  for (const [name, value] of Object.entries(env)) {
    const key = ENV_PROXY_KEYS.find((k) => name.toLowerCase() === `${k}_proxy`);
    if (!key || value === undefined) continue;
    if (name === `${key}_proxy`) lower.push([key, value]);
    else if (value) found[key] = value;
  }
  // CVE-2016-1000110 ("httpoxy"): under CGI a client's `Proxy:` header arrives as HTTP_PROXY.
  if (env['REQUEST_METHOD'] !== undefined) delete found.http;
  for (const [key, value] of lower) {
    if (value) found[key] = value;
    else delete found[key];
  }
  const { no, ...proxies } = found;
  return { proxies, noProxy: no };
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

type Address = { family: 4 | 6; parts: number[] };
type NoProxyEntry =
  | { kind: 'all' }
  | { kind: 'name'; name: string; port: string | undefined }
  | { kind: 'ip'; ip: Address; port: string | undefined }
  | { kind: 'cidr'; ip: Address; prefix: number };

/**
 * Whether NO_PROXY sends this URL direct: `*`; host names, which also match their subdomains
 * (`example.com` and `.example.com` both match `a.example.com`, never `notexample.com`); `host:port`;
 * IPv4/IPv6 literals and CIDR ranges. Case-insensitive; entries split on commas and whitespace.
 */
export function shouldBypassProxy(url: string | URL, noProxy: string | undefined): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  // requests: a URL without a host (file:) never goes through a proxy.
  if (!target.hostname) return true;
  if (!noProxy) return false;
  const host = target.hostname.toLowerCase().replace(/\.$/, '');
  const hostIp = parseIp(host);
  const port = target.port || DEFAULT_PORTS[target.protocol];
  // Entry by entry, never as one array: a long list costs linear time (see splitOutsideQuotes in charset.ts).
  for (const [text] of noProxy.matchAll(/[^\s,]+/g)) if (bypasses(parseNoProxyEntry(text), host, hostIp, port)) return true;
  return false;
}

function bypasses(entry: NoProxyEntry | undefined, host: string, hostIp: Address | undefined, port: string | undefined): boolean {
  if (!entry) return false;
  if (entry.kind === 'all') return true;
  if (entry.kind === 'cidr') return hostIp !== undefined && inNetwork(hostIp, entry.ip, entry.prefix);
  if (entry.port !== undefined && entry.port !== port) return false;
  if (entry.kind === 'ip') return hostIp !== undefined && inNetwork(hostIp, entry.ip, entry.ip.family === 4 ? 32 : 128);
  // requests' bare `endswith` matched across labels (psf/requests#4795); urllib's label rule is used.
  return hostIp === undefined && (host === entry.name || host.endsWith(`.${entry.name}`));
}

function parseNoProxyEntry(raw: string): NoProxyEntry | undefined {
  const text = raw.trim().toLowerCase();
  if (!text) return undefined;
  if (text === '*') return { kind: 'all' };
  const cidr = /^\[?([^\]/]+)\]?\/(\d{1,3})$/.exec(text);
  if (cidr) {
    const ip = parseIp(cidr[1]!);
    const prefix = Number(cidr[2]);
    return ip && prefix <= (ip.family === 4 ? 32 : 128) ? { kind: 'cidr', ip, prefix } : undefined;
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    const ip = parseIp(bracketed[1]!);
    return ip && { kind: 'ip', ip, port: bracketed[2] };
  }
  const v6 = text.indexOf(':', text.indexOf(':') + 1) >= 0 ? parseIp(text) : undefined; // two colons or more: IPv6
  if (v6) return { kind: 'ip', ip: v6, port: undefined };
  const hostPort = /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!hostPort) return undefined;
  const ip = parseIp(hostPort[1]!);
  if (ip) return { kind: 'ip', ip, port: hostPort[2] };
  // `.example.com` and `*.example.com` mean what `example.com` means (urllib strips leading dots).
  const name = hostPort[1]!.replace(/^\*?\.+/, '').replace(/\.$/, '');
  return name ? { kind: 'name', name, port: hostPort[2] } : undefined;
}

/** A dotted-quad IPv4 or an IPv6 literal (brackets optional), as numbers; undefined for a name. */
function parseIp(text: string): Address | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    return parts.every((n) => n <= 255) ? { family: 4, parts } : undefined;
  }
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  if (!bare.includes(':')) return undefined;
  let canonical: string;
  try {
    // The URL parser validates and compresses IPv6 (IPv4 tails become hex), leaving only `::` to expand.
    canonical = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const [head = '', tail] = canonical.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return { family: 6, parts: [...left, ...zeros, ...right].map((p) => parseInt(p, 16)) };
}

function inNetwork(ip: Address, network: Address, prefix: number): boolean {
  if (ip.family !== network.family) return false;
  const bits = ip.family === 4 ? 8 : 16;
  for (let i = 0, left = prefix; left > 0; i++, left -= bits) {
    const shift = Math.max(0, bits - left);
    if (ip.parts[i]! >> shift !== network.parts[i]! >> shift) return false;
  }
  return true;
}

/**
 * The proxy for a URL, in requests' order: `'scheme://host'`, `scheme`, `'all://host'`, `all`. With
 * `env` (trustEnv), the environment's proxies fill the keys `proxies` lacks unless NO_PROXY (or
 * `proxies.no_proxy`, which replaces it) matches the URL; explicit proxies are never bypassed, as in
 * requests. An empty value means "no proxy". A proxy without a scheme gets `http://`.
 * @example selectProxy('https://api.test/x', { https: 'http://proxy:3128' }) // 'http://proxy:3128'
 */
export function selectProxy(url: string | URL, proxies: Readonly<Record<string, string>>, env?: Env): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  const table = new Map<string, string>();
  for (const [key, value] of Object.entries(proxies)) if (!table.has(key.toLowerCase())) table.set(key.toLowerCase(), value);
  if (env) {
    const fromEnv = proxiesFromEnv(env);
    const noProxy = table.get('no_proxy') ?? fromEnv.noProxy;
    if (!shouldBypassProxy(target, noProxy)) {
      for (const [key, value] of Object.entries(fromEnv.proxies)) if (!table.has(key)) table.set(key, value);
    }
  }
  const scheme = target.protocol.slice(0, -1).toLowerCase();
  const hosts = [...new Set([target.hostname.toLowerCase(), target.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1')])];
  const keys = [...hosts.map((h) => `${scheme}://${h}`), scheme, ...hosts.map((h) => `all://${h}`), 'all'];
  const key = keys.find((k) => table.has(k));
  const proxy = key === undefined ? undefined : table.get(key)!.trim();
  if (!proxy) return undefined;
  // requests' prepend_scheme_if_needed(proxy, 'http'): `proxy:3128` means http://proxy:3128.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/** REQUESTS_CA_BUNDLE, else CURL_CA_BUNDLE (an empty value counts as unset, as in requests). */
export function caBundleFromEnv(env: Env): string | undefined {
  return env['REQUESTS_CA_BUNDLE'] || env['CURL_CA_BUNDLE'] || undefined;
}

/**
 * `verify` after trustEnv: the environment's CA bundle replaces `true` only. requests applied it before
 * merging the session's `verify`, so a session's `verify: false` lost to the variable; here it wins.
 */
export function resolveVerify<V extends boolean | string>(verify: V, env?: Env): V | string {
  return verify === true && env ? caBundleFromEnv(env) ?? verify : verify;
}

/** One `machine` (or `default`, where `machine` is null) of a .netrc file. */
export interface NetrcEntry {
  machine: string | null;
  login: string | undefined;
  password: string | undefined;
  account: string | undefined;
}

/** A .netrc that cannot be parsed; its credentials are then not used at all (as requests does). */
export class NetrcParseError extends SyntaxError {
  override readonly name = 'NetrcParseError';
}

/**
 * Parses .netrc text (Python's netrc grammar): tokens separated by any whitespace, across lines;
 * `"quoted tokens"` and backslash escapes; `#` comments where a keyword is expected; `macdef` bodies
 * skipped up to the next empty line; `user` as a synonym of `login`. Throws NetrcParseError.
 */
export function parseNetrc(text: string): NetrcEntry[] {
  const lexer = new NetrcLexer(text);
  const entries: NetrcEntry[] = [];
  let keyword = lexer.keyword();
  while (keyword !== undefined) {
    if (keyword === 'macdef') {
      lexer.value();
      lexer.skipMacro();
      keyword = lexer.keyword();
      continue;
    }
    if (keyword !== 'machine' && keyword !== 'default') throw new NetrcParseError(`bad top-level token ${JSON.stringify(keyword)} in .netrc`);
    const machine = keyword === 'machine' ? lexer.value() : null;
    if (machine === '') throw new NetrcParseError('a machine without a name in .netrc');
    const entry: NetrcEntry = { machine, login: undefined, password: undefined, account: undefined };
    for (keyword = lexer.keyword(); keyword !== undefined && !['machine', 'default', 'macdef'].includes(keyword); keyword = lexer.keyword()) {
      const field = keyword === 'user' ? 'login' : keyword;
      if (field !== 'login' && field !== 'password' && field !== 'account') throw new NetrcParseError(`bad token ${JSON.stringify(keyword)} in a .netrc entry`);
      entry[field] = lexer.value();
    }
    entries.push(entry);
  }
  return entries;
}

// Python's netrc lexer splits on these four only: a password may hold any other space character.
const NETRC_SPACE = /[ \t\r\n]/;

class NetrcLexer {
  private at = 0;
  constructor(private readonly text: string) {}

  /** The next keyword, skipping `#` comments; undefined at the end. */
  keyword(): string | undefined {
    for (;;) {
      this.skipSpace();
      if (this.at >= this.text.length) return undefined;
      if (this.text[this.at] !== '#') return this.value();
      this.skipLine();
    }
  }

  /** The next token as it is (a password may start with `#`); '' at the end. */
  value(): string {
    this.skipSpace();
    const quoted = this.text[this.at] === '"';
    if (quoted) this.at++;
    let token = '';
    while (this.at < this.text.length) {
      let ch = this.text[this.at++]!;
      if (quoted ? ch === '"' : NETRC_SPACE.test(ch)) break;
      if (ch === '\\' && this.at < this.text.length) ch = this.text[this.at++]!;
      token += ch;
    }
    return token;
  }

  /** A macro body: the lines after `macdef name` up to an empty line (or the end, more lenient than Python). */
  skipMacro(): void {
    if (this.text[this.at - 1] !== '\n') this.skipLine();
    while (this.at < this.text.length) {
      const end = this.text.indexOf('\n', this.at);
      const line = this.text.slice(this.at, end === -1 ? undefined : end);
      this.at = end === -1 ? this.text.length : end + 1;
      if (line === '' || line === '\r') return;
    }
  }

  private skipSpace(): void {
    while (this.at < this.text.length && NETRC_SPACE.test(this.text[this.at]!)) this.at++;
  }

  private skipLine(): void {
    const end = this.text.indexOf('\n', this.at);
    this.at = end === -1 ? this.text.length : end + 1;
  }
}

/**
 * requests' get_netrc_auth: `[login, password]` of the first `machine` naming the URL's host (port
 * ignored, case-insensitive), else of `default`; the account stands in for a missing login. Undefined
 * when nothing matches, the entry is empty, or the text does not parse.
 * @example netrcAuth('https://api.test:8443/x', 'machine api.test login u password p') // ['u', 'p']
 */
export function netrcAuth(url: string | URL, netrc: string | readonly NetrcEntry[]): [string, string] | undefined {
  let host: string;
  let entries: readonly NetrcEntry[];
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    entries = typeof netrc === 'string' ? parseNetrc(netrc) : netrc;
  } catch {
    return undefined;
  }
  const names = (entry: NetrcEntry) => entry.machine?.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const entry = entries.find((e) => e.machine !== null && names(e) === host) ?? entries.find((e) => e.machine === null);
  if (!entry || (!entry.login && !entry.account && !entry.password)) return undefined;
  return [entry.login || entry.account || '', entry.password ?? ''];
}

// The variables trustEnv reads: each proxy variable in both cases (urllib's spellings), and the rest.
const TRUST_ENV_VARIABLES = ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy']
  .flatMap((name) => [name, name.toUpperCase()])
  .concat(['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'REQUEST_METHOD']);

/**
 * The trustEnv variables that are set, read one by one through a runtime's lookup (which may hide
 * what it is not allowed to read), or undefined when none is: the common case, nothing to resolve.
 * @example readTrustEnv((name) => Bun.env[name])
 */
export function readTrustEnv(lookup: (name: string) => string | undefined): Env | undefined {
  let env: Record<string, string> | undefined;
  for (const name of TRUST_ENV_VARIABLES) {
    const value = lookup(name);
    if (value !== undefined) (env ??= {})[name] = value;
  }
  return env;
}
