/**
 * A fleet in ClickHouse at scale (issue 22, docs/fleet.md): 1,000 installs ×
 * 10,000 events = 10,000,000 events in signed NDJSON exports, generated here (two months:
 * warnings, proceeds with reasons, blocks, meeting links, capture, incidents, a heartbeat
 * a day; some installs silent for the last 12 days, two policy versions, seven browsers).
 * Then, each in a new process of the compiled command line, timed, with its peak RSS:
 *   - `fleet load` of all 1,000 exports into a private ClickHouse server (load rate);
 *   - `fleet report` (the engine's queries) and `fleet verify`;
 *   - `logs report` on the same files (the yardstick);
 * and the server's memory: its peak RSS (VmHWM) and the largest report query's own
 * memory (system.query_log).
 *
 * Standalone: `flock /work/.locks/bench npx tsx bench/fleet.ts [--installs N] [--events N]`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ClickHouse } from '../src/cli/fleet/clickhouse.ts';
import { canonicalJson } from '../src/core/events/canonical.ts';
import { GENESIS, hashInput } from '../src/core/events/chain.ts';
import { formatEventJson } from '../src/core/events/ndjson.ts';
import { ExportDigest, exportPublicKey, formatTrailer, generateSigningKey, makeTrailer } from '../src/core/events/signature.ts';
import type { EventRecord } from '../src/core/events/types.ts';
import { startClickHouse } from '../test/clickhouse/server.ts';
import { describeLoad, loadNow, table, withLoad } from './util.ts';

const KINDS: Array<Record<string, unknown>> = [
  { type: 'navigation.warned', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn' },
  { type: 'navigation.proceeded', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn', reason: 'Patient has no other app' },
  { type: 'navigation.blocked', host: 'facetime.apple.com', service: 'facetime', action: 'block' },
  { type: 'link.checked', host: 'us05web.zoom.us', service: 'zoom', action: 'warn', findings: ['personal-room'] },
  { type: 'navigation.redirected', host: 'examplehealth.zoom.us', service: 'zoom', action: 'allow' },
  { type: 'navigation.warned', host: 'web.telegram.org', service: 'telegram', action: 'warn' },
  { type: 'link.checked', host: 'examplehealth.zoom.us', service: 'zoom', action: 'allow', findings: [] },
  { type: 'navigation.proceeded', host: 'web.telegram.org', service: 'telegram', action: 'warn', reason: 'Interpreter only on Telegram' },
  { type: 'link.checked', host: 'meet.example.org', service: null, action: 'block', findings: ['wrapped-unresolved', 'public-room'] },
  { type: 'media.used', host: 'meet.jit.si', service: null, action: 'allow', findings: ['camera', 'microphone'] },
  { type: 'navigation.warned', host: 'signal.me', service: 'signal', action: 'warn' },
  { type: 'schedule.checked', host: 'zoom.us', service: 'zoom', action: null, findings: [] },
];
const BROWSERS = ['Chrome 142.0.7444.59', 'Chrome 141.0.7390.122', 'Edge 141.0.3537.71', 'Firefox 153.0', 'Chrome 120.0.6099.224', 'Chromium 156.0.8078.73', 'Firefox 128.0'];
const START = Date.parse('2026-10-01T06:00:00.000Z');
const DAYS = 60;
/** The report's "now": the end of the two months. */
export const FLEET_BENCH_NOW = new Date(START + DAYS * 86_400_000).toISOString();

const installIdOf = (i: number) => `${i.toString(16).padStart(8, '0')}-f1ee-4b00-8000-${(i * 7919).toString(16).padStart(12, '0')}`;

