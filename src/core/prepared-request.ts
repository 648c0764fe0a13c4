import type { AuthBase } from './auth.ts';
import type { BodyValue } from './encode.ts';
import { Loggable, redactUrl } from './errors.ts';
import type { Hooks } from './hooks.ts';

const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie)$/i;

/**
 * The exact request the adapter sends: final URL (params encoded), `Headers`, encoded body, hooks.
 * Every field is mutable, as in requests.
 */
export class PreparedRequest extends Loggable {
  method = 'GET';
  url = '';
  headers: Headers = new Headers();
  /** The encoded body (a string set by hand is sent as UTF-8). */
  body: BodyValue | null = null;
  hooks: Hooks = { request: [], response: [], retry: [] };
  /** Cookies given for this call only (null: do not send the jar's); sent while the origin stays the same. */
  cookies: Readonly<Record<string, string | null>> = Object.create(null);
  // A private field: never enumerated, so no log or serializer walks into the credentials.
  #auth: AuthBase | undefined;

  /** The auth applied, kept so a redirect to the same origin and a challenge can use it again. */
  get auth(): AuthBase | undefined { return this.#auth; }
  set auth(auth: AuthBase | undefined) { this.#auth = auth; }

  /** False when the body is a one-shot stream that cannot be sent again (redirect, retry). */
  get isReplayable(): boolean {
    return !(this.body instanceof ReadableStream);
  }

  /** A copy with its own Headers; the body is shared (a stream body can be read only once). */
  copy(): PreparedRequest {
    const copy = new PreparedRequest();
    copy.method = this.method;
    copy.url = this.url;
    copy.headers = new Headers(this.headers);
    copy.body = this.body;
    copy.hooks = { request: [...this.hooks.request], response: [...this.hooks.response], retry: [...this.hooks.retry] };
    copy.auth = this.auth;
    copy.cookies = this.cookies;
    return copy;
  }

  override toString(): string {
    return `<PreparedRequest [${this.method}] ${redactUrl(this.url)}>`;
  }

  /** A loggable view: URL redacted, credential headers masked. */
  override toJSON(): object {
    const headers: Record<string, string> = Object.create(null); // a header may be named __proto__
    for (const [name, value] of this.headers) headers[name] = SECRET_HEADERS.test(name) ? '***' : value;
    return { method: this.method, url: redactUrl(this.url), headers };
  }

}
