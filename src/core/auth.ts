import { Loggable } from './errors.ts';
import { checkHeaderValue } from './wire.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';

/** Base class of auth handlers: override `apply`; a challenge-answering scheme (Digest) also overrides `challenge`. */
export abstract class AuthBase extends Loggable {
  /** Adds credentials to the request (mutate it or return a new one). */
  abstract apply(request: PreparedRequest): PreparedRequest | Promise<PreparedRequest>;
  /**
   * Looks at a response to a request this auth applied (a 401, say) and returns the request to send
   * next, or nothing. The send loop sends it like any other hop.
   */
  challenge(_response: Response, _request: PreparedRequest): PreparedRequest | undefined | Promise<PreparedRequest | undefined> {
    return undefined;
  }
  // Credentials stay out of logs: JSON.stringify and util.inspect show only the class.
  override toJSON(): string { return `[${this.constructor.name}]`; }
}

/** A function used as auth: it gets the PreparedRequest and returns it, changed. */
export type AuthFunction = (request: PreparedRequest) => PreparedRequest | void | Promise<PreparedRequest | void>;
/** `[user, pass]`, an AuthBase, or a function. */
export type AuthOption = readonly [string, string] | AuthBase | AuthFunction;

/**
 * `user:pass` as UTF-8, base64 (RFC 7617 §2.1 with charset UTF-8). Whatever the credentials hold, base64
 * leaves only [A-Za-z0-9+/=] on the line; the result still passes the shared check like every header value.
 */
export function basicAuthHeader(username: string, password: string, header = 'Authorization'): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return checkHeaderValue(header, `Basic ${btoa(binary)}`);
}

/** HTTP Basic auth. */
export class HTTPBasicAuth extends AuthBase {
  constructor(readonly username: string, protected readonly password: string) {
    super();
    Object.defineProperty(this, 'password', { enumerable: false });
  }
  apply(request: PreparedRequest): PreparedRequest {
    request.headers.set('Authorization', basicAuthHeader(this.username, this.password));
    return request;
  }
}

/** Basic credentials for the proxy (`Proxy-Authorization`). */
export class HTTPProxyAuth extends HTTPBasicAuth {
  override apply(request: PreparedRequest): PreparedRequest {
    request.headers.set('Proxy-Authorization', basicAuthHeader(this.username, this.password, 'Proxy-Authorization'));
    return request;
  }
}

/** `Authorization: Bearer <token>`. */
export class BearerAuth extends AuthBase {
  constructor(private readonly token: string) {
    super();
    Object.defineProperty(this, 'token', { enumerable: false });
  }
  apply(request: PreparedRequest): PreparedRequest {
    // Checked here: the platform's own error for a bad header value would quote the token.
    request.headers.set('Authorization', `Bearer ${checkHeaderValue('Authorization', this.token, { request })}`);
    return request;
  }
}
