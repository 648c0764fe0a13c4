// `session.paginate()`'s loop, apart from session.ts so that it loads with the first call that pages:
// a bundle whose Sessions never page carries none of it.
import { sessionCall, type SessionState } from './call.ts';
import type { Response } from './response.ts';
import type { PaginateOptions } from './session.ts';

/**
 * Follows `links.next` (or the caller's `next`) from page to page through a Session's state, read afresh
 * for each page (the Session's defaults may change between pages, as for any call). Stops after
 * `maxPages`, at a page with no next URL, or at a URL already fetched (a loop of pages).
 */
export async function* paginate(state: () => SessionState, url: string | URL, options: PaginateOptions): AsyncGenerator<Response> {
  const { maxPages = Infinity, next = (r: Response) => r.links['next']?.url, ...rest } = options;
  const seen = new Set<string>();
  let target: string | URL | undefined | null = url;
  let ownQuery: Set<string> | undefined;
  for (let page = 0; target && page < maxPages; page++) {
    // A next link usually repeats the query it was asked with (GitHub's does): params add only what it lacks.
    const response = await sessionCall(state(), 'GET', target, rest, ownQuery);
    seen.add(response.url);
    yield response;
    target = await next(response);
    if (!target) break;
    const nextUrl = new URL(String(target), response.url);
    if (seen.has(nextUrl.href)) break; // a loop of pages
    target = nextUrl;
    ownQuery = new Set(nextUrl.searchParams.keys());
  }
}
