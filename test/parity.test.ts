// The runtime parity table (test/parity.ts) cannot drift: every cell names a test that exists and runs in
// its column's vitest project, and README.md shows exactly the rendered table. The test files are read,
// not run: a small tokenizer finds `it`/`test` calls, their titles, and the gates on them and on the
// `describe`s around them (`.skip`, `.todo`, `.fails`, `.runIf(c)`, `.skipIf(c)`, `(c ? it : it.skip)`),
// evaluated for the column's runtime (`env.runtime` in test/shared/ suites).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { PARITY, PROJECT_DIRS, RUNTIMES, renderParityTable, type Runtime } from './parity.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

// ---- tokenizer ------------------------------------------------------------------------------------

type Token =
  | { kind: 'string'; value: string | null; pos: number } // null: a template with ${}
  | { kind: 'ident'; value: string; pos: number }
  | { kind: 'punct'; value: string; pos: number }
  | { kind: 'other'; value: string; pos: number } // numbers, regex literals

const PUNCT = ['===', '!==', '...', '=>', '==', '!=', '&&', '||', '??', '?.']
const REGEX_AFTER = new Set(['(', ',', '=', ':', '[', '!', '&&', '||', '??', '?', '{', '}', ';', '=>', '===', '!==', '==', '!=', '+', '-', '*', '%', '<', '>', '~', '^', '&', '|'])
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'case', 'in', 'of', 'void', 'delete', 'throw', 'yield', 'await'])

function unescape(raw: string): string {
  return raw.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, (_, e: string) => {
    if (e[0] === 'u') return String.fromCodePoint(parseInt(e.replace(/[u{}]/g, ''), 16))
    if (e[0] === 'x' && e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16))
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[e] ?? e
  })
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const last = () => tokens[tokens.length - 1]
  while (i < src.length) {
    const c = src[i]!
    if (/\s/.test(c)) { i++; continue }
    if (src.startsWith('//', i)) { const end = src.indexOf('\n', i); i = end < 0 ? src.length : end; continue }
    if (src.startsWith('/*', i)) { const end = src.indexOf('*/', i + 2); i = end < 0 ? src.length : end + 2; continue }
    if (c === '"' || c === "'") {
      let j = i + 1
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1
      tokens.push({ kind: 'string', value: unescape(src.slice(i + 1, j)), pos: i })
      i = j + 1
      continue
    }
    if (c === '`') {
      let j = i + 1
      let plain = true
      while (j < src.length && src[j] !== '`') {
        if (src[j] === '\\') { j += 2; continue }
        if (src.startsWith('${', j)) {
          plain = false
          let depth = 1
          j += 2
          while (j < src.length && depth > 0) {
            if (src[j] === '{') depth++
            else if (src[j] === '}') depth--
            else if (src[j] === '`' || src[j] === '"' || src[j] === "'") { const q = src[j]; j++; while (j < src.length && src[j] !== q) j += src[j] === '\\' ? 2 : 1 }
            j++
          }
          continue
        }
        j++
      }
      tokens.push({ kind: 'string', value: plain ? unescape(src.slice(i + 1, j)) : null, pos: i })
      i = j + 1
      continue
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[\w$]+/.exec(src.slice(i))!
      tokens.push({ kind: 'ident', value: m[0], pos: i })
      i += m[0].length
      continue
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9][\w.]*/.exec(src.slice(i))!
      tokens.push({ kind: 'other', value: m[0], pos: i })
      i += m[0].length
      continue
    }
    if (c === '/') {
      const prev = last()
      const isRegex = !prev || (prev.kind === 'punct' && REGEX_AFTER.has(prev.value)) || (prev.kind === 'ident' && REGEX_AFTER_WORD.has(prev.value))
      if (isRegex) {
        let j = i + 1
        let inClass = false
        while (j < src.length && (inClass || src[j] !== '/')) {
          if (src[j] === '\\') { j += 2; continue }
          if (src[j] === '[') inClass = true
          else if (src[j] === ']') inClass = false
          j++
        }
        j++
        while (j < src.length && /[a-z]/.test(src[j]!)) j++
        tokens.push({ kind: 'other', value: src.slice(i, j), pos: i })
        i = j
        continue
      }
    }
    const p = PUNCT.find((op) => src.startsWith(op, i)) ?? c
    tokens.push({ kind: 'punct', value: p, pos: i })
    i += p.length
  }
  return tokens
}

