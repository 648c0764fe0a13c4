/// <reference types="node" />
// A response body as undici delivers it, read either whole or as a web stream, whichever the caller
// asks for first. Most bodies are complete by the time the headers reach the caller (undici parses a
// small response in one go), so reading them whole skips building a ReadableStream per response.
import type { Dispatcher } from 'undici';
import { joinChunks } from '../core/bytes.ts';

// Up to this many unread bytes wait before undici stops reading the socket (back-pressure).
const HIGH_WATER_MARK = 64 * 1024;

type Pausable = Pick<Dispatcher.DispatchController, 'pause' | 'resume'>;

/** The body of one dispatched response: pushed by the handler, read once by `all()` or `stream()`. */
export class BodyChannel {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private ended = false;
  private error: unknown;
  private failed = false;
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private waiter: { resolve: (body: Uint8Array) => void; reject: (error: unknown) => void } | undefined;
  private taken = false;

  constructor(private readonly source: Pausable, private readonly abort: (reason: Error) => void) {}

  /** True once the whole body has arrived. */
  get complete(): boolean {
    return this.ended;
  }

  /** From the handler: the next bytes off the socket. */
  push(chunk: Uint8Array): void {
    if (this.controller) {
      this.controller.enqueue(chunk);
      if ((this.controller.desiredSize ?? 1) <= 0) this.source.pause();
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.byteLength;
    // Nobody reads yet (a `stream: true` response not iterated): hold at most the high-water mark.
    if (!this.waiter && this.size >= HIGH_WATER_MARK) this.source.pause();
  }

  /** From the handler: the body is complete. */
  end(): void {
    this.ended = true;
    if (this.controller) this.controller.close();
    else if (this.waiter) this.waiter.resolve(this.joined());
  }

  /**
   * From the handler: the body failed (reset, timeout, abort). A stream reader still gets the bytes that
   * arrived before the failure, then the error: erroring a web stream drops its queue (Streams standard,
   * ResetQueue), and an event stream cut mid-event must still deliver the events completed before it.
   */
  fail(error: unknown): void {
    this.failed = true;
    this.error = error;
    if (this.controller) this.errorWhenDrained();
    else if (this.waiter) {
      this.chunks = [];
      this.waiter.reject(error);
    }
  }

  /** The whole body. */
  all(): Promise<Uint8Array> {
    this.take();
    if (this.failed) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve(this.joined());
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.source.resume();
    });
  }

  /** The body as a web stream: what has arrived, then the rest as it comes. */
  stream(): ReadableStream<Uint8Array> {
    this.take();
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        for (const chunk of this.chunks) controller.enqueue(chunk);
        this.chunks = [];
        if (this.ended) controller.close();
        else this.controller = controller;
        if (this.failed) this.errorWhenDrained();
      },
      pull: () => {
        if (this.failed) this.errorWhenDrained();
        else this.source.resume();
      },
      cancel: (reason) => { this.cancel(reason); },
    }, new ByteLengthQueuingStrategy({ highWaterMark: HIGH_WATER_MARK }));
  }

  /** Stops the body: aborts the request (and so frees the socket) unless it is already complete. */
  cancel(reason?: unknown): void {
    this.chunks = [];
    if (this.ended || this.failed) return;
    this.failed = true;
    this.error = reason;
    this.abort(reason instanceof Error ? reason : new Error('errand: body cancelled'));
  }

  // Errors the stream once its queue is empty; until then each read (which calls pull) comes back here.
  private errorWhenDrained(): void {
    const controller = this.controller!;
    if ((controller.desiredSize ?? HIGH_WATER_MARK) >= HIGH_WATER_MARK) controller.error(this.error);
  }

  private take(): void {
    if (this.taken) throw new TypeError('errand: a response body can be read only once');
    this.taken = true;
  }

  private joined(): Uint8Array {
    const { chunks } = this;
    this.chunks = [];
    return joinChunks(chunks);
  }
}
