// The event-stream parsing rules (HTML standard, "Server-sent events" §9.2.6, "Interpreting an event
// stream"), as r.iterEvents() applies them. Each case is fed whole, byte by byte, and split in two at
// every byte boundary: network chunks cut fields, line ends and multi-byte characters anywhere.
import { describe, expect, it } from 'vitest';
import { parseEventStream, type ServerSentEvent } from '../../src/core/event-stream.ts';
import { PreparedRequest } from '../../src/core/prepared-request.ts';
import { Response } from '../../src/core/response.ts';

type Expected = Partial<ServerSentEvent> & { data: string };
interface Case {
  name: string;
  /** The stream: text (sent as UTF-8) or exact bytes. */
  input: string | Uint8Array;
  events: Expected[];
  /** The reconnection time the stream leaves set; undefined by default. */
  retry?: number;
  /** The last event ID the stream leaves; '' by default. */
  lastEventId?: string;
}

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? [...new TextEncoder().encode(part)] : part)));
const message = (data: string, more: Partial<ServerSentEvent> = {}): Expected => ({ event: 'message', data, id: '', retry: undefined, ...more });

export const CASES: Case[] = [
  { name: 'one event, LF line ends', input: 'data: hello\n\n', events: [message('hello')] },
  { name: 'CRLF line ends', input: 'data: one\r\n\r\ndata: two\r\n\r\n', events: [message('one'), message('two')] },
  { name: 'CR line ends', input: 'data: one\r\rdata: two\r\r', events: [message('one'), message('two')] },
  { name: 'CR, LF and CRLF mixed in one stream', input: 'data: a\rdata: b\ndata: c\r\n\r\ndata: d\n\r', events: [message('a\nb\nc'), message('d')] },
  { name: 'a CR then LF across lines is one line end, not a blank line', input: 'data: a\r\ndata: b\r\n\r\n', events: [message('a\nb')] },
  { name: 'a leading UTF-8 BOM is skipped', input: bytes([0xef, 0xbb, 0xbf], 'data: bom\n\n'), events: [message('bom')] },
  { name: 'only one BOM is skipped: a second one starts a field name nobody knows', input: bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], 'data: x\n\ndata: y\n\n'), events: [message('y')] },
  { name: 'a BOM after the start is part of the line', input: 'data: a\n\n\ufeffdata: b\n\n', events: [message('a')] },
  { name: 'the Latin-1 spelling of a BOM is ordinary text', input: '\u00ef\u00bb\u00bfdata: x\n\ndata: y\n\n', events: [message('y')] },
  { name: 'comments (a line starting with a colon) are ignored', input: ': hello\n:\ndata: x\n: between\n\n', events: [message('x')] },
  { name: 'a stream of comments only dispatches nothing', input: ': keep-alive\n\n: keep-alive\n\n', events: [] },
  { name: 'data lines are joined with LF', input: 'data: YHOO\ndata: +2\ndata: 10\n\n', events: [message('YHOO\n+2\n10')] },
  { name: 'a field with no colon is that field with an empty value', input: 'data\n\n', events: [message('')] },
  { name: 'two empty data lines give one LF', input: 'data\ndata\n\n', events: [message('\n')] },
  { name: 'one space after the colon is removed, no more', input: 'data:  two spaces\n\ndata:none\n\n', events: [message(' two spaces'), message('none')] },
  { name: 'a colon in the value is kept', input: 'data: a:b: c\n\n', events: [message('a:b: c')] },
  { name: 'field names are case-sensitive', input: 'Data: x\nDATA: y\ndata: z\n\n', events: [message('z')] },
  { name: 'unknown fields are ignored, the event still fires', input: 'foo: bar\ndata: x\nbaz\n\n', events: [message('x')] },
  { name: 'a block without data fires no event', input: 'event: ping\n\ndata: x\n\n', events: [message('x')] },
  { name: 'event names the type; an empty one means message', input: 'event: add\ndata: 1\n\nevent:\ndata: 2\n\n', events: [message('1', { event: 'add' }), message('2')] },
  { name: 'the event type does not carry over to the next event', input: 'event: add\ndata: 1\n\ndata: 2\n\n', events: [message('1', { event: 'add' }), message('2')] },
  { name: 'the last event ID carries over until an id field changes it', input: 'id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n', events: [message('a', { id: '1' }), message('b', { id: '1' }), message('c', { id: '2' })], lastEventId: '2' },
  { name: 'an empty id (with or without colon) resets the last event ID', input: 'id: 7\ndata: a\n\nid\ndata: b\n\nid: 8\ndata: c\n\nid:\ndata: d\n\n', events: [message('a', { id: '7' }), message('b'), message('c', { id: '8' }), message('d')] },
  { name: 'an id containing NUL is ignored', input: 'id: 5\ndata: a\n\nid: 6\u00007\ndata: b\n\n', events: [message('a', { id: '5' }), message('b', { id: '5' })], lastEventId: '5' },
  { name: 'an id in a block without data still sets the last event ID', input: 'id: 42\n\ndata: next\n\n', events: [message('next', { id: '42' })], lastEventId: '42' },
  { name: 'an id in an unfinished last block does not count', input: 'id: 1\ndata: a\n\nid: 2\n', events: [message('a', { id: '1' })], lastEventId: '1' },
  { name: 'retry of ASCII digits sets the reconnection time', input: 'retry: 2500\ndata: a\n\n', events: [message('a', { retry: 2500 })], retry: 2500 },
  { name: 'retry only when every character is a digit', input: 'retry: 1000\n\nretry: 1.5\nretry: -1\nretry: 10s\nretry:  20\nretry:\nretry: 1e3\ndata: a\n\n', events: [message('a', { retry: 1000 })], retry: 1000 },
  { name: 'retry applies at once, without an event', input: 'retry: 0\n', events: [], retry: 0 },
  { name: 'the final event without a blank line is not dispatched', input: 'data: one\n\ndata: two\n', events: [message('one')] },
  { name: 'a final line without any line end is not dispatched', input: 'data: one\n\ndata: two', events: [message('one')] },
  { name: 'blank lines between events change nothing', input: '\n\ndata: a\n\n\n\n\ndata: b\n\n', events: [message('a'), message('b')] },
  { name: 'multi-byte UTF-8 is decoded wherever the chunks split it', input: 'event: 日本\ndata: €uro 😀 ü\n\n', events: [message('€uro 😀 ü', { event: '日本' })] },
  { name: 'the stream is UTF-8 whatever else; bad bytes become U+FFFD', input: bytes('data: a', [0xff, 0xc3], 'b\n\n'), events: [message('a\ufffd\ufffdb')] },
  { name: 'a character cut off by the end of the stream does not fire a half event', input: bytes('data: x\n\ndata: ', [0xe2, 0x82]), events: [message('x')] },
  { name: 'NUL and other controls in data are kept', input: 'data: a\u0000b\u0001c\n\n', events: [message('a\u0000b\u0001c')] },
  { name: 'the HTML standard example: comment, ids, and a field with no colon', input: ': test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n', events: [message('first event', { id: '1' }), message('second event')] },
];