// ---- test calls and their gates -------------------------------------------------------------------

type Range = [start: number, end: number] // token indices, inclusive
type Gate = { kind: 'mod'; name: string } | { kind: 'runIf' | 'skipIf'; cond: Range } | { kind: 'ternary'; cond: Range; yes: Callee; no: Callee }
interface Callee { base: string; gates: Gate[] }
interface TestCall { title: string; callee: Callee; open: number; close: number; line: number }

const isP = (t: Token | undefined, v: string) => t?.kind === 'punct' && t.value === v

function matchBrackets(tokens: Token[]): Map<number, number> {
  const pairs = new Map<number, number>()
  const stack: number[] = []
  tokens.forEach((t, i) => {
    if (t.kind !== 'punct') return
    if (t.value === '(' || t.value === '[' || t.value === '{') stack.push(i)
    else if (t.value === ')' || t.value === ']' || t.value === '}') {
      const open = stack.pop()
      if (open !== undefined) { pairs.set(open, i); pairs.set(i, open) }
    }
  })
  return pairs
}

/** Reads a callee chain backwards from token `end` (e.g. `it.runIf(c).each(x)`), down to exactly `start` when given. */
function readCallee(tokens: Token[], pairs: Map<number, number>, end: number, start?: number): Callee | undefined {
  const gates: Gate[] = []
  let j = end
  for (;;) {
    const t = tokens[j]
    if (!t) return undefined
    if (isP(t, ')')) {
      const open = pairs.get(j)
      if (open === undefined) return undefined
      const name = tokens[open - 1]
      if (name?.kind === 'ident' && isP(tokens[open - 2], '.')) {
        if (name.value === 'runIf' || name.value === 'skipIf') gates.push({ kind: name.value, cond: [open + 1, j - 1] })
        else gates.push({ kind: 'mod', name: name.value })
        j = open - 3
        continue
      }
      // A parenthesised `(cond ? A : B)` choosing the test function.
      const q = findTop(tokens, pairs, open + 1, j - 1, '?')
      const colon = q === undefined ? undefined : findTop(tokens, pairs, q + 1, j - 1, ':')
      if (q === undefined || colon === undefined) return undefined
      const yes = readCallee(tokens, pairs, colon - 1, q + 1)
      const no = readCallee(tokens, pairs, j - 1, colon + 1)
      if (!yes || !no) return undefined
      gates.push({ kind: 'ternary', cond: [open + 1, q - 1], yes, no })
      if (start !== undefined && open !== start) return undefined
      return { base: yes.base === no.base ? yes.base : '?', gates }
    }
    if (t.kind === 'ident') {
      if (isP(tokens[j - 1], '.')) {
        gates.push({ kind: 'mod', name: t.value })
        j -= 2
        continue
      }
      if (start !== undefined && j !== start) return undefined
      return { base: t.value, gates }
    }
    return undefined
  }
}

function findTop(tokens: Token[], pairs: Map<number, number>, from: number, to: number, value: string): number | undefined {
  for (let k = from; k <= to; k++) {
    if (isP(tokens[k], value)) return k
    const t = tokens[k]
    if (t && t.kind === 'punct' && (t.value === '(' || t.value === '[' || t.value === '{')) k = pairs.get(k) ?? k
  }
  return undefined
}

interface ParsedFile { tokens: Token[]; pairs: Map<number, number>; tests: TestCall[]; describes: { callee: Callee; open: number; close: number }[]; src: string }

function parseFile(src: string): ParsedFile {
  const tokens = tokenize(src)
  const pairs = matchBrackets(tokens)
  const tests: TestCall[] = []
  const describes: ParsedFile['describes'] = []
  tokens.forEach((t, k) => {
    if (!isP(t, '(') || k === 0) return
    const prev = tokens[k - 1]!
    if (!(prev.kind === 'ident' || isP(prev, ')'))) return
    const callee = readCallee(tokens, pairs, k - 1)
    if (!callee) return
    const close = pairs.get(k) ?? tokens.length - 1
    const first = tokens[k + 1]
    if (callee.base === 'describe') describes.push({ callee, open: k, close })
    else if ((callee.base === 'it' || callee.base === 'test') && first?.kind === 'string' && first.value !== null) {
      // `it.each([...])` is itself a call to `each` whose first argument is not a title: skip those.
      if (callee.gates.some((g) => g.kind === 'mod' && (g.name === 'each' || g.name === 'for')) && !isP(tokens[k - 1], ')')) return
      tests.push({ title: first.value, callee, open: k, close, line: src.slice(0, t.pos).split('\n').length })
    }
  })
  return { tokens, pairs, tests, describes, src }
}

