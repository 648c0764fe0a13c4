import { AuthBase } from './auth.ts';
import type { DigestState } from './digest-challenge.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';

// Each auth's password and nonce state, kept off the instance: no log or serializer walks into them
// (the username is the instance's own `username`, not copied here).
const states = new WeakMap<HTTPDigestAuth, DigestState>();

/**
 * HTTP Digest auth (RFC 7616, RFC 2617): MD5 and SHA-256, their `-sess` variants,
 * qop `auth` and `auth-int`, opaque, nonce counting across the requests of a session. It answers a 401
 * challenge by replaying the request once (again after `stale=true`), then signs later requests
 * up front with the nonce it has. Its work (digest-challenge.ts) loads at the first 401.
 * @example s.auth = new HTTPDigestAuth('user', 'pass');
 */
export class HTTPDigestAuth extends AuthBase {
  constructor(readonly username: string, password: string) {
    super();
    states.set(this, { password, challenge: undefined, nonceCount: 0, replays: new WeakSet() });
  }

  async apply(request: PreparedRequest): Promise<PreparedRequest> {
    const state = states.get(this)!;
    if (state.challenge) request.headers.set('Authorization', await (await import('./digest-challenge.ts')).authorization(state, this.username, request, state.challenge));
    return request;
  }

  override async challenge(response: Response, request: PreparedRequest): Promise<PreparedRequest | undefined> {
    if (response.statusCode !== 401 || !request.isReplayable) return undefined;
    return (await import('./digest-challenge.ts')).answerChallenge(states.get(this)!, this.username, response, request);
  }
}
