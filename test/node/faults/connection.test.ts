// Faults of the connection and of HTTP framing, against a raw socket server that misbehaves on
// purpose (test/servers/raw-server.ts, behaviours.ts): refused, unresolvable, reset, cut short, malformed, closed while
// kept alive, 1xx before the answer, oversized headers. Each must end in a clear errand error (or a
// success), never a hang; the same Session then still works and nothing is left open.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionError, RequestError, Session } from 'errand';
import { endAfter, hangUp, head, ok, resetAfter, respond, sequence, stall, type Behaviour } from '../../servers/behaviours.ts';
import { startRawServer, type RawServer } from '../../servers/raw-server.ts';
import { closedPort, rejection, withFault } from './_harness.ts';

let server: RawServer;
beforeAll(async () => { server = await startRawServer(); });
afterAll(() => server.close());

const url = (path: string) => `${server.url}${path}`;
const LOOPS = 50;

/** Retries counted by the retry hook: [attempt, error name or status][]. */
function retryLog() {
  const seen: [number, string][] = [];
  const hook = (info: { attempt: number; error?: unknown; response?: { statusCode: number } | undefined }) => {
    seen.push([info.attempt, info.response ? String(info.response.statusCode) : (info.error as Error).name]);
  };
  return { seen, hooks: { retry: hook } };
}

describe('faults: no connection', () => {
  it('connection refused is a ConnectionError (ECONNREFUSED), retried twice for a GET by default', async () => {
    const port = await closedPort();
    await withFault(server, {}, async (s) => {
      const log = retryLog();
      const error = await rejection(s.get(`http://127.0.0.1:${port}/`, { hooks: log.hooks }));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.message).toMatch(/ECONNREFUSED.*\(3 attempts\)$/);
      expect(log.seen).toEqual([[1, 'ConnectionError'], [2, 'ConnectionError']]);
    });
  });

  it('a DNS failure (http://nothing.invalid/) is a ConnectionError naming the lookup failure', async () => {
    await withFault(server, { retries: 0 }, async (s) => {
      const error = await rejection(s.get('http://nothing.invalid/'));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.message).toMatch(/nothing\.invalid/);
      expect(error.message).toMatch(/ENOTFOUND|EAI_AGAIN|EAI_NONAME/);
    });
  });
});

