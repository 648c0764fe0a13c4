import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as errand from 'errand';
import {
  ConnectionError, ConnectTimeoutError, ContentDecodingError, HTTPError, InvalidHeaderError, InvalidJSONError,
  InvalidSchemaError, InvalidURLError, JSONDecodeError, MissingSchemaError, ProxyError, ReadTimeoutError, RequestError,
  SchemaValidationError, SSLError, TimeoutError, TooManyRedirectsError, UnsupportedError,
} from 'errand';
import { redactUrl } from '../../src/core/errors.ts';
import { Response } from '../../src/core/response.ts';
import { preparedFor } from './_helpers.ts';

type ErrorClass = new (message: string, context?: object) => RequestError;

// Each class with its expected ancestors (DESIGN.md "Errors").
const TREE: [ErrorClass, ErrorClass[]][] = [
  [RequestError, []],
  [HTTPError, [RequestError]],
  [ConnectionError, [RequestError]],
  [ProxyError, [ConnectionError, RequestError]],
  [SSLError, [ConnectionError, RequestError]],
  [TimeoutError, [RequestError]],
  [ConnectTimeoutError, [TimeoutError, RequestError]],
  [ReadTimeoutError, [TimeoutError, RequestError]],
  [TooManyRedirectsError, [RequestError]],
  [InvalidURLError, [RequestError]],
  [MissingSchemaError, [InvalidURLError, RequestError]],
  [InvalidSchemaError, [InvalidURLError, RequestError]],
  [InvalidHeaderError, [RequestError]],
  [InvalidJSONError, [RequestError]],
  [JSONDecodeError, [RequestError]],
  [ContentDecodingError, [RequestError]],
  [SchemaValidationError, [RequestError]],
  [UnsupportedError, [RequestError]],
];
const ALL = TREE.map(([cls]) => cls);

describe('the error tree', () => {
  it.each(TREE.map(([cls, ancestors]) => [cls.name, cls, ancestors] as const))('%s is an instance of exactly its ancestors', (_name, cls, ancestors) => {
    const error = new cls('boom');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(cls);
    for (const other of ALL) {
      if (other === cls) continue;
      expect(error instanceof other, `${cls.name} instanceof ${other.name}`).toBe(ancestors.includes(other));
    }
  });

  it.each(ALL.map((cls) => [cls.name, cls] as const))('%s has its own constant name and the message', (name, cls) => {
    const error = new cls('the message');
    expect(error.name).toBe(name);
    expect(error.message).toBe('the message');
    expect(String(error)).toBe(`${name}: the message`);
  });

  it('is exported by the errand entry under the same names', () => {
    for (const cls of ALL) expect((errand as Record<string, unknown>)[cls.name]).toBe(cls);
  });

  it('keeps a subclass defined by a user in the tree', () => {
    class MyError extends ConnectionError {}
    expect(new MyError('x')).toBeInstanceOf(ConnectionError);
    expect(new MyError('x')).toBeInstanceOf(RequestError);
  });

  it('does not call plain values or other errors errand errors', () => {
    for (const value of [new Error('x'), new TypeError('x'), null, undefined, 'ConnectionError', 42, {}]) {
      expect(value instanceof RequestError).toBe(false);
      expect(value instanceof ConnectionError).toBe(false);
    }
  });
});

describe('context', () => {
  it('carries the request, the response and the cause', () => {
    const request = preparedFor('https://x.test/');
    const cause = new Error('socket hang up');
    const error = new ConnectionError('failed', { request, cause });
    expect(error.request).toBe(request);
    expect(error.response).toBeUndefined();
    expect(error.cause).toBe(cause);
  });

  it("takes the request from the response when only the response is given", () => {
    const request = preparedFor('https://x.test/');
    const response = new Response(new globalThis.Response(null, { status: 500 }), request, { elapsed: 0 });
    const error = new HTTPError('500', { response });
    expect(error.response).toBe(response);
    expect(error.request).toBe(request);
  });

  it('has no cause property when none was given', () => {
    expect('cause' in new RequestError('x')).toBe(false);
  });

  it('keeps request and response out of JSON and inspection (they may hold credentials)', () => {
    const request = preparedFor('https://x.test/');
    request.headers.set('Authorization', 'Bearer SECRET-TOKEN');
    const error = new ConnectionError('failed', { request });
    expect(JSON.stringify(error)).not.toContain('SECRET-TOKEN');
    expect(inspect(error, { depth: 5 })).not.toContain('SECRET-TOKEN');
    expect(Object.keys(error)).not.toContain('request');
  });
});

