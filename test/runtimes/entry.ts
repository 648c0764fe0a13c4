// The one "test file" a Bun or Deno child collects: it calls each suite function the runner named with
// this runtime's errand (the bare `errand` maps to src/bun.ts or src/deno.ts) and the suite env.
import * as errand from 'errand';
import { childConfig, suiteEnv } from './child-state.ts';

for (const suite of childConfig().suites) {
  const module = (await import(suite.path)) as Record<string, (errand: unknown, env: unknown) => void>;
  const run = module[suite.call];
  if (typeof run !== 'function') throw new Error(`${suite.path} exports no function ${suite.call}`);
  run(errand, suiteEnv());
}
