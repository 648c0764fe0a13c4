import { describe, expect, it } from 'vitest';
import { HTTPBasicAuth, InvalidSchemaError, InvalidURLError, PreparedRequest, RequestError } from 'errand';
import { getRedirectTarget, nextRedirect, rebuildMethod, shouldStripAuth } from '../../src/core/redirect.ts';
import { Response } from '../../src/core/response.ts';
import { bodyText } from './_helpers.ts';

function requestTo(url: string, method = 'GET', init: { headers?: Record<string, string>; body?: PreparedRequest['body'] } = {}) {
  const request = new PreparedRequest();
  request.method = method;
  request.url = url;
  request.headers = new Headers(init.headers ?? {});
  request.body = init.body ?? null;
  return request;
}

function redirect(request: PreparedRequest, status: number, location: string | null) {
  const headers = new Headers();
  if (location !== null) headers.set('location', location);
  return new Response(new globalThis.Response(null, { status, headers }), request, { elapsed: 0 });
}

/** The UTF-8 bytes of `text` read as Latin-1: what a Headers object holds when a server sends raw UTF-8. */
const asLatin1 = (text: string) => String.fromCharCode(...new TextEncoder().encode(text));

describe('rebuildMethod', () => {
  it.each([
    ['POST', 301, 'GET'], ['PUT', 301, 'PUT'], ['GET', 301, 'GET'], ['HEAD', 301, 'HEAD'],
    ['POST', 302, 'GET'], ['PUT', 302, 'GET'], ['DELETE', 302, 'GET'], ['HEAD', 302, 'HEAD'],
    ['POST', 303, 'GET'], ['PUT', 303, 'GET'], ['HEAD', 303, 'HEAD'],
    ['POST', 307, 'POST'], ['PUT', 307, 'PUT'], ['HEAD', 307, 'HEAD'],
    ['POST', 308, 'POST'], ['PATCH', 308, 'PATCH'],
  ])('%s after %d → %s', (method, status, expected) => {
    expect(rebuildMethod(method, status)).toBe(expected);
  });
});

describe('nextRedirect: method and body', () => {
  const withBody = (method: string) => requestTo('https://x.test/form', method, {
    headers: { 'Content-Type': 'application/json', 'Content-Length': '7', 'Content-Encoding': 'identity', 'X-Keep': '1' },
    body: new TextEncoder().encode('{"a":1}'),
  });

  it.each([301, 302, 303])('drops the body and every Content-* header after a POST answered %d', (status) => {
    const next = nextRedirect(withBody('POST'), redirect(withBody('POST'), status, '/done'))!;
    expect(next.method).toBe('GET');
    expect(next.body).toBeNull();
    expect([...next.headers.keys()].filter((k) => k.startsWith('content-'))).toEqual([]);
    expect(next.headers.get('x-keep')).toBe('1');
  });

  it('drops the body after a 301 even where the method stays (PUT), as requests does', () => {
    const next = nextRedirect(withBody('PUT'), redirect(withBody('PUT'), 301, '/done'))!;
    expect(next.method).toBe('PUT');
    expect(next.body).toBeNull();
    expect(next.headers.has('content-type')).toBe(false);
  });

  it.each([307, 308])('keeps method, body and Content-Type for %d', async (status) => {
    const request = withBody('POST');
    const next = nextRedirect(request, redirect(request, status, '/again'))!;
    expect(next.method).toBe('POST');
    expect(await bodyText(next.body)).toBe('{"a":1}');
    expect(next.headers.get('content-type')).toBe('application/json');
    expect(next.url).toBe('https://x.test/again');
  });

  it('keeps HEAD for 303', () => {
    const request = requestTo('https://x.test/a', 'HEAD');
    expect(nextRedirect(request, redirect(request, 303, '/b'))!.method).toBe('HEAD');
  });

  it.each([307, 308])('refuses to replay a one-shot stream body for %d, with a RequestError', (status) => {
    const request = requestTo('https://x.test/up', 'POST', { body: new ReadableStream<Uint8Array>() });
    expect(() => nextRedirect(request, redirect(request, status, '/again'))).toThrow(RequestError);
  });

  it('follows a 303 after a stream body, since the body is dropped', () => {
    const request = requestTo('https://x.test/up', 'POST', { body: new ReadableStream<Uint8Array>() });
    const next = nextRedirect(request, redirect(request, 303, '/status'))!;
    expect(next.method).toBe('GET');
    expect(next.body).toBeNull();
  });

  it('does not change the request it started from', () => {
    const request = withBody('POST');
    request.headers.set('Authorization', 'Bearer t');
    nextRedirect(request, redirect(request, 302, 'https://elsewhere.test/'));
    expect(request.method).toBe('POST');
    expect(request.url).toBe('https://x.test/form');
    expect(request.headers.get('authorization')).toBe('Bearer t');
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.body).not.toBeNull();
  });
});

