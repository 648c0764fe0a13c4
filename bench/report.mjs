// Markdown tables and the SVG bar chart, from the runs stored in bench/results/node<major>.json.
//   node bench/report.mjs     re-renders bench/results/latest.md and chart.svg from the stored runs
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDir, median, MiB } from './lib.mjs';

const BASELINE = 'undici.request';
const FETCH_BASED = ['fetch', 'ky', 'ofetch'];
const fmt = (n) => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));
const ratio = (n, base) => (n === undefined || !base ? '—' : `${(n / base).toFixed(2)}×`);
const mib = (bytes) => (bytes === undefined ? '—' : `${(bytes / MiB).toFixed(0)} MiB`);

function rpsMedians(run) {
  const out = {};
  for (const [key, entry] of Object.entries(run.scenarios ?? {})) {
    out[key] = Object.fromEntries(Object.entries(entry.results).map(([client, values]) => [client, median(values)]));
  }
  return out;
}

function transferMedians(run) {
  const out = {};
  for (const [direction, entry] of Object.entries(run.transfers ?? {})) {
    out[direction] = Object.fromEntries(Object.entries(entry.results).map(([client, values]) => [client, {
      mibPerSec: median(values.map((v) => v.mibPerSec)),
      peak: median(values.map((v) => v.peakAboveStart)),
      peakMax: values.length ? Math.max(...values.map((v) => v.peakAboveStart)) : undefined,
    }]));
  }
  return out;
}

function importMedians(run) {
  if (!run.imports) return undefined;
  const overEmpty = (times) => {
    if (!times) return {};
    const empty = median(times.empty);
    return Object.fromEntries(Object.entries(times).filter(([name]) => name !== 'empty').map(([name, t]) => [name, median(t) - empty]));
  };
  return { empty: median(run.imports.times.empty), rows: overEmpty(run.imports.times), first: overEmpty(run.imports.firstRequest) };
}

function targets(run) {
  const rps = rpsMedians(run);
  const transfers = transferMedians(run);
  const imports = importMedians(run);
  const me = 'errand default';
  const lines = [];
  const check = (label, ok, detail) => lines.push(`| ${label} | ${ok === undefined ? 'not measured' : ok ? 'met' : '**not met**'} | ${detail} |`);
  const versus = (key, floor) => {
    const mine = rps[key]?.[me];
    const base = rps[key]?.[BASELINE];
    check(`${run.scenarios?.[key]?.label ?? key} ≥ ${floor}× undici.request`, mine === undefined || !base ? undefined : mine / base >= floor, mine && base ? `${ratio(mine, base)}` : '');
  };
  versus('seq', 0.8);
  versus('get', 0.6);
  versus('post', 0.6);
  for (const key of Object.keys(rps)) {
    const mine = rps[key][me];
    const rivals = FETCH_BASED.filter((c) => rps[key][c] !== undefined);
    if (mine === undefined || !rivals.length) continue;
    const best = rivals.reduce((a, b) => (rps[key][a] >= rps[key][b] ? a : b));
    check(`${run.scenarios[key].label}: ahead of every fetch-based client`, mine > rps[key][best], `${fmt(mine)} vs ${best} ${fmt(rps[key][best])}`);
  }
  for (const direction of Object.keys(transfers)) {
    const mine = transfers[direction][me];
    check(`${mib(run.transfers[direction].bytes)} ${direction}: peak RSS < 100 MiB above the RSS before it`, mine?.peak === undefined ? undefined : mine.peak < 100 * MiB, mine ? `${mib(mine.peak)} (max of rounds ${mib(mine.peakMax)})` : '');
  }
  const up = transfers.upload;
  if (up) {
    const mine = up[me]?.mibPerSec;
    const floor = up['fetch redirect:error']?.mibPerSec;
    check("upload ≥ fetch with redirect: 'error'", mine === undefined || floor === undefined ? undefined : mine >= floor, `${fmt(mine)} vs ${fmt(floor)} MiB/s`);
  }
  if (imports) {
    const mine = imports.rows.errand;
    const rivals = ['ky', 'ofetch'].filter((n) => imports.rows[n] !== undefined);
    const slowest = Math.min(...rivals.map((n) => imports.rows[n]));
    check('cold import no slower than ky or ofetch', mine <= slowest, `${mine.toFixed(1)} ms vs ${rivals.map((n) => `${n} ${imports.rows[n].toFixed(1)} ms`).join(', ')}`);
  }
  return lines;
}

