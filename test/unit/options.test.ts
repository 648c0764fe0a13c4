import { describe, expect, expectTypeOf, it } from 'vitest';
import { InvalidHeaderError, Request, RequestError, Session, TooManyRedirectsError } from 'errand';
import {
  CALL_OPTION_NAMES, SEND_OPTION_NAMES, SESSION_OPTION_NAMES, applyHeaders, mergeOptions,
  type OptionRules, type RequestOptions, type SendOptions, type SessionOptions,
} from '../../src/core/options.ts';
import { parseCookieHeader, recordingSession } from './_helpers.ts';

type SessionDefaults = SessionOptions & { headers: Headers };
const session = (options: Partial<SessionDefaults> = {}): SessionDefaults => ({ headers: new Headers(), ...options });

describe('mergeOptions: headers', () => {
  it('lets the call override a session header key by key, whatever the case', () => {
    const merged = mergeOptions(session({ headers: new Headers({ 'X-A': 'session', Accept: '*/*' }) }), {
      headers: { 'x-a': 'call', 'X-B': 'new' },
    });
    expect(merged.headers.get('X-A')).toBe('call');
    expect(merged.headers.get('accept')).toBe('*/*');
    expect(merged.headers.get('x-b')).toBe('new');
    expect([...merged.headers.keys()].filter((k) => k === 'x-a')).toHaveLength(1);
  });

  it('removes a session header when the call gives null, in any case', () => {
    const merged = mergeOptions(session({ headers: new Headers({ 'User-Agent': 'ua', Accept: '*/*' }) }), {
      headers: { 'user-agent': null },
    });
    expect(merged.headers.has('user-agent')).toBe(false);
    expect(merged.headers.get('accept')).toBe('*/*');
  });

  it('accepts a Headers object and pairs as call headers', () => {
    const base = session({ headers: new Headers({ 'X-A': '1' }) });
    expect(mergeOptions(base, { headers: new Headers({ 'x-a': '2' }) }).headers.get('x-a')).toBe('2');
    expect(mergeOptions(base, { headers: [['X-A', '3'], ['X-C', '4']] }).headers.get('x-a')).toBe('3');
  });

  it('never changes the session headers it merged from', () => {
    const headers = new Headers({ 'X-A': '1' });
    mergeOptions(session({ headers }), { headers: { 'X-A': '2', 'X-B': '3' } });
    mergeOptions(session({ headers }), { headers: { 'X-A': null } });
    expect([...headers]).toEqual([['x-a', '1']]);
  });
});

describe('mergeOptions: params', () => {
  it('lets a call key replace every session pair of that key, keeping the others', () => {
    const merged = mergeOptions(session({ params: { a: '1', tag: ['x', 'y'], keep: 'k' } }), { params: { tag: 'z', b: 2 } });
    const pairs = merged.params.map(([k, v]) => `${k}=${v}`).sort();
    expect(pairs).toEqual(['a=1', 'b=2', 'keep=k', 'tag=z']);
  });

  it('removes a session param when the call gives null', () => {
    const merged = mergeOptions(session({ params: { a: '1', b: '2' } }), { params: { a: null } });
    expect(merged.params).toEqual([['b', '2']]);
  });

  it('keeps the session params when the call has none', () => {
    expect(mergeOptions(session({ params: [['a', '1'], ['a', '2']] }), {}).params).toEqual([['a', '1'], ['a', '2']]);
  });
});

describe('merging cookies (session jar + call cookies, per request)', () => {
  it('lets a call cookie override a session cookie of the same name and adds new ones', async () => {
    const { session: s, sent } = recordingSession({ cookies: { sid: 'abc', theme: 'dark' } });
    await s.get('https://api.test/', { cookies: { theme: 'light', lang: 'fr' } });
    expect(parseCookieHeader(sent[0]!.request.headers.get('cookie'))).toEqual({ sid: 'abc', theme: 'light', lang: 'fr' });
  });

  it('does not send a session cookie the call sets to null', async () => {
    const { session: s, sent } = recordingSession({ cookies: { sid: 'abc', theme: 'dark' } });
    await s.get('https://api.test/', { cookies: { sid: null } });
    expect(parseCookieHeader(sent[0]!.request.headers.get('cookie'))).toEqual({ theme: 'dark' });
  });

  it('sends call cookies with that call only', async () => {
    const { session: s, sent } = recordingSession();
    await s.get('https://api.test/', { cookies: { once: '1' } });
    await s.get('https://api.test/');
    expect(sent[0]!.request.headers.get('cookie')).toBe('once=1');
    expect(sent[1]!.request.headers.has('cookie')).toBe(false);
  });
});

