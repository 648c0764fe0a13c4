// npm run fuzz:timing (and the first step of npm run fuzz): every parser of wire data, timed on
// adversarial inputs of 16 KiB and 64 KiB. Linear time makes the 64 KiB run ~4× the 16 KiB one, a
// quadratic one ~16×; a case fails when the ratio stays above RATIO_LIMIT over several measurements,
// or when one 64 KiB call takes longer than CEILING_MS. Timings are the best of several batches, each
// long enough (≥ BATCH_MS of CPU time) for the clock, so a loaded machine slows both sizes alike.
//   TIMING_FILTER=links   only the cases whose name contains it
// Run with tsx (see package.json "fuzz:timing"): it imports errand's TypeScript sources.
import { encodingFromContentType, decode, detectEncoding, parseContentType } from '../src/core/charset.ts';
import { parseDigestChallenge } from '../src/core/digest-challenge.ts';
import { redactUrl } from '../src/core/errors.ts';
import { jsonErrorOffset } from '../src/core/json-error.ts';
import { LineSplitter } from '../src/core/lines.ts';
import { parseLinks } from '../src/core/links.ts';
import { PreparedRequest } from '../src/core/prepared-request.ts';
import { getRedirectTarget, nextRedirect } from '../src/core/redirect.ts';
import { Response } from '../src/core/response.ts';
import { parseRetryAfter } from '../src/core/retry.ts';
import { netrcAuth, parseNetrc, shouldBypassProxy } from '../src/core/trust-env.ts';
import { checkCookie, checkHeaderValue } from '../src/core/wire.ts';
import { CookieJar } from '../src/runtime/node-cookie-jar.ts';

const SIZES = [16 * 1024, 64 * 1024] as const;
// Measured on the project's 2-core machine: linear code gives 3-5 when idle and up to ~9 under a load
// average of 10 (caches shared with other processes, V8's large-object space for arrays of tens of
// thousands of parts); the quadratic code this replaced gave 18 (redactUrl's fallback, Retry-After).
const RATIO_LIMIT = 12;
// Below this a 64 KiB call is too fast for a ratio to mean anything (and too fast to matter).
const FLOOR_MS = 0.05;
const CEILING_MS = 100;
const BATCH_MS = 8;
const ROUNDS = 7;
const ATTEMPTS = 4;

interface Case { parser: string; shape: string; make(n: number): unknown; run(input: unknown): unknown }

/** `unit` repeated to exactly n characters. */
const fill = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const request = (url = 'https://x.test/a') => Object.assign(new PreparedRequest(), { url });
const withHeaders = (headers: [string, string][], status = 200, url?: string) =>
  new Response(new globalThis.Response(null, { status, headers: new Headers(headers) }), request(url), { elapsed: 0 });
function streamedBody(chunks: Uint8Array[], contentType: string): Response {
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({ pull: (c) => (i < chunks.length ? c.enqueue(chunks[i++]!) : c.close()) });
  return new Response(new globalThis.Response(stream, { headers: { 'content-type': contentType } }), request(), { elapsed: 0 });
}
const chunked = (bytes: Uint8Array, size: number) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
const latin1Bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

const jar = new CookieJar();

