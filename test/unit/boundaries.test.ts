// STYLE.md §3: import boundaries, checked from the import specifiers in src/.
// - src/core/** imports only src/core/** (never node:*, undici, tough-cookie, cross-fetch, zod, nor any package);
// - src/browser.ts imports from src/runtime/** only the browser's own transport (src/runtime/xhr-*.ts), and
//   those import only src/core/** and each other (tough-cookie and undici must not reach the browser bundle).
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');
const core = join(src, 'core');
const runtime = join(src, 'runtime');
// The browser build's own runtime modules: the XMLHttpRequest transport (STYLE.md: runtime/xhr-adapter.ts).
const BROWSER_RUNTIME = /^xhr-[\w-]+\.ts$/;
const isBrowserRuntime = (path: string) => inside(path, runtime) && BROWSER_RUNTIME.test(basename(path));
const FORBIDDEN_IN_CORE = /^(node:|undici$|undici\/|tough-cookie$|tough-cookie\/|cross-fetch$|cross-fetch\/|zod$|zod\/)/;
// Packages src/core may import after all. Empty: STYLE.md §3 allows only src/core/**. A platform-free
// package (say a hash library for Digest) goes here only by a decision of the lead, never to silence this test.
// @noble/hashes: pure-JS hashes (MD5 for Digest, which WebCrypto lacks); nothing platform-specific in it.
// http-cache-semantics: the HTTP cache's policy arithmetic (RFC 9111), plain JS over header strings;
// imported only by src/core/cache/policy.ts, which the cache loads with a dynamic import (issue 11).
// eventsource-parser: the HTML standard's event-stream parser, pure string code; reached by dynamic import only.
const ALLOWED_IN_CORE: readonly string[] = ['@noble/hashes', 'http-cache-semantics', 'eventsource-parser'];

/** Every import specifier in TypeScript source: static, type-only, re-exports, side-effect, dynamic, require. */
export function importSpecifiers(source: string): { specifier: string; computed?: true }[] {
  // Comments may mention imports; 'https://' in strings is kept (a line comment needs a space or line start before it).
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
  const found: { specifier: string; computed?: true }[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"`]([^'"`$]+)['"`]/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.push({ specifier: match[1]! });
  for (const match of code.matchAll(/\bimport\s*\(\s*(?!['"][^'"`$]*['"]\s*[,)])([^)]*)\)/g)) {
    found.push({ specifier: match[1]!.trim(), computed: true });
  }
  return found;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name) ? [path] : [];
  });
}

const inside = (path: string, dir: string) => path === dir || path.startsWith(dir + sep);
const show = (path: string) => relative(root, path);

function violations(file: string, source = readFileSync(file, 'utf8')): string[] {
  const problems: string[] = [];
  {
    for (const { specifier, computed } of importSpecifiers(source)) {
      const target = specifier.startsWith('.') ? resolve(dirname(file), specifier) : undefined;
      if (inside(file, core)) {
        if (computed) problems.push(`${show(file)}: dynamic import(${specifier}) with a computed specifier; src/core may import only src/core/** (STYLE.md §3)`);
        else if (FORBIDDEN_IN_CORE.test(specifier)) problems.push(`${show(file)}: imports '${specifier}', which src/core must never import (STYLE.md §3)`);
        else if (!target && ALLOWED_IN_CORE.some((name) => specifier === name || specifier.startsWith(`${name}/`))) continue;
        else if (!target) problems.push(`${show(file)}: imports the package '${specifier}'; src/core may import only src/core/** (STYLE.md §3)`);
        else if (!inside(target, core)) problems.push(`${show(file)}: imports '${specifier}' (${show(target)}), outside src/core (STYLE.md §3)`);
      }
      if (file === join(src, 'browser.ts') && target && inside(target, runtime) && !isBrowserRuntime(target)) {
        problems.push(`${show(file)}: imports '${specifier}' (${show(target)}); the browser entry must not import src/runtime/** but its own xhr-* modules (STYLE.md §3)`);
      }
      if (isBrowserRuntime(file) && (!target || !(inside(target, core) || isBrowserRuntime(target)))) {
        problems.push(`${show(file)}: imports '${specifier}'; the browser's runtime modules import only src/core/** and each other (STYLE.md §3)`);
      }
    }
  }
  return problems;
}

