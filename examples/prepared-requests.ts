// requests Advanced › "Prepared Requests": prepare, change the body and headers, then send exactly that.
import { Request, Session } from 'errand';

export default async function (base: string): Promise<unknown> {
  const s = new Session({ headers: { 'X-Session': 'merged-in' } });
  try {
    const req = new Request('POST', `${base}/post`, {
      data: { key: 'value' },
      headers: { 'X-Custom': 'yes' },
    });

    // prepareRequest() merges the session's state (headers, cookies, auth) first.
    const prepared = await s.prepareRequest(req);
    prepared.body = 'No, I want exactly this as the body.';
    prepared.headers.delete('Content-Type');

    const r = await s.send(prepared, { timeout: 5000, allowRedirects: true });

    // Request.prepare() works without a session (no session state merged).
    const bare = await req.prepare();

    const echo = r.json<{ data: string }>();
    return {
      data: echo.data,
      sentContentType: r.request.headers.get('content-type'),
      xCustom: r.request.headers.get('x-custom'),
      xSession: r.request.headers.get('x-session'),
      bareHasSessionHeader: bare.headers.has('x-session'),
    };
  } finally {
    await s.close();
  }
}