describe('mergeOptions: proxies', () => {
  it('merges key by key and removes a session proxy on null', () => {
    const base = session({ proxies: { http: 'http://p1:8080', https: 'http://p2:8080' } });
    expect(mergeOptions(base, { proxies: { https: 'http://p3:8080', all: 'http://p4:8080' } }).proxies).toEqual({
      http: 'http://p1:8080', https: 'http://p3:8080', all: 'http://p4:8080',
    });
    expect(mergeOptions(base, { proxies: { http: null } }).proxies).toEqual({ https: 'http://p2:8080' });
  });
});

describe('mergeOptions: hooks', () => {
  it('adds session hooks and call hooks up, session first', () => {
    const s1 = () => {};
    const s2 = () => {};
    const c1 = () => {};
    const r1 = () => {};
    const merged = mergeOptions(session({ hooks: { response: [s1, s2], request: r1 } }), { hooks: { response: c1 } });
    expect(merged.hooks.response).toEqual([s1, s2, c1]);
    expect(merged.hooks.request).toEqual([r1]);
  });
});

describe('mergeOptions: everything else replaces', () => {
  it('takes the call value whole, not merged with the session one', () => {
    const base = session({
      timeout: { connect: 100, read: 200 }, auth: ['s', 'p'], verify: false, retries: { total: 5 },
      sensitiveHeaders: ['X-A'], allowRedirects: false, maxRedirects: 3, stream: true, baseUrl: 'https://a.test/',
    });
    const merged = mergeOptions(base, {
      timeout: 5000, auth: ['c', 'q'], verify: true, retries: 1, sensitiveHeaders: ['X-B'], allowRedirects: true,
      maxRedirects: 7, stream: false, baseUrl: 'https://b.test/',
    });
    expect(merged.timeout).toEqual({ total: 5000 });
    expect(merged.auth).toEqual(['c', 'q']);
    expect(merged.verify).toBe(true);
    expect(merged.retries).toBe(1);
    expect(merged.sensitiveHeaders).toEqual(['X-B']);
    expect(merged.allowRedirects).toBe(true);
    expect(merged.maxRedirects).toBe(7);
    expect(merged.stream).toBe(false);
    expect(merged.baseUrl).toBe('https://b.test/');
  });

  it('keeps the session value when the call leaves the option out', () => {
    const merged = mergeOptions(session({ timeout: 1500, auth: ['s', 'p'], verify: false, maxRedirects: 4 }), {});
    expect(merged.timeout).toEqual({ total: 1500 });
    expect(merged.auth).toEqual(['s', 'p']);
    expect(merged.verify).toBe(false);
    expect(merged.maxRedirects).toBe(4);
  });

  it('uses the documented defaults', () => {
    const merged = mergeOptions(session(), {});
    expect(merged).toMatchObject({ allowRedirects: true, verify: true, stream: false, trustEnv: true, timeout: {} });
  });
});