describe('import boundaries', () => {
  it('finds every kind of import (self-check of the scanner)', () => {
    const sample = [
      "import { a } from './a.ts';",
      "import type { B } from 'node:fs';",
      'import {\n  c,\n  type D,\n} from "undici";',
      "export { e } from '../runtime/e.ts';",
      "export * from 'tough-cookie';",
      "export type { F } from 'zod';",
      "import 'cross-fetch/polyfill';",
      "const g = await import('node:crypto');",
      'type H = typeof import("./h.ts");',
      "const i = require('undici');",
      'const j = await import(name);',
      "// import { k } from 'commented-out';",
      "/* import l from 'also-commented'; */",
      "const url = 'https://example.test/import'; // from 'nope'",
    ].join('\n');
    expect(importSpecifiers(sample)).toEqual(expect.arrayContaining([
      { specifier: './a.ts' }, { specifier: 'node:fs' }, { specifier: 'undici' }, { specifier: '../runtime/e.ts' },
      { specifier: 'tough-cookie' }, { specifier: 'zod' }, { specifier: 'cross-fetch/polyfill' }, { specifier: 'node:crypto' },
      { specifier: './h.ts' }, { specifier: 'undici' }, { specifier: 'name', computed: true },
    ]));
    const names = importSpecifiers(sample).map((s) => s.specifier);
    expect(names).not.toContain('commented-out');
    expect(names).not.toContain('also-commented');
    expect(names).not.toContain('nope');
  });

  it('reports each kind of violation, naming the file and the import (self-check of the rules)', () => {
    const inCore = join(core, 'example.ts');
    expect(violations(inCore, "import type { Z } from 'zod';")).toEqual([expect.stringMatching(/src.core.example\.ts: imports 'zod'/)]);
    expect(violations(inCore, "const fs = await import('node:fs');")).toEqual([expect.stringContaining("'node:fs'")]);
    expect(violations(inCore, "export { x } from '../runtime/cookie-jar.ts';")).toEqual([expect.stringContaining('outside src/core')]);
    expect(violations(inCore, "import { y } from 'left-pad';")).toEqual([expect.stringContaining("package 'left-pad'")]);
    expect(violations(inCore, 'const m = await import(moduleName);')).toEqual([expect.stringContaining('computed specifier')]);
    expect(violations(inCore, "import { a } from './a.ts';\nimport type { B } from './sub/b.ts';")).toEqual([]);
    const browser = join(src, 'browser.ts');
    expect(violations(browser, "import { CookieJar } from './runtime/cookie-jar.ts';")).toEqual([
      expect.stringMatching(/src.browser\.ts: imports '\.\/runtime\/cookie-jar\.ts'.*must not import src\/runtime/),
    ]);
    expect(violations(browser, "import { Session } from './core/session.ts';")).toEqual([]);
    expect(violations(browser, "import { XHRAdapter } from './runtime/xhr-adapter.ts';")).toEqual([]);
    expect(violations(join(runtime, 'xhr-adapter.ts'), "import { Agent } from 'undici';")).toEqual([expect.stringContaining('import only src/core')]);
    expect(violations(join(runtime, 'xhr-adapter.ts'), "import { CookieJar } from './cookie-jar.ts';")).toEqual([expect.stringContaining('import only src/core')]);
    expect(violations(join(runtime, 'xhr-adapter.ts'), "import { Response } from '../core/response.ts';\nimport { x } from './xhr-transport.ts';")).toEqual([]);
    // The Node entry may use the runtime folder.
    expect(violations(join(src, 'node.ts'), "import { CookieJar } from './runtime/cookie-jar.ts';")).toEqual([]);
  });

  it('finds the entry files and core modules it is meant to check', () => {
    const files = walk(src).map(show);
    expect(files).toContain(join('src', 'browser.ts'));
    expect(files.filter((f) => f.startsWith(join('src', 'core') + sep)).length).toBeGreaterThan(10);
    // The core really imports its siblings, so a scanner that found nothing would show here.
    expect(importSpecifiers(readFileSync(join(core, 'session.ts'), 'utf8')).length).toBeGreaterThan(3);
  });

  it.each(walk(src).map(show))('%s keeps to them', (file) => {
    const problems = violations(join(root, file));
    expect(problems, `import boundary violations:\n${problems.join('\n')}`).toEqual([]);
  });
});
