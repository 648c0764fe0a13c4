// The `auth` option of a call, turned into an AuthBase. Apart from auth.ts on purpose: only prepare.ts and
// fetch-adapter.ts use it, through import(), so a bundle whose calls pass no auth never loads it. Kept in
// auth.ts, that import() would make rollup build a namespace object of auth.ts in the shared chunk, and
// that object keeps every auth class alive in a bundle that imports none of them.
import { AuthBase, HTTPBasicAuth, type AuthFunction, type AuthOption } from './auth.ts';
import type { PreparedRequest } from './prepared-request.ts';

/** True for an auth that answers challenges itself (Digest, or any AuthBase overriding `challenge`). */
export function answersChallenges(auth: AuthBase): boolean {
  return auth.challenge !== AuthBase.prototype.challenge;
}

class FunctionAuth extends AuthBase {
  constructor(private readonly fn: AuthFunction) { super(); }
  async apply(request: PreparedRequest): Promise<PreparedRequest> {
    return (await this.fn(request)) ?? request;
  }
}

/** Turns an auth option into an AuthBase. */
export function toAuth(option: AuthOption): AuthBase {
  if (option instanceof AuthBase) return option;
  if (typeof option === 'function') return new FunctionAuth(option as AuthFunction);
  if (Array.isArray(option) && option.length === 2 && option.every((part) => typeof part === 'string')) {
    return new HTTPBasicAuth(option[0], option[1]);
  }
  throw new TypeError('errand: auth must be [user, pass], an AuthBase instance or a function');
}
