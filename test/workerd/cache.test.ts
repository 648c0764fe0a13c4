// In real workerd: the HTTP cache with MemoryCacheStore and with WebCacheStore over caches.default.
import { describe, expect, test } from 'vitest'
import { useWorker } from './use-worker.ts'

const w = useWorker()

describe('workerd: the HTTP cache', () => {
  test.each(['memory', 'web'])('freshness, revalidation, Vary, invalidation and only-if-cached with the %s store', async (store) => {
    expect(await w.run('cache-semantics', { store })).toEqual({
      fresh: ['miss', 'hit'], freshSeen: 1,
      revalidation: ['miss', 'revalidated'], revalidationSeen: { count: 2, conditional: 1, methods: ['GET', 'GET'], cookies: ['', ''] },
      vary: ['miss', 'miss', 'hit'], varySeen: 2,
      invalidated: ['miss', 'hit', 'bypass', 'miss'], invalidatedSeen: 3,
      onlyIfCached: [504, 'miss', 'hit'], onlyIfCachedSeen: 1,
    })
  })
})
