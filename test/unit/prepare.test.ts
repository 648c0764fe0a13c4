import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AuthBase, InvalidSchemaError, InvalidURLError, MissingSchemaError, PreparedRequest, Request, Session,
  type RequestOptions, type SessionOptions,
} from 'errand';
import { bodyText } from './_helpers.ts';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function prepare(method: string, url: string, options: RequestOptions = {}, sessionOptions: SessionOptions = {}) {
  return new Session(sessionOptions).prepareRequest(new Request(method, url, options));
}

describe('method', () => {
  it.each([
    ['get', 'GET'],
    ['Post', 'POST'],
    ['mkcol', 'MKCOL'],
    ['PROPFIND', 'PROPFIND'],
    ['x-custom', 'X-CUSTOM'],
  ])('%s → %s', async (method, expected) => {
    expect((await prepare(method, 'https://x.test/')).method).toBe(expected);
  });

  it.each(['GE T', '', 'GET\r\n', 'G(E)T'])('refuses the method %j', async (method) => {
    await expect(prepare(method, 'https://x.test/')).rejects.toBeInstanceOf(TypeError);
  });
});

describe('URL', () => {
  it.each([
    ['https://api.test/v1/', 'users', 'https://api.test/v1/users'],
    ['https://api.test/v1', 'users', 'https://api.test/v1/users'],
    ['https://api.test/v1/', '/users', 'https://api.test/v1/users'],
    ['https://api.test/v1/', 'users/7?x=1', 'https://api.test/v1/users/7?x=1'],
    ['https://api.test/v1/', 'https://other.test/abs', 'https://other.test/abs'],
    ['https://api.test/v1/', 'http://other.test/abs', 'http://other.test/abs'],
  ])('joins baseUrl %s and %s into %s', async (baseUrl, path, expected) => {
    expect((await prepare('GET', path, {}, { baseUrl })).url).toBe(expected);
  });

  it('takes baseUrl per call too, over the session one', async () => {
    expect((await prepare('GET', 'me', { baseUrl: 'https://b.test/api/' }, { baseUrl: 'https://a.test/' })).url).toBe('https://b.test/api/me');
  });

  it('adds params to a joined URL', async () => {
    expect((await prepare('GET', 'users', { params: { page: 2 } }, { baseUrl: 'https://api.test/v1/' })).url).toBe('https://api.test/v1/users?page=2');
  });

  it.each(['example.com', 'example.com/path', 'localhost:8080/x', 'localhost:8080', '/just/a/path'])(
    'calls %s a MissingSchemaError',
    async (url) => {
      const error = await prepare('GET', url).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MissingSchemaError);
      expect((error as Error).name).toBe('MissingSchemaError');
    },
  );

  // The refusals' text loads with the first refusal (core/refusals.ts): each says what is wrong, URL redacted.
  it.each([
    ['a CR in the URL', 'https://u:secret@x.test/a\rb', {}, InvalidURLError, 'Invalid URL "https://***@x.test/ab": it contains CR, LF, tab or NUL'],
    ['a tab in baseUrl', 'p', { baseUrl: 'https://x.test/\t?t=secret' }, InvalidURLError, 'Invalid baseUrl "https://x.test/?t=***": it contains CR, LF, tab or NUL'],
    ['no scheme', 'x.test/p?t=secret', {}, MissingSchemaError, 'Invalid URL "x.test/p?t=***": no scheme supplied. Perhaps you meant "https://x.test/p?t=***"?'],
    ['an unparsable URL', 'https://[::1/', {}, InvalidURLError, 'Invalid URL "https://[::1/"'],
  ] as const)('refuses %s with its message', async (_label, url, options, kind, message) => {
    const error = await prepare('GET', url, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(kind);
    expect((error as Error).message).toBe(message);
  });

  it('names a refused method in the TypeError', async () => {
    await expect(prepare('GE T', 'https://x.test/')).rejects.toThrow('errand: invalid HTTP method "GE T"');
  });

  it('suggests the https:// form in the MissingSchemaError message', async () => {
    await expect(prepare('GET', 'example.com/x')).rejects.toThrow('https://example.com/x');
  });

  it.each(['http://', 'https://', 'http://exa mple.com/', 'https://[::1/'])('calls %j an InvalidURLError, not a missing scheme', async (url) => {
    const error = await prepare('GET', url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidURLError);
    expect(error).not.toBeInstanceOf(MissingSchemaError);
  });

  it.each([
    ['CR LF', 'https://x.test/a\r\nX-Injected: 1'],
    ['LF', 'https://x.test/a\nb'],
    ['a tab', 'https://x.test/a\tb'],
    ['NUL', 'https://x.test/a\0b'],
  ])('refuses %s in the URL with InvalidURLError', async (_label, url) => {
    await expect(prepare('GET', url)).rejects.toBeInstanceOf(InvalidURLError);
  });

  it('refuses a non-http scheme when sending (no adapter), with InvalidSchemaError', async () => {
    const s = new Session();
    expect(() => s.getAdapter('ftp://x.test/file')).toThrow(InvalidSchemaError);
    await expect(s.get('ftp://x.test/file', { retries: 0 })).rejects.toBeInstanceOf(InvalidSchemaError);
  });

  it('picks the adapter by the longest mounted prefix, case-insensitively', () => {
    const s = new Session();
    const api = { send: async () => { throw new Error('unused'); }, close: async () => {} };
    const deep = { send: async () => { throw new Error('unused'); }, close: async () => {} };
    s.mount('https://api.test/', api);
    s.mount('https://api.test/v2/', deep);
    expect(s.getAdapter('HTTPS://API.test/v1/x')).toBe(api);
    expect(s.getAdapter('https://api.test/v2/x')).toBe(deep);
    expect(s.getAdapter('https://other.test/')).not.toBe(api);
  });
});

