// The XMLHttpRequest transport of the browser build (DESIGN.md "Browser upload progress"). This class is
// all a bundle carries until a call uses it: the transport itself (./xhr-transport.ts), with what it
// refuses and why, loads at first use.
import type { Adapter, AdapterSendOptions } from '../core/adapter.ts';
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
    const { sendWithXHR } = await import('./xhr-transport.ts');
    return sendWithXHR(request, options);
  }

  async close(): Promise<void> {}
}
