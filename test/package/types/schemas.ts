// json(schema) with real schema libraries (see common.ts for the library-free cases). zod and valibot
// declare `validate` as returning a result or a Promise of one (an async refinement does not show in a
// schema's type), so `json(schema)` is the output or a Promise of it, and `await` gives the output.
import { get } from 'errand';
import { expectTypeOf } from 'expect-type';
import * as v from 'valibot';
import { z } from 'zod';

export async function schemas(): Promise<void> {
  const r = await get('https://example.test/');
  const User = z.object({ id: z.number(), name: z.string() });
  type User = { id: number; name: string };
  expectTypeOf(r.json(User)).toEqualTypeOf<User | Promise<User>>();
  expectTypeOf(await r.json(User)).toEqualTypeOf<User>();
  // The output type, not the input type.
  expectTypeOf(await r.json(z.string().transform((s) => s.length))).toEqualTypeOf<number>();
  expectTypeOf(await r.json(v.object({ id: v.number(), tags: v.optional(v.array(v.string())) }))).toEqualTypeOf<{ id: number; tags?: string[] | undefined }>();
  expectTypeOf(await r.json(v.pipe(v.string(), v.transform(Number)))).toEqualTypeOf<number>();
  // @ts-expect-error the result may be a Promise: await it first
  void r.json(User).id;
}
