/// <reference types="node" />
// Which requests went out on a reused keep-alive socket. A server may close an idle connection just as a
// request is written to it (RFC 9112 §9.3.1); that request never reached the server, so a failure before
// any response on a reused socket is retried like a failure to connect, while the same failure on a fresh
// socket means the server got the request and it counts as a read error (DESIGN.md "Retries, precisely").
// undici does not say which socket a request used; its `undici:client:sendHeaders` diagnostics channel
// does, published synchronously right after it calls the handler's onRequestStart (client-h1 writeH1).
import { subscribe } from 'node:diagnostics_channel';

/** What the transport learns about one request as undici writes it. */
export interface WriteState {
  /** undici began writing the request (its handler's onRequestStart ran). */
  started: boolean;
  /** The socket had carried an earlier request. */
  reused: boolean;
}

const carried = new WeakSet<object>();
let writing: WriteState | undefined;
let watching = false;

function onSendHeaders(message: unknown): void {
  const state = writing;
  if (!state) return;
  writing = undefined;
  const socket = (message as { socket?: object }).socket;
  if (!socket) return;
  state.reused = carried.has(socket);
  carried.add(socket);
}

/** Called from onRequestStart: the next sendHeaders message is this request's. */
export function noteWriteStart(state: WriteState): void {
  if (!watching) {
    watching = true;
    subscribe('undici:client:sendHeaders', onSendHeaders);
  }
  state.started = true;
  writing = state;
}
