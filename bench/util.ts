import { availableParallelism, loadavg } from 'node:os';

/** Deterministic PRNG (mulberry32): the same URLs and rules on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function timeNs(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function table(rows: Array<[string, string]>): string {
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n');
}

/**
 * The machine's load when a figure was taken. Timings on a shared machine swing with the
 * other work on it: every section records the 1-minute load average and the CPU count at
 * its start and end, and a goal not met while the load exceeded the CPU count is reported
 * "under load", not "MISSED" (it says nothing about the code).
 */
export interface Load {
  load1: number;
  cpus: number;
}

export function loadNow(): Load {
  return { load1: Math.round(loadavg()[0]! * 100) / 100, cpus: availableParallelism() };
}

export interface SectionLoad {
  start: Load;
  end: Load;
  underLoad: boolean;
}

/** Run a section and record the load around it. */
export async function withLoad<T>(run: () => T | Promise<T>): Promise<{ result: T; load: SectionLoad }> {
  const start = loadNow();
  const result = await run();
  const end = loadNow();
  return { result, load: { start, end, underLoad: Math.max(start.load1, end.load1) > start.cpus } };
}

/** A goal's verdict: OK, MISSED, or "under load" when missed on a loaded machine. */
export function verdict(pass: boolean, load: SectionLoad): string {
  return pass ? 'OK' : load.underLoad ? 'under load' : 'MISSED';
}

export function describeLoad(load: SectionLoad): string {
  return `load ${load.start.load1}→${load.end.load1} on ${load.start.cpus} CPUs${load.underLoad ? ', UNDER LOAD' : ''}`;
}
