// The cache's semantics beyond the shared suite, against the test server's /cache-lab/:key (it counts
// what reaches it): per-hop redirects, the cookie jar, retries and Digest on a hit, Authorization in a
// shared cache, stale-while-revalidate and stale-if-error, streams, maxEntrySize, bad input.
import { describe, expect, inject, it, vi } from 'vitest';
import { HTTPDigestAuth, InvalidHeaderError, MemoryCacheStore, Session } from 'errand';

const base = () => inject('httpbinUrl');
const newKey = () => `n${Math.random().toString(36).slice(2)}`;
const lab = (key: string, query: Record<string, string> = {}) => `${base()}/cache-lab/${key}?${new URLSearchParams(query)}`;
interface Seen { count: number; conditional: number; methods: string[]; cookies: string[] }
const seen = async (key: string): Promise<Seen> => (await new Session().get(`${base()}/cache-lab/${key}/count`)).json();
const FRESH = { 'h.Cache-Control': 'max-age=60' };
/** The cacheStatus of a second GET of `url` through `s`, the first having offered the response to its cache. */
const secondGet = async (s: Session, url: string) => { await s.get(url); return (await s.get(url)).cacheStatus; };

describe('cache: per hop', () => {
  it('a cached 301 and its cached target are followed without the network', async () => {
    const s = new Session({ cache: true });
    const [from, to] = [newKey(), newKey()];
    const url = lab(from, { status: '301', 'h.Location': lab(to, FRESH), ...FRESH });
    const first = await s.get(url);
    const second = await s.get(url);
    expect(first.history.map((h) => h.statusCode)).toEqual([301]);
    expect([second.history[0]!.cacheStatus, second.cacheStatus]).toEqual(['hit', 'hit']);
    expect(second.url).toBe(lab(to, FRESH));
    expect([(await seen(from)).count, (await seen(to)).count]).toEqual([1, 1]);
  });

  it('a hit never touches the cookie jar: its Set-Cookie is shown, not stored', async () => {
    const s = new Session({ cache: true });
    const url = lab(newKey(), { ...FRESH, 'h.Set-Cookie': 'flavour=oat; Path=/' });
    expect((await s.get(url)).cookies).toEqual({ flavour: 'oat' });
    s.cookies.clear();
    const hit = await s.get(url);
    expect(hit.cacheStatus).toBe('hit');
    expect(hit.headers.get('set-cookie')).toBe('flavour=oat; Path=/');
    expect(hit.cookies).toEqual({});
    expect(s.cookies.get('flavour')).toBeUndefined();
  });

  it('a hit is not retried: a cached 503 is the answer', async () => {
    const s = new Session({ cache: true });
    const key = newKey();
    const url = lab(key, { status: '503', ...FRESH });
    expect((await s.get(url, { retries: 0 })).statusCode).toBe(503);
    const hit = await s.get(url, { retries: { total: 3, backoffFactor: 0, backoffJitter: 0 } });
    expect([hit.statusCode, hit.cacheStatus, hit.retries]).toEqual([503, 'hit', 0]);
    expect((await seen(key)).count).toBe(1);
  });

  it('a hit does not run Digest: a cached 401 is not answered with credentials', async () => {
    const s = new Session({ cache: true });
    const key = newKey();
    const url = lab(key, { status: '401', 'h.WWW-Authenticate': 'Digest realm="r", nonce="n", qop="auth"', ...FRESH });
    await s.get(url);
    const hit = await s.get(url, { auth: new HTTPDigestAuth('user', 'pass') });
    expect([hit.statusCode, hit.cacheStatus, hit.history.length]).toEqual([401, 'hit', 0]);
    expect(hit.request.headers.has('authorization')).toBe(false);
    expect((await seen(key)).count).toBe(1);
  });
});