describe('faults: the server breaks the exchange', () => {
  it(`a reset before the headers is a ConnectionError (${LOOPS} times); the server got the request, so it is a read failure, retried only with retries.read`, async () => {
    server.route('/reset-before-headers', resetAfter());
    await withFault(server, { retries: 0 }, async (s) => {
      for (let i = 0; i < LOOPS; i++) {
        const error = await rejection(s.get(url('/reset-before-headers')));
        expect(error).toBeInstanceOf(ConnectionError);
        expect(error.message).toMatch(/ECONNRESET|UND_ERR_SOCKET|other side closed/);
      }
    });
    server.route('/reset-before-headers', resetAfter());
    await withFault(server, {}, async (s) => {
      expect(await rejection(s.get(url('/reset-before-headers')))).toBeInstanceOf(ConnectionError);
      expect(server.count('/reset-before-headers')).toBe(1);
    });
    server.route('/reset-before-headers', resetAfter());
    await withFault(server, { retries: { read: 5 } }, async (s) => {
      const log = retryLog();
      const error = await rejection(s.get(url('/reset-before-headers'), { hooks: log.hooks }));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.message).toMatch(/\(3 attempts\)$/);
      // read: 5 allows more, but the total (2) ends it.
      expect(server.count('/reset-before-headers')).toBe(3);
      expect(log.seen.map(([attempt]) => attempt)).toEqual([1, 2]);
    });
  });

  it(`a reset in the middle of the body is a ConnectionError carrying the response (${LOOPS} times)`, async () => {
    server.route('/reset-mid-body', resetAfter(Buffer.concat([head(200, [['Content-Length', '1000']]), Buffer.alloc(300, 'a')])));
    await withFault(server, {}, async (s) => {
      for (let i = 0; i < LOOPS; i++) {
        const error = await rejection(s.get(url('/reset-mid-body')));
        expect(error).toBeInstanceOf(ConnectionError);
        expect(error.message).toMatch(/broke while reading the body/);
        expect((error.response as { statusCode: number } | undefined)?.statusCode).toBe(200);
      }
      // A broken body is not retried (as in requests, the body is read after the retry decision).
      expect(server.count('/reset-mid-body')).toBe(LOOPS);
    });
  });

  it(`a body shorter than its Content-Length, then FIN, is a ConnectionError, not a short success (${LOOPS} times)`, async () => {
    server.route('/short-body', endAfter(Buffer.concat([head(200, [['Content-Length', '1000']]), Buffer.alloc(100, 'a')])));
    await withFault(server, {}, async (s) => {
      for (let i = 0; i < LOOPS; i++) {
        const error = await rejection(s.get(url('/short-body')));
        expect(error).toBeInstanceOf(ConnectionError);
        expect(error.message).toMatch(/broke while reading the body/);
      }
    });
  });

  it('a body shorter than its Content-Length on a connection left open is a ConnectionError once the server goes', async () => {
    // The server stops after 100 of 1000 bytes and closes later: errand must not take 100 bytes as the body.
    server.route('/short-then-close', async ({ write, wait, socket }) => {
      write(Buffer.concat([head(200, [['Content-Length', '1000']]), Buffer.alloc(100, 'a')]));
      await wait(100);
      socket.end();
    });
    await withFault(server, {}, async (s) => {
      expect(await rejection(s.get(url('/short-then-close')))).toBeInstanceOf(ConnectionError);
    });
  });

  it.each([
    ['a chunk size that is not hex', 'zz\r\nhello\r\n0\r\n\r\n'],
    ['chunk data longer than its size', '5\r\nhello, world\r\n0\r\n\r\n'],
    ['a chunk size of absurd length', 'ffffffffffffffffffffffff\r\nx\r\n'],
    ['no CRLF after the size', '5hello\r\n0\r\n\r\n'],
  ])(`malformed chunked encoding (%s) is a ConnectionError (${LOOPS} times)`, async (_kind, framing) => {
    server.route('/bad-chunked', endAfter(Buffer.concat([head(200, [['Transfer-Encoding', 'chunked']]), Buffer.from(framing)])));
    await withFault(server, {}, async (s) => {
      for (let i = 0; i < LOOPS; i++) {
        const error = await rejection(s.get(url('/bad-chunked')));
        expect(error).toBeInstanceOf(ConnectionError);
      }
    });
  });

  it('chunked encoding cut off before the last chunk (server still connected) fails once the server closes', async () => {
    server.route('/chunked-cut', async ({ write, wait, socket }) => {
      write(Buffer.concat([head(200, [['Transfer-Encoding', 'chunked']]), Buffer.from('5\r\nhello\r\n')]));
      await wait(100);
      socket.end();
    });
    await withFault(server, {}, async (s) => {
      expect(await rejection(s.get(url('/chunked-cut')))).toBeInstanceOf(ConnectionError);
    });
  });

  it('a response that is not HTTP at all is a ConnectionError', async () => {
    server.route('/garbage', endAfter('SSH-2.0-OpenSSH_9.6\r\n'));
    await withFault(server, { retries: 0 }, async (s) => {
      expect(await rejection(s.get(url('/garbage')))).toBeInstanceOf(ConnectionError);
    });
  });
});

describe('faults: the server closes a keep-alive connection between requests', () => {
  /** 200 on a connection's first request; closes (or resets) the first reused connection it sees; 200 after. */
  function closesFirstReuse(close: Behaviour): Behaviour {
    let closed = false;
    return (exchange) => {
      if (exchange.request.onConnection > 0 && !closed) {
        closed = true;
        return close(exchange);
      }
      return ok(`answer ${exchange.request.method}`, { keepAlive: true })(exchange);
    };
  }
  const pause = () => new Promise((resolve) => setTimeout(resolve, 50)); // lets the first connection go idle in the pool

  it.each([['FIN', hangUp], ['RST', resetAfter()]] as const)('an idempotent GET is retried on a fresh socket and succeeds (%s)', async (how, close) => {
    const path = `/ka-get-${how}`;
    server.route(path, closesFirstReuse(close));
    await withFault(server, {}, async (s) => {
      expect((await s.get(url(path))).text).toBe('answer GET');
      await pause();
      const r = await s.get(url(path));
      expect([r.statusCode, r.text, r.retries]).toEqual([200, 'answer GET', 1]);
      const seen = server.requests.filter((q) => q.path === path);
      expect(seen).toHaveLength(3);
      // The second request went out on the reused connection, and its retry on a new one.
      expect(seen[1]!.onConnection).toBeGreaterThan(0);
      expect(seen[2]!.connection).not.toBe(seen[1]!.connection);
    }, { checkAfterFault: false });
  });

  it.each([['FIN', hangUp], ['RST', resetAfter()]] as const)('a POST is not retried: ConnectionError, and the server saw it once (%s)', async (how, close) => {
    const path = `/ka-post-${how}`;
    server.route(path, closesFirstReuse(close));
    await withFault(server, {}, async (s) => {
      expect((await s.post(url(path), { data: 'first' })).text).toBe('answer POST');
      await pause();
      const error = await rejection(s.post(url(path), { data: 'second' }));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(server.requests.filter((q) => q.path === path).map((q) => q.body.toString())).toEqual(['first', 'second']);
    }, { checkAfterFault: false });
  });

  it('a connection the server closed while idle is not reused: the next request (a POST) goes out once on a new one', async () => {
    server.route('/ka-idle-close', sequence(ok('first', { keepAlive: true }), async ({ wait, socket }) => {
      await wait(20);
      socket.end();
    }), ok('second', { keepAlive: true }));
    await withFault(server, {}, async (s) => {
      expect((await s.get(url('/ka-idle-close'))).text).toBe('first');
      await new Promise((resolve) => setTimeout(resolve, 150)); // the FIN has arrived
      const r = await s.post(url('/ka-idle-close'), { data: 'x' });
      expect([r.text, r.retries]).toEqual(['second', 0]);
      expect(server.count('/ka-idle-close')).toBe(2);
    }, { checkAfterFault: false });
  });
});

