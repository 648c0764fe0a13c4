// requests Quickstart › "More complicated POST requests" (form bodies and a raw JSON string).
import { post } from 'errand';

/** What httpbin's /post echoes back (the parts this example reads). */
interface Echo { form: Record<string, string | string[]>; data: string }

export default async function (base: string): Promise<unknown> {
  const payload = { key1: 'value1', key2: 'value2' };
  const r = await post(`${base}/post`, { data: payload });

  // Several values for one key: pairs, or an array in the object.
  const pairs = await post(`${base}/post`, { data: [['key1', 'value1'], ['key1', 'value2']] });
  const arrays = await post(`${base}/post`, { data: { key1: ['value1', 'value2'] } });

  // A string is sent as it is.
  const raw = await post(`${base}/post`, { data: JSON.stringify({ some: 'data' }) });

  return {
    form: r.json<Echo>().form,
    contentType: r.request.headers.get('content-type'),
    pairs: pairs.json<Echo>().form,
    arrays: arrays.json<Echo>().form,
    raw: raw.json<Echo>().data,
  };
}
