// A notification feed that survives a flaky connection: s.events() reconnects after the server's `retry:`
// and sends `Last-Event-ID`, so the server resumes where the client left off and nothing is lost or
// delivered twice. A small local server plays the feed, dropping the connection after every two events.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Session } from 'errand';

const NOTIFICATIONS = ['build #41 passed', 'review requested', 'build #42 failed', 'deploy started', 'deploy finished'];

async function startFeed(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const after = Number(req.headers['last-event-id'] ?? 0);
    // Nothing left: a 204 tells the client to stop reconnecting (a real feed would stay open instead).
    if (after >= NOTIFICATIONS.length) return void res.writeHead(204).end();
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write('retry: 50\n\n'); // reconnect after 50 ms
    const upTo = Math.min(after + 2, NOTIFICATIONS.length);
    for (let id = after + 1; id <= upTo; id++) res.write(`id: ${id}\nevent: notification\ndata: ${NOTIFICATIONS[id - 1]}\n\n`);
    if (upTo === NOTIFICATIONS.length) return void res.end();
    // The network "fails" in the middle of the next event.
    res.write(`id: ${upTo + 1}\nevent: notification\ndata: half of an ev`, () => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notifications`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export default async function (): Promise<unknown> {
  const feed = await startFeed();
  try {
    const s = new Session();
    const received: string[] = [];
    const reconnects: { attempt: number; delay: number; lastEventId: string; because: string }[] = [];
    for await (const event of s.events(feed.url, {
      maxReconnects: 10,
      onReconnect: ({ attempt, delay, lastEventId, error }) => {
        reconnects.push({ attempt, delay, lastEventId, because: error ? (error as Error).name : 'the stream ended' });
      },
    })) {
      received.push(`#${event.id} ${event.data}`);
    }
    await s.close();
    return { received, reconnects };
  } finally {
    await feed.close();
  }
}