/** Splits bytes at the given offsets. */
function split(input: Uint8Array, at: number[]): Uint8Array[] {
  const points = [0, ...at, input.byteLength];
  return points.slice(1).map((end, i) => input.slice(points[i]!, end));
}

async function* from(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

async function parse(chunks: Uint8Array[]) {
  const state = { lastEventId: '', retry: undefined as number | undefined };
  const events: ServerSentEvent[] = [];
  for await (const event of parseEventStream(from(chunks), state)) events.push(event);
  return { events, state };
}

/** Every way the case is fed: whole, byte by byte, and in two pieces at each byte boundary. */
function chunkings(input: Uint8Array): [string, Uint8Array[]][] {
  const ways: [string, Uint8Array[]][] = [['whole', [input]], ['byte by byte', split(input, [...input.keys()].slice(1))]];
  for (let at = 1; at < input.byteLength; at++) ways.push([`split at byte ${at}`, split(input, [at])]);
  return ways;
}

describe('event-stream parsing (HTML §9.2.6), every case at every chunk boundary', () => {
  it.each(CASES)('$name', async ({ input, events, retry, lastEventId = '' }) => {
    const raw = typeof input === 'string' ? new TextEncoder().encode(input) : input;
    const expected = events.map((e) => ({ event: 'message', id: '', retry: undefined, ...e }));
    for (const [how, chunks] of chunkings(raw)) {
      const got = await parse(chunks);
      expect(got.events, how).toEqual(expected);
      expect(got.state, how).toEqual({ lastEventId, retry });
    }
  });

  it('has a case for every rule it claims (self-check: the table is not empty or trivial)', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(CASES.filter((c) => c.events.length === 0).length).toBeGreaterThan(0);
  });
});

describe('event-stream parsing: limits', () => {
  it('refuses a line that never ends instead of holding it without bound', async () => {
    async function* endless(): AsyncGenerator<Uint8Array> {
      const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
      yield new TextEncoder().encode('data: ');
      for (let i = 0; i < 64; i++) yield chunk;
    }
    const consumed: ServerSentEvent[] = [];
    const error = await (async () => {
      try {
        for await (const event of parseEventStream(endless())) consumed.push(event);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.name).toBe('RequestError');
    expect(error?.message).toMatch(/longer than 16777216 characters/);
    expect(consumed).toEqual([]);
  });

  it('yields each event before it reads the next chunk (a slow consumer slows the reads)', async () => {
    const reads: number[] = [];
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 1; i <= 3; i++) {
        reads.push(i);
        yield new TextEncoder().encode(`data: ${i}\n\n`);
      }
    }
    const iterator = parseEventStream(source())[Symbol.asyncIterator]();
    expect((await iterator.next()).value.data).toBe('1');
    expect(reads).toEqual([1]);
    expect((await iterator.next()).value.data).toBe('2');
    expect(reads).toEqual([1, 2]);
    await iterator.return(undefined);
    expect(reads).toEqual([1, 2]);
  });

  it('a chunk that arrives while the consumer is busy, just before the stream fails, is still delivered', async () => {
    // Erroring a web stream empties its queue (Streams standard, ResetQueue): the response keeps a read in
    // flight so that the chunk is in hand before the error comes.
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start(c) { controller = c; } }, { highWaterMark: 0 });
    const r = new Response(new globalThis.Response(body, { headers: { 'content-type': 'text/event-stream' } }), new PreparedRequest(), { elapsed: 0 });
    const iterator = r.iterEvents()[Symbol.asyncIterator]();
    controller.enqueue(new TextEncoder().encode('data: one\n\n'));
    expect((await iterator.next()).value.data).toBe('one');
    // The consumer is busy with 'one': the next bytes and then a failure arrive.
    controller.enqueue(new TextEncoder().encode('data: two\n\ndata: thr'));
    controller.error(new TypeError('network error'));
    expect((await iterator.next()).value.data).toBe('two');
    await expect(iterator.next()).rejects.toThrow('network error');
  });
});
