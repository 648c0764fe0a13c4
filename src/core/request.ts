import type { RequestOptions } from './options.ts';
import { checkOptionNames, mergeOptions } from './options.ts';
import { prepare } from './prepare.ts';
import type { PreparedRequest } from './prepared-request.ts';
import { Loggable, redactUrl } from './errors.ts';

/** What the user asked for: method, URL and options, not yet encoded. `prepare()` encodes it. */
export class Request extends Loggable {
  method: string;
  url: string;
  options: RequestOptions;

  constructor(method: string, url: string | URL, options: RequestOptions = {}) {
    super();
    checkOptionNames(options);
    this.method = method;
    this.url = String(url);
    this.options = options;
    Object.defineProperty(this, 'options', { enumerable: false, writable: true });
  }

  override toString(): string { return `<Request [${this.method}] ${redactUrl(this.url)}>`; }
  /** A loggable view: the URL redacted, option names only (their values may hold credentials). */
  override toJSON(): object { return { method: this.method, url: redactUrl(this.url), options: Object.keys(this.options) }; }

  /** Encodes this request alone (no session state merged in; see `session.prepareRequest`). */
  prepare(): Promise<PreparedRequest> {
    return prepare(this.method, this.url, mergeOptions({ headers: new Headers() }, this.options));
  }
}