const cases: Case[] = [
  ...['a', 'Mon ', ' ', '9', 'GMT '].map((unit) => ({ parser: 'Retry-After', shape: `'${unit}'*n`, make: (n: number) => fill(unit, n) + 'x', run: (v: unknown) => parseRetryAfter(v as string) })),
  { parser: 'Retry-After', shape: "'Mon, ' + ' '*n + 'GMT'", make: (n) => `Mon, ${' '.repeat(n)}GMT`, run: (v) => parseRetryAfter(v as string) },
  ...['?', '&', '?a', '//a', '@', 'a=', '?#'].map((unit) => ({ parser: 'redactUrl (not a URL)', shape: `'http://:1/' + '${unit}'*n`, make: (n: number) => `http://:1/${fill(unit, n)}`, run: (v: unknown) => redactUrl(v as string) })),
  { parser: 'redactUrl (URL)', shape: "'http://h/?' + '&a'*n", make: (n) => `http://h/?${fill('&a', n)}`, run: (v) => redactUrl(v as string) },
  { parser: 'redactUrl (URL)', shape: "'http://h/?' + 'a='*n", make: (n) => `http://h/?${fill('a=', n)}`, run: (v) => redactUrl(v as string) },
  ...['?', '%', 'é', '\\'].map((unit) => ({
    parser: 'Location', shape: `invalid: 'http://:1/' + '${unit}'*n`,
    make: (n: number) => withHeaders([['location', latin1Fold(`http://:1/${fill(unit, n)}`)]], 302),
    run: (r: unknown) => { try { nextRedirect(request(), r as Response); } catch { /* InvalidURLError */ } },
  })),
  { parser: 'Location', shape: "valid: '/' + 'é' (UTF-8 as Latin-1)*n", make: (n) => withHeaders([['location', latin1Fold(`/${fill('é', n)}`)]], 302), run: (r) => getRedirectTarget(r as Response) },
  ...['<', '<a>', '<a>;', '<a>, ', ';', ',', '"', '<a>; rel="', "<a>; t*=u'l'", '<a>; rel="\\', '<a>; rel=a '].map((unit) => ({
    parser: 'Link', shape: `'${unit}'*n`, make: (n: number) => fill(unit, n), run: (v: unknown) => parseLinks(v as string, 'https://x.test/'),
  })),
  ...[';', '"', ';a=', '\\"', "'", 'a; charset="'].map((unit) => ({
    parser: 'Content-Type', shape: `'text/plain; charset=' + '${unit}'*n`, make: (n: number) => `text/plain; charset=${fill(unit, n)}`,
    run: (v: unknown) => [parseContentType(v as string), encodingFromContentType(v as string)],
  })),
  ...[',', ', ', ' ', 'a=b,', 'a a ', 'a="', 'a="\\', '"', 'Digest ', ', Digest', 'a=b c=d, '].map((unit) => ({
    parser: 'WWW-Authenticate (Digest)', shape: `'Digest nonce=n, ' + '${unit}'*n`, make: (n: number) => `Digest nonce=n, ${fill(unit, n)}`, run: (v: unknown) => parseDigestChallenge(v as string),
  })),
  { parser: 'WWW-Authenticate (Digest)', shape: "', '*n + 'Digest'", make: (n) => `${fill(', ', n)}Digest nonce=n`, run: (v) => parseDigestChallenge(v as string) },
  ...['b', ';', '=', ' ', '; x', '"'].map((unit) => ({
    parser: 'Set-Cookie (Response.cookies)', shape: `'a=' + '${unit}'*n`, make: (n: number) => withHeaders([['set-cookie', `a=${fill(unit, n)}`], ['set-cookie', `${fill(unit, n)}=v`]]),
    run: (r: unknown) => (r as Response).cookies,
  })),
  ...['b', '; x', '; Expires=', '; Domain=.', '; Path=/', ';'].map((unit) => ({
    parser: 'Set-Cookie (jar)', shape: `'a=b' + '${unit}'*n`, make: (n: number) => [`a=b${fill(unit, n)}`], run: (lines: unknown) => jar.storeFrom('https://x.test/', lines as string[]),
  })),
  ...['a', '\r', ';', '\u0001'].map((unit) => ({
    parser: 'Cookie / header checks', shape: `'${JSON.stringify(unit).slice(1, -1)}'*n`, make: (n: number) => fill(unit, n),
    run: (v: unknown) => { try { checkCookie('a', v as string); checkHeaderValue('X', v as string); } catch { /* refused */ } },
  })),
  ...['a', ',', 'a,', '[', '.', ':', '1.', '*.', 'a/1', '[::1]:', '10.0.0.0/8,'].map((unit) => ({
    parser: 'NO_PROXY', shape: `'${unit}'*n`, make: (n: number) => fill(unit, n), run: (v: unknown) => shouldBypassProxy('http://a.b.example.test:8080/', v as string),
  })),
  ...['machine ', 'a', '"', '\\', '#', ' ', 'macdef m\n', 'x\n', 'login '].map((unit) => ({
    parser: '.netrc', shape: `'machine h ' + '${JSON.stringify(unit).slice(1, -1)}'*n`, make: (n: number) => `machine h login u password p\n${fill(unit, n)}`,
    run: (v: unknown) => { try { parseNetrc(v as string); } catch { /* NetrcParseError */ } return netrcAuth('https://h/', v as string); },
  })),
  ...[['latin1', 0xe9], ['windows-1252', 0x93], ['utf-8', 0x61], ['cp819', 0x80]].map(([label, byte]) => ({
    parser: 'charset decode', shape: `${label}: n bytes`, make: (n: number) => new Uint8Array(n).fill(byte as number),
    run: (v: unknown) => [decode(v as Uint8Array, label as string), detectEncoding(v as Uint8Array)],
  })),
  ...[['one line', 'a'], ['CR only', '\r'], ['CRLF', '\r\n']].map(([what, unit]) => ({
    parser: 'iterLines', shape: `${what}, 64-byte chunks`, make: (n: number) => chunked(latin1Bytes(fill(unit!, n)), 64),
    run: async (chunks: unknown) => { for await (const _ of streamedBody(chunks as Uint8Array[], 'text/plain; charset=utf-8').iterLines()) { /* drain */ } },
  })),
  {
    parser: 'iterLines', shape: "delimiter '||', one line, 64-byte chunks", make: (n) => chunked(latin1Bytes(fill('|a', n)), 64),
    run: async (chunks) => { for await (const _ of streamedBody(chunks as Uint8Array[], 'text/plain').iterLines({ delimiter: '||' })) { /* drain */ } },
  },
  {
    // The splitter alone, fed 16-character pieces: re-scanning the pending line at each piece (the old
    // iterLines) is quadratic here, which stream overhead hides in the end-to-end cases above.
    parser: 'iterLines', shape: 'LineSplitter: one line in 16-char pieces', make: (n) => Array.from({ length: n / 16 }, () => 'a'.repeat(15) + '\r'),
    run: (pieces) => { const lines = new LineSplitter(undefined); for (const piece of pieces as string[]) lines.push(piece); return lines.rest(); },
  },
  {
    parser: 'iterContent', shape: 'chunkSize n, 64-byte chunks', make: (n) => chunked(new Uint8Array(n), 64),
    run: async (chunks) => { for await (const _ of streamedBody(chunks as Uint8Array[], 'text/plain').iterContent(64 * 1024)) { /* drain */ } },
  },
  ...['[', '{"a":', '"', '1', '[1,', '{"a":"\\u00'].map((unit) => ({
    parser: 'JSON error position', shape: `'${unit}'*n`, make: (n: number) => fill(unit, n), run: (v: unknown) => jsonErrorOffset(v as string),
  })),
];