// ---- gate evaluation ------------------------------------------------------------------------------

type Value = string | boolean | undefined

function evaluate(file: ParsedFile, range: Range, runtime: Runtime, seen = new Set<string>()): Value {
  const { tokens } = file
  let k = range[0]
  const peek = () => (k <= range[1] ? tokens[k] : undefined)
  const fail = (why: string): never => {
    const text = file.src.slice(tokens[range[0]]!.pos, (tokens[range[1]]?.pos ?? 0) + String(tokens[range[1]]?.value ?? '').length + 2)
    throw new Error(`cannot evaluate the gate \`${text.trim()}\`: ${why}`)
  }
  const identifier = (name: string): Value => {
    if (name === 'true') return true
    if (name === 'false') return false
    if (seen.has(name)) fail(`${name} refers to itself`)
    // `const name = <expr>` in the same file
    for (let i = 0; i < tokens.length - 2; i++) {
      const t = tokens[i]!
      if (t.kind === 'ident' && t.value === 'const' && tokens[i + 1]?.kind === 'ident' && tokens[i + 1]!.value === name && isP(tokens[i + 2], '=')) {
        let end = i + 3
        while (end < tokens.length && !isP(tokens[end], ';') && !(tokens[end]!.kind === 'ident' && ['const', 'let', 'describe', 'it', 'test'].includes(tokens[end]!.value as string) && end > i + 3)) {
          const t2 = tokens[end]!
          if (t2.kind === 'punct' && (t2.value === '(' || t2.value === '[' || t2.value === '{')) end = file.pairs.get(end) ?? end
          end++
        }
        return evaluate(file, [i + 3, end - 1], runtime, new Set([...seen, name]))
      }
    }
    return fail(`unknown name ${name}`)
  }
  const primary = (): Value => {
    const t = peek()
    if (!t) return fail('unexpected end')
    if (t.kind === 'string') { k++; return t.value ?? fail('a template literal') }
    if (isP(t, '!')) { k++; return !primary() }
    if (isP(t, '(')) { k++; const v = or(); if (!isP(peek(), ')')) fail('expected )'); k++; return v }
    if (t.kind === 'ident') {
      k++
      const path = [t.value]
      while (isP(peek(), '.') && tokens[k + 1]?.kind === 'ident') { path.push(tokens[k + 1]!.value as string); k += 2 }
      const dotted = path.join('.')
      if (dotted === 'env.runtime' || dotted === 'runtime') return runtime
      if (path.length > 1) return fail(`unknown value ${dotted}`)
      return identifier(dotted)
    }
    return fail(`unexpected ${t.value}`)
  }
  const equality = (): Value => {
    let left = primary()
    for (;;) {
      const t = peek()
      if (t && t.kind === 'punct' && ['===', '!==', '==', '!='].includes(t.value)) {
        k++
        const right = primary()
        left = t.value.startsWith('!') ? left !== right : left === right
      } else return left
    }
  }
  const and = (): Value => {
    let left = equality()
    while (isP(peek(), '&&')) { k++; const right = equality(); left = Boolean(left) && Boolean(right) }
    return left
  }
  const or = (): Value => {
    let left = and()
    while (isP(peek(), '||')) { k++; const right = and(); left = Boolean(left) || Boolean(right) }
    return left
  }
  const value = or()
  if (k <= range[1]) fail(`unexpected ${String(tokens[k]?.value)}`)
  return value
}

/** Whether a callee chain runs (and is a real test: not skipped, todo or expected to fail) in `runtime`; why not, if not. */
function gateVerdict(file: ParsedFile, callee: Callee, runtime: Runtime): string | undefined {
  for (const gate of callee.gates) {
    if (gate.kind === 'mod') {
      if (gate.name === 'skip' || gate.name === 'todo') return `.${gate.name}`
      if (gate.name === 'fails') return '.fails (expected to fail: it does not prove the cell)'
    } else if (gate.kind !== 'ternary') {
      const value = Boolean(evaluate(file, gate.cond, runtime))
      if (gate.kind === 'runIf' && !value) return `.runIf(…) is false for ${runtime}`
      if (gate.kind === 'skipIf' && value) return `.skipIf(…) is true for ${runtime}`
    } else {
      const chosen = evaluate(file, gate.cond, runtime) ? gate.yes : gate.no
      const inner = gateVerdict(file, chosen, runtime)
      if (inner) return inner
    }
  }
  return undefined
}

