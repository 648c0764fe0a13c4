// requests Quickstart › "More complicated POST requests", as a PUT with json=.
import { put } from 'errand';

export default async function (base: string): Promise<unknown> {
  const payload = { id: 7, name: 'errand', tags: ['http', 'typescript'] };
  const r = await put(`${base}/put`, { json: payload });

  return {
    status: r.statusCode,
    json: r.json<{ json: unknown }>().json,
  };
}