describe('nextRedirect: the target', () => {
  it('is undefined for a response that is not a redirect', () => {
    const request = requestTo('https://x.test/a');
    expect(nextRedirect(request, redirect(request, 200, '/b'))).toBeUndefined();
    expect(nextRedirect(request, redirect(request, 302, null))).toBeUndefined();
    expect(getRedirectTarget(redirect(request, 304, '/b'))).toBeUndefined();
  });

  it('does not follow an empty Location, as requests does', () => {
    const request = requestTo('http://a.test/x');
    expect(getRedirectTarget(redirect(request, 302, ''))).toBeUndefined();
    expect(nextRedirect(request, redirect(request, 302, '  '))).toBeUndefined();
  });

  it.each([
    ['/b?x=1', 'https://x.test/b?x=1'],
    ['c', 'https://x.test/a/c'],
    ['../d', 'https://x.test/d'],
    ['?page=2', 'https://x.test/a/b?page=2'],
    ['//cdn.test/file', 'https://cdn.test/file'],
    ['http://other.test/z', 'http://other.test/z'],
  ])('resolves Location %j against the request URL', (location, expected) => {
    const request = requestTo('https://x.test/a/b');
    expect(nextRedirect(request, redirect(request, 302, location))!.url).toBe(expected);
  });

  it('re-reads a Location sent as raw UTF-8 bytes as UTF-8', () => {
    const request = requestTo('https://x.test/');
    const response = redirect(request, 302, asLatin1('/café/日本'));
    expect(getRedirectTarget(response)).toBe('/café/日本');
    expect(nextRedirect(request, response)!.url).toBe('https://x.test/caf%C3%A9/%E6%97%A5%E6%9C%AC');
  });

  it('keeps a Latin-1 Location that is not UTF-8 as it is', () => {
    const request = requestTo('https://x.test/');
    expect(getRedirectTarget(redirect(request, 302, '/caf\u00e9'))).toBe('/caf\u00e9');
  });

  it.each(['http://[not-an-ipv6', 'http://:1', 'http://:1/x?token=SECRET'])('refuses the Location %s with an InvalidURLError, redacted, without the parser error as cause', (location) => {
    const request = requestTo('https://x.test/');
    const response = redirect(request, 302, location);
    const error = (() => { try { nextRedirect(request, response); } catch (e) { return e as InvalidURLError; } })()!;
    expect(error).toBeInstanceOf(InvalidURLError);
    expect(error).toBeInstanceOf(RequestError);
    expect(error.response).toBe(response);
    expect(error.message).not.toContain('SECRET');
    expect(error.cause).toBeUndefined(); // the URL parser's TypeError keeps the whole input
  });

  it('carries the fragment over when the Location has none', () => {
    const request = requestTo('https://x.test/a#section-2');
    expect(nextRedirect(request, redirect(request, 302, '/b'))!.url).toBe('https://x.test/b#section-2');
    expect(nextRedirect(request, redirect(request, 302, '/b#other'))!.url).toBe('https://x.test/b#other');
  });

  it.each(['ftp://x.test/file', 'javascript:alert(1)', 'data:text/plain,hi', 'file:///etc/passwd'])(
    'refuses to follow %j with InvalidSchemaError',
    (location) => {
      const request = requestTo('https://x.test/');
      const response = redirect(request, 302, location);
      let error: unknown;
      try {
        nextRedirect(request, response);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidSchemaError);
      expect((error as InvalidSchemaError).response).toBe(response);
    },
  );
});

