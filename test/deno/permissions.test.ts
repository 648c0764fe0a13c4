// trustEnv under Deno without the permissions it needs: the environment (--allow-env) and the files it
// names (--allow-read) count as absent; errand never asks for a permission. Deno runs on a terminal here
// (util-linux `script` gives it one), where a permission errand asked for would prompt and wait: the
// probe would then time out or report a refusal instead of its results.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { childEnv, runtimeCommand } from '../runtimes/runner.ts';

const httpbin = inject('httpbinUrl');
const httpsbin = inject('httpsUrl');
const dir = mkdtempSync(join(tmpdir(), 'errand-deno-perms-'));
const netrcPath = join(dir, 'netrc');
const caPath = join(dir, 'ca.pem');
writeFileSync(netrcPath, 'machine 127.0.0.1 login netrc-user password netrc-pass\n');
writeFileSync(caPath, inject('caCertPem'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the probe with these permission flags on a pseudo-terminal; its JSON line and all it printed. */
async function probe(permissions: string[]): Promise<{ result: { netrc: unknown; caBundle: unknown } | undefined; output: string }> {
  const [deno, args] = runtimeCommand('deno', join(import.meta.dirname, 'permissions-probe.ts'), [httpbin, httpsbin]);
  const command = [deno, ...args.filter((arg) => arg !== '-A' && arg !== '--no-prompt').flatMap((arg) => (arg === 'run' ? ['run', ...permissions] : [arg]))];
  const quoted = command.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', quoted, '/dev/null'], {
    env: childEnv({ NETRC: netrcPath, REQUESTS_CA_BUNDLE: caPath, HOME: dir }),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (data: string) => { output += data; });
  child.stderr.setEncoding('utf8').on('data', (data: string) => { output += data; });
  // A prompt waits for ever: end the whole group (script and deno) and report what was printed.
  const stuck = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 15_000);
  await new Promise((resolve) => child.on('exit', resolve));
  clearTimeout(stuck);
  const line = output.split(/\r?\n/).find((l) => l.startsWith('{"netrc"'));
  return { result: line ? JSON.parse(line) : undefined, output };
}

describe('deno: trustEnv without permissions', () => {
  it('with --allow-net alone, the .netrc and the CA bundle of the environment are absent; no prompt, no crash', async () => {
    const { result, output } = await probe(['--allow-net']);
    expect(result, output).toEqual({ netrc: 401, caBundle: expect.stringMatching(/^SSLError: .*unknown CA/) });
    expect(output).not.toMatch(/Deno requests|Allow\?/);
  }, 30_000);

  it('with --allow-env but no --allow-read, the files the environment names are absent; no prompt', async () => {
    const { result, output } = await probe(['--allow-net', '--allow-env']);
    expect(result, output).toEqual({ netrc: 401, caBundle: expect.stringMatching(/^SSLError: .*unknown CA/) });
    expect(output).not.toMatch(/Deno requests|Allow\?/);
  }, 30_000);

  it('with --allow-env and --allow-read, both are used', async () => {
    const { result, output } = await probe(['--allow-net', '--allow-env', '--allow-read']);
    expect(result, output).toEqual({ netrc: 200, caBundle: 200 });
  }, 30_000);
});
