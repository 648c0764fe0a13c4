import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLinks } from '../../src/core/links.ts';
import { fuzz } from './fuzz-options.ts';

describe('parseLinks (RFC 8288)', () => {
  it('reads several links keyed by rel', () => {
    const links = parseLinks('<https://api.test/items?page=2>; rel="next", <https://api.test/items?page=9>; rel="last"');
    expect(links['next']).toEqual({ url: 'https://api.test/items?page=2', rel: 'next' });
    expect(links['last']).toEqual({ url: 'https://api.test/items?page=9', rel: 'last' });
    expect(Object.keys(links).sort()).toEqual(['last', 'next']);
  });

  it('accepts unquoted rel values', () => {
    expect(parseLinks('<https://a.test/2>; rel=next')['next']?.url).toBe('https://a.test/2');
  });

  it('keeps commas and semicolons that sit inside quoted values', () => {
    const links = parseLinks('<https://x.test/a>; rel="next"; title="a, b; c", <https://x.test/b>; rel=prev');
    expect(links['next']).toMatchObject({ url: 'https://x.test/a', title: 'a, b; c' });
    expect(links['prev']?.url).toBe('https://x.test/b');
  });

  it('keeps commas inside the <target>', () => {
    const links = parseLinks('<https://x.test/a?ids=1,2,3>; rel="next", <https://x.test/z>; rel="last"');
    expect(links['next']?.url).toBe('https://x.test/a?ids=1,2,3');
    expect(links['last']?.url).toBe('https://x.test/z');
  });

  it('unescapes quoted-pair escapes', () => {
    const links = parseLinks('<https://x.test/a>; rel="next"; title="say \\"hi\\", then \\\\ go", <https://x.test/b>; rel="prev"');
    expect(links['next']?.title).toBe('say "hi", then \\ go');
    expect(links['prev']?.url).toBe('https://x.test/b');
  });

  it('files a link under each of several rels', () => {
    const links = parseLinks('<https://x.test/end>; rel="next last"');
    expect(links['next']?.url).toBe('https://x.test/end');
    expect(links['last']?.url).toBe('https://x.test/end');
  });

  it('treats relation types without regard to case', () => {
    expect(parseLinks('<https://x.test/n>; rel="NEXT"')['next']?.url).toBe('https://x.test/n');
  });

  it('keys a link without rel by its url', () => {
    const links = parseLinks('<https://x.test/doc>; title="Doc"');
    expect(links['https://x.test/doc']).toMatchObject({ url: 'https://x.test/doc', title: 'Doc' });
  });

  // A rel is lower-cased (RFC 8288 §2.1.1), but a URL key is not: its path is case-sensitive, and a link
  // without rel must be found by its own URL.
  it('keys a link without rel by its url exactly as written (paths are case-sensitive)', () => {
    const links = parseLinks('<https://x.test/Docs/ReadMe>; type="text/html"');
    expect(links['https://x.test/Docs/ReadMe']?.url).toBe('https://x.test/Docs/ReadMe');
  });

  it('resolves relative targets against the response URL', () => {
    const links = parseLinks('</items?page=3>; rel="next", <?page=1>; rel="first", <../up>; rel="up"', 'https://api.test/v1/items?page=2');
    expect(links['next']?.url).toBe('https://api.test/items?page=3');
    expect(links['first']?.url).toBe('https://api.test/v1/items?page=1');
    expect(links['up']?.url).toBe('https://api.test/up');
  });

  it('leaves relative targets alone without a base', () => {
    expect(parseLinks('</items?page=3>; rel="next"')['next']?.url).toBe('/items?page=3');
  });

  it("decodes RFC 8187 title*=UTF-8''%E2%82%AC", () => {
    expect(parseLinks("<https://x.test/p>; rel=\"next\"; title*=UTF-8''%E2%82%AC%20rates")['next']?.title).toBe('€ rates');
    expect(parseLinks("<https://x.test/p>; rel=next; title*=utf-8'en'caf%C3%A9")['next']?.title).toBe('café');
  });

  it('prefers title* over title, in either order', () => {
    expect(parseLinks("<https://x.test/p>; rel=next; title=\"EUR\"; title*=UTF-8''%E2%82%AC")['next']?.title).toBe('€');
    expect(parseLinks("<https://x.test/p>; rel=next; title*=UTF-8''%E2%82%AC; title=\"EUR\"")['next']?.title).toBe('€');
  });

  it('copes with whitespace anywhere it is allowed', () => {
    const links = parseLinks('  <https://x.test/a>  ;  rel = "next"  ;type="text/html",<https://x.test/b>;rel=prev  ,\t<https://x.test/c> ; rel = last ');
    expect(links['next']).toMatchObject({ url: 'https://x.test/a', type: 'text/html' });
    expect(links['prev']?.url).toBe('https://x.test/b');
    expect(links['last']?.url).toBe('https://x.test/c');
  });

  it('lower-cases parameter names', () => {
    expect(parseLinks('<https://x.test/a>; REL="next"; Type="text/html"')['next']).toMatchObject({ type: 'text/html' });
  });

  it.each([null, '', '   ', 'garbage', '<unterminated', ';;;,,,', '>; rel=next', 'rel="next"'])('gives {} for %j without throwing', (header) => {
    expect(parseLinks(header)).toEqual({});
  });

  it('still reads the good links around junk', () => {
    const links = parseLinks('junk, <https://x.test/a>; rel=next, more junk');
    expect(links['next']?.url).toBe('https://x.test/a');
  });

  it('round-trips generated links (property)', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,11}$/); // no "." or ".." segments
    const rel = fc.stringMatching(/^[a-z][a-z0-9.-]{0,10}$/);
    // Titles with the characters that break naive parsers: commas, semicolons, quotes, backslashes, <, >.
    const title = fc.string({ unit: fc.constantFrom(...'ab ,;="\\<>é'.split('')), maxLength: 16 });
    const link = fc.record({ path: fc.array(segment, { minLength: 1, maxLength: 3 }), query: fc.option(segment, { nil: undefined }), title });
    const links = fc.uniqueArray(fc.tuple(rel, link), { minLength: 1, maxLength: 5, selector: ([r]) => r });
    fc.assert(
      fc.property(links, fc.constantFrom(', ', ',', ' , '), (items, separator) => {
        const quote = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
        const header = items
          .map(([r, l]) => `<https://example.test/${l.path.join('/')}${l.query ? `?q=${l.query}` : ''}>; rel="${r}"; title=${quote(l.title)}`)
          .join(separator);
        const parsed = parseLinks(header, 'https://base.test/');
        expect(Object.keys(parsed).sort()).toEqual(items.map(([r]) => r).sort());
        for (const [r, l] of items) {
          expect(parsed[r]?.url).toBe(`https://example.test/${l.path.join('/')}${l.query ? `?q=${l.query}` : ''}`);
          expect(parsed[r]?.title).toBe(l.title);
        }
      }),
      fuzz(),
    );
  });
});
