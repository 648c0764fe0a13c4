// Responses: status, reason, ok, headers, url, elapsed, text/content/json, schemas, links, raiseForStatus.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { thrown, type Echo, type Errand, type SuiteEnv } from './env.ts';

export function responsesSuite(errand: Errand, env: SuiteEnv): void {
  const { base } = env;

  describe('responses: status line, headers, url, timing', () => {
    it('has statusCode, reason, ok, headers, url, elapsed and the request sent', async () => {
      const r = await errand.get(`${base}/get`, { params: { a: '1' } });
      expect(r.statusCode).toBe(200);
      expect(r.reason).toBe('OK');
      expect(r.ok).toBe(true);
      expect(r.headers).toBeInstanceOf(Headers);
      expect(r.headers.get('content-type')).toBe('application/json');
      expect(r.url).toBe(`${base}/get?a=1`);
      expect(typeof r.elapsed).toBe('number');
      expect(r.elapsed).toBeGreaterThanOrEqual(0);
      expect(r.request.url).toBe(`${base}/get?a=1`);
      expect(r.history).toEqual([]);
      expect(r.raw).toBeInstanceOf(Response);
      expect(String(r)).toBe('<Response [200]>');
    });

    // The server's timer starts after the request arrived and fires no earlier than asked, so the
    // client's clock sees at least the delay; the slack only absorbs millisecond rounding of two clocks.
    const covers = (elapsed: number, delayMs: number) => expect(elapsed).toBeGreaterThanOrEqual(delayMs - 5);

    it('elapsed covers the time the server took to send the headers', async () => {
      const r = await errand.get(`${base}/delay/0.3`);
      expect(r.statusCode).toBe(200);
      covers(r.elapsed, 300);
    });

    it.skipIf(env.runtime === 'browser')('elapsed is set per hop: each response in history has its own (node, edge)', async () => {
      // The first hop answers its 302 after 0.3 s, the second its 200 after 0.2 s.
      const r = await errand.get(`${base}/redirect-to`, { params: { url: '/delay/0.2', delay: '0.3' } });
      expect(r.history.map((h) => h.statusCode)).toEqual([302]);
      covers(r.history[0]!.elapsed, 300);
      covers(r.elapsed, 200);
    });

    it.skipIf(env.runtime === 'deno')('reason is the phrase the server sent', async () => {
      const r = await errand.get(`${base}/status-text/299`, { params: { reason: 'Custom Reason' } });
      expect([r.statusCode, r.reason]).toEqual([299, 'Custom Reason']);
    });

    // Deno's fetch (hyper) passes on the status code only; statusText is the standard phrase, if any.
    it.runIf(env.runtime === 'deno')("deno: reason is the status's standard phrase, whatever the server sent", async () => {
      const custom = await errand.get(`${base}/status-text/299`, { params: { reason: 'Custom Reason' } });
      expect([custom.statusCode, custom.reason]).toEqual([299, '']);
      const ok = await errand.get(`${base}/status-text/200`, { params: { reason: 'Quite Fine Indeed' } });
      expect([ok.statusCode, ok.reason]).toEqual([200, 'OK']);
    });

    it('ok is false from 400 up, as in requests', async () => {
      for (const [code, ok] of [[204, true], [404, false], [418, false], [500, false]] as const) {
        const r = await errand.get(`${base}/status/${code}`);
        expect([r.statusCode, r.ok]).toEqual([code, ok]);
      }
    });

    it('an empty body is empty content and text', async () => {
      const r = await errand.get(`${base}/status/204`);
      expect(r.content.byteLength).toBe(0);
      expect(r.text).toBe('');
    });
  });

  describe('responses: text, content, json', () => {
    it('content is a Uint8Array; text and json() are synchronous; await r.json() works too', async () => {
      const r = await errand.get(`${base}/json`);
      expect(r.content).toBeInstanceOf(Uint8Array);
      expect(r.text).toBe(new TextDecoder().decode(r.content));
      const doc = r.json<{ slideshow: { title: string } }>();
      expect(doc.slideshow.title).toBe('Sample Slide Show');
      expect((await r.json<{ slideshow: { title: string } }>()).slideshow.title).toBe('Sample Slide Show');
    });

    it('json() on HTML throws JSONDecodeError with the response, the position and the media type, and no body text', async () => {
      const r = await errand.get(`${base}/html`);
      const error = thrown(() => r.json()) as InstanceType<Errand['JSONDecodeError']>;
      expect(error).toBeInstanceOf(errand.JSONDecodeError);
      expect(error).toBeInstanceOf(errand.RequestError);
      expect(error.name).toBe('JSONDecodeError');
      expect(error.response).toBe(r);
      expect(error.message).toContain(`line 1, column 1 (character 0); the body has ${r.content.byteLength} bytes (Content-Type: text/html)`);
      expect(error.message).not.toContain('DOCTYPE');
      expect(JSON.stringify(error)).not.toContain('DOCTYPE');
      expect(String(error)).not.toContain('DOCTYPE');
      expect(error.snippet).toContain('<!DOCTYPE html>');
    });

    it('json(zodSchema) validates and returns the schema\'s output', async () => {
      const schema = z.object({
        slideshow: z.object({ title: z.string(), slides: z.array(z.object({ title: z.string() })) }),
      }).transform((doc) => doc.slideshow.slides.map((slide) => slide.title));
      const r = await errand.get(`${base}/json`);
      const titles: string[] = await r.json(schema);
      expect(titles).toEqual(['Why errand', 'Overview']);
    });

    it('json(valibotSchema) validates too (any Standard Schema)', async () => {
      const schema = v.object({ slideshow: v.object({ author: v.string(), date: v.string() }) });
      const r = await errand.get(`${base}/json`);
      const doc = r.json(schema);
      expect(doc).toEqual({ slideshow: { author: 'errand', date: '2024-01-01' } });
    });

    it('a body that does not match throws SchemaValidationError with the issues and their paths', async () => {
      const r = await errand.get(`${base}/json`);
      const zodError = thrown(() => r.json(z.object({ slideshow: z.object({ author: z.number() }) })));
      expect(zodError).toBeInstanceOf(errand.SchemaValidationError);
      expect(zodError.message).toContain('slideshow.author');
      expect((zodError as InstanceType<Errand['SchemaValidationError']>).issues.length).toBeGreaterThan(0);
      expect(zodError.response).toBe(r);
      const valibotError = thrown(() => r.json(v.object({ missing: v.string() })));
      expect(valibotError).toBeInstanceOf(errand.SchemaValidationError);
      expect(valibotError.message).toContain('missing');
    });
  });

  describe('responses: links', () => {
    it('parses the Link header by rel, relative targets resolved against the response URL', async () => {
      const r = await errand.get(`${base}/paginate/7?page=2&per_page=3`);
      expect(r.json()).toEqual([{ id: 4 }, { id: 5 }, { id: 6 }]);
      expect(r.headers.get('x-total-count')).toBe('7');
      const { links } = r;
      expect(links['next']).toMatchObject({ url: `${base}/paginate/7?page=3&per_page=3`, rel: 'next' });
      expect(links['prev']?.url).toBe(`${base}/paginate/7?page=1&per_page=3`);
      expect(links['first']?.url).toBe(`${base}/paginate/7?page=1&per_page=3`);
      expect(links['last']?.url).toBe(`${base}/paginate/7?page=3&per_page=3`);
    });

    it('is empty without a Link header; several rels and quoted commas parse', async () => {
      expect((await errand.get(`${base}/get`)).links).toEqual({});
      const value = '<https://example.com/a,b>; rel="alternate canonical"; title="x, y"';
      const r = await errand.get(`${base}/link-header`, { params: { value } });
      expect(r.links['alternate']).toEqual({ url: 'https://example.com/a,b', rel: 'alternate canonical', title: 'x, y' });
      expect(r.links['canonical']?.url).toBe('https://example.com/a,b');
    });
  });

  describe('responses: raiseForStatus', () => {
    it('returns the response below 400, for chaining', async () => {
      const r = await errand.get(`${base}/get`);
      expect(r.raiseForStatus()).toBe(r);
      expect(r.raiseForStatus().json<Echo>().method).toBe('GET');
    });

    it('throws HTTPError carrying the response for 4xx and 5xx', async () => {
      for (const [code, kind] of [[404, 'Client Error'], [418, 'Client Error'], [500, 'Server Error']] as const) {
        const r = await errand.get(`${base}/status/${code}`);
        const error = thrown(() => r.raiseForStatus());
        expect(error).toBeInstanceOf(errand.HTTPError);
        expect(error).toBeInstanceOf(errand.RequestError);
        expect(error.name).toBe('HTTPError');
        expect(error.response).toBe(r);
        expect(error.response.statusCode).toBe(code);
        expect(error.request).toBe(r.request);
        expect(error.message).toContain(`${code} ${kind}`);
        expect(error.message).toContain(`${base}/status/${code}`);
      }
    });

    it('the teapot keeps its body and headers on the error\'s response', async () => {
      const r = await errand.get(`${base}/status/418`);
      const error = thrown(() => r.raiseForStatus());
      expect(error.response.text).toContain("I'm a teapot");
      expect(error.response.headers.get('x-more-info')).toContain('rfc2324');
      expect(error.response.statusCode).toBe(errand.codes.teapot);
    });

    it('masks query values in the message (tokens travel there)', async () => {
      const r = await errand.get(`${base}/status/404`, { params: { access_token: 'tok-secret' } });
      const error = thrown(() => r.raiseForStatus());
      expect(error.message).not.toContain('tok-secret');
    });
  });
}
