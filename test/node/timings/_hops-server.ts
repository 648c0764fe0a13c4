// A loopback server for one call with a retry and two redirects: GET /flaky answers 503 the first time and
// redirects after that (/flaky → /hop → /final → 200). It notes the path and `traceparent` of every request.
import { startServer, type TestServer } from '../transport/_server.ts';

export interface HopsServer extends TestServer {
  /** Every request received, in order. */
  seen: { path: string; traceparent: string | undefined }[];
  /** Makes the next GET /flaky answer 503 again. */
  reset(): void;
}

export async function startHopsServer(): Promise<HopsServer> {
  const seen: HopsServer['seen'] = [];
  let flaky = true;
  const server = await startServer((req, res) => {
    seen.push({ path: req.url ?? '', traceparent: req.headers.traceparent as string | undefined });
    if (req.url === '/flaky' && flaky) {
      flaky = false;
      return void res.writeHead(503, { 'content-length': '0' }).end();
    }
    const next = { '/flaky': '/hop', '/hop': '/final' }[req.url ?? ''];
    if (next) return void res.writeHead(302, { location: next, 'content-length': '0' }).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url }));
  });
  return Object.assign(server, { seen, reset: () => { flaky = true; seen.length = 0; } });
}
