// The server's view of one request, for tests that check what a client released: any request with
// `?watch=TOKEN` is watched (did its response finish, or was it cut short? is its connection still
// open?), and GET /watch/TOKEN answers once the asked-for event happened (or after `timeout` seconds).
// Ours, not httpbin's: every runtime's client can ask it, so a shared test can see what close() did.
import { sendJson, type Ctx } from './httpbin-util.ts';

/** What the server saw of a watched request. */
export interface WatchReport {
  response: 'pending' | 'finished' | 'aborted';
  connection: 'open' | 'closed';
}

/** A watched request: its report, and the events /watch waits for. */
export interface Watch {
  report: WatchReport;
  responseSettled: Promise<void>;
  connectionClosed: Promise<void>;
}

const MAX_WATCHES = 1000;

/** Starts watching the request in `ctx` under `token` (called for every request with ?watch=). */
export function watchRequest(ctx: Ctx, token: string): void {
  const watches = ctx.state.watches;
  if (watches.size >= MAX_WATCHES) watches.delete(watches.keys().next().value!);
  const report: WatchReport = { response: 'pending', connection: 'open' };
  const socket = ctx.req.socket;
  const watch: Watch = {
    report,
    responseSettled: new Promise((resolve) => ctx.res.once('close', () => {
      report.response = ctx.res.writableFinished ? 'finished' : 'aborted';
      resolve();
    })),
    connectionClosed: new Promise((resolve) => {
      const closed = () => {
        report.connection = 'closed';
        resolve();
      };
      if (socket.destroyed) closed();
      else socket.once('close', closed);
    }),
  };
  watches.set(token, watch);
}

/**
 * GET /watch/:token?until=response|connection&timeout=SECONDS: waits until the watched response has
 * settled (`response`) or its connection has closed (`connection`), at most `timeout` seconds
 * (default 10), then reports. Without `until` it reports at once. 404 for a token never seen.
 */
export async function watchReport(ctx: Ctx): Promise<void> {
  const watch = ctx.state.watches.get(ctx.params.token ?? '');
  if (!watch) return sendJson(ctx, { error: 'no request was watched under this token' }, 404);
  const until = ctx.query.get('until');
  const event = until === 'response' ? watch.responseSettled : until === 'connection' ? watch.connectionClosed : undefined;
  if (event) {
    const seconds = Math.min(Math.max(Number(ctx.query.get('timeout') ?? 10) || 0, 0), 60);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([event, new Promise<void>((resolve) => { timer = setTimeout(resolve, seconds * 1000); })]);
    clearTimeout(timer);
  }
  sendJson(ctx, watch.report);
}