describe('cache: Authorization, shared and private (RFC 9111 §3.5)', () => {
  it('a shared cache does not store a response to a request with Authorization', async () => {
    const s = new Session({ cache: { shared: true }, auth: ['user', 'pass'] });
    const url = lab(newKey(), FRESH);
    expect(await secondGet(s, url)).toBe('miss');
  });

  it('unless the response allows it (public)', async () => {
    const s = new Session({ cache: { shared: true }, auth: ['user', 'pass'] });
    const url = lab(newKey(), { 'h.Cache-Control': 'public, max-age=60' });
    expect(await secondGet(s, url)).toBe('hit');
  });

  it('a private cache stores it', async () => {
    const s = new Session({ cache: true, auth: ['user', 'pass'] });
    const url = lab(newKey(), FRESH);
    expect(await secondGet(s, url)).toBe('hit');
  });

  it('a shared cache does not store private responses; a private one does', async () => {
    const url = lab(newKey(), { 'h.Cache-Control': 'private, max-age=60' });
    const shared = new Session({ cache: { shared: true } });
    expect(await secondGet(shared, url)).toBe('miss');
    const own = new Session({ cache: true });
    expect(await secondGet(own, url)).toBe('hit');
  });

  it('a shared cache stores a response with Set-Cookie only when it is public, read as a directive (not x-public)', async () => {
    const shared = new Session({ cache: { shared: true } });
    const cookie = { 'h.Set-Cookie': 'who=me; Path=/' };
    // With an ETag, a stored copy would be revalidated and its Set-Cookie served to the next user: not stored at all.
    const key = newKey();
    const lookalike = lab(key, { 'h.Cache-Control': 'max-age=60, x-public, x-immutable="1"', 'h.ETag': '"v1"', ...cookie });
    expect(await secondGet(shared, lookalike)).toBe('miss');
    expect((await seen(key)).conditional).toBe(0);
    const open = lab(newKey(), { 'h.Cache-Control': 'max-age=60, Public', ...cookie });
    expect(await secondGet(shared, open)).toBe('hit');
  });
});

describe('cache: shared freshness (RFC 9111 §5.2.2.10)', () => {
  // The conformance suite's s-maxage test for a shared cache is optional, and its required ones are
  // private-cache readings: a shared cache that ignored s-maxage passed it all.
  it('a shared cache takes s-maxage over max-age; a private one ignores s-maxage', async () => {
    const url = lab(newKey(), { 'h.Cache-Control': 'max-age=0, s-maxage=60' });
    const shared = new Session({ cache: { shared: true } });
    expect(await secondGet(shared, url)).toBe('hit');
    const own = new Session({ cache: true });
    expect(await secondGet(own, url)).toBe('miss');
  });
});

