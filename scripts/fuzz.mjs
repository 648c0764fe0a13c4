// npm run fuzz: first the parser timing (scripts/parser-timing.ts: every parser of wire data on adversarial
// 16 KiB and 64 KiB inputs, failing on super-linear growth; also `npm run fuzz:timing` alone), then the
// property tests (fast-check) with many more runs and a fresh seed.
//   FUZZ_RUNS  runs per property (default 20000; CI runs each property with its own count, 300 mostly)
//   FUZZ_SEED  replay a seed printed by an earlier run
// Extra arguments go to vitest (e.g. `npm run fuzz -- -t links`).
import { spawn, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const runs = process.env.FUZZ_RUNS || '20000';
const seed = process.env.FUZZ_SEED || String(randomInt(1, 2 ** 31 - 1));
// The test files holding fast-check properties that read test/unit/fuzz-options.ts.
const files = ['test/unit/encode.test.ts', 'test/unit/links.test.ts', 'test/unit/charset.test.ts', 'test/unit/trust-env.test.ts', 'test/unit/response.test.ts', 'test/unit/lines.test.ts', 'test/unit/fuzz-'];

const timing = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=64', '--import', 'tsx', fileURLToPath(new URL('./parser-timing.ts', import.meta.url))], { stdio: 'inherit' });
if (timing.status !== 0) {
  console.error('\nfuzz failed: a parser grows faster than linearly (see the table above)');
  process.exit(timing.status ?? 1);
}

const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const replay = `FUZZ_RUNS=${runs} FUZZ_SEED=${seed} npm run fuzz`;
console.log(`fuzz: ${runs} runs per property, seed ${seed} (replay: ${replay})`);
const child = spawn(process.execPath, [vitest, 'run', '--project', 'node', '--testTimeout=0', ...files, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SEED: seed },
});
child.on('exit', (code, signal) => {
  if (code !== 0) console.error(`\nfuzz failed (seed ${seed}); replay with: ${replay}`);
  process.exit(code ?? (signal ? 1 : 0));
});
