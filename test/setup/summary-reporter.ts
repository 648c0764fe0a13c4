import type { Reporter, TestModule } from 'vitest/node'

/**
 * Prints one plain closing line after every run, `vitest: N passed, N expected-fail, N failed,
 * N skipped`, counted over test cases of all projects, so a log reader (and .ci/run's total) does not
 * depend on the default reporter's layout. An `it.fails` test that failed as expected is reported by
 * vitest as passed; it proves no behaviour, so it is counted apart (one that unexpectedly passed is
 * a failure, as vitest says). Errors outside tests (a failing globalSetup, an unhandled rejection, a
 * file that does not load) count as failures.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0
    let expectedFail = 0
    let failed = unhandledErrors.length
    let skipped = 0
    for (const mod of testModules) {
      let failedCases = 0
      for (const test of mod.children.allTests()) {
        const { state } = test.result()
        if (state === 'passed' && test.options.fails) expectedFail++
        else if (state === 'passed') passed++
        else if (state === 'failed') failedCases++
        else skipped++
      }
      // A file that did not load, or whose hooks threw, may have no failing case of its own: it still
      // counts as one failure.
      failed += failedCases === 0 && mod.state() === 'failed' ? 1 : failedCases
    }
    process.stdout.write(`\nvitest: ${passed} passed, ${expectedFail} expected-fail, ${failed} failed, ${skipped} skipped\n`)
  }
}