// ---- resolving a cell's reference ---------------------------------------------------------------------

const parsed = new Map<string, ParsedFile>()
function parse(path: string): ParsedFile {
  let file = parsed.get(path)
  if (!file) parsed.set(path, (file = parseFile(readFileSync(join(root, path), 'utf8'))))
  return file
}

function testFilesUnder(dir: string): string[] {
  const abs = join(root, dir)
  if (!existsSync(abs)) return []
  const out: string[] = []
  for (const name of readdirSync(abs)) {
    const full = join(abs, name)
    if (name === 'node_modules') continue
    if (statSync(full).isDirectory()) out.push(...testFilesUnder(relative(root, full) + '/'))
    else if (name.endsWith('.test.ts')) out.push(relative(root, full))
  }
  return out
}

/**
 * The test files of a column's project that run a test/shared/ suite file: directly, or through the
 * index.ts of its directory (test/shared/index.ts, test/shared/transport/index.ts).
 */
function sharedRunners(sharedFile: string, runtime: Runtime): string[] {
  const base = sharedFile.replace(/^test\/shared\//, '')
  const dir = base.includes('/') ? base.slice(0, base.lastIndexOf('/') + 1) : ''
  const indexFile = join(root, 'test/shared', dir, 'index.ts')
  const index = existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : ''
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const viaIndex = new RegExp(`from ['"]\\./${escape(base.slice(dir.length))}['"]`).test(index)
  const indexRef = new RegExp(`shared/${escape(dir)}index\\.ts['"]`)
  return PROJECT_DIRS[runtime].flatMap(testFilesUnder).filter((f) => {
    const src = readFileSync(join(root, f), 'utf8')
    return src.includes(`shared/${base}'`) || src.includes(`shared/${base}"`) || (viaIndex && indexRef.test(src))
  })
}

/** Undefined when the reference holds for that runtime; otherwise what is wrong. */
export function checkReference(ref: string, runtime: Runtime): string | undefined {
  const at = ref.indexOf('::')
  if (at < 0) return `"${ref}" is not '<file>::<test title substring>'`
  const path = ref.slice(0, at)
  const wanted = ref.slice(at + 2)
  if (!existsSync(join(root, path))) return `${path} does not exist`
  const shared = path.startsWith('test/shared/')
  if (shared) {
    if (sharedRunners(path, runtime).length === 0) return `no test file of the ${runtime} project runs the suite ${path}`
  } else if (!PROJECT_DIRS[runtime].some((dir) => path.startsWith(dir)) || !path.endsWith('.test.ts')) {
    return `${path} is not a test file of the ${runtime} project (${PROJECT_DIRS[runtime].join(', ')})`
  }
  const file = parse(path)
  const candidates = file.tests.filter((t) => t.title.includes(wanted))
  if (candidates.length === 0) return `${path} has no test whose title includes ${JSON.stringify(wanted)}`
  const reasons: string[] = []
  for (const test of candidates) {
    try {
      const why = gateVerdict(file, test.callee, runtime)
        ?? file.describes.filter((d) => d.open < test.open && d.close > test.open).map((d) => gateVerdict(file, d.callee, runtime)).find(Boolean)
      if (!why) return undefined
      reasons.push(`${path}:${test.line} ${JSON.stringify(test.title)}: ${why}`)
    } catch (error) {
      reasons.push(`${path}:${test.line}: ${(error as Error).message}`)
    }
  }
  return `no matching test runs in ${runtime}: ${reasons.join('; ')}`
}

// ---- the checks ---------------------------------------------------------------------------------------

const MARKERS = /<!-- parity:start -->\n([\s\S]*?)<!-- parity:end -->/

describe('runtime parity table (test/parity.ts)', () => {
  it('has every runtime in every row, and no feature twice', () => {
    for (const row of PARITY) expect(Object.keys(row.cells).sort(), row.feature).toEqual([...RUNTIMES].sort())
    expect(new Set(PARITY.map((r) => r.feature)).size).toBe(PARITY.length)
    for (const row of PARITY) for (const r of RUNTIMES) {
      const cell = row.cells[r]
      if (cell.status === 'note') expect(cell.note, `${row.feature} / ${r}: a note cell needs its note`).toBeTruthy()
    }
  })

  const cells = PARITY.flatMap((row) => RUNTIMES.map((runtime) => ({ feature: row.feature, runtime, cell: row.cells[runtime] })))
  for (const { feature, runtime, cell } of cells) {
    it(`${feature} / ${runtime}: backed by a test that runs there`, () => {
      const problem = checkReference(cell.test, runtime)
      expect(problem, `${cell.test}\n${problem}`).toBeUndefined()
    })
  }

  // A cell that says UnsupportedError names a test that raises it, in that column (the title says so).
  const refusals = cells.flatMap(({ feature, runtime, cell }) => {
    const refs = cell.status === 'unsupported' ? [cell.test] : cell.refused ? [cell.refused] : []
    return [
      ...(cell.status === 'note' && /UnsupportedError/.test(cell.note ?? '') && !cell.refused && !/UnsupportedError/.test(cell.test)
        ? [{ feature, runtime, ref: '', problem: 'the note names an UnsupportedError: give the test that raises it as `refused`' }] : []),
      ...refs.map((ref) => ({ feature, runtime, ref, problem: /::.*UnsupportedError/.test(ref) ? checkReference(ref, runtime) : `${ref}: the title does not say UnsupportedError` })),
    ]
  })
  for (const { feature, runtime, ref, problem } of refusals) {
    it(`${feature} / ${runtime}: the UnsupportedError it names is raised by a test that runs there`, () => {
      expect(problem, `${ref}\n${problem}`).toBeUndefined()
    })
  }

  it('README.md shows the rendered table between the parity markers', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const section = MARKERS.exec(readme)
    expect(section, 'README.md needs <!-- parity:start --> and <!-- parity:end --> on lines of their own').not.toBeNull()
    const expected = `${renderParityTable()}\n`
    if (section![1] !== expected) {
      console.log(`README.md's parity section is out of date. Paste this between the markers:\n\n<!-- parity:start -->\n${expected}<!-- parity:end -->\n`)
    }
    expect(section![1]).toBe(expected)
  })
})

