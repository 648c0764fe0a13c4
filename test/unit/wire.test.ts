// src/core/wire.ts on its own: the one gate between values and header lines.
import { describe, expect, it } from 'vitest';
import { InvalidHeaderError } from 'errand';
import { checkBoundary, dispositionParam } from '../../src/core/multipart.ts';
import { checkCookie, checkHeaderName, checkHeaderValue } from '../../src/core/wire.ts';
import { quoteString } from '../../src/core/digest-challenge.ts';

const refused = (fn: () => unknown): Error => {
  try { fn(); } catch (error) { return error as Error; }
  throw new Error('not refused');
};

describe('checkHeaderName / checkHeaderValue', () => {
  it('accept tokens and field values (HTAB, obs-text), and write numbers in decimal', () => {
    expect(checkHeaderName("X-Ok!#$%&'*+.^_`|~")).toBe("X-Ok!#$%&'*+.^_`|~");
    expect(checkHeaderValue('X', 'a\tb é\u00ff')).toBe('a\tb é\u00ff');
    expect(checkHeaderValue('X', 42)).toBe('42');
  });

  it.each(['a\rb', 'a\nb', 'a\0b', 'a\u0001b', 'a\u001fb', 'a\u007fb'])('refuse the value %j, naming the header only', (value) => {
    const error = refused(() => checkHeaderValue('X-Secret-Holder', `SECRET${value}`));
    expect(error).toBeInstanceOf(InvalidHeaderError);
    expect(error.message).toContain("'X-Secret-Holder'");
    expect(error.message).not.toContain('SECRET');
  });

  it('refuse a value outside ISO-8859-1, and a value that is not a string or number', () => {
    expect(refused(() => checkHeaderValue('X', '☃'))).toBeInstanceOf(InvalidHeaderError);
    expect(refused(() => checkHeaderValue('X', {}))).toBeInstanceOf(InvalidHeaderError);
  });
});

describe('quoteString', () => {
  it('escapes quotes and backslashes (RFC 9110 quoted-string)', () => {
    expect(quoteString('a"b\\c', 'realm')).toBe('"a\\"b\\\\c"');
  });

  it.each(['\r\n', '\0', '\u0001', '☃'])('refuses %j, which no quoted-string can hold, without quoting the value', (bad) => {
    const error = refused(() => quoteString(`SECRET${bad}`, 'The nonce'));
    expect(error).toBeInstanceOf(InvalidHeaderError);
    expect(error.message).toMatch(/^The nonce cannot be written/);
    expect(error.message).not.toContain('SECRET');
  });
});

describe('checkCookie', () => {
  it('accepts what a Cookie line can carry', () => {
    expect(() => checkCookie('sid', 'a b"c,d=e')).not.toThrow();
  });

  it.each([
    ['a value with ;', 'sid', 'SECRET;x=1'], ['a value with CR/LF', 'sid', 'SECRET\r\n'], ['a value with a control character', 'sid', 'SECRET\u0001'],
    ['a name with =', 's=id', 'SECRET'], ['a name with a space', 's id', 'SECRET'], ['an empty name', '', 'SECRET'], ['a non-Latin-1 value', 'sid', 'SECRET☃'],
  ])('refuses %s, naming the cookie, never its value', (_what, name, value) => {
    const error = refused(() => checkCookie(name, value));
    expect(error).toBeInstanceOf(InvalidHeaderError);
    expect(error.message).not.toContain('SECRET');
  });
});

describe('dispositionParam and checkBoundary', () => {
  it('escapes CR, LF and quotes as WHATWG does, keeps Unicode, refuses other controls', () => {
    expect(dispositionParam('a"\r\nb ☃', 'filename')).toBe('"a%22%0D%0Ab ☃"');
    expect(refused(() => dispositionParam('evil.php\0.jpg', "filename of 'f'"))).toBeInstanceOf(InvalidHeaderError);
  });

  it('accepts RFC 2046 boundaries and refuses the rest', () => {
    expect(checkBoundary('errand-0123abcdef')).toBe('errand-0123abcdef');
    expect(checkBoundary("'()+_,-./:=? x")).toBe("'()+_,-./:=? x");
    for (const bad of ['', 'x'.repeat(71), 'ends in space ', 'cr\r\nlf', 'quote"']) {
      expect(refused(() => checkBoundary(bad)), JSON.stringify(bad)).toBeInstanceOf(InvalidHeaderError);
    }
  });
});
