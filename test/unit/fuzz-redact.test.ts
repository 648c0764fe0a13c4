// Properties of what errand prints: redactUrl never shows a password, a query value or a fragment,
// whatever they hold, and the loggable views of a PreparedRequest never show credential headers.
import util from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PreparedRequest } from 'errand';
import { redactUrl } from '../../src/core/errors.ts';
import { fuzz } from './fuzz-options.ts';

/** A secret: a fixed marker and random text (any Unicode), so that finding it is never a coincidence. */
const secret = fc.string({ unit: 'grapheme', maxLength: 10 }).map((s) => `SeCrEt${s}`);
const host = fc.constantFrom('api.test', '127.0.0.1', '[::1]', 'xn--caf-dma.test', 'a.b.c.example');
const path = fc.array(fc.stringMatching(/^[a-z0-9._~-]{0,6}$/), { maxLength: 3 }).map((parts) => `/${parts.join('/')}`);
const key = fc.stringMatching(/^[a-z_]{1,8}$/);

/** Every form in which `text` can show up in a URL or a message. */
function forms(text: string): string[] {
  const out = new Set([text, encodeURIComponent(text), new URLSearchParams({ k: text }).toString().slice(2)]);
  try {
    out.add(new URL(`http://h/?${text}`).search.slice(1));
    out.add(new URL(`http://u:${text}@h/`).password);
  } catch { /* not every text fits every slot */ }
  return [...out].filter((form) => form.length >= 6);
}

describe('redactUrl (property)', () => {
  it('never shows the password, a query value or the fragment of a URL', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('http', 'https'), fc.string({ maxLength: 6 }), secret, host, path,
        fc.array(fc.tuple(key, secret), { maxLength: 4 }), fc.option(secret, { nil: undefined }),
        (scheme, user, password, h, p, query, fragment) => {
          const url = new URL(`${scheme}://${h}${p}`);
          url.username = user;
          url.password = password;
          for (const [k, v] of query) url.searchParams.append(k, v);
          if (fragment !== undefined) url.hash = fragment;
          const shown = redactUrl(url.href);
          for (const text of [password, ...query.map(([, v]) => v), ...(fragment === undefined ? [] : [fragment])]) {
            for (const form of forms(text)) expect(shown).not.toContain(form);
          }
          // What is not secret stays readable: scheme, host and path.
          expect(shown.startsWith(`${scheme}://`)).toBe(true);
          expect(shown).toContain(url.host);
          expect(shown).toContain(url.pathname);
        },
      ),
      fuzz(),
    );
  });

  it('never shows userinfo or query values of text that is not a URL', () => {
    const encodedSecret = secret.map(encodeURIComponent);
    fc.assert(
      fc.property(encodedSecret, encodedSecret, fc.constantFrom('[bad', 'exa mple.test', 'h:99999', 'ho%st'), (password, token, badHost) => {
        const text = `http://user:${password}@${badHost}/p?token=${token}`;
        expect(() => new URL(text)).toThrow();
        const shown = redactUrl(text);
        expect(shown).not.toContain(password);
        expect(shown).not.toContain(token);
      }),
      fuzz(),
    );
  });
});

describe('redactUrl on text that is not a URL (property)', () => {
  // The regular expressions redactUrl used before issue 10 (quadratic on a run of '?'), applied to the text
  // before the fragment, which is masked whole: the linear scanner must give exactly what they gave.
  const model = (text: string) => {
    const hash = text.indexOf('#');
    const head = (hash < 0 ? text : text.slice(0, hash)).replace(/\/\/[^/@]*@/, '//***@').replace(/^[^/@]*@/, '***@').replace(/([?&][^=&#]*=)[^&#]*/g, '$1***');
    return hash < 0 ? head : `${head}#***`;
  };
  const piece = fc.constantFrom('?', '&', '=', '#', '@', '/', '//', ':', 'a', 'k', 'v', '%3D', ' ');

  it('masks userinfo, query values and the fragment exactly as the old patterns did', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const text = `http://:1/${pieces.join('')}`;
        expect(redactUrl(text)).toBe(model(text));
      }),
      fuzz(),
    );
  });
});

describe('PreparedRequest views (property)', () => {
  it('toString, JSON and util.inspect never show Authorization, Proxy-Authorization, Cookie or query values', () => {
    const credentialHeader = fc.constantFrom('Authorization', 'proxy-authorization', 'COOKIE');
    fc.assert(
      fc.property(fc.array(fc.tuple(credentialHeader, secret), { minLength: 1, maxLength: 3 }), secret, (headers, token) => {
        const prepared = new PreparedRequest();
        prepared.url = `https://api.test/p?access_token=${encodeURIComponent(token)}`;
        const latin1 = (s: string) => s.replace(/[^\x20-\x7e]/g, 'x');
        for (const [n, v] of headers) prepared.headers.set(n, latin1(v));
        const views = [String(prepared), JSON.stringify(prepared), util.inspect(prepared, { depth: 10 }), util.inspect({ nested: { prepared } }, { depth: 10 })];
        for (const view of views) {
          for (const [, v] of headers) expect(view).not.toContain(latin1(v));
          for (const form of forms(token)) expect(view).not.toContain(form);
        }
      }),
      fuzz(),
    );
  });
});
