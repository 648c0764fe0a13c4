import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AuthBase, BearerAuth, HTTPBasicAuth, HTTPProxyAuth, PreparedRequest, Request, Session } from 'errand';
import { basicAuthHeader } from '../../src/core/auth.ts';
import { toAuth } from '../../src/core/auth-option.ts';
import { preparedFor, recordingSession } from './_helpers.ts';

const prepare = (options: ConstructorParameters<typeof Request>[2]) =>
  new Session().prepareRequest(new Request('GET', 'https://x.test/p?a=1', options));

describe('Basic', () => {
  it('encodes user:pass as UTF-8 before base64 (RFC 7617 charset=UTF-8)', () => {
    // base64 of the UTF-8 bytes of 'ünïcode:pässword', as Python's b64encode('…'.encode()) gives.
    expect(basicAuthHeader('ünïcode', 'pässword')).toBe('Basic w7xuw69jb2RlOnDDpHNzd29yZA==');
  });

  it.each([
    ['user', 'pass', 'Basic dXNlcjpwYXNz'],
    ['', '', 'Basic Og=='],
    ['a:b', 'c', 'Basic YTpiOmM='],
    ['😀', '日本', `Basic ${Buffer.from('😀:日本').toString('base64')}`],
  ])('encodes %j / %j', (user, pass, expected) => {
    expect(basicAuthHeader(user, pass)).toBe(expected);
  });

  it('is what [user, pass] and HTTPBasicAuth set on Authorization', async () => {
    expect((await prepare({ auth: ['ünïcode', 'pässword'] })).headers.get('authorization')).toBe('Basic w7xuw69jb2RlOnDDpHNzd29yZA==');
    expect((await prepare({ auth: new HTTPBasicAuth('user', 'pass') })).headers.get('authorization')).toBe('Basic dXNlcjpwYXNz');
  });
});

describe('Bearer', () => {
  it('sets Authorization: Bearer <token>', async () => {
    expect((await prepare({ auth: new BearerAuth('tok.en-123') })).headers.get('authorization')).toBe('Bearer tok.en-123');
  });
});

describe('HTTPProxyAuth', () => {
  it('sets Proxy-Authorization, not Authorization', async () => {
    const prepared = await prepare({ auth: new HTTPProxyAuth('proxy', 'pw') });
    expect(prepared.headers.get('proxy-authorization')).toBe(`Basic ${Buffer.from('proxy:pw').toString('base64')}`);
    expect(prepared.headers.has('authorization')).toBe(false);
  });
});

describe('custom auth', () => {
  it('uses an AuthBase subclass, which may be async', async () => {
    class TokenAuth extends AuthBase {
      constructor(private readonly fetchToken: () => Promise<string>) { super(); }
      async apply(request: PreparedRequest) {
        request.headers.set('X-Token', await this.fetchToken());
        return request;
      }
    }
    const prepared = await prepare({ auth: new TokenAuth(async () => 'from-vault') });
    expect(prepared.headers.get('x-token')).toBe('from-vault');
  });

  it('uses a function, which gets the PreparedRequest', async () => {
    const prepared = await prepare({ auth: (req) => { req.headers.set('X-Sig', `${req.method} ${req.url}`); return req; } });
    expect(prepared.headers.get('x-sig')).toBe('GET https://x.test/p?a=1');
  });

  it('refuses an auth function that returns something other than the request', async () => {
    await expect(prepare({ auth: (() => 'oops') as never })).rejects.toThrow(TypeError);
  });

  it('keeps the auth on the prepared request for later hops', async () => {
    const auth = new BearerAuth('t');
    expect((await prepare({ auth })).auth).toBe(auth);
  });

  it('uses session auth, and lets a call replace it', async () => {
    const { session, sent } = recordingSession({ auth: new BearerAuth('session-token') });
    await session.get('https://x.test/');
    await session.get('https://x.test/', { auth: ['u', 'p'] });
    session.auth = new BearerAuth('changed');
    await session.get('https://x.test/');
    expect(sent.map((s) => s.request.headers.get('authorization'))).toEqual(['Bearer session-token', 'Basic dTpw', 'Bearer changed']);
  });
});

describe('toAuth', () => {
  it('wraps each accepted form in an AuthBase', () => {
    expect(toAuth(['u', 'p'])).toBeInstanceOf(HTTPBasicAuth);
    expect(toAuth(() => {})).toBeInstanceOf(AuthBase);
    const bearer = new BearerAuth('t');
    expect(toAuth(bearer)).toBe(bearer);
  });

  it.each([
    ['a one-element array', ['u']],
    ['a three-element array', ['u', 'p', 'x']],
    ['numbers', [1, 2]],
    ['a string', 'user:pass'],
    ['an object', { username: 'u', password: 'p' }],
  ])('refuses %s with a TypeError', (_label, value) => {
    expect(() => toAuth(value as never)).toThrow(TypeError);
  });
});

describe('auth objects keep their secrets out of logs', () => {
  const cases: [string, AuthBase, string][] = [
    ['HTTPBasicAuth', new HTTPBasicAuth('alice', 's3cret-pw'), 's3cret-pw'],
    ['HTTPProxyAuth', new HTTPProxyAuth('alice', 'pr0xy-pw'), 'pr0xy-pw'],
    ['BearerAuth', new BearerAuth('tok-SECRET-123'), 'tok-SECRET-123'],
  ];

  it.each(cases)('%s in JSON.stringify, util.inspect, String and a spread', (_name, auth, secret) => {
    expect(JSON.stringify(auth)).not.toContain(secret);
    expect(JSON.stringify({ nested: { auth } })).not.toContain(secret);
    expect(inspect(auth, { depth: 5 })).not.toContain(secret);
    expect(inspect({ auth }, { depth: 5 })).not.toContain(secret);
    expect(JSON.stringify({ ...auth })).not.toContain(secret);
    expect(Object.keys(auth)).not.toContain('password');
    expect(Object.keys(auth)).not.toContain('token');
  });

  it('still works after being logged', () => {
    const auth = new BearerAuth('tok');
    JSON.stringify(auth);
    expect(auth.apply(preparedFor('https://x.test/')).headers.get('authorization')).toBe('Bearer tok');
  });

  it('shows the class name', () => {
    expect(JSON.stringify(new BearerAuth('x'))).toContain('BearerAuth');
    expect(inspect(new HTTPBasicAuth('u', 'p'))).toContain('HTTPBasicAuth');
  });

  it('and a Session holding auth does not show it', () => {
    const session = new Session({ auth: ['alice', 'sess-SECRET'] });
    expect(inspect(session, { depth: 5 })).not.toContain('sess-SECRET');
    expect(JSON.stringify(session)).not.toContain('sess-SECRET');
  });
});