describe('credentials in the URL', () => {
  it('moves user:pass@ into a Basic Authorization header and out of the URL', async () => {
    const prepared = await prepare('GET', 'https://user:pass@x.test/p?q=1');
    expect(prepared.url).toBe('https://x.test/p?q=1');
    expect(prepared.headers.get('authorization')).toBe(`Basic ${b64('user:pass')}`);
  });

  it('percent-decodes them first', async () => {
    const prepared = await prepare('GET', 'https://us%40er:p%3Ass%20w%C3%B6rd@x.test/');
    expect(prepared.headers.get('authorization')).toBe(`Basic ${b64('us@er:p:ss wörd')}`);
    expect(prepared.url).toBe('https://x.test/');
  });

  it('lets explicit auth win, still removing the userinfo', async () => {
    const prepared = await prepare('GET', 'https://user:pass@x.test/', { auth: ['other', 'secret'] });
    expect(prepared.headers.get('authorization')).toBe(`Basic ${b64('other:secret')}`);
    expect(prepared.url).toBe('https://x.test/');
  });

  it('lets session auth win over URL userinfo too', async () => {
    const prepared = await prepare('GET', 'https://user:pass@x.test/', {}, { auth: ['sess', 'pw'] });
    expect(prepared.headers.get('authorization')).toBe(`Basic ${b64('sess:pw')}`);
  });
});

describe('auth is applied last', () => {
  it('gives a function auth the final URL (params encoded), headers and body', async () => {
    let seen: { url: string; body: string; contentType: string | null; custom: string | null } | undefined;
    const prepared = await prepare('POST', 'https://x.test/sign?own=1', {
      params: { a: 'b c' },
      json: { x: 1 },
      headers: { 'X-Custom': 'yes' },
      auth: async (req) => {
        seen = { url: req.url, body: await bodyText(req.body), contentType: req.headers.get('content-type'), custom: req.headers.get('x-custom') };
        req.headers.set('X-Signature', `sig:${req.url}`);
        return req;
      },
    });
    expect(seen).toEqual({ url: 'https://x.test/sign?own=1&a=b+c', body: '{"x":1}', contentType: 'application/json', custom: 'yes' });
    expect(prepared.headers.get('x-signature')).toBe('sig:https://x.test/sign?own=1&a=b+c');
  });

  it('accepts a function auth that returns nothing', async () => {
    const prepared = await prepare('GET', 'https://x.test/', { auth: (req) => { req.headers.set('X-Key', 'k'); } });
    expect(prepared.headers.get('x-key')).toBe('k');
  });

  it('uses an AuthBase subclass', async () => {
    class HeaderAuth extends AuthBase {
      apply(req: PreparedRequest) {
        req.headers.set('X-Auth', `${req.method} ${new URL(req.url).search}`);
        return req;
      }
    }
    const prepared = await prepare('delete', 'https://x.test/', { params: { id: 3 }, auth: new HeaderAuth() });
    expect(prepared.headers.get('x-auth')).toBe('DELETE ?id=3');
  });
});

