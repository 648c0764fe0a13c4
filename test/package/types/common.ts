// Type assertions every build (node, edge, browser) must satisfy, compiled by test/package/types.test.ts
// in consumer projects of several configurations against the packed package. Never run: only compiled.
// A `@ts-expect-error` line is a negative case: if it compiled, tsc would report the directive as unused.
import {
  codes, ConnectionError, get, HTTPError, post, ProxyError, request, RequestError, Session, SSLError, TimeoutError,
  ReadTimeoutError, type RequestOptions, type Response, type SendOptions, type SessionOptions, type StandardSchemaV1,
} from 'errand';
import errand from 'errand';
import { expectTypeOf } from 'expect-type';

export async function responses(): Promise<void> {
  const r = await get('https://example.test/');
  expectTypeOf(r).toEqualTypeOf<Response>();
  expectTypeOf(r.statusCode).toEqualTypeOf<number>();
  expectTypeOf(r.content).toEqualTypeOf<Uint8Array>();
  expectTypeOf(r.history).toEqualTypeOf<Response[]>();

  // json() without a schema is unknown, never any: it must be narrowed or given a type.
  expectTypeOf(r.json()).toBeUnknown();
  // @ts-expect-error unknown has no properties
  void r.json().id;
  expectTypeOf(r.json<{ id: number }>()).toEqualTypeOf<{ id: number }>();

  // A schema whose validate is declared synchronous gives its output directly...
  const syncSchema = {
    '~standard': { version: 1, vendor: 'test', validate: (value: unknown) => ({ value: Number(value) }) },
  } as const;
  expectTypeOf(r.json(syncSchema)).toEqualTypeOf<number>();
  // ...and one declared async gives a Promise of it.
  const asyncSchema = {
    '~standard': { version: 1, vendor: 'test', validate: async (value: unknown) => ({ value: String(value) }) },
  } as const;
  expectTypeOf(r.json(asyncSchema)).toEqualTypeOf<Promise<string>>();
  expectTypeOf<typeof syncSchema>().toExtend<StandardSchemaV1>();
  // @ts-expect-error not a schema
  r.json({ parse: (x: unknown) => x });
}

export function statusCodes(): void {
  expectTypeOf<typeof codes.ok>().toEqualTypeOf<200>();
  expectTypeOf<typeof codes.not_found>().toEqualTypeOf<404>();
  expectTypeOf<typeof codes.TEAPOT>().toEqualTypeOf<418>();
  expectTypeOf<(typeof codes)['\\o/']>().toEqualTypeOf<200>();
  expectTypeOf<(typeof codes)['-O-']>().toEqualTypeOf<404>();
  // requests lists these under two codes; the later one wins, in the type as in the value.
  expectTypeOf<typeof codes.precondition>().toEqualTypeOf<428>();
  expectTypeOf<typeof codes.uri_too_long>().toEqualTypeOf<414>();
  const ok: number = codes.ok;
  void ok;
  // @ts-expect-error a typo is a type error, not undefined at run time
  void codes.nope;
  // @ts-expect-error no upper-case twin for names starting with a slash or backslash
  void codes['\\O/'];
  // @ts-expect-error the table is read-only
  codes.ok = 201;
}

export async function requestOptions(): Promise<void> {
  const flat: RequestOptions = { data: { a: 1, b: 'x', c: true, d: null, e: undefined, f: [1, 2], g: new Date() } };
  const pairs: RequestOptions = { data: [['a', 1], ['b', ['x', 'y']]], params: [['q', 'x'], ['n', 2]] };
  const params: RequestOptions = { params: { q: 'x', tags: ['a', 'b'], skip: null, since: new Date() } };
  void [flat, pairs, params];
  await post('https://example.test/', { data: new Uint8Array(2) });
  await post('https://example.test/', { data: new URLSearchParams('a=1') });
  await post('https://example.test/', { data: 'text' });
  await post('https://example.test/', { json: { a: { b: 1 } } });
  // @ts-expect-error a nested object cannot be form-encoded (the runtime refuses it)
  await post('https://example.test/', { data: { a: { b: 1 } } });
  // @ts-expect-error nor an array of objects
  await post('https://example.test/', { data: { a: [{ b: 1 }] } });
  // @ts-expect-error nor a pair whose value is an object
  await post('https://example.test/', { data: [['a', { b: 1 }]] });
  // @ts-expect-error params are flat too
  await get('https://example.test/', { params: { filter: { status: 'open' } } });
  // @ts-expect-error a function is not a form value
  await get('https://example.test/', { params: { f: () => 1 } });

  const credentials: NonNullable<RequestOptions['credentials']>[] = ['omit', 'same-origin', 'include'];
  void credentials;
  // @ts-expect-error not a credentials mode
  await get('https://example.test/', { credentials: 'always' });
  // @ts-expect-error an unknown option
  await get('https://example.test/', { header: {} });
  // @ts-expect-error a body is per call, not a Session default
  new Session({ data: 'x' });
  // @ts-expect-error send() takes what acts after preparation, not headers
  const sendHeaders: SendOptions = { headers: {} };
  void sendHeaders;
  expectTypeOf<SessionOptions>().not.toHaveProperty('json');
  expectTypeOf<SendOptions>().toHaveProperty('timeout');
}

export async function sessions(): Promise<void> {
  const s = new Session({ headers: { 'x-a': '1' }, timeout: 5000, baseUrl: 'https://example.test/' });
  expectTypeOf(s.get('/')).toEqualTypeOf<Promise<Response>>();
  expectTypeOf(s.post('/', { json: {} })).toEqualTypeOf<Promise<Response>>();
  expectTypeOf(s.request('MKCOL', '/')).toEqualTypeOf<Promise<Response>>();
  expectTypeOf(s.delete).returns.toEqualTypeOf<Promise<Response>>();
  expectTypeOf(s.paginate('/')).toEqualTypeOf<AsyncGenerator<Response>>();
  expectTypeOf(s.close()).toEqualTypeOf<Promise<void>>();
  expectTypeOf(request).returns.toEqualTypeOf<Promise<Response>>();
  expectTypeOf(errand.delete).toEqualTypeOf(errand.del);
  expectTypeOf(s.headers).toEqualTypeOf<Headers>();
  await using disposable = new Session();
  void disposable;
}

export async function errors(): Promise<void> {
  try {
    await get('https://example.test/');
  } catch (error) {
    if (error instanceof HTTPError) {
      expectTypeOf(error).toEqualTypeOf<HTTPError>();
      expectTypeOf(error.response).toEqualTypeOf<Response | undefined>();
    }
    if (error instanceof TimeoutError) expectTypeOf(error).toExtend<RequestError>();
  }
  expectTypeOf<ReadTimeoutError>().toExtend<TimeoutError>();
  expectTypeOf<ProxyError>().toExtend<ConnectionError>();
  expectTypeOf<SSLError>().toExtend<ConnectionError>();
  expectTypeOf<HTTPError>().toExtend<Error>();
  expectTypeOf(new RequestError('x').name).toEqualTypeOf<string>();
}
