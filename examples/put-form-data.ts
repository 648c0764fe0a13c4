// requests Quickstart › "Make a Request": requests.put(url, data={'key': 'value'}).
import { put } from 'errand';

export default async function (base: string): Promise<unknown> {
  const r = await put(`${base}/put`, { data: { key: 'value', name: 'errand' } });

  return {
    status: r.statusCode,
    contentType: r.request.headers.get('content-type'),
    form: r.json<{ form: Record<string, string> }>().form,
  };
}
