// requests Advanced › "Session Objects": one Session (one connection pool) for several calls.
import { Session } from 'errand';

export default async function (base: string): Promise<unknown> {
  await using s = new Session({ baseUrl: base, headers: { Accept: 'application/json' } });

  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await s.get('/get', { params: { call: i } });
    statuses.push(r.statusCode);
  }
  const posted = await s.post('/post', { json: { after: statuses.length } });
  const headers = await s.get('/headers');

  return {
    statuses,
    posted: posted.json<{ json: unknown }>().json,
    accept: headers.request.headers.get('accept'),
    lastUrl: headers.url,
  };
}
