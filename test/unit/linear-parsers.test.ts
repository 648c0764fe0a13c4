// What the parsers rewritten for linear time (issue 10) still answer, on ordinary and on huge adversarial
// inputs. Their speed is checked by `npm run fuzz:timing` (scripts/parser-timing.ts), not here.
import { describe, expect, it } from 'vitest';
import { parseContentType, splitOutsideQuotes, unescapeQuoted } from '../../src/core/charset.ts';
import { parseDigestChallenge } from '../../src/core/digest-challenge.ts';
import { redactUrl } from '../../src/core/errors.ts';
import { parseLinks } from '../../src/core/links.ts';
import { parseRetryAfter } from '../../src/core/retry.ts';
import { shouldBypassProxy } from '../../src/core/trust-env.ts';

const BIG = 64 * 1024;

describe('parseRetryAfter', () => {
  const now = Date.parse('Sun, 06 Nov 1994 08:49:00 GMT');

  it('reads the IMF-fixdate and the obsolete RFC 850 form', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(37_000);
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(37_000);
    expect(parseRetryAfter('  Sun, 06 Nov 1994 08:49:37 GMT  ', now)).toBe(37_000);
    expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', now)).toBe(37_000); // asctime, the third form
  });

  it('reads only HTTP-dates, as the cache does: not what Date.parse would guess at', () => {
    expect(parseRetryAfter('06 Nov 1994 08:49:37 GMT', now)).toBeUndefined();
    expect(parseRetryAfter('Sun, 6 Nov 1994 08:49:37 GMT', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
  });

  it('gives undefined for a value longer than any HTTP-date, even one that ends in GMT', () => {
    expect(parseRetryAfter(`Sun, 06 Nov 1994 08:49:37 ${' '.repeat(40)}GMT`, now)).toBeUndefined();
    expect(parseRetryAfter(`${'a'.repeat(BIG)}x`, now)).toBeUndefined();
    expect(parseRetryAfter(`${'Mon '.repeat(BIG / 4)}GMT`, now)).toBeUndefined();
  });

  it('still reads seconds of any length', () => {
    expect(parseRetryAfter(` ${'0'.repeat(BIG)}7 `, now)).toBe(7000);
  });
});

describe('unescapeQuoted and splitOutsideQuotes', () => {
  it.each([
    ['plain', 'plain'],
    ['a\\"b', 'a"b'],
    ['a\\\\b', 'a\\b'],
    ['\\\\\\"', '\\"'],
    ['end\\', 'end\\'],
    ['\\x\\y', 'xy'],
  ])('unescapes %j to %j', (text, expected) => {
    expect(unescapeQuoted(text)).toBe(expected);
  });

  it('unescapes a value full of backslashes', () => {
    expect(unescapeQuoted('\\a'.repeat(BIG / 2))).toBe('a'.repeat(BIG / 2));
  });

  it('splits outside quotes only, a backslash escaping in quotes', () => {
    expect([...splitOutsideQuotes('a;"b;c";d\\;e;"f\\";g"', ';')]).toEqual(['a', '"b;c"', 'd\\', 'e', '"f\\";g"']);
    expect([...splitOutsideQuotes('', ';')]).toEqual(['']);
    expect([...splitOutsideQuotes(';'.repeat(BIG), ';')]).toHaveLength(BIG + 1);
  });
});

describe('header parsers on huge values', () => {
  it('Content-Type: the first charset wins among 20,000 parameters', () => {
    const { type, params } = parseContentType(`text/plain; charset=utf-8${'; a=b'.repeat(20_000)}`);
    expect([type, params['charset'], params['a']]).toEqual(['text/plain', 'utf-8', 'b']);
  });

  it('Link: 10,000 links are all read', () => {
    const links = parseLinks(Array.from({ length: 10_000 }, (_, i) => `<https://x.test/${i}>; rel="r${i}"`).join(', '));
    expect(Object.keys(links)).toHaveLength(10_000);
    expect(links['r9999']!.url).toBe('https://x.test/9999');
  });

  it('Digest: a nonce of 64 KiB of escapes is read whole', () => {
    expect(parseDigestChallenge(`Digest realm="r", nonce="${'\\n'.repeat(BIG / 2)}"`)!.nonce).toBe('n'.repeat(BIG / 2));
  });

  it('NO_PROXY: an entry list of 20,000 names, and one huge entry of colons', () => {
    expect(shouldBypassProxy('http://api.test/', `${'other.test,'.repeat(20_000)}api.test`)).toBe(true);
    expect(shouldBypassProxy('http://api.test/', '[::1]:'.repeat(BIG / 6))).toBe(false);
    expect(shouldBypassProxy('http://[::1]:8080/', '::1')).toBe(true);
  });

  it('redactUrl: 64 KiB of ? and & masks every value', () => {
    expect(redactUrl(`http://:1/${'?'.repeat(BIG)}k=SECRET`)).toBe(`http://:1/${'?'.repeat(BIG)}k=***`);
    expect(redactUrl(`http://h/?${'&'.repeat(BIG)}k=SECRET`)).toBe(`http://h/?${'&'.repeat(BIG)}k=***`);
  });
});
