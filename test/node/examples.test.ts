// Runs every file in examples/ against the local httpbin and checks what it returned,
// so the examples (and the README snippets they mirror) cannot rot.
// The examples import 'errand', which resolves to dist/: run after `npm run build`.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EXAMPLES } from '../../examples/run.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    httpbinUrl: string;
  }
}

type Json = Record<string, any>;
type Check = (out: any, base: string) => void;

const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));

/** Header lookup in an httpbin echo, whatever case the server gave the names. */
function header(headers: Json, name: string): unknown {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

function pathOf(url: string): string {
  return new URL(url).pathname;
}

const checks: Record<(typeof EXAMPLES)[number], Check> = {
  'make-a-request': (out) =>
    expect(out).toMatchObject({ get: 200, post: 200, put: 200, delete: 200, head: 200 }),
  'query-params': (out) => {
    expect(out.url).toMatch(/\/get\?key1=value1&key2=value2$/);
    expect(out.args).toEqual({ key1: 'value1', key2: 'value2' });
    expect(out.listUrl).toMatch(/\/get\?key1=value1&key2=value2&key2=value3$/);
    expect(out.listArgs).toEqual({ key1: 'value1', key2: ['value2', 'value3'] });
  },
  'response-content': (out, base) => {
    expect(out.encoding?.toLowerCase()).toBe('utf-8');
    expect(out.changedTo).toBe('ISO-8859-1');
    expect(out.textStartsWith).toBe('{');
    expect(out.isUint8Array).toBe(true);
    expect(out.contentLength).toBeGreaterThan(0);
    expect(out.jsonUrl).toBe(`${base}/get`);
  },
  'raw-response-content': (out) => {
    expect(out.firstReadBytes).toBeGreaterThan(0);
    expect(out.firstReadBytes).toBeLessThanOrEqual(64);
    expect(out.savedBytes).toBe(1000);
  },
  'custom-headers': (out) => {
    expect(out.sentUserAgent).toBe('my-app/0.0.1');
    expect(header(out.echoed, 'user-agent')).toBe('my-app/0.0.1');
  },
  'form-post': (out) => {
    expect(out.form).toEqual({ key1: 'value1', key2: 'value2' });
    expect(out.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(out.pairs).toEqual({ key1: ['value1', 'value2'] });
    expect(out.arrays).toEqual({ key1: ['value1', 'value2'] });
    expect(out.raw).toBe('{"some":"data"}');
  },
  'json-post': (out) => {
    expect(out.status).toBe(200);
    expect(out.contentType).toMatch(/^application\/json/);
    expect(out.json).toEqual({ some: 'data', nested: { list: [1, 2, 3] }, ok: true });
  },
  'put-form-data': (out) => {
    expect(out.status).toBe(200);
    expect(out.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(out.form).toEqual({ key: 'value', name: 'errand' });
  },
  'put-json': (out) => {
    expect(out.status).toBe(200);
    expect(out.json).toEqual({ id: 7, name: 'errand', tags: ['http', 'typescript'] });
  },
  'put-file-upload': (out) => {
    expect(out.status).toBe(200);
    expect(out.contentType).toBe('multipart/form-data');
    expect(out.files.report).toBe('id,name\n1,errand\n');
    expect(out.files.blob).toBe('raw bytes, named by the tuple');
    expect(out.form).toEqual({ description: 'monthly report' });
  },
  'multipart-files': (out) => {
    expect(out.status).toBe(200);
    expect(out.xlsFields).toEqual(['file']);
    expect(out.csv).toEqual({ file: 'some,data,to,send\nanother,row,to,send\n' });
  },
  'status-codes': (out) => {
    expect(out).toMatchObject({ status: 200, isOk: true, ok: true, badStatus: 404, badIsNotFound: true, badOk: false, teapot: 418 });
  },
  'raise-for-status': (out) => {
    expect(out).toMatchObject({ raised: true, name: 'HTTPError', statusCode: 404, sameResponse: true });
    expect(out.message).toContain('404');
  },
  'response-headers': (out) => {
    expect(out.contentType).toMatch(/^application\/json/);
    expect(out.lowerCase).toBe(out.contentType);
    expect(out.poweredBy).toBe('errand');
    expect(out.missing).toBeNull();
  },
  cookies: (out) => {
    expect(out.setCookie).toMatch(/^example_cookie_name=example_value/);
    expect(JSON.stringify(out.responseCookies)).toContain('example_value');
    expect(out.sent).toEqual({ cookies: { cookies_are: 'working' } });
  },
  'redirects-history': (out) => {
    expect(pathOf(out.url)).toBe('/get');
    expect(out.status).toBe(200);
    expect(out.history.map(([status]: [number]) => status)).toEqual([302, 302, 302]);
    expect(out.stopped).toEqual({ status: 302, isRedirect: true, history: 0 });
    expect(pathOf(out.headFollowed.url)).toBe('/get');
    expect(out.headFollowed).toMatchObject({ status: 200, hops: 1 });
  },
  timeouts: (out) => {
    expect(out).toEqual({ total: 200, split: 200, readTimeout: 'ReadTimeoutError' });
  },
  'timeout-with-auth-tuple': (out) => {
    expect(out.status).toBe(200);
    expect(out.json).toEqual({ authenticated: true, user: 'user' });
    expect(out.authorization).toBe(`Basic ${btoa('user:pass')}`);
  },
  errors: (out) => {
    expect(out.timeout).toMatchObject({ isRequestError: true, method: 'GET' });
    expect(out.timeout.name).toMatch(/TimeoutError$/);
    expect(out.connection).toEqual({ name: 'ConnectionError', isRequestError: true });
  },
  'session-reuse': (out, base) => {
    expect(out.statuses).toEqual([200, 200, 200]);
    expect(out.posted).toEqual({ after: 3 });
    expect(out.accept).toBe('application/json');
    expect(out.lastUrl).toBe(`${base}/headers`);
  },
  'session-persistence': (out) => {
    expect(out.cookies).toEqual({ cookies: { sessioncookie: '123456789' } });
    expect(out.jar).toBe('123456789');
    expect(out.xTest).toBe('true');
    expect(out.xTest2).toBe('true');
    expect(out.authorization).toBe(`Basic ${btoa('user:pass')}`);
    expect(header(out.echoed, 'x-test')).toBe('true');
    expect(header(out.echoed, 'x-test2')).toBe('true');
  },
  'session-method-level': (out) => {
    expect(out.first).toEqual({ cookies: { 'from-my': 'browser' } });
    expect(out.second).toEqual({ cookies: {} });
    expect(out.removedHeader).toBeNull();
    expect(out.sessionStillHasIt).toBe('yes');
  },
  'request-response-objects': (out, base) => {
    expect(out.requestMethod).toBe('GET');
    expect(out.requestUrl).toBe(`${base}/get`);
    expect(out.requestHeaders['x-example']).toBe('request-headers');
    expect(out.responseHeaders['content-type']).toMatch(/^application\/json/);
    expect(out.elapsedIsNumber).toBe(true);
    expect(out.reason).toBe('OK');
  },
  'prepared-requests': (out) => {
    expect(out.data).toBe('No, I want exactly this as the body.');
    expect(out.sentContentType).toBeNull();
    expect(out.xCustom).toBe('yes');
    expect(out.xSession).toBe('merged-in');
    expect(out.bareHasSessionHeader).toBe(false);
  },
  'body-content-workflow': (out) => {
    expect(out.contentLength).toBe(2048);
    expect(out.loaded).toBe(2048);
    expect(out.chunks.reduce((a: number, b: number) => a + b, 0)).toBe(2048);
    expect(Math.max(...out.chunks)).toBeLessThanOrEqual(512);
  },
  'streaming-upload': (out) => {
    expect(out.status).toBe(200);
    expect(out.bytesEchoed).toBe('line of a massive body\n'.length * 1000);
    expect(out.firstLine).toBe('line of a massive body');
  },
  'chunked-upload': (out) => {
    expect(out.status).toBe(200);
    expect(out.data).toBe('hithere');
    expect(out.transferEncoding).toBe('chunked');
  },
  'hooks-print-url': (out) => {
    expect(out).toEqual(['printUrl /get', 'printUrl /anything/hooked', 'recordHook 200']);
  },
  'custom-auth': (out) => {
    expect(out.sent).toBe('kenneth');
    expect(header(out.echoed, 'x-pizza')).toBe('kenneth');
    expect(out.fnSent).toBe('margherita');
  },
  streaming: (out) => {
    expect(out).toEqual({ status: 200, lines: 5, ids: [0, 1, 2, 3, 4] });
  },
  'verbs-walkthrough': (out) => {
    expect(out.map((s: Json) => [s.verb, s.status])).toEqual([
      ['GET', 200], ['OPTIONS', 200], ['POST', 200], ['PATCH', 200], ['DELETE', 200], ['HEAD', 200],
    ]);
    expect(out[0].args).toEqual({ commit: 'a050faf' });
    expect(out[2].body).toBe("Sounds great! I'll get right on it!");
    expect(out[3].method).toBe('PATCH');
    expect(out[4].method).toBe('DELETE');
    expect(out[5].body).toBe('');
  },
  'custom-verbs': (out) => {
    expect(out).toMatchObject({ status: 200, sentMethod: 'MKCOL', echoedMethod: 'MKCOL' });
  },
  'transport-adapters': (out) => {
    expect(out).toEqual({ seen: ['GET /anything/traced'], mountedForAnything: true, mountedForGet: false });
  },
  'link-pagination': (out) => {
    expect(out.rels).toEqual(expect.arrayContaining(['next', 'last']));
    expect(new URLSearchParams(out.next).get('page')).toBe('2');
    expect(out.pages).toHaveLength(3);
    expect(out.pages.flat()).toHaveLength(7);
    expect(out.pages.map((p: unknown[]) => p.length)).toEqual([3, 3, 1]);
  },
  'basic-auth': (out) => {
    expect(out.explicit).toEqual({ authenticated: true, user: 'user' });
    expect(out.shorthand).toEqual({ authenticated: true, user: 'user' });
    expect(out.authorization).toBe(`Basic ${btoa('user:pass')}`);
    expect(out.wrongStatus).toBe(401);
  },
  'digest-auth': (out) => {
    expect(out.status).toBe(200);
    expect(out.json).toEqual({ authenticated: true, user: 'user' });
    expect(out.challenged).toEqual([401]);
    expect(out.scheme).toBe('Digest');
  },
  'bearer-token-header': (out) => {
    expect(out.header).toEqual({ authenticated: true, token: 'my-secret-token' });
    expect(out.auth).toEqual({ authenticated: true, token: 'my-secret-token' });
    expect(out.missingStatus).toBe(401);
  },
  'real-world-flow': (out) => {
    expect(out.user).toEqual({ authenticated: true, user: 'alice' });
    expect(out.status).toBe(200);
    expect(out.posted).toEqual({ author: 'alice', title: 'Hello from errand', tags: ['http'] });
    expect(out.sentAuth).toBe(true);
    expect(out.requestId).toBe('flow-1');
  },
  'cookie-login-flow': (out) => {
    expect(pathOf(out.landedOn)).toBe('/cookies');
    expect(out.hops).toEqual([
      { status: 303, method: 'POST', setCookies: {} },
      { status: 302, method: 'GET', setCookies: { session: 's3cr3t-token' } },
    ]);
    expect(out.page).toEqual({ cookies: { session: 's3cr3t-token' } });
    expect(out.jar).toEqual({ session: 's3cr3t-token' });
    expect(out.restored).toEqual({ cookies: { session: 's3cr3t-token' } });
    expect(out.afterLogout).toBeNull();
  },
  'cached-api-client': (out) => {
    expect(out).toEqual({
      fresh: ['miss', 'hit'], sameBody: true, age: expect.stringMatching(/^\d+$/),
      validated: ['miss', 'revalidated', 200], bypassed: 'bypass', offline: [504, 'miss'],
    });
  },
  'chat-completion-stream': (out) => {
    expect(out).toEqual({ text: 'Hello! How can I help you today?', chunks: 8, finishReason: 'stop', refused: 401 });
  },
  'notification-feed': (out) => {
    expect(out.received).toEqual(['#1 build #41 passed', '#2 review requested', '#3 build #42 failed', '#4 deploy started', '#5 deploy finished']);
    expect(out.reconnects.map((r: { lastEventId: string; delay: number }) => [r.lastEventId, r.delay])).toEqual([['2', 50], ['4', 50], ['5', 50]]);
    expect(out.reconnects.map((r: { because: string }) => r.because)).toEqual(['ConnectionError', 'ConnectionError', 'the stream ended']);
  },
  timings: (out) => {
    // A new connection to an IP address: no lookup (dns 0), then TCP; the reused one has neither.
    expect(out.first).toMatchObject({ dns: 0, tls: 'undefined' });
    for (const phase of ['wait', 'tcp', 'request', 'firstByte', 'download', 'total']) expect(out.first[phase]).toBeGreaterThan(0);
    expect(out.second).toMatchObject({ dns: 'undefined', tcp: 'undefined', tls: 'undefined' });
    for (const phase of ['wait', 'request', 'firstByte', 'download', 'total']) expect(out.second[phase]).toBeGreaterThan(0);
    expect(out.startedWithin).toBe(true);
  },
  'tracing-opentelemetry': (out) => {
    expect(out.status).toBe(200);
    // Three hops (two redirects) under one errand span, under the caller's span, in one trace.
    expect(out.spans).toEqual([['GET', 'errand GET'], ['GET', 'errand GET'], ['GET', 'errand GET'], ['errand GET', 'checkout'], ['checkout', null]]);
    expect(out.call).toMatchObject({ 'errand.hops': 3, 'errand.retries': 0, 'errand.redirects': 2, 'http.response.status_code': 200 });
    expect(out.oneTrace).toBe(true);
  },
};

let base = '';
let close: (() => unknown) | undefined;

beforeAll(async () => {
  const provided = inject('httpbinUrl');
  if (provided) {
    base = provided;
  } else {
    const { startHttpbin } = await import('../servers/httpbin.ts');
    const server = await startHttpbin();
    base = server.url;
    close = () => server.close();
  }
  base = base.replace(/\/+$/, '');
});

afterAll(async () => {
  await close?.();
});

describe('examples', () => {
  it('every file in examples/ is run, and every example is checked', () => {
    const files = readdirSync(examplesDir)
      .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
      .map((f) => f.slice(0, -3))
      .sort();
    expect([...EXAMPLES].sort()).toEqual(files);
    expect(Object.keys(checks).sort()).toEqual([...EXAMPLES].sort());
  });

  it.each(EXAMPLES)('%s', async (name) => {
    const mod = (await import(`../../examples/${name}.ts`)) as { default: (base: string) => Promise<unknown> };
    const out = await mod.default(base);
    checks[name](out, base);
  });
});
