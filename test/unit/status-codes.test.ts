import { describe, expect, expectTypeOf, it } from 'vitest';
import { codes } from 'errand';

// The table is typed by its names; these tests also look up names it must not have.
const byName = codes as Readonly<Record<string, number | undefined>>;

describe('codes (requests.codes)', () => {
  it.each([
    ['ok', 200], ['okay', 200], ['all_good', 200], ['\\o/', 200], ['✓', 200],
    ['created', 201], ['no_content', 204],
    ['moved', 301], ['\\o-', 301], ['found', 302], ['see_other', 303], ['not_modified', 304],
    ['temporary_redirect', 307], ['temporary_moved', 307], ['permanent_redirect', 308], ['resume', 308],
    ['bad_request', 400], ['unauthorized', 401], ['forbidden', 403], ['not_found', 404], ['-o-', 404],
    ['proxy_auth', 407], ['timeout', 408], ['gone', 410],
    ['teapot', 418], ['im_a_teapot', 418], ['i_am_a_teapot', 418],
    ['unprocessable_entity', 422], ['too_early', 425], ['too_many_requests', 429], ['too_many', 429],
    // requests' table lists these twice; the later code wins there, so here too.
    ['precondition', 428], ['uri_too_long', 414],
    ['internal_server_error', 500], ['server_error', 500], ['/o\\', 500], ['✗', 500],
    ['bad_gateway', 502], ['service_unavailable', 503], ['gateway_timeout', 504],
  ] as const)('codes[%j] is %d', (name, code) => {
    expect(codes[name]).toBe(code);
  });

  it('has upper-case twins, as requests does', () => {
    expect(codes['OK']).toBe(200);
    expect(codes['NOT_FOUND']).toBe(404);
    expect(codes['TEAPOT']).toBe(418);
    expect(codes['TEMPORARY_REDIRECT']).toBe(307);
    expect(codes['PRECONDITION']).toBe(428);
    expect(codes['-O-']).toBe(404);
  });

  it('has no upper-case twin for names starting with a slash or backslash', () => {
    expect(byName['\\O/']).toBeUndefined();
    expect(byName['/O\\']).toBeUndefined();
    expect(byName['\\O-']).toBeUndefined();
  });

  it('has no other names', () => {
    expect(byName['Ok']).toBeUndefined();
    expect(byName['notFound']).toBeUndefined();
  });

  it('maps every name to a status code and every lower-case name has its twin', () => {
    for (const [name, code] of Object.entries(codes)) {
      expect(Number.isInteger(code) && code >= 100 && code <= 599, name).toBe(true);
      if (name !== name.toUpperCase() && !/^[\\/]/.test(name)) expect(byName[name.toUpperCase()], name).toBe(code);
    }
  });

  it('types each name as its code, so a typo does not compile', () => {
    expectTypeOf(codes.ok).toEqualTypeOf<200>();
    expectTypeOf(codes.NOT_FOUND).toEqualTypeOf<404>();
    // Listed under two codes by requests: the type has the later one, as the value does.
    expectTypeOf(codes.precondition).toEqualTypeOf<428>();
    expectTypeOf(codes.uri_too_long).toEqualTypeOf<414>();
    expectTypeOf(codes).not.toHaveProperty('nope');
    expectTypeOf(codes).not.toHaveProperty('\\O/');
    // Names of the type are names of the value, the odd ones included.
    const typed: (keyof typeof codes)[] = ['ok', 'OK', '\\o/', '-O-', 'I_AM_A_TEAPOT'];
    for (const name of typed) expect(byName[name], name).toBeTypeOf('number');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(codes)).toBe(true);
    expect(() => { (codes as Record<string, number>)['ok'] = 201; }).toThrow(TypeError);
    expect(() => { (codes as Record<string, number>)['new_name'] = 299; }).toThrow(TypeError);
    expect(codes['ok']).toBe(200);
  });
});
