// Helpers shared by bench/run.mjs and bench/load.mjs: the server process, child processes, statistics.
import { spawn, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { readdirSync, readlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const root = resolve(benchDir, '..');

// Pinning: the server runs on CPU 1 and every measured process on CPU 0 (taskset), so the two never
// trade places on the scheduler. On this 2-core VM that cut the spread between rounds from about ±40%
// to a few percent. On where Linux has taskset and at least 2 CPUs; off with --no-pin.
export const SERVER_CPU = 1;
export const CLIENT_CPU = 0;
let pin = process.platform === 'linux' && cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Turns pinning off (or back on where it is possible); returns whether it is on. */
export function setPinning(on) {
  pin = Boolean(on) && process.platform === 'linux' && cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  return pin;
}

export const pinning = () => pin;

/**
 * [command, args] for spawn: `argv` run on CPU `cpu` when pinning is on.
 * @param {number} cpu
 * @param {string[]} argv
 * @returns {[string, string[]]}
 */
export function pinned(cpu, argv) {
  return pin ? ['taskset', ['-c', String(cpu), ...argv]] : [argv[0] ?? '', argv.slice(1)];
}

/** Starts bench/server.mjs in its own process; resolves with { port, stop() } once it printed its port. */
export function startServer({ timeoutMs = 15_000 } = {}) {
  const child = spawn(...pinned(SERVER_CPU, [process.execPath, resolve(benchDir, 'server.mjs')]), { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolvePort, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error('bench server did not print its port in time')); }, timeoutMs);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`bench server exited early (code ${code})`)); });
    child.stdout.on('data', (data) => {
      out += data;
      const match = /PORT (\d+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      const pending = [];
      let buffered = '';
      child.stdout.on('data', (data) => {
        buffered += data;
        for (let match; (match = /STATS (\{.*\})\n/.exec(buffered));) {
          buffered = buffered.slice(match.index + match[0].length);
          pending.shift()?.(JSON.parse(match[1]));
        }
      });
      /** The server's connection counts: { accepted, open }. */
      const stats = () => new Promise((answer) => { pending.push(answer); child.stdin.write('stats\n'); });
      const stop = () => new Promise(/** @param {(value?: unknown) => void} done */ (done) => {
        if (child.exitCode !== null) { done(); return; }
        child.once('exit', () => done());
        child.stdin.end();
        setTimeout(() => child.kill('SIGTERM'), 2000).unref();
      });
      resolvePort({ port: Number(match[1]), pid: child.pid, stop, stats });
    });
  });
}

/**
 * Runs `node [nodeArgs] script` with `args` as JSON in argv; the child prints one JSON line on stdout.
 * Resolves with that object, or { error } when the child fails or passes `timeoutMs`.
 * @param {string} script
 * @param {unknown} args
 * @param {{ nodeArgs?: string[], timeoutMs?: number }} [options]
 */
export function runChild(script, args, { nodeArgs = [], timeoutMs = 300_000 } = {}) {
  return new Promise((done) => {
    const child = spawn(...pinned(CLIENT_CPU, [process.execPath, ...nodeArgs, script, JSON.stringify(args)]), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      if (timedOut) { done({ error: `timed out after ${timeoutMs / 1000} s` }); return; }
      try {
        const result = JSON.parse(line);
        if (code !== 0 && !result.error) result.error = `exit ${code}`;
        done(result);
      } catch {
        done({ error: `exit ${code}: ${(stderr || stdout).trim().split('\n').slice(-3).join(' | ').slice(0, 300)}` });
      }
    });
  });
}

export function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return undefined;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Samples process.memoryUsage.rss() every `everyMs`; stop() returns the peak seen above `base`. */
export function rssSampler(everyMs = 20) {
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => { const rss = process.memoryUsage.rss(); if (rss > peak) peak = rss; }, everyMs);
  return {
    base,
    stop() {
      clearInterval(timer);
      const rss = process.memoryUsage.rss();
      if (rss > peak) peak = rss;
      return { baseRss: base, peakRss: peak, peakAboveStart: peak - base };
    },
  };
}

/**
 * This process's TCP sockets as process.getActiveResourcesInfo() lists them (TCPSocketWrap). It
 * lists only handles that keep the event loop alive: undici unrefs an idle keep-alive socket, so
 * this undercounts a pool at rest; see openSocketFds() for every open socket.
 */
export function activeTcpSockets() {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}

/** Every socket file descriptor this process holds (Linux /proc; undefined elsewhere). Includes stdio socketpairs. */
export function openSocketFds() {
  try {
    return readdirSync('/proc/self/fd').filter((fd) => {
      try { return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:'); } catch { return false; }
    }).length;
  } catch {
    return undefined;
  }
}

/** Runs `fn` `total` times with at most `inFlight` calls pending. */
export async function inFlight(total, concurrency, fn) {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      await fn();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

export const MiB = 1024 * 1024;