describe('unknown options', () => {
  it.each([
    ['header', 'headers'],
    ['parms', 'params'],
    ['timout', 'timeout'],
    ['allow_redirects', 'allowRedirects'],
  ])('refuses %s and suggests %s', (wrong, right) => {
    let error: unknown;
    try {
      mergeOptions(session(), { [wrong]: 1 } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(`'${wrong}'`);
    expect((error as Error).message).toContain(`'${right}'`);
  });

  it('suggests nothing for a name close to no option', () => {
    expect(() => mergeOptions(session(), { qqqqqqqqqqqqqq: 1 } as never)).toThrow(/'qqqqqqqqqqqqqq'(?![\s\S]*did you mean)/);
  });

  it('is checked by Request and Session too', () => {
    expect(() => new Request('GET', 'https://x.test/', { header: {} } as never)).toThrow(/'header'.*'headers'/);
    // A body is per call: a Session refuses it.
    expect(() => new Session({ data: 'x' } as never)).toThrow(TypeError);
    expect(() => new Session({ timout: 1 } as never)).toThrow(/'timout'.*'timeout'/);
  });
});

describe('timeout', () => {
  it.each([
    [5000, { total: 5000 }],
    [0, { total: 0 }],
    [2.5, { total: 2.5 }],
    [{ connect: 100, read: 200 }, { connect: 100, read: 200 }],
    [{ total: 3000, connect: 50 }, { total: 3000, connect: 50 }],
    [{}, {}],
    [null, {}],
  ])('normalises %j to %j', (input, expected) => {
    expect(mergeOptions(session(), { timeout: input as never }).timeout).toEqual(expected);
  });

  it.each([
    ['negative', -1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a string', '5000'],
    ['a boolean', true],
    ['a negative connect', { connect: -5 }],
    ['a string read', { read: '10' }],
    ['an unknown field', { conect: 5 }],
  ])('refuses %s with a TypeError', (_label, value) => {
    expect(() => mergeOptions(session(), { timeout: value as never })).toThrow(TypeError);
  });

  it('names the misspelt timeout field', () => {
    expect(() => mergeOptions(session(), { timeout: { conect: 5 } as never })).toThrow(/'conect'.*'connect'/);
  });
});

describe('maxRedirects', () => {
  it.each([0, 1, 30, 100])('accepts %d', (n) => {
    expect(mergeOptions(session(), { maxRedirects: n }).maxRedirects).toBe(n);
  });

  it.each([-1, 1.5, Number.NaN, '3', Number.POSITIVE_INFINITY])('refuses %s', (n) => {
    expect(() => mergeOptions(session(), { maxRedirects: n as never })).toThrow(TypeError);
  });

  const endlessRedirects = () => Array.from({ length: 40 }, (_, i) => new globalThis.Response(null, { status: 302, headers: { location: `/r/${i + 1}` } }));

  it.each([
    ['by default', {}, {}, 30],
    ['from the session', { maxRedirects: 2 }, {}, 2],
    ['from the call, over the session', { maxRedirects: 2 }, { maxRedirects: 5 }, 5],
    ['when 0', {}, { maxRedirects: 0 }, 0],
  ])('limits the redirects followed %s', async (_label, sessionOptions, callOptions, limit) => {
    const { session: s, sent } = recordingSession(sessionOptions, endlessRedirects());
    const error = await s.get('https://x.test/r/0', callOptions).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyRedirectsError);
    expect(sent).toHaveLength(limit + 1);
  });
});

describe('header validation', () => {
  const check = (headers: unknown) => () => applyHeaders(new Headers(), headers as never);

  it.each([
    ['CR', 'a\rb'],
    ['LF', 'a\nb'],
    ['CRLF injection', 'ok\r\nX-Injected: 1'],
    ['NUL', 'a\0b'],
  ])('refuses %s in a value', (_label, value) => {
    expect(check({ 'X-Test': value })).toThrow(InvalidHeaderError);
  });

  it.each([
    ['a space', 'bad name'],
    ['a colon', 'x:y'],
    ['nothing', ''],
    ['a newline', 'x\ny'],
    ['a non-ASCII letter', 'nämé'],
  ])('refuses a name with %s', (_label, name) => {
    expect(check({ [name]: 'v' })).toThrow(InvalidHeaderError);
  });

  it.each([
    ['the euro sign', '€'],
    ['an emoji', 'ok 😀'],
    ['CJK', '日本'],
  ])('refuses a value outside Latin-1 (%s)', (_label, value) => {
    expect(check({ 'X-Test': value })).toThrow(InvalidHeaderError);
  });

  it('accepts Latin-1 values and numbers', () => {
    const headers = applyHeaders(new Headers(), { 'X-Latin': 'café', 'Content-Length': 42, 'X-Zero': 0 });
    expect(headers.get('x-latin')).toBe('café');
    expect(headers.get('content-length')).toBe('42');
    expect(headers.get('x-zero')).toBe('0');
  });

  it('refuses a value that is neither a string nor a number', () => {
    expect(check({ 'X-Flag': true })).toThrow(InvalidHeaderError);
    expect(check({ 'X-Obj': { a: 1 } })).toThrow(InvalidHeaderError);
  });

  it('keeps the offending value out of the message (it may be a credential)', () => {
    for (const value of ['Bearer SECRET-TOKEN\r\n', 'Bearer SECRET-TOKEN€']) {
      let message = '';
      try {
        applyHeaders(new Headers(), { Authorization: value });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain('Authorization');
      expect(message).not.toContain('SECRET-TOKEN');
    }
  });

  it('is an errand RequestError, raised for session and call headers alike', () => {
    expect(check({ 'X-Test': 'a\nb' })).toThrow(RequestError);
    expect(() => new Session({ headers: { 'X-Test': 'a\r\nb' } })).toThrow(InvalidHeaderError);
    expect(() => mergeOptions(session(), { headers: { 'bad name': 'v' } })).toThrow(InvalidHeaderError);
  });
});

describe('option names, from the registry of rules', () => {
  // Typed as a complete record of RequestOptions: a new option fails to compile here until it is listed.
  const every: Record<keyof RequestOptions, true> = {
    params: true, data: true, json: true, files: true, headers: true, cookies: true, auth: true, timeout: true,
    signal: true, allowRedirects: true, maxRedirects: true, proxies: true, verify: true, cert: true, stream: true,
    hooks: true, retries: true, credentials: true, sensitiveHeaders: true, baseUrl: true, trustEnv: true,
    onDownloadProgress: true, onUploadProgress: true, cache: true,
  };
  const sorted = (names: readonly string[]) => [...names].sort();

  it('splits every option into call-only and Session ones', () => {
    expect(sorted(CALL_OPTION_NAMES)).toEqual(['data', 'files', 'json', 'signal']);
    expect(sorted([...SESSION_OPTION_NAMES, ...CALL_OPTION_NAMES])).toEqual(sorted(Object.keys(every)));
    expect(SESSION_OPTION_NAMES.filter((name) => CALL_OPTION_NAMES.includes(name))).toEqual([]);
  });

  it('lets send() take the options that act after preparation, and no others', () => {
    expect(sorted(SEND_OPTION_NAMES)).toEqual(sorted([
      'timeout', 'signal', 'allowRedirects', 'maxRedirects', 'proxies', 'verify', 'cert', 'stream', 'retries',
      'credentials', 'sensitiveHeaders', 'trustEnv', 'onDownloadProgress', 'onUploadProgress', 'cache',
    ]));
    for (const name of ['params', 'data', 'json', 'files', 'headers', 'cookies', 'auth', 'hooks', 'baseUrl']) {
      expect(SEND_OPTION_NAMES).not.toContain(name);
    }
  });

  it('is what Session, send() and mergeOptions check against', async () => {
    for (const name of CALL_OPTION_NAMES) {
      expect(() => new Session({ [name]: undefined } as never), name).toThrow(new RegExp(`unknown Session option '${name}'`));
    }
    for (const name of SESSION_OPTION_NAMES) expect(() => new Session({ [name]: undefined } as never), name).not.toThrow();
    const s = new Session();
    const prepared = await new Request('GET', 'https://x.test/').prepare();
    expect(() => s.send(prepared, { headers: {} } as never)).toThrow(/unknown send option 'headers'/);
    for (const name of Object.keys(every)) expect(() => mergeOptions(session(), { [name]: undefined }), name).not.toThrow();
  });

  it('types the registry so that an option cannot lack its rule', () => {
    expectTypeOf<keyof OptionRules>().toEqualTypeOf<keyof RequestOptions>();
    expectTypeOf<OptionRules['data']['scope']>().toEqualTypeOf<'call'>();
    expectTypeOf<OptionRules['timeout']['send']>().toEqualTypeOf<true>();
    expectTypeOf<OptionRules['headers']['send']>().toEqualTypeOf<undefined>();
    expectTypeOf<keyof SendOptions>().toEqualTypeOf<{ [K in keyof OptionRules]: OptionRules[K]['send'] extends true ? K : never }[keyof OptionRules]>();
    expectTypeOf<keyof SessionOptions>().toEqualTypeOf<{ [K in keyof OptionRules]: OptionRules[K]['scope'] extends 'call' ? never : K }[keyof OptionRules]>();
  });
});