describe('instanceof across two copies of errand', () => {
  it('works both ways with a second copy of the class file', async () => {
    // A query string gives a second module instance: what two bundles (or ESM + CJS) of errand amount to.
    // @ts-expect-error -- TypeScript cannot resolve a specifier with a query string; vite can.
    const copy = (await import('../../src/core/errors.ts?second-copy')) as typeof import('../../src/core/errors.ts');
    expect(copy.RequestError).not.toBe(RequestError);
    expect(new copy.SSLError('x')).toBeInstanceOf(ConnectionError);
    expect(new copy.SSLError('x')).toBeInstanceOf(RequestError);
    expect(new SSLError('x')).toBeInstanceOf(copy.ConnectionError);
    expect(new copy.MissingSchemaError('x')).toBeInstanceOf(InvalidURLError);
    expect(new copy.HTTPError('x') instanceof ConnectionError).toBe(false);
    expect(new ReadTimeoutError('x') instanceof copy.ConnectionError).toBe(false);
  });

  it('still answers the ordinary prototype check first: prototypes and objects made from them', () => {
    // Before issue 10 the brand alone decided, and a prototype carries none.
    expect(HTTPError.prototype instanceof RequestError).toBe(true);
    expect(ProxyError.prototype instanceof ConnectionError).toBe(true);
    expect(Object.create(SSLError.prototype) instanceof ConnectionError).toBe(true);
    expect(Object.create(SSLError.prototype) instanceof SSLError).toBe(true);
    expect(HTTPError.prototype instanceof ConnectionError).toBe(false);
    expect(RequestError.prototype instanceof RequestError).toBe(false);
  });

  it("does not call a parent's error an instance of a user's subclass (which inherits the parent's brand)", () => {
    class MyError extends ConnectionError {}
    expect(new ConnectionError('x') instanceof MyError).toBe(false);
    expect(new MyError('x') instanceof MyError).toBe(true);
    expect(new MyError('x')).toBeInstanceOf(ConnectionError);
  });

  it('recognises an object carrying the errand brand', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('errand.errorKinds')]: ['ProxyError', 'ConnectionError', 'RequestError'] });
    expect(foreign).toBeInstanceOf(ProxyError);
    expect(foreign).toBeInstanceOf(ConnectionError);
    expect(foreign instanceof SSLError).toBe(false);
    expect(foreign instanceof HTTPError).toBe(false);
  });
});

describe('redactUrl', () => {
  it.each([
    ['https://user:pass@x.test/p', 'https://***@x.test/p'],
    ['https://user@x.test/p', 'https://***@x.test/p'],
    ['https://x.test/p?token=abc&page=2', 'https://x.test/p?token=***&page=***'],
    ['https://x.test/p?flag&k=v', 'https://x.test/p?flag&k=***'],
    ['https://x.test/p?k=a=b', 'https://x.test/p?k=***'],
    ['https://u:p@x.test:8443/a/b?x=1#frag', 'https://***@x.test:8443/a/b?x=***#***'],
    ['https://x.test/plain', 'https://x.test/plain'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('takes a URL object', () => {
    expect(redactUrl(new URL('https://a:b@x.test/?q=1'))).toBe('https://***@x.test/?q=***');
  });

  it.each([
    ['http://:1/next?token=SECRET&a=1#frag', 'http://:1/next?token=***&a=***#***'],
    ['//bob:hunter2@host?k=v', '//***@host?k=***'],
    ['bob:hunter2@host/p?k=v', '***@host/p?k=***'],
    ['http://:1/?a&b=SECRET&c', 'http://:1/?a&b=***&c'],
    ['http://:1/??k=SECRET', 'http://:1/??k=***'],
    ['http://:1/#x?k=SECRET', 'http://:1/#***'],
  ])('masks text that is not a URL by pattern: %s → %s', (text, expected) => {
    expect(redactUrl(text)).toBe(expected);
  });

  it('redacts what it can in text that is not a URL', () => {
    const out = redactUrl('not a url //bob:hunter2@host/p?key=SECRET&x=1');
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('SECRET');
  });
});