/** The markdown of one run. */
export function renderRun(run) {
  const node = `Node ${run.node}`;
  const out = [];
  out.push(`## ${node}${run.quick ? ' (quick run)' : ''}`, '');
  out.push(`${run.date.slice(0, 16).replace('T', ' ')} UTC · ${run.platform} · median of ${run.rounds} interleaved round${run.rounds > 1 ? 's' : ''}, each client in its own process · loopback HTTP/1.1 keep-alive, server in another process${run.pinned ? ' (server on CPU 1, clients on CPU 0)' : run.pinned === false ? ' (not pinned to CPUs)' : ''}.`);
  out.push(`errand ${run.errand.version} from dist/node.js: default Node adapter \`${run.errand.defaultAdapter}\`; \`UndiciAdapter\` ${run.errand.undiciAdapter ? 'exported and measured' : 'not exported in this build (not measured)'}. Peers: ${Object.entries(run.versions).map(([n, v]) => `${n} ${v ?? '?'}`).join(', ')}.`, '');

  const rps = rpsMedians(run);
  const keys = Object.keys(rps);
  if (keys.length) {
    out.push(`### Requests per second (ratios: × \`undici.request\` on ${node})`, '');
    out.push(`| client | ${keys.map((k) => `${run.scenarios[k].label} (N=${run.scenarios[k].n.toLocaleString('en-US')}) | ×`).join(' | ')} |`);
    out.push(`| --- | ${keys.map(() => '---: | ---:').join(' | ')} |`);
    const clients = Object.keys(run.scenarios[keys[0]].results);
    for (const client of clients) {
      const cells = keys.map((k) => {
        const error = run.scenarios[k].errors?.[client];
        const value = rps[k][client];
        return value === undefined && error ? `error | —` : `${fmt(value)} | ${ratio(value, rps[k][BASELINE])}`;
      });
      const name = client === 'errand default' ? `**errand default** (${run.errand.defaultAdapter})` : client === 'errand baseline' ? 'errand baseline (`--baseline`)' : client.startsWith('errand') ? `errand, ${client.slice(7)} mounted` : client;
      out.push(`| ${name} | ${cells.join(' | ')} |`);
    }
    const errors = keys.flatMap((k) => Object.entries(run.scenarios[k].errors ?? {}).map(([c, e]) => `- ${run.scenarios[k].label}, ${c}: ${e}`));
    if (errors.length) out.push('', 'Errors (a failed round is left out of the median):', ...errors);
    out.push('');
  }

  const transfers = transferMedians(run);
  const directions = Object.keys(transfers);
  if (directions.length) {
    const size = mib(run.transfers[directions[0]].bytes);
    out.push(`### ${size} streamed (MiB/s, and peak RSS above the RSS just before the transfer, after a 16 MiB warm-up and a GC, sampled every 20 ms; ratios × \`undici.request\` on ${node})`, '');
    out.push(`| client | ${directions.map((d) => `${d} MiB/s | × | peak RSS`).join(' | ')} |`);
    out.push(`| --- | ${directions.map(() => '---: | ---: | ---:').join(' | ')} |`);
    const clients = Object.keys(run.transfers[directions[0]].results);
    for (const client of clients) {
      const cells = directions.map((d) => {
        const value = transfers[d][client];
        if (value?.mibPerSec === undefined) return `${run.transfers[d].errors?.[client] ? 'error' : '—'} | — | —`;
        return `${fmt(value.mibPerSec)} | ${ratio(value.mibPerSec, transfers[d][BASELINE]?.mibPerSec)} | ${mib(value.peak)}`;
      });
      const name = client === 'errand default' ? `**errand default** (${run.errand.defaultAdapter})` : client === 'fetch' ? "fetch (redirect: 'follow')" : client === 'fetch redirect:error' ? "fetch (redirect: 'error')" : client.startsWith('errand') ? `errand, ${client.slice(7)} mounted` : client;
      out.push(`| ${name} | ${cells.join(' | ')} |`);
    }
    const errors = directions.flatMap((d) => Object.entries(run.transfers[d].errors ?? {}).map(([c, e]) => `- ${d}, ${c}: ${e}`));
    if (errors.length) out.push('', 'Errors:', ...errors);
    out.push('', 'Upload bodies are async generators of fresh 64 KiB chunks; downloads are read as streams and counted.', '');
  }

  const imports = importMedians(run);
  if (imports) {
    out.push(`### Cold start on ${node} (ms over an empty \`node\` start of ${imports.empty.toFixed(1)} ms; median of ${run.imports.spawns} spawns)`, '');
    out.push('| module | import | import + first GET |', '| --- | ---: | ---: |');
    for (const [name, ms] of Object.entries(imports.rows)) {
      const label = name === 'errand' ? '**errand** (dist/node.js)' : name === 'global fetch' ? "global fetch (import: first `fetch('data:,')`)" : name;
      out.push(`| ${label} | ${ms.toFixed(1)} | ${imports.first[name] === undefined ? '—' : imports.first[name].toFixed(1)} |`);
    }
    out.push('', 'ky and ofetch load Node\'s fetch while they are imported; errand, and the http-based clients, load their transport at the first request: the second column counts that for everyone.', '');
  }

  if (run.size) out.push('### Browser bundle size (`node scripts/size.mjs`: esbuild, minified, gzip -9)', '', run.size, '');

  const goals = targets(run);
  if (goals.length) out.push(`### Targets of issue 4 on ${node} (errand default)`, '', '| target | | measured |', '| --- | --- | --- |', ...goals, '');
  return out.join('\n');
}

