// trustEnv's .netrc in Node, end to end: a real file named by NETRC (or found in HOME), a real request
// to the local httpbin's /basic-auth/u/p, and the Authorization header errand actually sent.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { Session, get } from 'errand';
import { netrcLookup, netrcPath, readNetrc } from '../../src/runtime/node-env.ts';

const base = inject('httpbinUrl'); // http://127.0.0.1:PORT
const alt = inject('httpbinAltUrl'); // the same server as http://localhost:PORT
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let dir: string;
let savedHome: string | undefined;

function writeNetrc(text: string, name = 'netrc'): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'errand-netrc-'));
  savedHome = process.env['HOME'];
  process.env['NETRC'] = writeNetrc('# test credentials\nmachine 127.0.0.1\n  login u\n  password p\n');
});

afterEach(() => {
  delete process.env['NETRC'];
  if (savedHome === undefined) delete process.env['HOME'];
  else process.env['HOME'] = savedHome;
  rmSync(dir, { recursive: true, force: true });
});

describe('.netrc credentials on a request', () => {
  it('are sent as Basic auth when no auth is given (trustEnv defaults to true)', async () => {
    const r = await get(`${base}/basic-auth/u/p`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ authenticated: true, user: 'u' });
    expect(r.request.headers.get('authorization')).toBe(basic('u', 'p'));
  });

  it('are used by a Session too, whatever the port in the URL', async () => {
    await using s = new Session();
    expect((await s.get(`${base}/basic-auth/u/p`)).statusCode).toBe(200);
  });

  it('are not used with trustEnv: false, per call or per session', async () => {
    const r = await get(`${base}/basic-auth/u/p`, { trustEnv: false });
    expect(r.statusCode).toBe(401);
    expect(r.request.headers.has('authorization')).toBe(false);
    await using s = new Session({ trustEnv: false });
    expect((await s.get(`${base}/basic-auth/u/p`)).statusCode).toBe(401);
  });

  it('are not used when auth is given, per call or per session', async () => {
    const r = await get(`${base}/basic-auth/u/p`, { auth: ['u', 'wrong'] });
    expect(r.statusCode).toBe(401);
    expect(r.request.headers.get('authorization')).toBe(basic('u', 'wrong'));
    await using s = new Session({ auth: ['other', 'x'] });
    expect((await s.get(`${base}/basic-auth/u/p`)).request.headers.get('authorization')).toBe(basic('other', 'x'));
  });

  it('do not replace credentials in the URL', async () => {
    const r = await get(`${base.replace('://', '://x:y@')}/basic-auth/u/p`);
    expect(r.statusCode).toBe(401);
    expect(r.request.headers.get('authorization')).toBe(basic('x', 'y'));
  });

  it('are not sent to a host the netrc does not name', async () => {
    const r = await get(`${alt}/basic-auth/u/p`);
    expect(r.statusCode).toBe(401);
    expect(r.request.headers.has('authorization')).toBe(false);
  });

  it('come from the default entry for any other host', async () => {
    process.env['NETRC'] = writeNetrc('machine 127.0.0.1 login u password wrong\ndefault login u password p\n', 'with-default');
    expect((await get(`${alt}/basic-auth/u/p`)).statusCode).toBe(200);
    expect((await get(`${base}/basic-auth/u/p`)).statusCode).toBe(401);
  });

  it('are read by a Session at its first request and kept; a new Session or a top-level call reads them afresh', async () => {
    const s = new Session();
    try {
      expect((await s.get(`${base}/basic-auth/u/p`)).statusCode).toBe(200);
      process.env['NETRC'] = writeNetrc('machine 127.0.0.1 login u password changed\n', 'changed');
      expect((await s.get(`${base}/basic-auth/u/p`)).statusCode).toBe(200);
      const fresh = await get(`${base}/basic-auth/u/p`);
      expect(fresh.request.headers.get('authorization')).toBe(basic('u', 'changed'));
    } finally {
      await s.close();
    }
  });

  it('top-level calls follow the file when it changes', async () => {
    expect((await get(`${base}/basic-auth/u/p`)).statusCode).toBe(200);
    const path = writeNetrc('machine 127.0.0.1 login u password changed\n');
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    const r = await get(`${base}/basic-auth/u/p`);
    expect(r.statusCode).toBe(401);
    expect(r.request.headers.get('authorization')).toBe(basic('u', 'changed'));
  });

  it('are absent, without an error, when the file is missing, a directory or malformed', async () => {
    for (const netrc of [join(dir, 'missing'), dir, writeNetrc('machine 127.0.0.1 login u password p port 21\n', 'bad')]) {
      process.env['NETRC'] = netrc;
      const r = await get(`${base}/basic-auth/u/p`);
      expect(r.statusCode).toBe(401);
      expect(r.request.headers.has('authorization')).toBe(false);
    }
  });
});

describe('node-env', () => {
  it('readNetrc reads the file NETRC names, ~ expanded', () => {
    process.env['HOME'] = dir;
    writeNetrc('machine h login a password b\n', 'custom');
    process.env['NETRC'] = '~/custom';
    expect(netrcPath()).toBe(join(dir, 'custom'));
    expect(readNetrc()).toBe('machine h login a password b\n');
    expect(netrcLookup()('https://h/')).toEqual(['a', 'b']);
  });

  it('without NETRC, reads ~/.netrc, else ~/_netrc (requests\' NETRC_FILES)', () => {
    delete process.env['NETRC'];
    process.env['HOME'] = dir;
    expect(readNetrc()).toBeUndefined();
    writeNetrc('machine h login under password s\n', '_netrc');
    expect(netrcLookup()('https://h/')).toEqual(['under', 's']);
    writeNetrc('machine h login dot password s\n', '.netrc');
    expect(netrcLookup()('https://h/')).toEqual(['dot', 's']);
  });

  it('a ~/.netrc created in a home that had none for a while is read by the next call', async () => {
    delete process.env['NETRC'];
    const home = mkdtempSync(join(dir, 'home-'));
    process.env['HOME'] = home;
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(home, longAgo, longAgo);
    expect(netrcLookup()(`${base}/`)).toBeUndefined();
    expect((await get(`${base}/basic-auth/u/p`)).statusCode).toBe(401); // asked twice: the second answer is remembered
    writeFileSync(join(home, '.netrc'), 'machine 127.0.0.1 login u password p\n');
    const r = await get(`${base}/basic-auth/u/p`);
    expect(r.statusCode).toBe(200);
    rmSync(join(home, '.netrc'));
    expect(netrcLookup()(`${base}/`)).toBeUndefined();
    writeFileSync(join(home, '_netrc'), 'machine 127.0.0.1 login u password p\n');
    expect(netrcLookup()(`${base}/`)).toEqual(['u', 'p']);
  });

  it('a set but missing NETRC is not replaced by ~/.netrc (requests)', () => {
    process.env['HOME'] = dir;
    writeNetrc('machine h login dot password s\n', '.netrc');
    process.env['NETRC'] = join(dir, 'missing');
    expect(readNetrc()).toBeUndefined();
    expect(netrcLookup()('https://h/')).toBeUndefined();
  });

  it('takes an env map instead of process.env', () => {
    const path = writeNetrc('default login d password e\n', 'given');
    expect(netrcLookup({ NETRC: path })('https://any.test/')).toEqual(['d', 'e']);
  });
});
