// The XMLHttpRequest transport of the browser build (DESIGN.md "Browser upload progress"). This class is
// all a bundle carries until a call uses it: the transport itself (./xhr-transport.ts) loads at first use.
import type { Adapter, AdapterSendOptions } from '../core/adapter.ts';
import { UnsupportedError } from '../core/errors.ts';
import { refuseUnsupported } from '../core/fetch-adapter.ts';
import type { PreparedRequest } from '../core/prepared-request.ts';
import type { Response } from '../core/response.ts';

/**
 * An adapter over `XMLHttpRequest`, for browsers: it reports upload progress (`onUploadProgress`) over
 * HTTP/1.1 too, which fetch cannot. The browser build's default adapter sends a call with it when the call
 * asks for upload progress and its body is not a stream; mount it to send every call with it. The response
 * is the same as over fetch, but its body is loaded before the call resolves, even with `stream: true`
 * (XMLHttpRequest gives no body stream); download progress comes from XMLHttpRequest's progress events.
 * @example s.mount('https://uploads.example.com/', new XHRAdapter());
 */
export class XHRAdapter implements Adapter {
  async send(request: PreparedRequest, options: AdapterSendOptions): Promise<Response> {
    const refuse = (what: string, why: string): never => {
      throw new UnsupportedError(`${what} cannot be used with XMLHttpRequest in the browser: ${why}`, { request });
    };
    await refuseUnsupported(request, options, true, refuse);
    if (options.credentials === 'omit') refuse("credentials: 'omit'", 'XMLHttpRequest always sends same-origin cookies; leave credentials unset, or send without onUploadProgress');
    // XMLHttpRequest has no cache mode: modes that would answer from the browser's cache cannot be honoured.
    if (options.cache === 'force-cache' || options.cache === 'only-if-cached') refuse(`cache: '${options.cache}'`, 'XMLHttpRequest has no cache mode');
    const { sendWithXHR } = await import('./xhr-transport.ts');
    return sendWithXHR(request, options, refuse);
  }

  async close(): Promise<void> {}
}
