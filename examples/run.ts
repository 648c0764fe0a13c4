// Runs every example against a local httpbin (or BASE_URL) and prints what each returned.
//   npx tsx examples/run.ts                 all examples, local server
//   npx tsx examples/run.ts streaming errors only these
//   BASE_URL=https://httpbin.org npx tsx examples/run.ts
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';

/** The order the examples run and print in: the requests docs' order (quickstart, advanced, auth), then tutorials. */
export const EXAMPLES = [
  'make-a-request',
  'query-params',
  'response-content',
  'raw-response-content',
  'custom-headers',
  'form-post',
  'json-post',
  'put-form-data',
  'put-json',
  'put-file-upload',
  'multipart-files',
  'status-codes',
  'raise-for-status',
  'response-headers',
  'cookies',
  'redirects-history',
  'timeouts',
  'timeout-with-auth-tuple',
  'errors',
  'session-reuse',
  'session-persistence',
  'session-method-level',
  'request-response-objects',
  'prepared-requests',
  'body-content-workflow',
  'streaming-upload',
  'chunked-upload',
  'hooks-print-url',
  'custom-auth',
  'streaming',
  'verbs-walkthrough',
  'custom-verbs',
  'transport-adapters',
  'link-pagination',
  'basic-auth',
  'digest-auth',
  'bearer-token-header',
  'real-world-flow',
  'cookie-login-flow',
  'cached-api-client',
  'chat-completion-stream',
  'notification-feed',
  'timings',
  'tracing-opentelemetry',
] as const;

type Example = (base: string) => Promise<unknown>;

const MAX_LINES = 15;
const LINE_WIDTH = 100;
const EXAMPLE_TIMEOUT_MS = 20_000;

/** Makes what JSON.stringify cannot show (Headers, bytes, errors, Maps) readable. */
function replacer(_key: string, v: unknown): unknown {
  if (v instanceof Headers) return Object.fromEntries(v);
  if (v instanceof Uint8Array || v instanceof ArrayBuffer) return `<${v.byteLength} bytes>`;
  if (v instanceof Map) return Object.fromEntries(v);
  if (v instanceof Set) return [...v];
  if (v instanceof Error) return { name: v.name, message: v.message };
  if (typeof v === 'bigint') return v.toString();
  if (v === undefined) return null;
  return v;
}

/** Compact JSON: a value that fits in the line stays on one line, larger ones break one level at a time. */
function toJSON(value: unknown, indent = '', used = 0): string {
  const flat = JSON.stringify(value, replacer);
  if (flat === undefined) return inspect(value);
  const plain = JSON.parse(flat) as unknown;
  if (plain === null || typeof plain !== 'object' || indent.length + used + flat.length <= LINE_WIDTH) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(plain)) {
    return `[\n${plain.map((v) => inner + toJSON(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(plain).map(([k, v]) => {
    const key = `${JSON.stringify(k)}: `;
    return inner + key + toJSON(v, inner, key.length);
  });
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

function truncate(text: string, maxLines = MAX_LINES): string {
  const lines = text.split('\n');
  if (lines.length <= maxLines) return text;
  return [...lines.slice(0, maxLines), `  … (${lines.length - maxLines} more lines)`].join('\n');
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${name} did not finish in ${ms} ms`), { name: 'RunnerTimeout' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function startServer(): Promise<{ url: string; close(): Promise<void> | void }> {
  const fromEnv = process.env.BASE_URL;
  if (fromEnv) return { url: fromEnv, close() {} };
  const { startHttpbin } = await import('../test/servers/httpbin.ts');
  return startHttpbin();
}

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !(EXAMPLES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    console.error(`unknown example(s): ${unknown.join(', ')}\navailable: ${EXAMPLES.join(', ')}`);
    return 2;
  }
  const names = only.length > 0 ? only : EXAMPLES;

  const server = await startServer();
  const base = server.url.replace(/\/+$/, '');
  console.log(`errand examples against ${base}\n`);

  let passed = 0;
  const failed: string[] = [];
  try {
    for (const name of names) {
      console.log(`── ${name} ${'─'.repeat(Math.max(3, 60 - name.length))}`);
      try {
        const mod = (await import(`./${name}.ts`)) as { default: Example };
        const result = await withTimeout(mod.default(base), EXAMPLE_TIMEOUT_MS, name);
        console.log(truncate(toJSON(result)));
        passed++;
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        console.log(`FAILED: ${err.name}: ${err.message}`);
        failed.push(name);
      }
      console.log();
    }
  } finally {
    await server.close();
  }

  console.log(`${passed} passed, ${failed.length} failed${failed.length ? ` (${failed.join(', ')})` : ''}`);
  return failed.length > 0 ? 1 : 0;
}

// Run only as a script, so the example list can be imported (test/node/examples.test.ts does).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
