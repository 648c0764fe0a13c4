// The hostile-server matrix in real workerd (test/shared/hostile-matrix.ts): each runtime-agnostic cell
// runs inside a worker against the built dist/edge.js (the 'hostile-cell' scenario); the raw server runs
// in the global setup (inject('hostileUrl')) and its control endpoint says how many requests the cell's
// path got and whether a connection of it is still open (asked from inside the worker too: workerd
// releases what an invocation held when it ends, which would hide a response errand forgot to close). Read timeouts are Node-only (an
// UnsupportedError here), so headers that never end meet the total timeout.
import { beforeAll, describe, expect, inject, test } from 'vitest'
import { afterwards, cellPath, cells, expected, isError, serverView } from '../shared/hostile-matrix.ts'
import { useWorker } from './use-worker.ts'

const w = useWorker()
const hostile = inject('hostileUrl')

beforeAll(async () => {
  await fetch(`${hostile}/__reset?prefix=/hostile/workerd/`, { method: 'POST' })
})

describe('hostile-server matrix (workerd)', { timeout: 30_000 }, () => {
  for (const { name, row, column, folded } of cells('workerd')) {
    if (folded) {
      test.skip(`${name}: folded into "${row.title} × answers forever", ${folded}`, () => {})
      continue
    }
    test(name, async () => {
      const path = cellPath('workerd', row, column)
      const got = await w.run('hostile-cell', { hostile, row: row.slug, column: column.slug })
      const then = afterwards(row, column, 'workerd')
      const view = await serverView(hostile, path)
      // The refused row reaches no server: errand's own count of attempts stands in.
      expect({ outcome: got.outcome, requests: row.target ? got.attempts : view.count }).toEqual(expected(row, column, 'workerd'))
      if (!row.target) expect(got.attempts).toBe(view.count)
      // Asked from inside the worker, before its invocation ended (which would release everything anyway).
      expect(got.openAfter).toBe(then.pooled)
      expect(view.open).toBe(0)
      if (isError(got.outcome)) expect(got.classes).toContain('RequestError')
      // The same Session still works (and what reaches it when the platform lets the misbehaviour through).
      expect(got.healthy).toEqual(then.next)
    })
  }
})
