// The peak resident set size of this process, in Node, Bun and Deno alike (Linux /proc, through node:fs).
import { readFileSync, writeFileSync } from 'node:fs';

/** VmHWM, in bytes: the most this process has held resident since it started or the last reset. */
export function peakRss(): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024;
}

/** Resets VmHWM to the current resident set size (proc(5), /proc/pid/clear_refs: 5). */
export function resetPeakRss(): void {
  writeFileSync('/proc/self/clear_refs', '5');
}
