// requests Quickstart › "Custom Headers".
import { get } from 'errand';

export default async function (base: string): Promise<unknown> {
  const headers = { 'user-agent': 'my-app/0.0.1' };
  const r = await get(`${base}/headers`, { headers });

  // What was actually sent is on r.request.
  return {
    sentUserAgent: r.request.headers.get('user-agent'),
    echoed: r.json<{ headers: Record<string, string> }>().headers,
  };
}
