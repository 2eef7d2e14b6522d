/**
 * Log tools at fleet scale (issues 14, 19, 25): valid signed NDJSON exports, one per install,
 * generated here; then the real command line (`logs verify`, `logs report`) in a child
 * process, timed, with its peak resident memory (maxRSS) and CPU time.
 *
 * - verify and report of 100,000 events (one plain file), with worker threads and without
 *   (TELEHEALTH_GUARD_LOG_WORKERS=0), beside the floor: the single-core rates of JSON.parse
 *   and SHA-256 over the same events, measured here, in this process;
 * - report of 1,000,000 events (ten installs) carrying 200,000 distinct reasons of ~2 KB
 *   each (500 characters, the schema's limit, most written as \u escapes);
 * - a single line of 1 GB from a pipe, and of 128 MiB in a file: how fast verify and report
 *   refuse it, and their peak memory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import crypto from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GENESIS, hashInput, recordHashInput } from '../src/core/events/chain.ts';
import { formatEventJson } from '../src/core/events/ndjson.ts';
import { ExportDigest, exportPublicKey, formatTrailer, generateSigningKey, makeTrailer } from '../src/core/events/signature.ts';
import type { EventRecord } from '../src/core/events/types.ts';
import { describeLoad, table, verdict, type SectionLoad } from './util.ts';

const KINDS = [
  { type: 'navigation.warned', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn' },
  { type: 'navigation.proceeded', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn', reason: 'Patient has no other app' },
  { type: 'navigation.blocked', host: 'facetime.apple.com', service: 'facetime', action: 'block' },
  { type: 'link.checked', host: 'us05web.zoom.us', service: 'zoom', action: 'warn', findings: ['personal-room'] },
  { type: 'navigation.redirected', host: 'examplehealth.zoom.us', service: 'zoom', action: 'allow' },
  { type: 'navigation.warned', host: 'web.telegram.org', service: 'telegram', action: 'warn' },
] as const;

/** A distinct reason of 500 characters (the schema's limit) for (machine, i). */
function longReason(machine: number, i: number): string {
  const head = `m${machine} r${i} `;
  return head + 'Ο ασθενής δεν έχει άλλη εφαρμογή· 患者没有其他应用程序。 '.repeat(20).slice(0, 500 - head.length);
}
/** Non-ASCII characters as \u escapes, as some exporters write them: ~2 KB per long reason in the file. */
const escapeNonAscii = (line: string) => line.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));

/**
 * One install's signed export of `n` events (log.key first), written to `path`. With
 * `reasons`, every fifth event is a navigation.proceeded with its own 500-character reason.
 */
