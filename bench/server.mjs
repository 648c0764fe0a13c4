// The benchmark's loopback server. Run it in its own process (bench/lib.mjs startServer() does):
// it prints `PORT <n>` once it listens on 127.0.0.1, and exits when its stdin closes (the parent
// died or stopped it) or on SIGTERM. A line `stats` on stdin prints `STATS {"accepted":n,"open":n}`:
// the TCP connections accepted so far and those open now, without opening one to ask.
//
//   GET  /small        a short JSON body
//   POST /echo-size    reads the body, answers {"size": <bytes read>}
//   GET  /bytes/:n     n bytes, written from one fixed buffer with back-pressure
//   PUT  /sink         reads and counts the body (never buffers it), answers {"size": <bytes>}
//   GET  /cached/...   a 10 KiB JSON body with Cache-Control: max-age=3600 (`?slow`: after 100 ms);
//                      `stats` also counts these requests (`cached`)
import { createServer } from 'node:http';

const SMALL = Buffer.from(JSON.stringify({ ok: true, id: 42, name: 'errand', tags: ['a', 'b'] }));
const SMALL_HEADERS = { 'content-type': 'application/json', 'content-length': String(SMALL.length) };
const CHUNK = Buffer.alloc(256 * 1024, 0x61);
const ITEMS = Array.from({ length: 130 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['cached', 'json'], price: i * 1.25 }));
const CACHED = Buffer.from(JSON.stringify({ items: ITEMS }).padEnd(10 * 1024, ' '));
const CACHED_HEADERS = { 'content-type': 'application/json', 'content-length': String(CACHED.length), 'cache-control': 'max-age=3600' };
let cached = 0;

function json(res, value) {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
  res.end(body);
}

function countBody(req, res) {
  let size = 0;
  req.on('data', (chunk) => { size += chunk.length; });
  req.on('end', () => json(res, { size }));
  req.on('error', () => res.destroy());
}

function sendBytes(res, total) {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total) });
  let left = total;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      const more = res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
      if (!more) { res.once('drain', pump); return; }
    }
    res.end();
  };
  res.on('close', () => { left = 0; });
  pump();
}

const server = createServer({ keepAlive: true, requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => {
  const { method, url = '' } = req;
  if (method === 'GET' && url === '/small') {
    res.writeHead(200, SMALL_HEADERS);
    res.end(SMALL);
  } else if (method === 'POST' && url === '/echo-size') {
    countBody(req, res);
  } else if (method === 'PUT' && url === '/sink') {
    countBody(req, res);
  } else if (method === 'GET' && url.startsWith('/cached/')) {
    cached++;
    const answer = () => { res.writeHead(200, CACHED_HEADERS); res.end(CACHED); };
    if (url.endsWith('?slow')) setTimeout(answer, 100);
    else answer();
  } else if (method === 'GET' && url.startsWith('/bytes/')) {
    const n = Number(url.slice('/bytes/'.length));
    if (!Number.isSafeInteger(n) || n < 0) { res.writeHead(400).end(); return; }
    sendBytes(res, n);
  } else {
    req.resume();
    res.writeHead(404, { 'content-length': '0' }).end();
  }
});
let accepted = 0;
let open = 0;
server.on('connection', (socket) => {
  accepted++;
  open++;
  socket.once('close', () => { open--; });
});
server.keepAliveTimeout = 120_000;
server.maxRequestsPerSocket = 0;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`PORT ${/** @type {import('node:net').AddressInfo} */ (server.address()).port}\n`);
});

const stop = () => { server.closeAllConnections?.(); server.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent holds our stdin open; when it goes away, so do we.
process.stdin.on('end', stop);
process.stdin.on('close', stop);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (data) => {
  input += data;
  let newline;
  while ((newline = input.indexOf('\n')) >= 0) {
    const line = input.slice(0, newline).trim();
    input = input.slice(newline + 1);
    if (line === 'stats') process.stdout.write(`STATS ${JSON.stringify({ accepted, open, cached })}\n`);
  }
});
