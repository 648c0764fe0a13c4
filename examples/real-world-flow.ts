// Common tutorial: log in, fetch the current user, then post something as that user.
import { Session } from 'errand';

interface User { authenticated: boolean; user: string }

export default async function (base: string): Promise<unknown> {
  const s = new Session({ baseUrl: base, auth: ['alice', 's3cret'], timeout: 5000 });
  try {
    // 1. Who am I? (httpbin's basic-auth endpoint plays the "/me" resource)
    const me = await s.get('/basic-auth/alice/s3cret');
    me.raiseForStatus();
    const user = me.json<User>();

    // 2. Post an article as that user, with the user's data in the body.
    const created = await s.post('/post', {
      json: { author: user.user, title: 'Hello from errand', tags: ['http'] },
      headers: { 'X-Request-Id': 'flow-1' },
    });
    created.raiseForStatus();
    const echo = created.json<{ json: unknown }>();

    return {
      user,
      status: created.statusCode,
      posted: echo.json,
      sentAuth: created.request.headers.has('authorization'),
      requestId: created.request.headers.get('x-request-id'),
    };
  } finally {
    await s.close();
  }
}
