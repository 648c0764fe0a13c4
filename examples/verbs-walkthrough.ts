// requests Advanced › "HTTP Verbs": the GitHub API walkthrough (GET, OPTIONS, POST, PATCH, DELETE, HEAD), on httpbin.
import { HTTPBasicAuth, codes, del, get, head, options, patch, post } from 'errand';

/** What httpbin echoes back (the parts this example reads). */
interface Echo { args: Record<string, string>; data: string; method: string }

export default async function (base: string): Promise<unknown> {
  const steps: Record<string, unknown>[] = [];
  const issue = `${base}/anything/repos/psf/requests/issues/482`;
  const auth = new HTTPBasicAuth('fake@example.com', 'not_a_real_password');

  const r = await get(`${base}/get`, { params: { commit: 'a050faf' } });
  if (r.statusCode === codes.ok) {
    steps.push({ verb: 'GET', status: r.statusCode, contentType: r.headers.get('content-type'), args: r.json<Echo>().args });
  }

  const verbs = await options(r.url);
  steps.push({ verb: 'OPTIONS', status: verbs.statusCode, allow: verbs.headers.get('allow') });

  const body = JSON.stringify({ body: "Sounds great! I'll get right on it!" });
  const created = await post(`${issue}/comments`, { data: body, auth });
  steps.push({ verb: 'POST', status: created.statusCode, body: JSON.parse(created.json<Echo>().data).body });

  const edited = await patch(`${issue}/comments/5804413`, { data: JSON.stringify({ body: 'Sounds great! I love it!' }), auth });
  steps.push({ verb: 'PATCH', status: edited.statusCode, method: edited.json<Echo>().method });

  const deleted = await del(`${issue}/comments/5804413`, { auth });
  steps.push({ verb: 'DELETE', status: deleted.statusCode, method: deleted.json<Echo>().method });

  const headed = await head(`${base}/get`, { auth });
  steps.push({ verb: 'HEAD', status: headed.statusCode, contentLength: headed.headers.get('content-length'), body: headed.text });

  return steps;
}
