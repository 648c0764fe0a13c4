// The Node build's own surface (see common.ts).
import { runtime, Session, UndiciAdapter, type CookieJar } from 'errand';
import { expectTypeOf } from 'expect-type';

export function nodeBuild(): void {
  expectTypeOf<typeof runtime>().toEqualTypeOf<'node'>();
  const s = new Session({ proxies: { https: 'http://proxy.test:8080' }, verify: false, cert: ['c.pem', 'k.pem'] });
  s.mount('https://', new UndiciAdapter({ followPatchedFetch: false }));
  expectTypeOf(s.cookies).toEqualTypeOf<CookieJar>();
}
