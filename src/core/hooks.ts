import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';

/** What a response hook is told besides the response. */
export interface HookContext {
  /** The request that produced this response. */
  request: PreparedRequest;
  /** Responses of the redirects followed so far, oldest first. */
  history: readonly Response[];
}

/** Runs just before a request is sent; may return a replacement. */
export type RequestHook = (request: PreparedRequest) => PreparedRequest | void | Promise<PreparedRequest | void>;
/** Runs on every response, redirect hops included; a returned Response replaces it (requests semantics). */
export type ResponseHook = (response: Response, context: HookContext) => Response | void | Promise<Response | void>;

/** What a retry hook is told before errand waits and sends the request again. */
export interface RetryInfo {
  /** 1 for the first retry, 2 for the second… */
  attempt: number;
  /** The request that will be sent again. */
  request: PreparedRequest;
  /** The response that asked for a retry (a status of the force list), if any. */
  response?: Response | undefined;
  /** The error that asked for a retry (a connection failure, a read timeout), if any. */
  error?: unknown;
  /** Milliseconds errand will wait first. */
  delay: number;
}
/** Sees each retry before it happens (for logging and metrics; its return value is ignored). */
export type RetryHook = (info: RetryInfo) => void | Promise<void>;

/** `{ request, response, retry }`, each a function or a list. */
export interface HooksOption {
  request?: RequestHook | readonly RequestHook[];
  response?: ResponseHook | readonly ResponseHook[];
  retry?: RetryHook | readonly RetryHook[];
}
/** Hooks after normalisation: always lists. */
export interface Hooks { request: RequestHook[]; response: ResponseHook[]; retry: RetryHook[] }

const EVENTS = ['request', 'response', 'retry'];

/** Normalises `fn | fn[]` per event into lists, refusing unknown events and non-functions. */
export function normalizeHooks(option: HooksOption | null | undefined): Hooks {
  const hooks: Hooks = { request: [], response: [], retry: [] };
  if (option == null) return hooks;
  for (const [event, value] of Object.entries(option)) {
    if (!EVENTS.includes(event)) throw new TypeError(`errand: unknown hook event '${event}'; hooks are 'request', 'response' and 'retry'`);
    const list = value == null ? [] : Array.isArray(value) ? value : [value];
    for (const hook of list) {
      if (typeof hook !== 'function') throw new TypeError(`errand: a '${event}' hook must be a function`);
    }
    (hooks as unknown as Record<string, unknown[]>)[event] = [...list];
  }
  return hooks;
}

/** Session hooks first, then the call's. */
export function concatHooks(first: Hooks, second: Hooks): Hooks {
  if (!second.request.length && !second.response.length && !second.retry.length) return first;
  return {
    request: [...first.request, ...second.request],
    response: [...first.response, ...second.response],
    retry: [...first.retry, ...second.retry],
  };
}

/** Runs request hooks in order; each gets the previous result. */
export async function runRequestHooks(hooks: readonly RequestHook[], request: PreparedRequest): Promise<PreparedRequest> {
  for (const hook of hooks) request = (await hook(request)) ?? request;
  return request;
}

/**
 * Runs response hooks in order; a returned Response replaces the one passed on. A replaced response, and
 * the current one when a hook throws, is closed: its connection is released at once, not at session.close().
 */
export async function runResponseHooks(hooks: readonly ResponseHook[], response: Response, context: HookContext): Promise<Response> {
  for (const hook of hooks) {
    let next: Response | void;
    try {
      next = await hook(response, context);
    } catch (error) {
      await response.close();
      throw error;
    }
    if (next && next !== response) await response.close();
    response = next ?? response;
  }
  return response;
}