describe('body and Content-Type', () => {
  it('sets Content-Type from the body when the user gave none', async () => {
    expect((await prepare('POST', 'https://x.test/', { json: { a: 1 } })).headers.get('content-type')).toBe('application/json');
    expect((await prepare('POST', 'https://x.test/', { data: { a: 1 } })).headers.get('content-type')).toBe('application/x-www-form-urlencoded');
  });

  it("never overrides the user's Content-Type, whatever its case", async () => {
    const json = await prepare('POST', 'https://x.test/', { json: { a: 1 }, headers: { 'content-type': 'application/vnd.api+json' } });
    expect(json.headers.get('content-type')).toBe('application/vnd.api+json');
    const form = await prepare('POST', 'https://x.test/', { data: { a: 1 } }, { headers: { 'Content-Type': 'text/x-custom' } });
    expect(form.headers.get('content-type')).toBe('text/x-custom');
  });

  it('ignores json when data is given, as requests does', async () => {
    const prepared = await prepare('POST', 'https://x.test/', { data: 'raw', json: { a: 1 } });
    expect(await bodyText(prepared.body)).toBe('raw');
    expect(prepared.headers.has('content-type')).toBe(false);
  });

  it('sends no body and no Content-Type without data, json or files', async () => {
    const prepared = await prepare('GET', 'https://x.test/');
    expect(prepared.body).toBeNull();
    expect(prepared.headers.has('content-type')).toBe(false);
  });

  it('merges session headers into the prepared request', async () => {
    const prepared = await prepare('GET', 'https://x.test/', { headers: { 'X-Call': '1' } }, { headers: { 'X-Session': '2' } });
    expect(prepared.headers.get('x-call')).toBe('1');
    expect(prepared.headers.get('x-session')).toBe('2');
  });
});

describe('PreparedRequest.copy()', () => {
  it('gives a copy whose method, URL, headers and hooks change independently', async () => {
    const hook = () => {};
    const original = await prepare('POST', 'https://x.test/a', { headers: { 'X-A': '1' }, data: 'body', hooks: { response: hook } });
    const copy = original.copy();
    copy.method = 'PUT';
    copy.url = 'https://x.test/b';
    copy.headers.set('X-A', '2');
    copy.headers.set('X-New', '3');
    copy.hooks.response.push(() => {});
    expect(original.method).toBe('POST');
    expect(original.url).toBe('https://x.test/a');
    expect(original.headers.get('x-a')).toBe('1');
    expect(original.headers.has('x-new')).toBe(false);
    expect(original.hooks.response).toEqual([hook]);
    expect(await bodyText(copy.body)).toBe('body');
  });
});

describe('logging a PreparedRequest hides secrets', () => {
  const secrets = ['s3cr3t-pass', 'TOKEN-VALUE', 'cookie-value', b64('alice:s3cr3t-pass')];

  async function withSecrets() {
    return prepare('GET', 'https://x.test/p', {
      auth: ['alice', 's3cr3t-pass'],
      params: { access_token: 'TOKEN-VALUE', page: 2 },
      headers: { 'Proxy-Authorization': 'Basic cHJveHk6cHc=', Cookie: 'sid=cookie-value' },
    });
  }

  it('in toJSON', async () => {
    const prepared = await withSecrets();
    const json = JSON.stringify(prepared);
    for (const secret of [...secrets, 'cHJveHk6cHc=']) expect(json).not.toContain(secret);
    expect(json).toContain('https://x.test/p');
    expect(JSON.parse(json).method).toBe('GET');
  });

  it('in toString', async () => {
    const text = String(await withSecrets());
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain('GET');
  });

  it('in util.inspect', async () => {
    const text = inspect(await withSecrets(), { depth: 10, showHidden: false });
    for (const secret of [...secrets, 'cHJveHk6cHc=']) expect(text).not.toContain(secret);
  });

  it('in a URL that still carries userinfo', () => {
    const prepared = new PreparedRequest();
    prepared.url = 'https://bob:hunter2@x.test/?key=abc';
    for (const text of [String(prepared), JSON.stringify(prepared), inspect(prepared)]) {
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('abc');
    }
  });
});