describe('cache: stale responses', () => {
  it('stale-while-revalidate: the stale response now, one background refresh that updates the store', async () => {
    const s = new Session({ cache: true });
    const key = newKey();
    const url = lab(key, { 'h.Cache-Control': 'max-age=1, stale-while-revalidate=60', 'h.Age': '5' });
    await s.get(url);
    const [a, b] = await Promise.all([s.get(url), s.get(url)]);
    expect([a.cacheStatus, b.cacheStatus, a.json<{ n: number }>().n]).toEqual(['stale', 'stale', 1]);
    await vi.waitFor(async () => expect((await seen(key)).count).toBe(2));
    await vi.waitFor(async () => expect((await s.get(url, { cache: 'only-if-cached' })).json<{ n: number }>().n).toBe(2));
    await s.close();
  });

  it('session.close() ends a background refresh: nothing lands after it, nothing throws', async () => {
    const store = new MemoryCacheStore();
    const s = new Session({ cache: { store } });
    const key = newKey();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const url = lab(key, { 'h.Cache-Control': 'max-age=1, stale-while-revalidate=60', 'h.Age': '5', delay: '30000', delayAfter: '1' });
      await s.get(url);
      expect((await s.get(url)).cacheStatus).toBe('stale');
      await vi.waitFor(async () => expect((await seen(key)).count).toBe(2)); // the refresh is at the server
      await s.close();
      const after = await new Session({ cache: { store } }).get(url, { cache: 'only-if-cached' });
      expect(after.json<{ n: number }>().n).toBe(1);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it.each(['503', 'close'])('stale-if-error: the stale response on a %s', async (fail) => {
    const s = new Session({ cache: true, retries: 0 });
    const url = lab(newKey(), { 'h.Cache-Control': 'max-age=1, stale-if-error=60', 'h.Age': '5', failAfter: '1', fail });
    await s.get(url);
    const stale = await s.get(url);
    expect([stale.statusCode, stale.cacheStatus, stale.json<{ n: number }>().n]).toEqual([200, 'stale', 1]);
  });

  it('without stale-if-error the 503 is the answer', async () => {
    const s = new Session({ cache: true, retries: 0 });
    const url = lab(newKey(), { 'h.Cache-Control': 'max-age=1', 'h.Age': '5', failAfter: '1', fail: '503' });
    await s.get(url);
    const answer = await s.get(url);
    expect([answer.statusCode, answer.cacheStatus]).toEqual([503, 'miss']);
  });

  it('must-revalidate: served while fresh, never stale on an error', async () => {
    const s = new Session({ cache: true, retries: 0 });
    const fresh = lab(newKey(), { 'h.Cache-Control': 'max-age=60, must-revalidate' });
    await s.get(fresh);
    expect((await s.get(fresh)).cacheStatus).toBe('hit');
    const stale = lab(newKey(), { 'h.Cache-Control': 'max-age=1, must-revalidate, stale-if-error=60', 'h.Age': '5', failAfter: '1', fail: '503' });
    await s.get(stale);
    expect((await s.get(stale)).statusCode).toBe(503);
  });
});

describe('cache: collapsing', () => {
  it('concurrent identical requests share one network request; each gets its own Response', async () => {
    const s = new Session({ cache: true });
    const key = newKey();
    const url = lab(key, { ...FRESH, delay: '200' });
    const responses = await Promise.all(Array.from({ length: 20 }, () => s.get(url)));
    expect((await seen(key)).count).toBe(1);
    expect(responses.filter((r) => r.cacheStatus === 'miss')).toHaveLength(1);
    expect(new Set(responses.map((r) => r.json<{ n: number }>().n))).toEqual(new Set([1]));
    responses[0]!.content[0] = 0; // one caller changing its bytes changes nobody else's
    expect(responses[1]!.text.startsWith('{')).toBe(true);
  });

  it('when the answer cannot be stored, the waiting requests go to the network themselves', async () => {
    const s = new Session({ cache: true });
    const key = newKey();
    const url = lab(key, { 'h.Cache-Control': 'no-store', delay: '200' });
    await Promise.all(Array.from({ length: 5 }, () => s.get(url)));
    expect((await seen(key)).count).toBe(5);
  });
});

describe('cache: bodies', () => {
  it('stream: true is stored once read to the end', async () => {
    const s = new Session({ cache: true });
    const url = lab(newKey(), FRESH);
    const streamed = await s.get(url, { stream: true });
    let text = '';
    for await (const chunk of streamed.iterContent()) text += new TextDecoder().decode(chunk);
    expect(JSON.parse(text).n).toBe(1);
    expect((await s.get(url)).cacheStatus).toBe('hit');
  });

  it('stream: true is not stored when the reader stops early', async () => {
    const s = new Session({ cache: true });
    const url = lab(newKey(), { ...FRESH, size: '200000' });
    const streamed = await s.get(url, { stream: true });
    for await (const _chunk of streamed.iterContent(1024)) break;
    expect((await s.get(url)).cacheStatus).toBe('miss');
  });

  it('a body over maxEntrySize is not stored: bypass', async () => {
    const s = new Session({ cache: { maxEntrySize: 1000 } });
    const url = lab(newKey(), { ...FRESH, size: '2000' });
    expect((await s.get(url)).cacheStatus).toBe('bypass');
    expect((await s.get(url)).cacheStatus).toBe('bypass');
    const chunked = lab(newKey(), { ...FRESH, size: '2000', chunked: '1' });
    expect((await s.get(chunked)).cacheStatus).toBe('bypass'); // known too big only once read
    expect((await s.get(chunked)).cacheStatus).toBe('bypass');
    const small = lab(newKey(), { ...FRESH, size: '500' });
    await s.get(small);
    expect((await s.get(small)).cacheStatus).toBe('hit');
  });

  it('HEAD is answered from a stored GET, without a body', async () => {
    const s = new Session({ cache: true });
    const key = newKey();
    const url = lab(key, FRESH);
    await s.get(url);
    const head = await s.head(url);
    expect([head.cacheStatus, head.statusCode, head.content.byteLength]).toEqual(['hit', 200, 0]);
    expect((await seen(key)).count).toBe(1);
  });
});

describe('cache: modes and invalidation', () => {
  it('no-store bypasses the cache; reload goes to the network and stores; no-cache revalidates', async () => {
    const s = new Session({ cache: true });
    const key = newKey();
    const url = lab(key, { ...FRESH, 'h.ETag': '"e"' });
    expect((await s.get(url, { cache: 'no-store' })).cacheStatus).toBe('bypass');
    expect((await s.get(url)).cacheStatus).toBe('miss');
    expect((await s.get(url, { cache: 'reload' })).cacheStatus).toBe('miss');
    expect((await s.get(url, { cache: 'no-cache' })).cacheStatus).toBe('revalidated');
    expect((await s.get(url)).json<{ n: number }>().n).toBe(3);
    expect(await seen(key)).toMatchObject({ count: 4, conditional: 1 });
  });

  it('force-cache serves a stale response without asking', async () => {
    const s = new Session({ cache: true });
    const url = lab(newKey(), { 'h.Cache-Control': 'max-age=1', 'h.Age': '5' });
    await s.get(url);
    expect((await s.get(url, { cache: 'force-cache' })).cacheStatus).toBe('stale');
  });

  it("a successful unsafe request invalidates a same-origin Location, not another origin's", async () => {
    const s = new Session({ cache: true });
    const [target, other] = [newKey(), newKey()];
    const same = lab(target, FRESH);
    const cross = lab(other, FRESH).replace('127.0.0.1', 'localhost');
    await s.get(same);
    await s.get(cross);
    await s.post(lab(newKey(), { status: '201', 'h.Location': same }));
    await s.post(lab(newKey(), { status: '201', 'h.Content-Location': cross }));
    expect((await s.get(same)).cacheStatus).toBe('miss');
    expect((await s.get(cross)).cacheStatus).toBe('hit');
  });

  it('an invalidation waits for a write still under way (a slow store), so the entry does not come back', async () => {
    const memory = new MemoryCacheStore();
    let release!: () => void;
    const gate = new Promise<void>((done) => { release = done; });
    const slow = { get: (key: string) => memory.get(key), delete: (key: string) => memory.delete(key), set: async (key: string, entries: never[]) => { await gate; memory.set(key, entries); } };
    const s = new Session({ cache: { store: slow } });
    const key = newKey();
    const url = lab(key, FRESH);
    await s.get(url); // its write waits at the gate
    const post = s.post(url);
    await vi.waitFor(async () => expect((await seen(key)).count).toBe(2));
    await new Promise((done) => setTimeout(done, 100)); // time for an invalidation that would not wait
    release();
    await post;
    expect((await s.get(url)).cacheStatus).toBe('miss');
  });

  it('an unsuccessful one invalidates nothing', async () => {
    const s = new Session({ cache: true, retries: 0 });
    const url = lab(newKey(), { ...FRESH, failAfter: '1', fail: '503' });
    await s.get(url);
    expect((await s.delete(url)).statusCode).toBe(503);
    expect((await s.get(url)).cacheStatus).toBe('hit');
  });
});

describe('cache: bad input, handled as RFC 9111 says, never thrown', () => {
  it('an unparsable Cache-Control is read as far as it goes', async () => {
    const s = new Session({ cache: true });
    const url = lab(newKey(), { 'h.Cache-Control': '=,, max-age=abc, ;;' });
    expect((await s.get(url)).statusCode).toBe(200);
    expect((await s.get(url)).statusCode).toBe(200);
  });

  it('Vary: * and a huge Vary list are not stored', async () => {
    const s = new Session({ cache: true });
    for (const vary of ['*', Array.from({ length: 100 }, (_, i) => `x-field-${i}`).join(', ')]) {
      const url = lab(newKey(), { ...FRESH, 'h.Vary': vary });
      await s.get(url);
      expect((await s.get(url)).cacheStatus).toBe('miss');
    }
  });

  it('a 304 that matches nothing stored is asked again, unconditionally, within the budget', async () => {
    const s = new Session({ cache: true });
    const key = newKey();
    const url = lab(key, { 'h.Cache-Control': 'no-cache', 'h.ETag': '"v1"', etag304: '"v2"' });
    await s.get(url);
    const again = await s.get(url, { maxRedirects: 0, retries: 0 });
    expect([again.statusCode, again.cacheStatus, again.json<{ n: number }>().n]).toEqual([200, 'miss', 3]);
    expect(await seen(key)).toMatchObject({ count: 3, conditional: 1 });
  });

  it('a store that fails is a miss, never the caller\'s error', async () => {
    const broken = { get() { throw new Error('down'); }, set: async () => { throw new Error('down'); }, delete() { throw new Error('down'); } };
    const s = new Session({ cache: { store: broken } });
    const url = lab(newKey(), FRESH);
    expect((await s.get(url)).statusCode).toBe(200);
    expect((await s.get(url)).cacheStatus).toBe('miss');
    expect((await s.post(url)).statusCode).toBe(200);
  });

  it('bad options are TypeErrors at once', () => {
    expect(() => new Session({ cache: 'yes' as never })).toThrow(TypeError);
    expect(() => new Session({ cache: { store: {} as never } })).toThrow(/get, set and delete/);
    expect(() => new Session({ cache: { maxEntrySize: -1 } })).toThrow(/maxEntrySize/);
    expect(() => new Session({ cache: { sharde: true } as never })).toThrow(/did you mean 'shared'/);
    return expect(new Session({ cache: true }).get(lab(newKey()), { cache: 'sometimes' as never })).rejects.toThrow(/cache must be one of/);
  });

  it('without a Session cache, only-if-cached is a 504 and cacheStatus stays undefined', async () => {
    const key = newKey();
    const r = await new Session().get(lab(key, FRESH), { cache: 'only-if-cached' });
    expect([r.statusCode, r.cacheStatus]).toEqual([504, undefined]);
    expect((await seen(key)).count).toBe(0);
    expect((await new Session().get(lab(key, FRESH))).cacheStatus).toBeUndefined();
  });
});

describe('cache: what it sends passes the wire check', () => {
  // A store may be the user's own (Redis, KV): a validator it hands back is checked like any header.
  it('a stored ETag with a control character is refused with InvalidHeaderError before the revalidation is sent', async () => {
    const store = new MemoryCacheStore();
    const s = new Session({ cache: { store } });
    const key = newKey();
    const url = lab(key, { 'h.Cache-Control': 'no-cache', 'h.ETag': '"v1"' });
    await s.get(url);
    const stored = (await store.get(url))!;
    const policy = stored[0]!.policy as { resh: Record<string, string> };
    policy.resh['etag'] = '"v\u0001"';
    await store.set(url, stored);
    await expect(s.get(url)).rejects.toBeInstanceOf(InvalidHeaderError);
    expect((await seen(key)).count).toBe(1);
  });
});