export async function writeExport(path: string, n: number, machine: number, reasons = false): Promise<void> {
  const pair = await generateSigningKey();
  const publicKey = await exportPublicKey(pair.publicKey);
  const installId = randomUUID();
  const out = createWriteStream(path);
  const digest = new ExportDigest();
  const t0 = Date.parse('2026-11-01T08:00:00.000Z') + machine * 1000;
  let prev = GENESIS;
  let chunk: string[] = [];
  for (let seq = 1; seq <= n; seq++) {
    let kind: Record<string, unknown> = seq === 1 ? { type: 'log.key', host: null, service: null, action: null } : KINDS[(seq * 7 + machine) % KINDS.length]!;
    if (reasons && seq > 1 && seq % 5 === 0) kind = { ...KINDS[1], reason: longReason(machine, seq) };
    const e: Record<string, unknown> = {
      seq,
      ts: new Date(t0 + seq * 30_000).toISOString(),
      ...kind,
      policyVersion: '2026-11-a',
      policySource: 'managed',
      extensionVersion: '1.1.0',
      prev,
      installId,
      ...(seq === 1 ? { publicKey } : {}),
    };
    const hash = createHash('sha256').update(hashInput(prev, e)).digest('hex'); // = hashEvent, synchronously
    const record = { ...e, hash } as unknown as EventRecord;
    digest.add(hash);
    chunk.push(reasons ? escapeNonAscii(formatEventJson(record)) : formatEventJson(record));
    prev = hash;
    if (chunk.length === 2000) {
      if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(chunk.join('\n') + '\n');
  const trailer = await makeTrailer({ digest, firstSeq: 1, lastSeq: n, installId, publicKey, privateKey: pair.privateKey, filtered: false, exportedAt: new Date(t0 + n * 30_000).toISOString() });
  out.end(formatTrailer(trailer) + '\n');
  await once(out, 'finish');
}

// The compiled command line (as `npx telehealth-guard` runs it), reporting its own peak memory and CPU time.
const RUN_CLI = `const { runCli } = await import(${JSON.stringify(resolve('.output/cli/telehealth-guard.mjs'))});
const code = await runCli(process.argv.slice(1));
const ru = process.resourceUsage();
process.stderr.write('maxrss ' + ru.maxRSS + ' cpu ' + (ru.userCPUTime + ru.systemCPUTime) + '\\n');
process.exitCode = code;`;

export interface CliRun {
  ms: number;
  peakMB: number;
  /** CPU seconds of the whole process, all threads. */
  cpuS: number;
}

function measured(stderr: string, ms: number): CliRun {
  const m = /maxrss (\d+) cpu (\d+)/.exec(stderr);
  return { ms, peakMB: m ? Number(m[1]) / 1024 : NaN, cpuS: m ? Number(m[2]) / 1e6 : NaN };
}

function runCli(args: string[], env: Record<string, string> = {}, expectExit = 0): CliRun {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', RUN_CLI, ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...env } });
  const ms = performance.now() - t;
  if (r.status !== expectExit) throw new Error(`logs bench: telehealth-guard ${args.slice(0, 2).join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}${r.stdout.slice(0, 500)}`);
  return measured(r.stderr, ms);
}

/** The command line reading standard input ("-") from a pipe fed with one endless line, until it stops (or `limit` bytes). */
async function runOnEndlessLine(args: string[], limit: number): Promise<CliRun & { fedMB: number }> {
  const t = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', RUN_CLI, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('close', r));
  child.stdin.on('error', () => {});
  const chunk = Buffer.alloc(1 << 20, 0x61);
  let fed = 0;
  child.stdin.write('{"seq":1,"reason":"');
  while (fed < limit && child.exitCode === null && !child.stdin.destroyed) {
    if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r).once('close', r));
    fed += chunk.length;
  }
  child.stdin.end();
  const code = await exited;
  if (code !== 1 || !stderr.includes('is longer than')) throw new Error(`logs bench: an endless line gave exit ${code}: ${stderr.slice(0, 300)}`);
  return { ...measured(stderr, performance.now() - t), fedMB: fed / (1 << 20) };
}

/**
 * Single-core rates of the two things verifying cannot skip, over the same events: JSON.parse
 * of each line and SHA-256 of each hash input — and of the third that the hash's definition
 * adds: the canonical JSON of each parsed event (chain.ts recordHashInput, the fastest way
 * found to write it in JavaScript; a walk cutting it from the line's own text was slower).
 */
function floorOf(path: string): { parsePerSec: number; sha256PerSec: number; canonicalPerSec: number } {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.startsWith('{"seq"'));
  const inputs = lines.map((l) => recordHashInput(JSON.parse(l) as EventRecord));
  const best = (fn: () => void) => {
    let min = Infinity;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      fn();
      min = Math.min(min, performance.now() - t);
    }
    return min;
  };
  const hash = typeof crypto.hash === 'function' ? (x: string) => crypto.hash('sha256', x, 'hex') : (x: string) => createHash('sha256').update(x).digest('hex');
  let sink = 0;
  const parseMs = best(() => {
    for (const l of lines) sink += (JSON.parse(l) as { seq: number }).seq;
  });
  const shaMs = best(() => {
    for (const x of inputs) sink += hash(x).length;
  });
  const values = lines.map((l) => JSON.parse(l) as EventRecord);
  const canonicalMs = best(() => {
    for (const v of values) sink += recordHashInput(v).length;
  });
  if (sink === 0) throw new Error('unreachable');
  return { parsePerSec: lines.length / (parseMs / 1000), sha256PerSec: inputs.length / (shaMs / 1000), canonicalPerSec: values.length / (canonicalMs / 1000) };
}

/**
 * A check worker of the compiled command line (.output/cli/check-worker.mjs), from `new Worker`
 * to its first answer, best of three — timed in a plain node (as the command line runs; this
 * process runs under tsx, whose loader a worker started here would load too).
 */
