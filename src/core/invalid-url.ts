// Why prepare.ts refuses a method or a URL: the errors and their text. prepare.ts finds what is wrong and
// loads this module with the first refusal, so a bundle whose calls send good URLs does not carry it.
import { InvalidURLError, MissingSchemaError, redactUrl } from './errors.ts';

/** What is wrong with a URL, as prepare.ts found it, and the text the message shows (redacted). */
export type UrlProblem =
  | [kind: 'control' | 'controlInBase' | 'unparsable' | 'noHost' | 'badHost', text: string];

/** The error for a method that is not an HTTP token (RFC 9110 §9.1). */
export function invalidMethod(method: unknown): TypeError {
  return new TypeError(`errand: invalid HTTP method ${JSON.stringify(String(method)).slice(0, 40)}`);
}

/** The InvalidURLError (MissingSchemaError without a scheme) for `problem`. */
export function invalidUrl([kind, text]: UrlProblem): InvalidURLError {
  const shown = JSON.stringify(redactUrl(text));
  switch (kind) {
    // The URL parser silently drops CR, LF and tab; they signal injection.
    case 'control': return new InvalidURLError(`Invalid URL ${shown}: it contains CR, LF, tab or NUL`);
    case 'controlInBase': return new InvalidURLError(`Invalid baseUrl ${shown}: it contains CR, LF, tab or NUL`);
    case 'noHost': return new InvalidURLError(`Invalid URL ${shown}: no host supplied`);
    case 'badHost': return new InvalidURLError(`Invalid URL ${shown}: the host has characters a host name cannot have`);
    case 'unparsable':
      // 'host:8080/x' and 'user:pass@host/x' have no scheme either, though they parse as one.
      if (!/^[a-z][a-z0-9+.-]*:/i.test(text) || /^[^:/]+:\d/.test(text) || /^[^:/@]+:[^/]*@/.test(text)) {
        return new MissingSchemaError(`Invalid URL ${shown}: no scheme supplied. Perhaps you meant "https://${redactUrl(text)}"?`);
      }
      return new InvalidURLError(`Invalid URL ${shown}`);
  }
}
