// The event-stream format (HTML standard, "Server-sent events" §9.2.6), parsed by a kept parser
// (eventsource-parser). Reached only through a dynamic import() from response.ts and events.ts, so a
// bundle that never reads an event stream carries none of it.
import { createParser, type EventSourceParser } from 'eventsource-parser';
import { RequestError, redactUrl } from './errors.ts';
import type { Response } from './response.ts';

/** One Server-Sent Event, as `r.iterEvents()` and `s.events()` yield it. */
export interface ServerSentEvent {
  /** The `event:` field; `'message'` when the event named none. */
  event: string;
  /** The `data:` lines, joined with `\n`. */
  data: string;
  /**
   * The stream's last event ID when this event was dispatched: the latest `id:` field seen so far on this
   * stream (and, for `s.events()`, on the connections before it), `''` when there was none. As the
   * browser's `MessageEvent.lastEventId`, it persists from event to event until an `id:` changes it.
   */
  id: string;
  /** The reconnection time the stream asked for with its latest `retry:` field (ms); undefined until it sends one. */
  retry: number | undefined;
}

/** What outlives one connection of a stream: the last event ID and the reconnection time. */
export interface EventStreamState {
  lastEventId: string;
  retry: number | undefined;
}

/**
 * The most characters of one unfinished line or event the parser holds. A stream that sends a line
 * without ever ending it would otherwise grow its buffer without bound; 16 Mi characters is far above
 * any event real servers send (a large LLM completion chunk is a few KiB).
 */
export const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/**
 * Parses an event stream's bytes into events. Each event is yielded before the next chunk is read, so
 * a slow consumer slows the reads (and, through the transport, the socket); what waits between two reads
 * is the events of one chunk. `state` is read and updated as the stream goes (the last event ID, the
 * reconnection time), so that a reconnecting caller can carry it to the next connection.
 */
export async function* parseEventStream(chunks: AsyncIterable<Uint8Array>, state: EventStreamState = { lastEventId: '', retry: undefined },
  response?: Response): AsyncGenerator<ServerSentEvent> {
  const ready: ServerSentEvent[] = [];
  let overflow = false;
  const parser: EventSourceParser = createParser({
    // HTML §9.2.6: the last event ID buffer is set by an `id` field without NUL and is not cleared when
    // an event is dispatched; a block without data still updates it. The parser reports it per block.
    onId: (id) => { state.lastEventId = id; },
    onRetry: (ms) => { state.retry = ms; },
    onEvent: (message) => {
      ready.push({ event: message.event ?? 'message', data: message.data, id: state.lastEventId, retry: state.retry });
    },
    onError: (error) => { if (error.type === 'max-buffer-size-exceeded') overflow = true; },
    maxBufferSize: MAX_EVENT_CHARS,
  });
  // The UTF-8 decode algorithm strips one leading BOM, and only one: done by hand below, since Node 24's
  // streaming TextDecoder also strips a second BOM when the first was split across chunks. The parser
  // strips one more, also in its Latin-1 spelling "ï»¿"; feeding it a BOM of our own first spends that,
  // so a second BOM stays in the first field name, as the standard says.
  parser.feed('\uFEFF');
  // Event streams are always UTF-8, whatever the Content-Type says (HTML §9.2.6).
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let start = true;
  for await (const chunk of chunks) {
    let text = decoder.decode(chunk, { stream: true });
    if (start && text) {
      start = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    parser.feed(text);
    if (overflow) throw tooLong(response);
    for (const event of ready.splice(0)) yield event;
  }
  // A last partial character becomes U+FFFD; an event not ended by a blank line is dropped (§9.2.6:
  // "Once the end of the file is reached, any pending data must be discarded").
  parser.feed(decoder.decode());
  if (overflow) throw tooLong(response);
  for (const event of ready.splice(0)) yield event;
}

function tooLong(response: Response | undefined): RequestError {
  const where = response ? `The event stream from ${redactUrl(response.url)}` : 'The event stream';
  return new RequestError(`${where} sent a line or an event longer than ${MAX_EVENT_CHARS} characters without ending it; stopped reading it`, { response });
}