describe('faults: 1xx responses before the final one', () => {
  const early = head(103, [['Link', '</style.css>; rel=preload; as=style']]);
  const cont = head(100);

  it('an unsolicited 100 Continue before the 200 settles (here: a ConnectionError), never hangs', async () => {
    server.route('/continue', sequence(stall(cont), ok('final')));
    await withFault(server, { retries: 0 }, async (s) => {
      const outcome = await s.get(url('/continue')).then((r) => r.text, (e: unknown) => e);
      if (typeof outcome === 'string') expect(outcome).toBe('final');
      else expect(outcome).toBeInstanceOf(ConnectionError);
    });
  });

  // RFC 9110 §15.2: "A client MUST be able to parse one or more 1xx responses received prior to a
  // final response, even if the client does not expect one." undici's HTTP/1.1 client destroys the
  // socket on any 100 it did not ask for (node_modules/undici/lib/dispatcher/client-h1.js, onHeadersComplete).
  it.fails('BUG: an unsolicited 100 Continue is skipped and the final 200 returned', async () => {
    server.route('/continue-final', sequence(stall(cont), ok('final')));
    const s = new Session({ retries: 0 });
    try {
      const r = await s.get(url('/continue-final'));
      expect([r.statusCode, r.text]).toEqual([200, 'final']);
    } finally {
      await s.close();
    }
  });

  it('a 103 Early Hints before the 200 settles and the session keeps working', async () => {
    server.route('/early-hints', sequence(stall(early), ok('final')));
    await withFault(server, { retries: 0 }, async (s) => {
      const r = await s.get(url('/early-hints'));
      expect([r.statusCode, r.text]).toEqual([200, 'final']);
    }, { checkAfterFault: false });
  });

  // undici calls onResponseStart for informational responses (103) too; src/runtime/node-dispatch.ts
  // skips them and resolves on the final response (RFC 9110 §15.2).
  it('103 Early Hints (one or two) are skipped and the final 200 is returned', async () => {
    server.route('/early-hints-final', sequence(stall(early), stall(early), ok('final')));
    const s = new Session({ retries: 0 });
    try {
      const r = await s.get(url('/early-hints-final'));
      expect([r.statusCode, r.text]).toEqual([200, 'final']);
    } finally {
      await s.close();
    }
  });
});

describe('faults: very large response headers', () => {
  it('64 KiB of headers (one line) is a clear ConnectionError naming the overflow, not a hang', async () => {
    server.route('/huge-header', respond(200, [['X-Huge', 'a'.repeat(64 * 1024)]], 'big'));
    await withFault(server, { retries: 0 }, async (s) => {
      const error = await rejection(s.get(url('/huge-header')));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.message).toMatch(/HEADERS_OVERFLOW/);
    });
  });

  it('64 KiB of headers in 1,024 lines is the same clear error', async () => {
    const lines = Array.from({ length: 1024 }, (_, i): [string, string] => [`X-Many-${i}`, 'b'.repeat(56)]);
    server.route('/many-headers', respond(200, lines, 'many'));
    await withFault(server, { retries: 0 }, async (s) => {
      expect(await rejection(s.get(url('/many-headers')))).toBeInstanceOf(ConnectionError);
    });
  });

  it('headers that keep coming (never ending, 1 MiB and more) fail with the same error instead of buffering forever', async () => {
    server.route('/endless-headers', async ({ write, wait }) => {
      write('HTTP/1.1 200 OK\r\n');
      for (let i = 0; i < 256; i++) {
        if (!write(`X-Endless-${i}: ${'c'.repeat(4000)}\r\n`)) return;
        await wait(1);
      }
    });
    await withFault(server, { retries: 0 }, async (s) => {
      expect(await rejection(s.get(url('/endless-headers')))).toBeInstanceOf(RequestError);
    });
  });

  it('12 KiB of headers is within the limit and succeeds', async () => {
    server.route('/big-header', respond(200, [['X-Big', 'a'.repeat(12 * 1024)]], 'fits'));
    await withFault(server, {}, async (s) => {
      const r = await s.get(url('/big-header'));
      expect([r.text, r.headers.get('x-big')?.length]).toEqual(['fits', 12 * 1024]);
    });
  });
});
