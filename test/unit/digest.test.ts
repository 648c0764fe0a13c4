// Digest's challenge parser and what it echoes into Authorization (src/core/digest-challenge.ts): values a server
// sent reach our header line only through the quoted-string writer of src/core/wire.ts.
import { describe, expect, it } from 'vitest';
import { HTTPDigestAuth, InvalidHeaderError } from 'errand';
import { parseDigestChallenge } from '../../src/core/digest-challenge.ts';
import { recordingSession } from './_helpers.ts';

/** A 401 whose WWW-Authenticate is `challenge`, through a Headers that does not refuse CR/LF (as a custom adapter could give). */
function challenged(challenge: string): globalThis.Response {
  class Unchecked extends Headers {
    override get(name: string): string | null {
      return name.toLowerCase() === 'www-authenticate' ? challenge : super.get(name);
    }
  }
  const response = new globalThis.Response('no', { status: 401 });
  Object.defineProperty(response, 'headers', { value: new Unchecked(response.headers) });
  return response;
}

describe('parseDigestChallenge', () => {
  it('keeps the algorithm token as written, and matches it without case', () => {
    const parsed = parseDigestChallenge('Digest realm="r", nonce="n", algorithm=MD5-sess, qop="auth"')!;
    expect(parsed.algorithm).toBe('MD5-sess');
    expect(parsed.hash).toBe('MD5-SESS');
  });

  it.each(['__proto__', 'constructor', 'prototype'])('treats a parameter named %s as a name like any other', (key) => {
    const parsed = parseDigestChallenge(`Digest ${key}="x", realm="r", nonce="n", ${key}=y`)!;
    expect(parsed).toMatchObject({ realm: 'r', nonce: 'n', algorithm: 'MD5', stale: false });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it('reads no parameter from the prototype chain: a challenge without realm or qop has none', () => {
    const parsed = parseDigestChallenge('Digest nonce="n", constructor="c", toString="t"')!;
    expect(parsed.realm).toBe('');
    expect(parsed.qop).toBeUndefined();
    expect(parsed.opaque).toBeUndefined();
  });
});

describe('HTTPDigestAuth: what reaches the Authorization line', () => {
  it('echoes algorithm=MD5-sess as the server wrote it (not MD5-SESS)', async () => {
    const { session, sent } = recordingSession({ auth: new HTTPDigestAuth('u', 'p') }, [
      challenged('Digest realm="r", nonce="n", algorithm=MD5-sess, qop="auth"'),
    ]);
    await session.get('https://x.test/a');
    expect(sent).toHaveLength(2);
    expect(sent[1]!.request.headers.get('authorization')).toContain(', algorithm=MD5-sess,');
  });

  it.each([
    ['nonce', 'Digest realm="r", nonce="n\r\nX-Injected: yes", qop="auth"'],
    ['realm', 'Digest realm="r\r\nX-Injected: yes", nonce="n", qop="auth"'],
    ['opaque', 'Digest realm="r", nonce="n", opaque="o\nX-Injected: yes", qop="auth"'],
    ['nonce (NUL)', 'Digest realm="r", nonce="n\0", qop="auth"'],
    ['nonce (another control character)', 'Digest realm="r", nonce="n\u0001", qop="auth"'],
  ])('refuses a server %s holding CR/LF or a control character: InvalidHeaderError, no replay sent', async (_what, challenge) => {
    const { session, sent } = recordingSession({ auth: new HTTPDigestAuth('u', 'SECRET-PASSWORD') }, [challenged(challenge)]);
    const error = (await session.get('https://x.test/a').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(InvalidHeaderError);
    expect(error.message).toMatch(/Digest (nonce|realm|opaque)/);
    expect(error.message).not.toContain('SECRET');
    expect(sent).toHaveLength(1);
  });

  it('refuses a username with CR/LF before the replay goes out', async () => {
    const { session, sent } = recordingSession({ auth: new HTTPDigestAuth('u\r\nX-Injected: yes', 'p') }, [
      new globalThis.Response('no', { status: 401, headers: { 'www-authenticate': 'Digest realm="r", nonce="n"' } }),
    ]);
    await expect(session.get('https://x.test/a')).rejects.toThrow(InvalidHeaderError);
    expect(sent).toHaveLength(1);
  });

  it('escapes quotes and backslashes in echoed values (RFC 9110 quoted-string)', async () => {
    const { session, sent } = recordingSession({ auth: new HTTPDigestAuth('a"b\\c', 'p') }, [
      new globalThis.Response('no', { status: 401, headers: { 'www-authenticate': 'Digest realm="r\\"q", nonce="n"' } }),
    ]);
    await session.get('https://x.test/a');
    expect(sent[1]!.request.headers.get('authorization')).toContain('username="a\\"b\\\\c", realm="r\\"q", nonce="n"');
  });
});
