// requests Advanced › "Custom Verbs": request() with any method name.
import { request } from 'errand';

export default async function (base: string): Promise<unknown> {
  // requests.request('MKCOL', url) — WebDAV's "make collection", for example.
  const r = await request('MKCOL', `${base}/anything/new-collection`);
  const echo = r.json<{ method: string; url: string }>();

  // The method goes out exactly as written.
  return {
    status: r.statusCode,
    sentMethod: r.request.method,
    echoedMethod: echo.method,
    url: echo.url,
  };
}
