// requests Advanced › "Session Objects": cookies, auth and headers persist across requests.
import { Session } from 'errand';

export default async function (base: string): Promise<unknown> {
  const s = new Session();
  try {
    // Cookies set by one response are sent with the next request.
    await s.get(`${base}/cookies/set/sessioncookie/123456789`);
    const cookies = await s.get(`${base}/cookies`);

    // Session-level defaults, mutable as in requests.
    s.auth = ['user', 'pass'];
    s.headers.set('x-test', 'true');

    // Both 'x-test' and 'x-test2' are sent.
    const r = await s.get(`${base}/headers`, { headers: { 'x-test2': 'true' } });
    const sent = r.request.headers;

    return {
      cookies: cookies.json(),
      jar: s.cookies.get('sessioncookie'),
      xTest: sent.get('x-test'),
      xTest2: sent.get('x-test2'),
      authorization: sent.get('authorization'),
      echoed: r.json<{ headers: Record<string, string> }>().headers,
    };
  } finally {
    await s.close();
  }
}
