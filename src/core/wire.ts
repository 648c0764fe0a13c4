// The one gate between values (the user's, or a server's echoed back) and header lines: request headers,
// multipart part headers, cookies and auth parameters all pass here, so CR/LF can never start a line
// of their own (header injection, CWE-113). Messages name the header, never the value: a value may be
// a token, a password or a cookie.
import { InvalidHeaderError, type ErrorContext } from './errors.ts';

/** RFC 9110 §5.6.2: token = 1*tchar (a header name; a method too, §9.1). */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * A control character no field value may hold. RFC 9110 §5.5: field-value is VCHAR, obs-text, SP and HTAB.
 * CR, LF and NUL are dangerous; the other controls are invalid too (undici refuses them as well, which would
 * surface as a ConnectionError).
 */
export const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
export const NOT_LATIN1 = /[^\u0000-\u00ff]/;
// RFC 6265 §4.1.1: cookie-name is a token; cookie-value has no CTL, whitespace, DQUOTE (unless around
// the value), comma, semicolon or backslash. Only what breaks the Cookie line is refused here (as
// browsers do): a ';' would start another cookie, '=' in a name would shift the value.
const COOKIE_NAME_BAD = /[;=\s\u0000-\u001f\u007f]|[^\u0000-\u00ff]/;
const COOKIE_VALUE_BAD = /[;\u0000-\u001f\u007f]|[^\u0000-\u00ff]/;

/** A name safe to show in a message: at most 60 characters, anything but printable ASCII as '?'. */
function shown(name: string): string {
  return name.slice(0, 60).replace(/[^\x20-\x7e]/g, '?');
}

/**
 * Returns `name` if it is an HTTP token (RFC 9110 §5.6.2), else throws InvalidHeaderError.
 * @example checkHeaderName('X-Trace') // 'X-Trace'
 */
export function checkHeaderName(name: unknown, context?: ErrorContext): string {
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    throw new InvalidHeaderError(`Invalid header name ${JSON.stringify(String(name)).slice(0, 80)}: header names are HTTP tokens (no spaces, colons, CR or LF)`, context);
  }
  return name;
}

/**
 * Returns a field value as a string (numbers are written in decimal), else throws InvalidHeaderError:
 * not a string or number, a control character (CR, LF, NUL...; HTAB is allowed) or a character outside
 * ISO-8859-1 (RFC 9110 §5.5). The message names `name` and never quotes the value.
 * @example checkHeaderValue('Accept', 'text/html') // 'text/html'
 */
export function checkHeaderValue(name: string, value: unknown, context?: ErrorContext): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new InvalidHeaderError(`Header '${shown(name)}' must be a string or a number, not ${value === null ? 'null' : typeof value}`, context);
  }
  const text = String(value);
  if (CONTROL.test(text)) throw new InvalidHeaderError(`Header '${shown(name)}' contains CR, LF, NUL or another control character`, context);
  if (NOT_LATIN1.test(text)) {
    throw new InvalidHeaderError(`Header '${shown(name)}' has characters outside ISO-8859-1; encode the value first (e.g. encodeURIComponent)`, context);
  }
  return text;
}

/**
 * Checks every value of a request's headers just before it goes out: headers set by a request hook, an
 * auth or by hand on a PreparedRequest did not pass through the options' check. (`Headers` itself refuses
 * CR, LF and NUL, with an error that quotes the value; the other control characters it lets through.)
 */
export function checkHeaderLines(headers: Headers, context?: ErrorContext): void {
  for (const [name, value] of headers) checkHeaderValue(name, value, context);
}

/**
 * Checks a name and value for a Cookie header line (RFC 6265 §4.2.1 `name=value; ...`). Throws
 * InvalidHeaderError naming the cookie (its value is never quoted).
 */
export function checkCookie(name: string, value: string, context?: ErrorContext): void {
  if (typeof name !== 'string' || typeof value !== 'string' || name === '' || COOKIE_NAME_BAD.test(name) || COOKIE_VALUE_BAD.test(value)) {
    throw new InvalidHeaderError(`Cookie '${shown(String(name))}' has a name or value a Cookie header cannot carry (CR, LF, ';', NUL or another control character, '=' or a space in the name, or non-Latin-1)`, context);
  }
}
