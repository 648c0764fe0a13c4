// The edge build's own surface (see common.ts).
import { runtime } from 'errand';
import { expectTypeOf } from 'expect-type';

export function edgeBuild(): void {
  expectTypeOf<typeof runtime>().toEqualTypeOf<'edge'>();
}
