// The browser build's own surface (see common.ts).
import { runtime, Session } from 'errand';
import { expectTypeOf } from 'expect-type';

export function browserBuild(): void {
  expectTypeOf<typeof runtime>().toEqualTypeOf<'browser'>();
  expectTypeOf(new Session({ credentials: 'include' }).credentials).toEqualTypeOf<'omit' | 'same-origin' | 'include' | null | undefined>();
}