/** A string as Headers hold a value: its UTF-8 bytes as Latin-1 code units. */
function latin1Fold(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

// With --expose-gc (npm run fuzz:timing passes it), each batch starts with an empty heap: garbage left by
// the previous case or size is not collected on this one's clock.
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

// CPU time of this process, not wall time: on a machine busy with other work (CI, other test runs),
// wall time counts the moments another process had the CPU.
async function timeBatch(c: Case, input: unknown, reps: number): Promise<number> {
  collect();
  const start = process.cpuUsage();
  for (let i = 0; i < reps; i++) await c.run(input);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / reps;
}

/**
 * Best-of-ROUNDS ms per call at each size (kept across calls in `best`), the sizes alternating so both
 * see the same load; the 64 KiB batch makes a quarter of the calls, so both batches last alike.
 */
async function measure(c: Case, inputs: unknown[], best: [number, number]): Promise<[number, number]> {
  let reps = 1;
  for (let t = await timeBatch(c, inputs[0], 1); t * reps < BATCH_MS && reps < 1 << 16; ) reps *= 2;
  for (let round = 0; round < ROUNDS; round++) {
    for (const i of [0, 1] as const) best[i] = Math.min(best[i], await timeBatch(c, inputs[i], i === 0 ? reps : Math.max(1, reps >> 2)));
    if (best[1] > CEILING_MS * 3) break; // hopeless (quadratic code takes seconds here): no need to insist
  }
  return best;
}

const filter = process.env['TIMING_FILTER'];
await jar.ready(true);
const rows: string[] = [];
const failures: string[] = [];
const worst = new Map<string, { ratio: number; ms64: number }>();
for (const c of cases) {
  const name = `${c.parser}: ${c.shape}`;
  if (filter && !name.includes(filter)) continue;
  const inputs = SIZES.map((n) => c.make(n));
  const best: [number, number] = [Infinity, Infinity];
  await measure(c, inputs, best);
  // Over the limit: a busy moment, or the code. Measure again (the best time of each size is kept).
  for (let attempt = 1; attempt < ATTEMPTS && best[1] >= FLOOR_MS && best[1] / best[0] > RATIO_LIMIT; attempt++) await measure(c, inputs, best);
  const [ms16, ms64] = best;
  const ratio = ms64 < FLOOR_MS ? 0 : ms64 / ms16;
  const bad = ratio > RATIO_LIMIT || ms64 > CEILING_MS;
  if (bad) failures.push(`${name}: ${ms16.toFixed(3)} ms → ${ms64.toFixed(3)} ms (×${ratio.toFixed(1)})`);
  const prior = worst.get(c.parser);
  if (!prior || ratio > prior.ratio) worst.set(c.parser, { ratio, ms64: Math.max(ms64, prior?.ms64 ?? 0) });
  rows.push(`| ${c.parser} | \`${c.shape.replace(/\|/g, '\\|')}\` | ${ms16.toFixed(3)} | ${ms64.toFixed(3)} | ${ratio ? ratio.toFixed(1) : '–'} |${bad ? ' **FAIL**' : ''}`);
}
console.log(`parser timing: ${rows.length} cases, 16 KiB and 64 KiB inputs, CPU ms per call (best of ${ROUNDS}); fail when 64K/16K > ${RATIO_LIMIT} (quadratic is ~16; not judged under ${FLOOR_MS} ms) or a 64K call > ${CEILING_MS} ms\n`);
console.log('| parser | adversarial input | 16 KiB ms | 64 KiB ms | ratio |\n| --- | --- | ---: | ---: | ---: |');
console.log(rows.join('\n'));
console.log('\nworst case per parser:');
for (const [parser, { ratio, ms64 }] of worst) console.log(`  ${parser.padEnd(32)} ratio ${(ratio ? ratio.toFixed(1) : '–').padStart(4)}, slowest 64 KiB call ${ms64.toFixed(3)} ms`);
if (failures.length) {
  console.error(`\nparser timing FAILED (${failures.length}):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('\nparser timing: all linear');