function workerStartMs(): number {
  const code = `const { Worker } = await import('node:worker_threads');
let min = Infinity;
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  const w = new Worker(${JSON.stringify(resolve('.output/cli/check-worker.mjs'))}, { execArgv: [] });
  await new Promise((ok, fail) => { w.once('message', ok); w.once('error', fail); w.postMessage({ id: 1, firstLine: 1, count: 1, lines: ['{}'], events: false }); });
  min = Math.min(min, performance.now() - t);
  await w.terminate();
}
process.stdout.write(String(min));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  const ms = Number(r.stdout);
  if (r.status !== 0 || !Number.isFinite(ms)) throw new Error(`logs bench: timing a check worker failed: ${r.stderr.slice(0, 300)}`);
  return ms;
}

export interface LogToolsBench {
  eventsPerFile: number;
  files: number;
  verify100k: CliRun & { eventsPerSec: number };
  verify100kOneThread: CliRun & { eventsPerSec: number };
  report100k: CliRun & { eventsPerSec: number };
  report100kOneThread: CliRun & { eventsPerSec: number };
  /** 1,000,000 events, 200,000 distinct ~2 KB reasons. */
  report1M: CliRun & { eventsPerSec: number; distinctReasons: number; htmlKB: number };
  floor: {
    parsePerSec: number;
    sha256PerSec: number;
    oneCorePerSec: number;
    twoCoresPerSec: number;
    wholeCommand100kPerSec: number;
    /** recordHashInput: the canonical JSON the hash is defined over. */
    canonicalPerSec: number;
    /** A check worker from spawn to its first answer. */
    workerStartMs: number;
    /** The whole command at the JavaScript floor: node's start, one worker's start, then every event parsed, written canonically and hashed on two cores. */
    wholeCommandJs100kPerSec: number;
  };
  /** `node -e ''` from spawn to exit (best of three, interleaved with the verify runs): what any command line pays before its first line of code. */
  nodeAloneMs: number;
  /** Whether worker threads beat one thread on verify and report at 100k in this run. */
  workersPay: boolean;
  lineBombs: { verifyPipe1GB: CliRun & { fedMB: number }; reportPipe1GB: CliRun & { fedMB: number }; verifyFile128MiB: CliRun; reportFile128MiB: CliRun };
}

export async function benchLogTools(opts: { files?: number; eventsPerFile?: number } = {}): Promise<LogToolsBench> {
  const files = opts.files ?? 10;
  const perFile = opts.eventsPerFile ?? 100_000;
  // One call first, so a stale command-line bundle is rebuilt before anything is timed.
  spawnSync(process.execPath, ['bin/telehealth-guard.mjs', '--help']);
  const dir = mkdtempSync(join(tmpdir(), 'thg-logs-bench-'));
  try {
    const plain = join(dir, 'plain.ndjson');
    await writeExport(plain, perFile, 99);
    const paths: string[] = [];
    for (let i = 0; i < files; i++) {
      const p = join(dir, `machine-${i}.ndjson`);
      await writeExport(p, perFile, i, true);
      paths.push(p);
    }
    const rate = <R extends CliRun>(r: R, events: number) => ({ ...r, eventsPerSec: events / (r.ms / 1000) });
    const one = { TELEHEALTH_GUARD_LOG_WORKERS: '0' };
    // Interleaved, the better of two each: the load on a shared machine moves between runs.
    const pick = (a: CliRun, b: CliRun) => (a.ms <= b.ms ? a : b);
    const nodeAlone = () => {
      const t = performance.now();
      spawnSync(process.execPath, ['-e', '']);
      return performance.now() - t;
    };
    const startMs: number[] = [];
    const v = [runCli(['logs', 'verify', plain]), runCli(['logs', 'verify', plain], one)];
    startMs.push(nodeAlone());
    v.push(runCli(['logs', 'verify', plain]), runCli(['logs', 'verify', plain], one));
    startMs.push(nodeAlone(), nodeAlone());
    const nodeAloneMs = Math.min(...startMs);
    const verify100k = rate(pick(v[0]!, v[2]!), perFile);
    const verify100kOneThread = rate(pick(v[1]!, v[3]!), perFile);
    const r1 = join(dir, 'r1.html');
    const rr = [runCli(['logs', 'report', plain, '--out', r1]), runCli(['logs', 'report', plain, '--out', r1], one), runCli(['logs', 'report', plain, '--out', r1]), runCli(['logs', 'report', plain, '--out', r1], one)];
    const report100k = rate(pick(rr[0]!, rr[2]!), perFile);
    const report100kOneThread = rate(pick(rr[1]!, rr[3]!), perFile);
    const r10 = join(dir, 'r10.html');
    const report1M = { ...rate(runCli(['logs', 'report', ...paths, '--out', r10]), perFile * files), distinctReasons: Math.floor(perFile / 5) * files, htmlKB: readFileSync(r10).length / 1024 };
    const f = floorOf(plain);
    const oneCore = 1 / (1 / f.parsePerSec + 1 / f.sha256PerSec);
    const jsOneCore = 1 / (1 / f.parsePerSec + 1 / f.sha256PerSec + 1 / f.canonicalPerSec);
    const workerMs = workerStartMs();
    const big = join(dir, 'one-line.ndjson');
    writeFileSync(big, '{"seq":1,"reason":"');
    truncateSync(big, 128 * 1024 * 1024);
    const lineBombs = {
      verifyPipe1GB: await runOnEndlessLine(['logs', 'verify', '-'], 1 << 30),
      reportPipe1GB: await runOnEndlessLine(['logs', 'report', '-', '--out', join(dir, 'bomb.html')], 1 << 30),
      verifyFile128MiB: runCli(['logs', 'verify', big], {}, 1),
      reportFile128MiB: runCli(['logs', 'report', big, '--out', join(dir, 'bomb2.html')], {}, 1),
    };
    return {
      eventsPerFile: perFile,
      files,
      verify100k,
      verify100kOneThread,
      report100k,
      report100kOneThread,
      report1M,
      // The whole command at the floor: node's own start, then every event parsed and hashed on two cores.
      floor: {
        ...f,
        oneCorePerSec: oneCore,
        twoCoresPerSec: 2 * oneCore,
        wholeCommand100kPerSec: perFile / ((nodeAloneMs + (perFile / (2 * oneCore)) * 1000) / 1000),
        workerStartMs: workerMs,
        wholeCommandJs100kPerSec: perFile / ((nodeAloneMs + workerMs + (perFile / (2 * jsOneCore)) * 1000) / 1000),
      },
      nodeAloneMs,
      workersPay: verify100k.ms < verify100kOneThread.ms && report100k.ms < report100kOneThread.ms,
      lineBombs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The section as `npm run bench` prints it, and its figures for `--json`. */
export function logToolsReport(t: LogToolsBench, load: SectionLoad): { text: string; json: Record<string, number | boolean> } {
  const mb = (v: number) => `${v.toFixed(0)} MB`;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const n = (v: number) => Math.round(v).toLocaleString('en');
  const run = (r: CliRun & { eventsPerSec: number }) => `${s(r.ms)} = ${n(r.eventsPerSec)} events/s, peak ${mb(r.peakMB)}, CPU ${r.cpuS.toFixed(2)} s`;
  const f = t.floor;
  const afterStart = (r: CliRun) => t.eventsPerFile / (Math.max(1, r.ms - t.nodeAloneMs) / 1000);
  const text = [
    `\nLog tools on valid signed exports, the compiled command line in a new process (start-up included), peak resident memory and CPU time of all its threads (${describeLoad(load)})`,
    table([
      ['floor, one core (this process)', `JSON.parse ${n(f.parsePerSec)} lines/s, SHA-256 ${n(f.sha256PerSec)} events/s → both ${n(f.oneCorePerSec)}/s on one core, ${n(f.twoCoresPerSec)}/s on two`],
      [
        '  with what the hash adds',
        `+ canonical JSON ${n(f.canonicalPerSec)} events/s → the whole command at that floor (node's start, a worker's start ${f.workerStartMs.toFixed(0)} ms, then parse + canonical JSON + SHA-256 of every event on two cores, no checks, no warm-up) ${n(f.wholeCommandJs100kPerSec)}/s on 100k events`,
      ],
      ['logs verify, 100k events', `${run(t.verify100k)}  = ${(t.verify100k.eventsPerSec / f.twoCoresPerSec).toFixed(2)}× the two-core floor  (goal ≥ 300,000/s: ${verdict(t.verify100k.eventsPerSec >= 300_000, load)})`],
      [
        '  the same, after node starts',
        `${n(afterStart(t.verify100k))} events/s: the whole command's time less node's own start (node -e '' ${t.nodeAloneMs.toFixed(0)} ms); at the floor the whole command would do ${n(f.wholeCommand100kPerSec)}/s on 100k events`,
      ],
      ['  one thread (workers off)', `${run(t.verify100kOneThread)}  = ${(t.verify100kOneThread.eventsPerSec / f.oneCorePerSec).toFixed(2)}× the one-core floor`],
      ['logs report, 100k events', run(t.report100k)],
      ['  one thread (workers off)', run(t.report100kOneThread)],
      ['worker threads', t.workersPay ? 'pay: faster than one thread for verify and report' : `do not pay in this run (verify ${(t.verify100kOneThread.ms / t.verify100k.ms).toFixed(2)}×, report ${(t.report100kOneThread.ms / t.report100k.ms).toFixed(2)}× one thread's time)${load.underLoad ? ' — measured under load: check on a quiet machine' : ''}`],
      [
        `logs report, ${n(t.files * t.eventsPerFile)} events`,
        `${n(t.report1M.distinctReasons)} distinct ~2 KB reasons: ${run(t.report1M)}; HTML ${t.report1M.htmlKB.toFixed(0)} KB  (goals < 300 MB: ${t.report1M.peakMB < 300 ? 'OK' : 'MISSED'}; ≥ 100,000/s: ${verdict(t.report1M.eventsPerSec >= 100_000, load)})`,
      ],
      ['one 1 GB line from a pipe', `verify ${s(t.lineBombs.verifyPipe1GB.ms)}, peak ${mb(t.lineBombs.verifyPipe1GB.peakMB)} (fed ${t.lineBombs.verifyPipe1GB.fedMB} MiB before it stopped reading); report ${s(t.lineBombs.reportPipe1GB.ms)}, peak ${mb(t.lineBombs.reportPipe1GB.peakMB)}  (goals < 1 s, < 100 MB: ${verdict(Math.max(t.lineBombs.verifyPipe1GB.ms, t.lineBombs.reportPipe1GB.ms) < 1000, load)}, ${Math.max(t.lineBombs.verifyPipe1GB.peakMB, t.lineBombs.reportPipe1GB.peakMB) < 100 ? 'OK' : 'MISSED'})`],
      ['one 128 MiB line in a file', `verify ${s(t.lineBombs.verifyFile128MiB.ms)}, peak ${mb(t.lineBombs.verifyFile128MiB.peakMB)}; report ${s(t.lineBombs.reportFile128MiB.ms)}, peak ${mb(t.lineBombs.reportFile128MiB.peakMB)}`],
    ]),
  ].join('\n');
  const r = Math.round;
  return {
    text,
    json: {
      logsVerifyEventsPerSec100k: r(t.verify100k.eventsPerSec),
      logsVerifyPeakMB100k: r(t.verify100k.peakMB),
      logsVerifyEventsPerSec100kAfterNodeStart: r(afterStart(t.verify100k)),
      logsNodeAloneMs: r(t.nodeAloneMs),
      logsFloorWholeCommand100kPerSec: r(f.wholeCommand100kPerSec),
      logsVerifyEventsPerSec100kOneThread: r(t.verify100kOneThread.eventsPerSec),
      logsFloorJsonParsePerSec: r(f.parsePerSec),
      logsFloorSha256PerSec: r(f.sha256PerSec),
      logsFloorOneCorePerSec: r(f.oneCorePerSec),
      logsFloorTwoCoresPerSec: r(f.twoCoresPerSec),
      logsFloorCanonicalJsonPerSec: r(f.canonicalPerSec),
      logsWorkerStartMs: r(f.workerStartMs),
      logsFloorWholeCommandJs100kPerSec: r(f.wholeCommandJs100kPerSec),
      logsReportEventsPerSec100k: r(t.report100k.eventsPerSec),
      logsReportPeakMB100k: r(t.report100k.peakMB),
      logsReportEventsPerSec100kOneThread: r(t.report100kOneThread.eventsPerSec),
      logsWorkersPay: t.workersPay,
      logsReportEventsPerSec1M: r(t.report1M.eventsPerSec),
      logsReportPeakMB1M: r(t.report1M.peakMB),
      logsReportHtmlKB1M: r(t.report1M.htmlKB),
      logsLineBombVerifyMs: r(t.lineBombs.verifyPipe1GB.ms),
      logsLineBombVerifyPeakMB: r(t.lineBombs.verifyPipe1GB.peakMB),
      logsLineBombReportMs: r(t.lineBombs.reportPipe1GB.ms),
      logsLineBombReportPeakMB: r(t.lineBombs.reportPipe1GB.peakMB),
    },
  };
}
