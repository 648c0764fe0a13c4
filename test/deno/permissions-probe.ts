// Run by permissions.test.ts under Deno with some permissions withheld: what trustEnv found, as one
// JSON line. NETRC and REQUESTS_CA_BUNDLE come from this process's environment (the runner sets them).
import * as errand from 'errand';

// Only Deno.args is used; the Deno namespace types are not installed (this file runs under Deno, type-checked under Node's program).
declare const Deno: { args: string[] };

const [httpbin, httpsbin] = Deno.args as [string, string];

async function outcome(call: () => Promise<{ statusCode: number }>): Promise<number | string> {
  try {
    return (await call()).statusCode;
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

const netrc = await outcome(() => errand.get(`${httpbin}/basic-auth/netrc-user/netrc-pass`));
const caBundle = await outcome(() => errand.get(`${httpsbin}/get`, { retries: 0 }));
console.log(JSON.stringify({ netrc, caBundle }));
