// requests Quickstart › "More complicated POST requests": the json= parameter.
import { post } from 'errand';

export default async function (base: string): Promise<unknown> {
  const payload = { some: 'data', nested: { list: [1, 2, 3] }, ok: true };
  const r = await post(`${base}/post`, { json: payload });

  return {
    status: r.statusCode,
    contentType: r.request.headers.get('content-type'),
    json: r.json<{ json: unknown }>().json,
  };
}