/** One install's signed export of `n` events, written to `path`. */
export async function writeInstall(path: string, n: number, i: number): Promise<void> {
  const pair = await generateSigningKey();
  const publicKey = await exportPublicKey(pair.publicKey);
  const installId = installIdOf(i);
  const silent = i % 20 === 0; // the last 12 days without a word
  const span = (silent ? DAYS - 12 : DAYS) * 86_400_000;
  const t0 = START + (i % 97) * 1000;
  const step = span / n;
  const onNewPolicy = i % 5 !== 0;
  const user = i % 3 === 0 ? `clinician${i}@examplehealth.org` : undefined;
  const out = createWriteStream(path);
  const digest = new ExportDigest();
  let prev = GENESIS;
  let day = '';
  let chunk: string[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const ts = new Date(Math.floor(t0 + (seq - 1) * step)).toISOString();
    const today = ts.slice(0, 10);
    const policyVersion = onNewPolicy && seq > n / 2 ? '2026-11-b' : '2026-10-a';
    let kind: Record<string, unknown>;
    if (seq === 1) kind = { type: 'log.key', host: null, service: null, action: null, publicKey };
    else if (today !== day) kind = { type: 'install.heartbeat', host: null, service: null, action: null, browser: BROWSERS[i % BROWSERS.length] };
    else if (seq % 997 === 0) kind = { type: 'incident.reported', host: 'web.whatsapp.com', service: null, action: null, incident: 'wrong-recipient', note: `Sent to the wrong chat (${i}/${seq})` };
    else if (seq % 101 === 0) kind = { type: 'navigation.proceeded', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn', reason: `Case ${i}-${seq}: family asked for photos` };
    else kind = KINDS[(seq * 7 + i) % KINDS.length]!;
    day = today;
    const e: Record<string, unknown> = {
      seq,
      ts,
      ...kind,
      policyVersion,
      policySource: 'managed',
      extensionVersion: '1.2.0',
      installId,
      ...(user && seq % 2 === 0 ? { user } : {}),
      prev,
    };
    const hash = createHash('sha256').update(hashInput(prev, e)).digest('hex');
    digest.add(hash);
    chunk.push(formatEventJson({ ...e, hash } as unknown as EventRecord));
    prev = hash;
    if (chunk.length === 2000) {
      if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(chunk.join('\n') + '\n');
  const trailer = await makeTrailer({ digest, firstSeq: 1, lastSeq: n, installId, publicKey, privateKey: pair.privateKey, filtered: false, exportedAt: FLEET_BENCH_NOW });
  out.end(formatTrailer(trailer) + '\n');
  await once(out, 'finish');
}

// The compiled command line in a new process, reporting its own peak memory.
const RUN_CLI = `const { runCli } = await import(${JSON.stringify(resolve('.output/cli/telehealth-guard.mjs'))});
const code = await runCli(process.argv.slice(1));
process.stderr.write('maxrss ' + process.resourceUsage().maxRSS + '\\n');
process.exitCode = code;`;

interface CliRun {
  ms: number;
  peakMB: number;
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run the command line; a run that ends with an exit code not in `ok` (or by a signal)
 * stops the bench with the command, its exit code and the last lines it wrote to stderr,
 * so a failure says why instead of surfacing later as a missing output file.
 */
function runCli(args: string[], ok: readonly number[] = [0]): CliRun {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', RUN_CLI, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t;
  const rss = /maxrss (\d+)/.exec(r.stderr ?? '');
  const stderr = (r.stderr ?? '').replace(/^maxrss \d+\n?/m, '');
  if (r.status === null || !ok.includes(r.status)) {
    const how = r.status === null ? `was killed by ${r.signal}` : `exited ${r.status}`;
    const tail = (text: string, n: number) => text.trimEnd().split('\n').slice(-n).join('\n    ');
    throw new Error(
      `fleet bench: telehealth-guard ${args.filter((a) => !a.endsWith('.ndjson')).join(' ')} ${how} after ${(ms / 1000).toFixed(1)} s${r.error ? ` (${r.error.message})` : ''}\n  stderr (last lines):\n    ${tail(stderr, 15) || '(none)'}\n  stdout (last lines):\n    ${tail(r.stdout ?? '', 5) || '(none)'}`,
    );
  }
  return { ms, peakMB: rss ? Number(rss[1]) / 1024 : NaN, code: r.status, stdout: r.stdout, stderr };
}

/**
 * Every figure of the two Summaries equal: all but the inputs table (files there, installs
 * here) and the report's own time, as test/cli/fleet/report.clickhouse.test.ts compares them.
 */
function sameFigures(a: string, b: string): boolean {
  const strip = (t: string) => {
    const { generatedAt: _g, inputs: _i, exclusions: _e, conflicts, ...rest } = JSON.parse(t) as Record<string, unknown> & { conflicts: Array<{ installId: string }> };
    return { ...rest, conflicts: conflicts.map((c) => c.installId) } as Record<string, unknown>;
  };
  const x = strip(a);
  const y = strip(b);
  const differ = Object.keys({ ...x, ...y }).filter((k) => canonicalJson(x[k] ?? null) !== canonicalJson(y[k] ?? null));
  if (differ.length > 0) console.log(`  (fields that differ: ${differ.join(', ')})`);
  return differ.length === 0;
}

/** The server's peak and current resident memory (kB in /proc → MB). */
function serverMemory(pid: number): { peakMB: number; rssMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { peakMB: kb('VmHWM') / 1024, rssMB: kb('VmRSS') / 1024 };
}

export interface FleetBench {
  installs: number;
  eventsPerInstall: number;
  events: number;
  generateMs: number;
  load: CliRun & { eventsPerSec: number };
  serverAfterLoad: { peakMB: number; rssMB: number };
  diskMB: number;
  report: (CliRun & { maxQueryMB: number; queries: number }) | null;
  verify: CliRun | null;
  logsReport: CliRun & { eventsPerSec: number };
  serverPeakMB: number;
  sameTotals: boolean | null;
}

export async function benchFleet(opts: { installs?: number; eventsPerInstall?: number } = {}): Promise<FleetBench> {
  const installs = opts.installs ?? 1000;
  const perInstall = opts.eventsPerInstall ?? 10_000;
  spawnSync(process.execPath, ['bin/telehealth-guard.mjs', '--help']); // a stale bundle is rebuilt before anything is timed
  const dir = mkdtempSync(join(tmpdir(), 'tg-fleet-bench-'));
  let server: Awaited<ReturnType<typeof startClickHouse>> | undefined;
  // Interrupted (Ctrl-C, SIGTERM from a timeout): the exports (4 GB at full size) and the
  // server's folder go too. A child run by spawnSync dies with the signal's process group;
  // for a signal to this process alone, the handler runs once the child returns.
  const onSignal = (sig: NodeJS.Signals) => {
    if (server) {
      try {
        process.kill(server.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      rmSync(server.dataDir, { recursive: true, force: true });
    }
    rmSync(dir, { recursive: true, force: true });
    console.error(`fleet bench: ${sig}: server stopped, ${dir} removed`);
    process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    server = await startClickHouse();
    const t0 = performance.now();
    const paths: string[] = [];
    for (let i = 0; i < installs; i++) {
      const p = join(dir, `install-${i}.ndjson`);
      await writeInstall(p, perInstall, i);
      paths.push(p);
    }
    const generateMs = performance.now() - t0;
    const events = installs * perInstall;
    // log_queries: the report's own queries and their memory, from system.query_log.
    const url = `${server.url}/?log_queries=1`;
    const load = runCli(['fleet', 'load', ...paths, '--clickhouse', url]);
    const serverAfterLoad = serverMemory(server.pid);
    const client = new ClickHouse(server.url);
    const [disk] = await client.query<{ bytes: number }>(`SELECT sum(bytes_on_disk) AS bytes FROM system.parts WHERE active AND database = 'telehealth_guard'`);
    let report: FleetBench['report'] = null;
    let sameTotals: boolean | null = null;
    // The same coverage options for both, and the Summary itself (--out *.json) to compare.
    const coverage = ['--as-of', FLEET_BENCH_NOW, '--silent-days', '10', '--min-browser', '141', '--min-browser', 'Firefox=140'];
    const logsReport = runCli(['logs', 'report', ...paths, '--out', join(dir, 'logs.json'), ...coverage]);
    const hasReport = spawnSync(process.execPath, ['bin/telehealth-guard.mjs', 'fleet', 'report'], { encoding: 'utf8' }).stderr.includes('unknown subcommand') === false;
    if (hasReport) {
      await client.exec('SYSTEM FLUSH LOGS');
      const before = Date.now();
      const r = runCli(['fleet', 'report', '--clickhouse', url, '--out', join(dir, 'fleet.json'), ...coverage]);
      await client.exec('SYSTEM FLUSH LOGS');
      const [q] = await client.query<{ mb: number; n: number }>(`SELECT max(memory_usage) / 1048576 AS mb, count() AS n FROM system.query_log WHERE type = 2 AND event_time >= toDateTime(${Math.floor(before / 1000)}) AND query LIKE '%telehealth_guard.events%' AND query NOT LIKE '%query_log%'`);
      report = { ...r, maxQueryMB: q!.mb, queries: q!.n };
      sameTotals = sameFigures(readFileSync(join(dir, 'fleet.json'), 'utf8'), readFileSync(join(dir, 'logs.json'), 'utf8'));
      if (!sameTotals && process.env.TG_FLEET_BENCH_KEEP) {
        copyFileSync(join(dir, 'fleet.json'), `${process.env.TG_FLEET_BENCH_KEEP}-fleet.json`);
        copyFileSync(join(dir, 'logs.json'), `${process.env.TG_FLEET_BENCH_KEEP}-logs.json`);
      }
    }
    const verify = runCli(['fleet', 'verify', '--clickhouse', url]);
    return {
      installs,
      eventsPerInstall: perInstall,
      events,
      generateMs,
      load: { ...load, eventsPerSec: events / (load.ms / 1000) },
      serverAfterLoad,
      diskMB: Number(disk!.bytes) / 1048576,
      report,
      verify,
      logsReport: { ...logsReport, eventsPerSec: events / (logsReport.ms / 1000) },
      serverPeakMB: serverMemory(server.pid).peakMB,
      sameTotals,
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench's lines (bench/run.ts prints them in its run). */
export function printFleet(f: FleetBench, load: Parameters<typeof describeLoad>[0]): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const mb = (v: number) => `${v.toFixed(0)} MB`;
  console.log(`\nFleet in ClickHouse ${'(18.16, one local server)'}: ${f.installs.toLocaleString('en')} installs × ${f.eventsPerInstall.toLocaleString('en')} = ${f.events.toLocaleString('en')} events in signed exports, the compiled command line in a new process (${describeLoad(load)})`);
  console.log(
    table([
      ['fleet load (verify + insert)', `${s(f.load.ms)} = ${f.load.eventsPerSec.toFixed(0)} events/s, client peak ${mb(f.load.peakMB)}; table ${mb(f.diskMB)} on disk; server RSS ${mb(f.serverAfterLoad.rssMB)} after (peak ${mb(f.serverAfterLoad.peakMB)})`],
      ['fleet report (engine queries)', f.report ? `${s(f.report.ms)}, client peak ${mb(f.report.peakMB)}; largest query ${mb(f.report.maxQueryMB)} in the server (${f.report.queries} queries)` : 'not measured (no fleet report in this build)'],
      ['logs report, same exports', `${s(f.logsReport.ms)} = ${f.logsReport.eventsPerSec.toFixed(0)} events/s, peak ${mb(f.logsReport.peakMB)}${f.report ? `  (fleet report ${(f.logsReport.ms / f.report.ms).toFixed(1)}× faster; every figure the same: ${f.sameTotals ? 'yes' : 'NO'})` : ''}`],
      ['fleet verify (continuity, re-hash, anchors)', f.verify ? `${s(f.verify.ms)} = ${(f.events / (f.verify.ms / 1000)).toFixed(0)} events/s, client peak ${mb(f.verify.peakMB)}, exit ${f.verify.code}` : 'not measured'],
      ['server peak RSS over the run', mb(f.serverPeakMB)],
      ['(generating the exports)', s(f.generateMs)],
    ]),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  console.log(`Machine: ${loadNow().cpus} CPUs, load ${loadNow().load1} (1-min average).`);
  const { result, load } = await withLoad(() => benchFleet({ installs: arg('--installs'), eventsPerInstall: arg('--events') }));
  printFleet(result, load);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ ...result, load: { start: load.start.load1, end: load.end.load1 }, report: result.report && { ms: result.report.ms, peakMB: result.report.peakMB, maxQueryMB: result.report.maxQueryMB }, verify: result.verify && { ms: result.verify.ms, peakMB: result.verify.peakMB }, loadRun: undefined }));
  }
}
