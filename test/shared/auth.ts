// Auth: [user, pass], HTTPBasicAuth (UTF-8), BearerAuth, AuthBase subclasses, functions, URL userinfo.
import { describe, expect, it } from 'vitest';
import { b64, header, type Echo, type Errand, type HeadersEcho, type SuiteEnv } from './env.ts';

export function authSuite(errand: Errand, env: SuiteEnv): void {
  const { base } = env;
  const withUserinfo = (userinfo: string, path: string): string => `${base.replace('://', `://${userinfo}@`)}${path}`;

  describe('auth', () => {
    it('[user, pass] is Basic auth', async () => {
      const r = await errand.get(`${base}/basic-auth/user/passwd`, { auth: ['user', 'passwd'] });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({ authenticated: true, user: 'user' });
      expect(r.request.headers.get('authorization')).toBe(`Basic ${b64('user:passwd')}`);
    });

    it('wrong credentials get the 401 and its WWW-Authenticate challenge', async () => {
      const r = await errand.get(`${base}/basic-auth/user/passwd`, { auth: ['user', 'wrong'] });
      expect(r.statusCode).toBe(401);
      expect(r.ok).toBe(false);
      expect(r.headers.get('www-authenticate')).toBe('Basic realm="Fake Realm"');
    });

    it('HTTPBasicAuth encodes the credentials as UTF-8 (RFC 7617)', async () => {
      const [user, pass] = ['jöhn', 'pässwörd ✓'];
      const path = `/basic-auth/${encodeURIComponent(user)}/${encodeURIComponent(pass)}`;
      const r = await errand.get(`${base}${path}`, { auth: new errand.HTTPBasicAuth(user, pass) });
      expect(r.statusCode).toBe(200);
      expect(r.json<{ user: string }>().user).toBe(user);
      expect(r.request.headers.get('authorization')).toBe(`Basic ${b64(`${user}:${pass}`)}`);
    });

    it('HTTPBasicAuth keeps its password out of JSON and messages', () => {
      const auth = new errand.HTTPBasicAuth('user', 'hunter2');
      expect(JSON.stringify(auth)).not.toContain('hunter2');
      expect(JSON.stringify({ auth })).not.toContain('hunter2');
    });

    it('BearerAuth sends Authorization: Bearer <token>', async () => {
      const r = await errand.get(`${base}/bearer`, { auth: new errand.BearerAuth('t0ken.abc') });
      expect(r.json()).toEqual({ authenticated: true, token: 't0ken.abc' });
    });

    it('an AuthBase subclass runs last, so it sees the final URL with params', async () => {
      class SigningAuth extends errand.AuthBase {
        seen = '';
        apply(req: InstanceType<Errand['PreparedRequest']>) {
          this.seen = req.url;
          req.headers.set('X-Api-Key', 'key-123');
          req.url = `${req.url}&sig=${new URL(req.url).searchParams.get('q')?.length ?? 0}`;
          return req;
        }
      }
      const auth = new SigningAuth();
      const r = await errand.get(`${base}/get`, { params: { q: 'hello' }, auth });
      expect(auth.seen).toBe(`${base}/get?q=hello`);
      const body = r.json<Echo>();
      expect(body.args).toEqual({ q: 'hello', sig: '5' });
      expect(header(body.headers, 'x-api-key')).toBe('key-123');
    });

    it('a function is auth: sync or async, returning the request or nothing', async () => {
      const sync = (req: InstanceType<Errand['PreparedRequest']>) => {
        req.headers.set('Authorization', 'Token sync');
        return req;
      };
      const async_ = async (req: InstanceType<Errand['PreparedRequest']>) => {
        await Promise.resolve();
        req.headers.set('Authorization', 'Token async');
      };
      for (const [auth, expected] of [[sync, 'Token sync'], [async_, 'Token async']] as const) {
        const body = (await errand.get(`${base}/headers`, { auth })).json<HeadersEcho>();
        expect(header(body.headers, 'authorization')).toBe(expected);
      }
    });

    it('refuses an auth value it cannot use with a TypeError', async () => {
      await expect(errand.get(`${base}/get`, { auth: ['only-user'] as never })).rejects.toThrow(TypeError);
    });

    it('hidden-basic-auth: 404 without credentials, 200 with them', async () => {
      expect((await errand.get(`${base}/hidden-basic-auth/user/passwd`)).statusCode).toBe(404);
      const r = await errand.get(`${base}/hidden-basic-auth/user/passwd`, { auth: ['user', 'passwd'] });
      expect(r.statusCode).toBe(200);
      expect(r.json<{ authenticated: boolean }>().authenticated).toBe(true);
    });
  });

  // errand moves userinfo into Basic auth before fetch sees the URL (fetch refuses URLs with
  // credentials), so this works in the browser too.
  describe('auth: HTTPDigestAuth', () => {
    // In the browser a Digest 401 is read by the page (no credentials), so it works there too.
    it.each(['MD5', 'SHA-256', 'MD5-sess'])('HTTPDigestAuth %s answers the 401 challenge with one replay', async (algorithm) => {
      const r = await errand.get(`${base}/digest-auth/auth/user/pass/${algorithm}`, { auth: new errand.HTTPDigestAuth('user', 'pass') });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({ authenticated: true, user: 'user' });
      expect(r.history.map((h) => h.statusCode)).toEqual([401]);
    });

    // The server writes 'MD5-sess' and compares the echo case-sensitively (?strict_algorithm=1): errand echoes the
    // token as received (it used to send 'MD5-SESS') and matches it without case internally.
    it.each(['MD5-sess', 'SHA-256-sess'])('HTTPDigestAuth echoes algorithm=%s exactly as the server wrote it', async (algorithm) => {
      const r = await errand.get(`${base}/digest-auth/auth/user/pass/${algorithm}?strict_algorithm=1`, { auth: new errand.HTTPDigestAuth('user', 'pass') });
      expect(r.statusCode).toBe(200);
      expect(r.request.headers.get('authorization')).toContain(`algorithm=${algorithm},`);
    });

    it('HTTPDigestAuth with qop auth-int hashes the body', async () => {
      const r = await errand.post(`${base}/digest-auth/auth-int/user/pass/SHA-256`, { data: 'payload', auth: new errand.HTTPDigestAuth('user', 'pass') });
      expect(r.statusCode).toBe(200);
    });

    it('HTTPDigestAuth counts nonces across a session: later requests are signed up front', async () => {
      const s = new errand.Session({ auth: new errand.HTTPDigestAuth('user', 'pass') });
      const first = await s.get(`${base}/digest-auth/auth/user/pass/MD5?check_nc=1`);
      const second = await s.get(`${base}/digest-auth/auth/user/pass/MD5?check_nc=1`);
      expect([first.statusCode, first.history.length]).toEqual([200, 1]);
      expect([second.statusCode, second.history.length]).toEqual([200, 0]);
      expect(second.request.headers.get('authorization')).toMatch(/nc=00000002/);
    });

    it('HTTPDigestAuth with a wrong password replays once, then returns the 401', async () => {
      const r = await errand.get(`${base}/digest-auth/auth/user/pass/MD5`, { auth: new errand.HTTPDigestAuth('user', 'nope') });
      expect(r.statusCode).toBe(401);
      expect(r.history).toHaveLength(1);
    });

    it('HTTPDigestAuth replays again after a stale nonce', async () => {
      // stale_after=1: the server takes each nonce once, then answers 401 with stale=TRUE.
      const s = new errand.Session({ auth: new errand.HTTPDigestAuth('user', 'pass') });
      const first = await s.get(`${base}/digest-auth/auth/user/pass/MD5/1`);
      const r = await s.get(`${base}/digest-auth/auth/user/pass/MD5/1`);
      const nonceOf = (value: string | null | undefined) => /nonce="([^"]+)"/.exec(value ?? '')?.[1];
      const oldNonce = nonceOf(first.request.headers.get('authorization'));
      expect([first.statusCode, first.history.length, oldNonce]).toEqual([200, 1, expect.any(String)]);
      // The second call went out signed with the old nonce, the server called that nonce stale,
      // and errand replayed with the new one it was given.
      expect([r.statusCode, r.history.map((h) => h.statusCode)]).toEqual([200, [401]]);
      const [stale] = r.history;
      expect(nonceOf(stale!.request.headers.get('authorization'))).toBe(oldNonce);
      const challenge = stale!.headers.get('www-authenticate');
      expect(challenge).toMatch(/stale=TRUE/i);
      const newNonce = nonceOf(challenge);
      expect(newNonce).not.toBe(oldNonce);
      expect(nonceOf(r.request.headers.get('authorization'))).toBe(newNonce);
      expect(r.request.headers.get('authorization')).toMatch(/nc=00000001/);
    });
  });

  describe('auth: user:pass in the URL', () => {
    it('is used as Basic auth and never reaches the wire or the response URL', async () => {
      const r = await errand.get(withUserinfo('user:pass', '/basic-auth/user/pass'));
      expect(r.statusCode).toBe(200);
      expect(r.url).toBe(`${base}/basic-auth/user/pass`);
      expect(r.request.url).not.toContain('pass@');
    });

    it('is percent-decoded', async () => {
      const r = await errand.get(withUserinfo('us%40er:p%3Ass%20w', `/basic-auth/${encodeURIComponent('us@er')}/${encodeURIComponent('p:ss w')}`));
      expect(r.statusCode).toBe(200);
    });

    it('gives way to an explicit auth option, as in requests', async () => {
      const r = await errand.get(withUserinfo('url:creds', '/basic-auth/user/pass'), { auth: ['user', 'pass'] });
      expect(r.statusCode).toBe(200);
    });

    it('never shows up in an error message', async () => {
      const r = await errand.get(withUserinfo('user:s3cret', '/status/404'));
      expect(() => r.raiseForStatus()).toThrow(errand.HTTPError);
      try {
        r.raiseForStatus();
      } catch (error) {
        expect((error as Error).message).not.toContain('s3cret');
      }
    });
  });
}
