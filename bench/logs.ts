/**
 * Log tools at fleet scale (issue 14): valid signed NDJSON exports, one per install,
 * generated here; then the real command line (`logs verify`, `logs report`) in a child
 * process, timed, with its peak resident memory (maxRSS). 100k events (one file) and
 * 1M events (ten files of 100k).
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GENESIS, hashInput } from '../src/core/events/chain.ts';
import { formatEventJson } from '../src/core/events/ndjson.ts';
import { ExportDigest, exportPublicKey, formatTrailer, generateSigningKey, makeTrailer } from '../src/core/events/signature.ts';
import type { EventRecord } from '../src/core/events/types.ts';

const KINDS = [
  { type: 'navigation.warned', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn' },
  { type: 'navigation.proceeded', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn', reason: 'Patient has no other app' },
  { type: 'navigation.blocked', host: 'facetime.apple.com', service: 'facetime', action: 'block' },
  { type: 'link.checked', host: 'us05web.zoom.us', service: 'zoom', action: 'warn', findings: ['personal-room'] },
  { type: 'navigation.redirected', host: 'examplehealth.zoom.us', service: 'zoom', action: 'allow' },
  { type: 'navigation.warned', host: 'web.telegram.org', service: 'telegram', action: 'warn' },
] as const;

/** One install's signed export of `n` events (log.key first), written to `path`. */
export async function writeExport(path: string, n: number, machine: number): Promise<void> {
  const pair = await generateSigningKey();
  const publicKey = await exportPublicKey(pair.publicKey);
  const installId = randomUUID();
  const out = createWriteStream(path);
  const digest = new ExportDigest();
  const t0 = Date.parse('2026-11-01T08:00:00.000Z') + machine * 1000;
  let prev = GENESIS;
  let chunk: string[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const kind: Record<string, unknown> = seq === 1 ? { type: 'log.key', host: null, service: null, action: null } : KINDS[(seq * 7 + machine) % KINDS.length]!;
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
    chunk.push(formatEventJson(record));
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

// The compiled command line (as `npx telehealth-guard` runs it), reporting its own peak memory.
const RUN_CLI = `const { runCli } = await import(${JSON.stringify(resolve('.output/cli/telehealth-guard.mjs'))});
const code = await runCli(process.argv.slice(1));
process.stderr.write('maxrss ' + process.resourceUsage().maxRSS + '\\n');
process.exitCode = code;`;

interface CliRun {
  ms: number;
  peakMB: number;
}

function runCli(args: string[]): CliRun {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', RUN_CLI, ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`logs bench: telehealth-guard ${args.slice(0, 2).join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}${r.stdout.slice(0, 500)}`);
  const rss = /maxrss (\d+)/.exec(r.stderr);
  return { ms, peakMB: rss ? Number(rss[1]) / 1024 : NaN };
}

export interface LogToolsBench {
  eventsPerFile: number;
  files: number;
  verify100k: CliRun & { eventsPerSec: number };
  report100k: CliRun & { eventsPerSec: number };
  report1M: CliRun & { eventsPerSec: number };
}

export async function benchLogTools(opts: { files?: number; eventsPerFile?: number } = {}): Promise<LogToolsBench> {
  const files = opts.files ?? 10;
  const perFile = opts.eventsPerFile ?? 100_000;
  // One call first, so a stale command-line bundle is rebuilt before anything is timed.
  spawnSync(process.execPath, ['bin/telehealth-guard.mjs', '--help']);
  const dir = mkdtempSync(join(tmpdir(), 'thg-logs-bench-'));
  try {
    const paths: string[] = [];
    for (let i = 0; i < files; i++) {
      const p = join(dir, `machine-${i}.ndjson`);
      await writeExport(p, perFile, i);
      paths.push(p);
    }
    const rate = (r: CliRun, events: number) => ({ ...r, eventsPerSec: events / (r.ms / 1000) });
    const verify100k = rate(runCli(['logs', 'verify', paths[0]!]), perFile);
    const report100k = rate(runCli(['logs', 'report', paths[0]!, '--out', join(dir, 'r1.html')]), perFile);
    const report1M = rate(runCli(['logs', 'report', ...paths, '--out', join(dir, 'r10.html')]), perFile * files);
    return { eventsPerFile: perFile, files, verify100k, report100k, report1M };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
