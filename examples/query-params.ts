// requests Quickstart › "Passing Parameters In URLs".
import { get } from 'errand';

export default async function (base: string): Promise<unknown> {
  const payload = { key1: 'value1', key2: 'value2' };
  const r = await get(`${base}/get`, { params: payload });

  // A list repeats the key; null and undefined values are dropped.
  const listed = await get(`${base}/get`, {
    params: { key1: 'value1', key2: ['value2', 'value3'], dropped: null },
  });

  return {
    url: r.url,
    args: r.json<{ args: Record<string, string | string[]> }>().args,
    listUrl: listed.url,
    listArgs: listed.json<{ args: Record<string, string | string[]> }>().args,
  };
}