describe('credentials across origins', () => {
  const sensitive = {
    Authorization: 'Bearer secret', 'Proxy-Authorization': 'Basic cHg=', Cookie: 'sid=1', 'X-Api-Key': 'k', 'X-Other': 'o',
  };

  function follow(from: string, to: string, extraSensitive: string[] = ['x-API-key']) {
    const request = requestTo(from, 'GET', { headers: sensitive });
    request.auth = new HTTPBasicAuth('u', 'p');
    request.cookies = { once: '1' };
    return nextRedirect(request, redirect(request, 302, to), extraSensitive)!;
  }

  it.each([
    ['another host', 'https://x.test/a', 'https://evil.test/a'],
    ['a subdomain', 'https://x.test/a', 'https://api.x.test/a'],
    ['another port', 'https://x.test/a', 'https://x.test:8443/a'],
    ['https → http', 'https://x.test/a', 'http://x.test/a'],
    ['http → https on non-default ports', 'http://x.test:8080/a', 'https://x.test:8443/a'],
    ['http → https from a non-default port', 'http://x.test:8080/a', 'https://x.test/a'],
  ])('drops Authorization, Proxy-Authorization, Cookie and custom sensitive headers for %s', (_label, from, to) => {
    const next = follow(from, to);
    for (const name of ['authorization', 'proxy-authorization', 'cookie', 'x-api-key']) expect(next.headers.has(name)).toBe(false);
    expect(next.headers.get('x-other')).toBe('o');
    expect(next.auth).toBeUndefined();
    expect(next.cookies).toEqual({});
  });

  it.each([
    ['the same origin', 'https://x.test/a', 'https://x.test/b'],
    ['the same origin with the default port spelt out', 'https://x.test/a', 'https://X.TEST:443/b'],
    ['http → https on default ports (requests allows it)', 'http://x.test/a', 'https://x.test/b'],
    ['http:80 → https:443 spelt out', 'http://x.test:80/a', 'https://x.test:443/b'],
  ])('keeps credentials for %s', (_label, from, to) => {
    const next = follow(from, to);
    expect(next.headers.get('authorization')).toBe('Bearer secret');
    expect(next.headers.get('proxy-authorization')).toBe('Basic cHg=');
    expect(next.headers.get('x-api-key')).toBe('k');
    expect(next.auth).toBeInstanceOf(HTTPBasicAuth);
    expect(next.cookies).toEqual({ once: '1' });
  });

  it('always clears the Cookie header: the send loop recomputes it for the new URL', () => {
    expect(follow('https://x.test/a', 'https://x.test/b').headers.has('cookie')).toBe(false);
  });

  it('keeps a non-sensitive custom header across origins unless it is listed', () => {
    expect(follow('https://x.test/', 'https://evil.test/', []).headers.get('x-api-key')).toBe('k');
  });

  it.each([
    ['https://x.test/', 'https://x.test/other', false],
    ['https://x.test/', 'https://y.test/', true],
    ['https://x.test/', 'http://x.test/', true],
    ['http://x.test/', 'https://x.test/', false],
    ['http://x.test:8080/', 'https://x.test:8080/', true],
    ['http://x.test/', 'http://x.test:81/', true],
    ['https://x.test:443/', 'https://x.test/', false],
  ])('shouldStripAuth(%s, %s) is %s', (from, to, expected) => {
    expect(shouldStripAuth(from, to)).toBe(expected);
  });
});