/** Every stored run, the current one first, then by Node major (newest first). */
export function loadRuns(resultsDir, current) {
  const runs = readdirSync(resultsDir).filter((f) => /^node\d+\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(resolve(resultsDir, f), 'utf8')));
  const others = runs.filter((r) => !current || r.node.split('.')[0] !== current.node.split('.')[0]);
  others.sort((a, b) => Number(b.node.slice(1).split('.')[0]) - Number(a.node.slice(1).split('.')[0]));
  return current ? [current, ...others] : others;
}

function escapeXml(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const short = (n) => (n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : fmt(n));

/** A grouped horizontal bar chart: one panel per scenario, one row per client, one bar per Node version. */
export function renderChart(runs) {
  runs = [...runs].sort((a, b) => Number(a.node.slice(1).split('.')[0]) - Number(b.node.slice(1).split('.')[0]));
  const colors = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759'];
  const scenarioKeys = [...new Set(runs.flatMap((r) => Object.keys(r.scenarios ?? {})))];
  const clients = [...new Set(runs.flatMap((r) => scenarioKeys.flatMap((k) => Object.keys(r.scenarios?.[k]?.results ?? {}))))];
  const medians = runs.map(rpsMedians);
  const bar = 11;
  const rowHeight = runs.length * bar + 8;
  const labelWidth = 180;
  const panelWidth = 300;
  const gap = 24;
  const top = 74;
  const width = labelWidth + scenarioKeys.length * (panelWidth + gap);
  const height = top + clients.length * rowHeight + 30;
  const parts = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  parts.push(`<text x="12" y="22" font-size="16" font-weight="bold">errand benchmark: requests per second on loopback (keep-alive), higher is better</text>`);
  const legend = runs.map((r, i) => `<rect x="${12 + i * 200}" y="34" width="12" height="12" fill="${colors[i % colors.length]}"/><text x="${30 + i * 200}" y="44">Node ${escapeXml(r.node)}${r.quick ? ' (quick)' : ''}, median of ${r.rounds}</text>`);
  parts.push(...legend);
  scenarioKeys.forEach((key, p) => {
    const x0 = labelWidth + p * (panelWidth + gap);
    const label = runs.find((r) => r.scenarios?.[key])?.scenarios[key].label ?? key;
    parts.push(`<text x="${x0}" y="${top - 8}" font-weight="bold">${escapeXml(label)}</text>`);
    const max = Math.max(1, ...medians.flatMap((m) => Object.values(m[key] ?? {}).filter((v) => v !== undefined)));
    parts.push(`<line x1="${x0}" y1="${top - 2}" x2="${x0}" y2="${top + clients.length * rowHeight}" stroke="#999"/>`);
    clients.forEach((client, row) => {
      runs.forEach((run, v) => {
        const value = medians[v][key]?.[client];
        if (value === undefined) return;
        const y = top + row * rowHeight + v * bar + 2;
        const w = Math.max(1, (value / max) * (panelWidth - 50));
        parts.push(`<rect x="${x0}" y="${y}" width="${w.toFixed(1)}" height="${bar - 1}" fill="${colors[v % colors.length]}"/>`);
        parts.push(`<text x="${(x0 + w + 4).toFixed(1)}" y="${y + bar - 2}" font-size="10" fill="#333">${short(value)}</text>`);
      });
    });
  });
  clients.forEach((client, row) => {
    const y = top + row * rowHeight + rowHeight / 2 + 3;
    const bold = client.startsWith('errand') ? ' font-weight="bold"' : '';
    parts.push(`<text x="${labelWidth - 8}" y="${y}" text-anchor="end"${bold}>${escapeXml(client)}</text>`);
  });
  const platforms = [...new Set(runs.map((r) => r.platform))].join(' · ');
  const pinnedNote = runs.every((r) => r.pinned) ? ' · server on CPU 1, clients on CPU 0 · each client in its own process' : ' · each client in its own process';
  parts.push(`<text x="12" y="${height - 10}" font-size="10" fill="#555">${escapeXml(`${platforms}${pinnedNote}`)}</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** The load tests stored as bench/results/load-node<major>.json, as one markdown table. */
export function renderLoad(resultsDir) {
  const loads = readdirSync(resultsDir).filter((f) => /^load-node\d+\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(resolve(resultsDir, f), 'utf8')))
    .sort((a, b) => Number(b.node.slice(1).split('.')[0]) - Number(a.node.slice(1).split('.')[0]));
  if (!loads.length) return [];
  const open = (s) => s.socketFds ?? s.serverOpen;
  const out = ['## Load test (`npm run bench:load`)', '',
    'GETs on one errand Session against the loopback server, in batches; after each batch, with nothing in flight, heap after `global.gc()` and open sockets are sampled.', '',
    '| Node | adapter | requests, in flight, batch | req/s after warm-up | heap after warm-up → end | open sockets after warm-up → end | new connections after warm-up | result |',
    '| --- | --- | --- | ---: | --- | --- | ---: | --- |'];
  for (const l of loads) {
    out.push(`| ${l.node} | ${l.adapter} | ${l.total.toLocaleString('en-US')}, ${l.concurrency}, ${(l.sampleEvery ?? 5000).toLocaleString('en-US')} | ${fmt(l.reqPerSecAfterWarmup)} | ${(l.warm.heapUsed / MiB).toFixed(1)} → ${(l.end.heapUsed / MiB).toFixed(1)} MiB (${l.heapGrowth >= 0 ? '+' : ''}${(l.heapGrowth * 100).toFixed(1)}%)${l.gc ? '' : ', no gc'} | ${open(l.warm)} → ${open(l.end)} | ${l.newConnectionsAfterWarmup} | ${l.problems.length ? `**failed**: ${l.problems.join('; ')}` : 'ok'} |`);
  }
  out.push('');
  return out;
}

/** latest.md (every stored Node major, the current run first, then the load tests) and chart.svg. */
export function renderAll(resultsDir, current) {
  const runs = loadRuns(resultsDir, current);
  const markdown = [
    '# errand benchmark',
    '',
    'Written by `npm run bench` (bench/run.mjs); the load test is `npm run bench:load`. Ratios hold only for the Node version named with them: Node 24\'s fetch is much faster than Node 20\'s.',
    '',
    '![requests per second](chart.svg)',
    '',
    ...runs.map(renderRun),
    ...renderLoad(resultsDir),
  ].join('\n');
  return { markdown, svg: renderChart(runs) };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const resultsDir = resolve(benchDir, 'results');
  const { markdown, svg } = renderAll(resultsDir);
  writeFileSync(resolve(resultsDir, 'latest.md'), markdown);
  writeFileSync(resolve(resultsDir, 'chart.svg'), svg);
  process.stdout.write(markdown);
}
