// Properties of header merging (requests' merge_setting for headers) and of header validation:
// the call wins key by key whatever the case, null removes, the session is never changed, and any
// CR, LF, NUL or another control character is refused with an InvalidHeaderError that does not quote the value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidHeaderError } from 'errand';
import { applyHeaders, mergeOptions } from '../../src/core/options.ts';
import { fuzz } from './fuzz-options.ts';

const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".split('');
/** A header name: an HTTP token (RFC 9110 §5.6.2). */
const name = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 8 });
/** A small set of names in random case, so session and call keys collide often. */
const collidingName = fc.constantFrom('Accept', 'X-Token', 'x-trace', 'Cache-Control', 'Authorization').chain((n) =>
  fc.array(fc.boolean(), { minLength: n.length, maxLength: n.length }).map((upper) => [...n].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join('')));
/** Any field value RFC 9110 §5.5 allows: Latin-1 without control characters but HTAB (high Latin-1 included). */
const value = fc.string({ unit: fc.integer({ min: 0x09, max: 0xff }).filter((c) => c === 0x09 || (c >= 0x20 && c !== 0x7f)).map((c) => String.fromCharCode(c)), maxLength: 16 });
/** A control character other than HTAB: never part of a field value (undici refuses them too). */
const control = fc.integer({ min: 0, max: 0x7f }).filter((c) => (c < 0x20 && c !== 0x09) || c === 0x7f).map((c) => String.fromCharCode(c));
const anyName = fc.oneof(name, collidingName);

/** HTTP's optional whitespace trimmed (what Headers keeps), after errand's own trim. */
const stored = (v: string) => v.trim().replace(/^[\t ]+|[\t ]+$/g, '');

describe('header merging (property)', () => {
  it('the call wins key by key, in any case; null and undefined remove; the session is untouched', () => {
    const sessionPairs = fc.array(fc.tuple(anyName, value), { maxLength: 6 });
    const callPairs = fc.array(fc.tuple(anyName, fc.option(value, { nil: null })), { maxLength: 6 });
    fc.assert(
      fc.property(sessionPairs, callPairs, (sessionList, callList) => {
        const sessionHeaders = applyHeaders(new Headers(), sessionList);
        const snapshot = [...sessionHeaders];
        const merged = mergeOptions({ headers: sessionHeaders }, { headers: callList as [string, string][] }).headers;
        // The model: a map from lower-cased name, session first, then the call in order.
        const model = new Map<string, string>();
        for (const [n, v] of sessionList) model.set(n.toLowerCase(), stored(v));
        for (const [n, v] of callList) {
          if (v === null) model.delete(n.toLowerCase());
          else model.set(n.toLowerCase(), stored(v));
        }
        expect(Object.fromEntries(merged)).toEqual(Object.fromEntries([...model].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
        expect([...sessionHeaders]).toEqual(snapshot);
      }),
      fuzz(),
    );
  });

  it('the same headers given as an object, as pairs and as Headers merge alike', () => {
    const table = fc.dictionary(name, value, { maxKeys: 6 });
    fc.assert(
      fc.property(table, table, (sessionTable, callTable) => {
        const session = applyHeaders(new Headers(), sessionTable);
        const asObject = mergeOptions({ headers: session }, { headers: callTable }).headers;
        const asPairs = mergeOptions({ headers: session }, { headers: Object.entries(callTable) }).headers;
        const asHeaders = mergeOptions({ headers: session }, { headers: applyHeaders(new Headers(), callTable) }).headers;
        expect([...asPairs]).toEqual([...asObject]);
        expect([...asHeaders]).toEqual([...asObject]);
      }),
      fuzz(),
    );
  });
});

describe('header validation (property)', () => {
  const secret = fc.string({ minLength: 4, maxLength: 12, unit: fc.constantFrom(...'ABCDEFGHJKMNPQRSTUVWXYZ23456789'.split('')) }).map((s) => `tok${s}`);

  it('a value with CR, LF or NUL anywhere is an InvalidHeaderError that does not quote the value', () => {
    fc.assert(
      fc.property(name, value, fc.constantFrom('\r', '\n', '\r\n', '\0'), value, secret, (n, before, bad, after, token) => {
        const v = `${before}${token}${bad}${after}`;
        let thrown: unknown;
        try {
          applyHeaders(new Headers(), { [n]: v });
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(InvalidHeaderError);
        expect((thrown as Error).message).not.toContain(token);
      }),
      fuzz(),
    );
  });

  it('a name that is not a token is an InvalidHeaderError, never a platform TypeError', () => {
    const badName = fc.tuple(name, fc.constantFrom(' ', ':', '\r', '\n', '\0', '"', '(', '@', 'é', '\u2028', '\t', '/'), name)
      .map(([a, bad, b]) => `${a}${bad}${b}`);
    fc.assert(
      fc.property(badName, value, (n, v) => {
        expect(() => applyHeaders(new Headers(), [[n, v]])).toThrow(InvalidHeaderError);
      }),
      fuzz(),
    );
  });

  it('any other control character (DEL, \\x01, ESC...) is an InvalidHeaderError that does not quote the value', () => {
    fc.assert(
      fc.property(name, value, control, value, secret, (n, before, bad, after, token) => {
        let thrown: unknown;
        try {
          applyHeaders(new Headers(), { [n]: `${before}${token}${bad}${after}` });
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(InvalidHeaderError);
        expect((thrown as Error).message).not.toContain(token);
      }),
      fuzz(),
    );
  });

  it('any Latin-1 value without control characters (HTAB allowed) is accepted and stored trimmed', () => {
    fc.assert(
      fc.property(name, value, (n, v) => {
        expect(applyHeaders(new Headers(), { [n]: v }).get(n)).toBe(stored(v));
      }),
      fuzz(),
    );
  });
});
