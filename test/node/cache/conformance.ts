/**
 * The HTTP caching conformance suite (http-tests/cache-tests) and the scores errand is held to. README's
 * "HTTP cache" section prints these tables and these reasons; conformance.test.ts runs the suite from npm
 * and checks errand's score and failures against them.
 *
 * Two versions of the suite: npm's `http-cache-tests` (0.4.5, the only one on npm: written against
 * RFC 7234's drafts) runs in CI; the repository's current suite (RFC 9111, the one behind cache-tests.fyi
 * and the issue's anchors) is run with CACHE_TESTS_DIR=<checkout> (see cache-tests-run.ts).
 */

/** passed / required failed, counted as cache-tests.fyi counts (cache-tests-score.ts). */
export interface Row { cache: string; passed: number; failed: number }

/** npm http-cache-tests 0.4.5, measured here: undici with cache-tests-run.ts; the browsers from the package's results/. */
export const NPM_ANCHORS: Row[] = [
  { cache: 'undici 7.30.2 cache interceptor, private', passed: 170, failed: 16 },
  { cache: 'undici 7.30.2 cache interceptor, shared', passed: 165, failed: 17 },
  { cache: 'Chrome 79', passed: 155, failed: 34 },
  { cache: 'Firefox 73', passed: 146, failed: 16 },
  { cache: 'Safari 14', passed: 140, failed: 33 },
];

/** The repository's suite (the anchors; undici measured here, the browsers from its results/). */
export const REPO_ANCHORS: Row[] = [
  { cache: 'undici 7.30.2 cache interceptor, private', passed: 175, failed: 12 },
  { cache: 'undici 7.30.2 cache interceptor, shared', passed: 170, failed: 14 },
  { cache: 'Chrome 143', passed: 173, failed: 18 },
  { cache: 'Safari 26.2', passed: 155, failed: 16 },
  { cache: 'Firefox 146', passed: 146, failed: 17 },
];

const AGE_RFC9111 = 'spec disagreement: npm\'s 0.4.5 predates RFC 9111, which ignores an Age that is not delta-seconds and reads the first member of a list (§5.1, §1.2.2); the suite\'s repository has reversed these tests since, and errand passes the reversed ones';
const PRIVATE_ONLY = 'not for a shared cache: the test expects a private cache\'s reading; a shared cache must use s-maxage (RFC 9111 §5.2.2.10), as undici\'s own run of the suite notes';

/** The required tests errand fails in npm's 0.4.5, and why. Any other failure fails conformance.test.ts. */
export const NPM_KNOWN_FAILURES: Record<'private' | 'shared', Record<string, string>> = {
  private: Object.fromEntries([
    'age-parse-nonnumeric', 'age-parse-negative', 'age-parse-float', 'age-parse-prefix-twoline', 'age-parse-dup-0',
    'age-parse-dup-0-twoline', 'age-parse-dup-old', 'age-parse-parameter', 'age-parse-numeric-parameter',
  ].map((id) => [id, AGE_RFC9111])),
  shared: {},
};
NPM_KNOWN_FAILURES.shared = {
  ...NPM_KNOWN_FAILURES.private,
  'freshness-max-age-s-maxage-private': PRIVATE_ONLY,
  'freshness-max-age-s-maxage-private-multiple': PRIVATE_ONLY,
};

/** The required tests errand fails in the repository's suite, and why. */
export const REPO_KNOWN_FAILURES: Record<'private' | 'shared', Record<string, string>> = {
  private: {},
  shared: {
    'freshness-max-age-s-maxage-private': PRIVATE_ONLY,
    'freshness-max-age-s-maxage-private-multiple': PRIVATE_ONLY,
  },
};
