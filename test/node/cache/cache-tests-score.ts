/**
 * How cache-tests.fyi counts a result (the suite's own rule, with dependencies honoured): a test whose
 * dependency did not pass counts as a dependency failure; a Setup error as a setup failure; otherwise a
 * required test passes or fails, an optimal one passes or fails optionally, a check says yes or no.
 * "passed" counts passes (required and optimal), "failed" the required tests that failed. With this rule,
 * the published Chrome, Safari and Firefox results of the repository give 173/18, 155/16 and 146/17.
 */
export interface SuiteTest {
  id: string;
  name: string;
  kind?: 'required' | 'optimal' | 'check';
  depends_on?: string[];
}

export type Verdict = 'untested' | 'pass' | 'fail' | 'optional_fail' | 'yes' | 'no' | 'setup_fail' | 'harness_fail' | 'dependency_fail' | 'retry';

export interface Score {
  passed: number;
  failed: number;
  counts: Partial<Record<Verdict, number>>;
  /** Required tests that failed: id → the suite's message. */
  failures: Record<string, string>;
  /** Every test that did not pass, by verdict: id → the suite's message. */
  others: Partial<Record<Verdict, Record<string, string>>>;
}

export function verdictOf(byId: Map<string, SuiteTest>, id: string, results: Record<string, unknown>): Verdict {
  const test = byId.get(id);
  const result = results[id];
  if (!test || result === undefined) return 'untested';
  for (const dependency of test.depends_on ?? []) {
    const verdict = verdictOf(byId, dependency, results);
    if (verdict !== 'pass' && verdict !== 'yes') return 'dependency_fail';
  }
  if (Array.isArray(result) && result[0] === 'Setup') return result[1] === 'retry' ? 'retry' : 'setup_fail';
  if (Array.isArray(result) && result[0] === 'AbortError') return 'harness_fail';
  const passed = result === true;
  if (test.kind === 'optimal') return passed ? 'pass' : 'optional_fail';
  if (test.kind === 'check') return passed ? 'yes' : 'no';
  return passed ? 'pass' : 'fail';
}

export function classify(suites: readonly { tests: SuiteTest[] }[], results: Record<string, unknown>): Score {
  const byId = new Map(suites.flatMap((suite) => suite.tests.map((test) => [test.id, test] as const)));
  const score: Score = { passed: 0, failed: 0, counts: {}, failures: {}, others: {} };
  for (const id of Object.keys(results)) {
    const verdict = verdictOf(byId, id, results);
    score.counts[verdict] = (score.counts[verdict] ?? 0) + 1;
    const result = results[id];
    const message = Array.isArray(result) ? String(result[1]) : String(result);
    if (verdict === 'pass') score.passed++;
    else if (verdict === 'fail') {
      score.failed++;
      score.failures[id] = message;
    } else if (verdict !== 'yes') (score.others[verdict] ??= {})[id] = message;
  }
  return score;
}
