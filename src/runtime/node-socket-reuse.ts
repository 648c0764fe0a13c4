/// <reference types="node" />
// Which socket undici wrote each request to, and when.
//
// Which requests went out on a reused keep-alive socket: a server may close an idle connection just as a
// request is written to it (RFC 9112 §9.3.1); that request never reached the server, so a failure before
// any response on a reused socket is retried like a failure to connect, while the same failure on a fresh
// socket means the server got the request and it counts as a read error (DESIGN.md "Retries, precisely").
// undici does not say which socket a request used; its `undici:client:sendHeaders` diagnostics channel
// does, published synchronously right after it calls the handler's onRequestStart (client-h1 writeH1).
//
// The same message gives r.timings the moment a reused socket was taken, or, on a new socket, the phases of
// the connection (node-connections.ts); `undici:request:bodySent` gives the moment the request was written.
import { subscribe } from 'node:diagnostics_channel';
import type { HopMarks } from '../core/timings.ts';
import { connectionMarks } from './node-connections.ts';

/** What the transport learns about one request as undici writes it. */
export interface WriteState {
  /** undici began writing the request (its handler's onRequestStart ran). */
  started: boolean;
  /** The socket had carried an earlier request. */
  reused: boolean;
  /** The hop's moments for r.timings: `socket` (and a new connection's phases) and `upload` are noted here. */
  marks: HopMarks;
}

const carried = new WeakSet<object>();
let writing: WriteState | undefined;
let watching = false;
// undici announces `bodySent` synchronously after the headers for a body it writes in one go (none, or
// bytes), so the last request written is found without a map; a streamed body finishes later, and its
// request waits in `uploading` when another one is written meanwhile.
let lastRequest: object | undefined;
let lastMarks: HopMarks | undefined;
const uploading = new WeakMap<object, HopMarks>();

function onSendHeaders(message: unknown): void {
  const state = writing;
  if (!state) return;
  writing = undefined;
  const { socket, request } = message as { socket?: object; request?: object };
  if (!socket) return;
  const now = performance.now();
  const marks = state.marks;
  state.reused = carried.has(socket);
  if (state.reused) {
    marks.socket = now;
  } else {
    carried.add(socket);
    const connection = connectionMarks(socket);
    // A new connection's phases belong to the request that opened it. One started after the connection
    // began (it took over a connection an aborted request had opened) only waited for it.
    if (connection && connection.socket >= marks.start) Object.assign(marks, connection);
    else marks.socket = now;
  }
  if (!request) return;
  if (lastRequest) uploading.set(lastRequest, lastMarks!);
  lastRequest = request;
  lastMarks = marks;
}

function onBodySent(message: unknown): void {
  const request = (message as { request?: object }).request;
  let marks: HopMarks | undefined;
  if (request === lastRequest) {
    marks = lastMarks;
    lastRequest = lastMarks = undefined;
  } else if (request) {
    marks = uploading.get(request);
    uploading.delete(request);
  }
  if (marks) marks.upload = performance.now();
}

/** Called from onRequestStart: the next sendHeaders message is this request's. */
export function noteWriteStart(state: WriteState): void {
  if (!watching) {
    watching = true;
    subscribe('undici:client:sendHeaders', onSendHeaders);
    subscribe('undici:request:bodySent', onBodySent);
  }
  state.started = true;
  writing = state;
}
