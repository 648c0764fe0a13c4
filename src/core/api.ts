import type { Runtime } from './adapter.ts';
import { headOptions, sessionCall, throwawayState } from './call.ts';
import type { RequestOptions } from './options.ts';
import type { Response } from './response.ts';

/** errand's version, sent in the default User-Agent. */
export const VERSION = '0.1.0';

type Method = (url: string | URL, options?: RequestOptions) => Promise<Response>;

/** The top-level functions: each runs one request on a throwaway Session. */
export interface Api {
  request(method: string, url: string | URL, options?: RequestOptions): Promise<Response>;
  get: Method; head: Method; post: Method; put: Method; patch: Method; del: Method; options: Method;
}

/**
 * Binds the top-level functions to a runtime. Each call runs as on a new Session with no options (the
 * runtime's default headers, cookie jar and adapter), closed after the call unless the body is streamed,
 * without making a Session (see core/call.ts).
 */
export function createApi(runtime: Runtime): Api {
  const request = async (method: string, url: string | URL, options: RequestOptions = {}): Promise<Response> => {
    const state = throwawayState(runtime);
    try {
      return await sessionCall(state, method, url, options);
    } finally {
      // A streamed body still needs the connection; the pools of the throwaway state are dropped with it then.
      if (!options?.stream) await state.adapter.close();
    }
  };
  const method = (name: string): Method => (url, options) => request(name, url, name === 'HEAD' ? headOptions(runtime, options) : options);
  return {
    request,
    get: method('GET'),
    head: method('HEAD'),
    post: method('POST'),
    put: method('PUT'),
    patch: method('PATCH'),
    del: method('DELETE'),
    options: method('OPTIONS'),
  };
}
