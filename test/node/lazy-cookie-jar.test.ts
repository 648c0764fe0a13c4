// The Node entry imports tough-cookie at the first cookie, not with errand. Each case runs in a fresh
// Node process (the module stays loaded once imported), importing the built package as users do.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { Session } from 'errand';

const base = inject('httpbinUrl');
const root = fileURLToPath(new URL('../..', import.meta.url));

// A resolve hook that refuses tough-cookie: the child fails if anything imports it.
const BLOCK_TOUGH_COOKIE = `
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(
  "export async function resolve(specifier, context, next) {" +
  "  if (specifier === 'tough-cookie') throw new Error('tough-cookie was imported');" +
  "  return next(specifier, context);" +
  "}"));
`;

function run(script: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env: { ...process.env, BASE: base, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, out: `${stdout}${stderr}` });
    });
  });
}

describe('tough-cookie is loaded at the first cookie', () => {
  it('not by importing errand, nor by requests that meet no cookie', async () => {
    const { code, out } = await run(`${BLOCK_TOUGH_COOKIE}
      const { Session, get } = await import('errand');
      const s = new Session();
      for (const path of ['/get', '/redirect/2', '/status/404']) await s.get(process.env.BASE + path);
      await get(process.env.BASE + '/get');
      s.cookies.set('any-host', 'v');
      console.log('sent', (await s.get(process.env.BASE + '/cookies')).json().cookies['any-host']);
      await s.close();`);
    expect(out).toContain('sent v');
    expect(code).toBe(0);
  });

  it('but by the first Set-Cookie', async () => {
    const { code, out } = await run(`${BLOCK_TOUGH_COOKIE}
      const { Session } = await import('errand');
      const s = new Session();
      await s.get(process.env.BASE + '/cookies/set?a=1').then(() => console.log('stored'), (e) => console.log('failed:', e.message));
      await s.close();`);
    expect(out).toContain('failed: tough-cookie was imported');
    expect(code).toBe(0);
  });

  it('a host cookie set by hand before it is loaded is readable at once and sent with the first request', async () => {
    const { code, out } = await run(`
      const { Session } = await import('errand');
      const s = new Session();
      s.cookies.set('hand', 'x', { domain: '127.0.0.1', path: '/cookies' });
      console.log('get', s.cookies.get('hand'), JSON.stringify(s.cookies.getDict({ domain: '127.0.0.1' })));
      console.log('sent', JSON.stringify((await s.get(process.env.BASE + '/cookies')).json().cookies));
      console.log('elsewhere', JSON.stringify((await s.get(process.env.BASE + '/get')).request.headers.get('cookie')));
      s.cookies.delete('hand');
      console.log('after delete', JSON.stringify((await s.get(process.env.BASE + '/cookies')).json().cookies));
      await s.close();`);
    expect(out).toContain('get x {"hand":"x"}');
    expect(out).toContain('sent {"hand":"x"}');
    expect(out).toContain('elsewhere null');
    expect(out).toContain('after delete {}');
    expect(code).toBe(0);
  });

  it('a jar saved while a hand-set cookie is pending keeps it', async () => {
    const { code, out } = await run(`${BLOCK_TOUGH_COOKIE}
      const { CookieJar } = await import('errand');
      const jar = new CookieJar();
      jar.set('hand', 'x', { domain: 'api.example.com' });
      jar.set('everywhere', '1');
      const restored = CookieJar.fromJSON(JSON.stringify(jar));
      console.log('restored', JSON.stringify([...restored]));
      restored.clear();
      console.log('cleared', JSON.stringify(restored.getDict()));`);
    expect(out).toContain('restored [{"name":"hand","value":"x","domain":"api.example.com","path":"/"},{"name":"everywhere","value":"1","path":"/"}]');
    expect(out).toContain('cleared {}');
    expect(code).toBe(0);
  });

  it('a hand-set cookie for a public suffix is refused by the next request, which sends nothing', async () => {
    const { code, out } = await run(`
      const { Session } = await import('errand');
      const s = new Session();
      s.cookies.set('bad', 'y', { domain: 'com' });
      await s.get(process.env.BASE + '/get').then(() => console.log('sent'), (e) => console.log(e.constructor.name, e.message));
      console.log('kept', JSON.stringify(s.cookies.getDict()));
      await s.close();`);
    expect(out).toMatch(/TypeError errand: cookie 'bad' cannot be set for domain 'com'/);
    expect(out).toContain('kept {}');
    expect(code).toBe(0);
  });

  it('a jar saved with toJSON and loaded with fromJSON before tough-cookie answers at once and sends its cookies', async () => {
    const s = new Session();
    await s.get(`${base}/cookies/set`, { params: { saved: 'yes' } });
    s.cookies.set('everywhere', '1');
    const saved = JSON.stringify(s.cookies);
    await s.close();
    const { code, out } = await run(`
      const { Session, CookieJar } = await import('errand');
      const jar = CookieJar.fromJSON(process.env.SAVED);
      console.log('dict', JSON.stringify(jar.getDict()));
      const s = new Session();
      s.cookies = jar;
      console.log('sent', JSON.stringify((await s.get(process.env.BASE + '/cookies')).json().cookies));
      console.log('again', JSON.stringify(CookieJar.fromJSON(JSON.stringify(s.cookies)).getDict()));
      await s.close();`, { SAVED: saved });
    expect(out).toContain('dict {"saved":"yes","everywhere":"1"}');
    expect(out).toContain('sent {"saved":"yes","everywhere":"1"}');
    expect(out).toContain('again {"saved":"yes","everywhere":"1"}');
    expect(code).toBe(0);
  });
});