describe('the parity checker itself', () => {
  const file = (src: string) => parseFile(src)
  const verdict = (src: string, runtime: Runtime) => {
    const f = file(src)
    return f.tests.map((t) => gateVerdict(f, t.callee, runtime) ?? f.describes.filter((d) => d.open < t.open && d.close > t.open).map((d) => gateVerdict(f, d.callee, runtime)).find(Boolean) ?? 'runs')
  }

  it('finds titles, escaped quotes and test.each templates', () => {
    const f = file(`it('a \\'quoted\\' title', () => {}); test.each([1, 2])('%s each', (n) => {}); it.each([\n  ['x', 1],\n] as const)('%s multi', () => {})`)
    expect(f.tests.map((t) => t.title)).toEqual(["a 'quoted' title", '%s each', '%s multi'])
  })

  it('evaluates runIf, skipIf, ternaries and describe gates per runtime', () => {
    const src = `
      const web = env.runtime !== 'node';
      it.runIf(web)('r', () => {});
      it.skipIf(env.runtime === 'browser')('s', () => {});
      (env.runtime === 'node' ? it.fails : it.skip)('f', () => {});
      describe.runIf(!web)('d', () => { it('inner', () => { expect(/[)(]/.test('x')).toBe(true) }) });
      it.skip('k', () => {}); it.todo('t');
    `
    expect(verdict(src, 'node')).toEqual([
      '.runIf(…) is false for node', 'runs', '.fails (expected to fail: it does not prove the cell)', 'runs', '.skip', '.todo',
    ])
    expect(verdict(src, 'browser')).toEqual(['runs', '.skipIf(…) is true for browser', '.skip', '.runIf(…) is false for browser', '.skip', '.todo'])
  })

  it('refuses a file outside the column\'s project and a missing title', () => {
    expect(checkReference('test/workerd/limits.test.ts::a total timeout', 'browser')).toMatch(/not a test file of the browser project/)
    expect(checkReference('test/workerd/limits.test.ts::no such test title', 'workerd')).toMatch(/has no test whose title includes/)
  })
})
