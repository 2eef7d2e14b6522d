/**
 * `telehealth-guard logs verify <file.ndjson> [--keys <keys.ndjson>]` and
 * `telehealth-guard logs report <file>… [--out report.html|report.txt] [--keys <keys.ndjson>]
 *    [--install <id>] [--user <account>]`
 * (docs/command-line-and-pages.md; what verify proves and what report counts:
 * docs/audit-trail.md).
 *
 * Output (stable; one line per io.out/io.err call, without a trailing newline):
 *   verify, good:  `OK <file>: <n> events verified, seq <first>–<last>` then indented lines
 *                  saying plainly what was proven (chain, completeness, signer, key pinned
 *                  or not, where the log starts)                                   → exit 0
 *   verify, bad:   `FAIL <file>: seq <s>, line <l>: <reason>` (seq `?` when not an event) → exit 1
 *   report:        one `OK`/`FAIL` line per input file (as verify; FAIL on stderr), each
 *                  conflict and each filter that matched nothing on stderr, then
 *                  `Wrote <out>: <n> events from <m> files (<k> counted)`. Only inputs that
 *                  verify (pinned under --keys) count; exit 1 when any input does not count
 *                  (unreadable, not verified, in a conflict) or a filter matched nothing.
 *   warnings:      `warning: …` on stderr (keys file lines not used; a keys file that is the
 *                  export itself).
 *   usage errors:  message and usage on stderr → exit 2.
 */
import crypto from 'node:crypto';
import { EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, LineTooLongError, lineBatchesOf, type CliIO, type Command } from '../io.ts';
import { inThisThread, WorkerChecker, workersFor, type Checked, type LineChecker } from '../logs/checkers.ts';
import { regionLineAt, sha256Hex } from '../logs/region.ts';
import type { CheckedBatch } from '../../core/events/check-lines.ts';
import { NdjsonLineParser, type NdjsonLine } from '../../core/events/ndjson.ts';
import type { IncrementalSha256 } from '../../core/events/signature.ts';
import { ExportVerifier, parseKeyLines, type ExportVerdict, type KeyPins } from '../../core/events/verify.ts';
import { escapeControls } from '../../core/printable.ts';

export const LOGS_USAGE = `Usage:
  telehealth-guard logs verify <file.ndjson> [--keys <keys.ndjson>]
      Check a signed NDJSON export: every event's hash, the chain links, the count,
      first and last seq and digest against the signed last line, and its signature.
      --keys pins each install's one public key (lines of {"installId","publicKey"},
      e.g. the log.key events your collector received), so a log rebuilt and
      re-signed with another key fails. Exit 0 saying what was proven, or exit 1
      naming the first bad seq or line and why.
  telehealth-guard logs report <file.ndjson>… [--out report.html] [--keys <keys.ndjson>]
                               [--install <id>] [--user <account>]
                               [--as-of <time>] [--silent-days <n>] [--min-browser <v>]
      Merge NDJSON exports from many machines into one self-contained HTML report
      (default report.html; a --out ending in .txt writes plain text, .json the
      summary's data as JSON, docs/audit-trail.md). Only exports
      that verify count (with --keys: signed by their install's pinned key); two
      files holding different events for one install and seq are named as a
      conflict and neither counts. --install / --user (repeatable) keep only those
      events. Exit 1 when any file does not count or a filter matches nothing.
      Coverage: installs silent for more than --silent-days (default 3) before
      --as-of (default now), the policy in force on each, and browsers below
      --min-browser (140 for any, Firefox=128 for one; repeatable).
`;

export function usage(io: CliIO, message: string): number {
  io.err(`telehealth-guard logs: ${message}\n${LOGS_USAGE.trimEnd()}`);
  return EXIT_USAGE;
}

export function failLine(file: string, r: Extract<ExportVerdict, { ok: false }>): string {
  return `FAIL ${file}: seq ${r.seq ?? '?'}, line ${r.line}: ${escapeControls(r.reason)}`;
}

/** The verdict in words: the first line as before, then what exactly was proven. */
export function describe(file: string, r: ExportVerdict, selfPinned = false): string[] {
  if (!r.ok) return [failLine(file, r)];
  const range = r.count === 0 ? 'no events' : `seq ${r.firstSeq}–${r.lastSeq}`;
  const out = [`OK ${file}: ${r.count} events verified, ${range}`];
  if (r.filtered) {
    out.push(
      `  filtered export: exactly these ${r.count} events were exported, unchanged (the signed count and digest cover them); links checked where seqs are consecutive; the events between them that the filter left out are not in the file`,
    );
  } else {
    out.push(`  chain intact: every event's hash matches its content and links to the event before`);
    if (r.count > 0) out.push(`  complete between seq ${r.firstSeq} and ${r.lastSeq}: count, first and last seq and digest match the signed last line`);
  }
  out.push(`  signed by the key of install ${escapeControls(r.installId)} (exported ${escapeControls(r.exportedAt)})`);
  out.push(
    !r.pinned
      ? "  key NOT pinned: the signature only shows the file is as its signer wrote it; pass --keys with the install's log.key to prove who signed"
      : selfPinned
        ? '  key pinned, but from this same file: that proves nothing about who signed it (see the warning)'
        : '  key pinned: it is the key --keys gives for this install',
  );
  if (r.count > 0 && !r.filtered) {
    out.push(r.fromGenesis ? '  starts at the first event the install ever wrote' : `  partial log: starts at seq ${r.firstSeq}, after pruning (log.pruned) of older events`);
  }
  return out;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A CSV export starts with our header; it cannot be verified (quoting is lossy). */
function looksLikeCsv(firstLine: string): boolean {
  return /^\uFEFF?seq,ts,type,/.test(firstLine);
}

/** Node's synchronous SHA-256 (src/cli/logs/region.ts), for the fleet commands too. */
export { sha256Hex };
/** The export digest, hashed as it is read (flat memory). */
export const digest = (): IncrementalSha256 => {
  const h = crypto.createHash('sha256');
  return { update: (t) => void h.update(t), hex: () => h.digest('hex') };
};
/** Long values in the report's tables are keyed by their SHA-256 (report-intake.ts). */
export const fingerprint: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'base64') : (text) => crypto.createHash('sha256').update(text).digest('base64');

/** Lines handed on at once. */
const BATCH = 1024;

export class CsvExport extends Error {}

/**
 * Stream one file: every line is parsed and handed to `each` in batches, so memory stays
 * flat however long the file is; `each` returns false to stop reading (a failed input).
 */
export async function streamLines(io: CliIO, file: string, each: (batch: NdjsonLine[]) => Promise<boolean>, onRaw?: (line: string) => void): Promise<void> {
  const parser = new NdjsonLineParser();
  let batch: NdjsonLine[] = [];
  let first = true;
  for await (const lines of lineBatchesOf(io, file)) {
    for (const raw of lines) {
      if (first) {
        if (looksLikeCsv(raw)) throw new CsvExport();
        first = false;
      }
      onRaw?.(raw);
      parser.push(raw, batch);
      if (batch.length >= BATCH) {
        if (!(await each(batch))) return;
        batch = [];
      }
    }
  }
  batch.push(...parser.end());
  if (batch.length > 0) await each(batch);
}

/** Checkers for a command's inputs: this thread for small ones, one pool of workers shared by the large ones. */
export class Checkers {
  private pool: WorkerChecker | null = null;
  /** `mainBusy`: this thread also adds every event up (logs report): see workersFor. */
  constructor(
    private readonly io: CliIO,
    private readonly mainBusy = false,
  ) {}
  async for(file: string): Promise<LineChecker> {
    // Only for real files and pipes (an IO that reads regions and knows sizes).
    if (!this.io.readRegions || !this.io.size) return inThisThread;
    const n = workersFor(await this.io.size(file).catch(() => null), this.mainBusy);
    if (n === 0) return inThisThread;
    this.pool ??= new WorkerChecker(n);
    return this.pool;
  }
  close(): Promise<void> {
    return this.pool ? this.pool.close() : Promise.resolve();
  }
}

/**
 * Stream one export through a checker (checkers.ts), in file order: regions of lines are read
 * ahead while earlier ones are checked, and `each` gets every batch in order; it returns false
 * to stop reading (a failed input). Memory stays flat however long the file is.
 */
export async function streamChecked(io: CliIO, file: string, checker: LineChecker, events: boolean, each: (batch: CheckedBatch) => boolean): Promise<void> {
  type Region = { bytes?: Buffer; lines?: string[]; count: number };
  const inflight: Array<{ batch: Promise<Checked>; region: Region }> = [];
  // Parsed events cost more to copy between threads than to parse again: with workers, they
  // only check (and hash); this thread parses the events it adds up (logs report) itself.
  // The lines are decoded only then, when the batch is added up, from the bytes the worker
  // handed back: decoded before, they stayed alive while the window was in flight and
  // filled the old generation with garbage (the 1M-event report peaked at 415 MB).
  // Once a batch was added up, its bytes are read again by the next reads (io.releaseRegion).
  const next = async (): Promise<boolean> => {
    const { batch, region } = inflight.shift()!;
    const { batch: b, bytes } = await batch;
    // Only the lines: each event is parsed as it is added up (report-intake.ts), so a region's
    // parsed events never outlive the young generation together.
    if (events && !b.events) {
      const lines = region.lines;
      b.lineAt = lines ? (j) => lines[j]! : regionLineAt(bytes ?? region.bytes!, region.count);
    }
    const go = each(b);
    if (bytes) io.releaseRegion?.(bytes);
    return go;
  };
  let line = 1;
  let first = true;
  const regions: AsyncIterable<{ bytes?: Buffer; lines?: string[]; count: number }> = io.readRegions
    ? (async function* () {
        for await (const r of io.readRegions!(file)) yield { bytes: r.bytes, count: r.lines };
      })()
    : (async function* () {
        for await (const lines of lineBatchesOf(io, file)) yield { lines: [...lines], count: lines.length };
      })();
  for await (const r of regions) {
    if (first) {
      first = false;
      const firstLine = r.lines ? r.lines[0] ?? '' : r.bytes!.subarray(0, Math.max(0, r.bytes!.indexOf(10))).toString('utf8');
      if (looksLikeCsv(firstLine)) throw new CsvExport();
      // A leading BOM (a Windows editor) is not part of the first line.
      if (r.lines && r.lines[0]?.charCodeAt(0) === 0xfeff) r.lines[0] = r.lines[0].slice(1);
      if (r.bytes && r.bytes[0] === 0xef && r.bytes[1] === 0xbb && r.bytes[2] === 0xbf) r.bytes = r.bytes.subarray(3);
    }
    if (r.count === 0) continue;
    const batch = checker.check({ firstLine: line, count: r.count, events: events && checker.here, ...(r.bytes ? { bytes: r.bytes } : { lines: r.lines! }) });
    // A failure is met when its turn comes (awaited in order); until then it is not "unhandled".
    batch.catch(() => {});
    inflight.push({ batch, region: r });
    line += r.count;
    while (inflight.length >= checker.window) if (!(await next())) return;
  }
  while (inflight.length > 0) if (!(await next())) return;
}


/** Why a file could not be read, in words. */
export function readProblem(e: unknown, what: string): string {
  if (e instanceof CsvExport) return `this is a CSV export; ${what} reads the NDJSON export`;
  if (e instanceof LineTooLongError) return e.message;
  return `cannot read: ${errorMessage(e)}`;
}

/** An event that is not a log.key: never a key (parseKeyLines skips it). */
function isOtherEvent(l: NdjsonLine): boolean {
  if (!('value' in l)) return false;
  const v = l.value as { type?: unknown } | null;
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.type === 'string' && v.type !== 'log.key';
}

export async function readKeys(io: CliIO, file: string): Promise<{ keys: KeyPins } | { error: string }> {
  const lines: NdjsonLine[] = [];
  try {
    await streamLines(io, file, async (batch) => {
      // Only the lines parseKeyLines reads: a collector's whole dump given as --keys is mostly
      // other events, and kept they filled the heap (89 MB of them: 260 MB, out of memory
      // with a few GB). Events of any other type are skipped there too.
      for (const l of batch) if (!isOtherEvent(l)) lines.push(l);
      return true;
    });
  } catch (e) {
    return { error: `FAIL ${escapeControls(file)}: cannot read the keys file: ${escapeControls(e instanceof CsvExport ? 'a CSV file' : readProblem(e, 'the keys file'))}` };
  }
  const r = await parseKeyLines(lines, { sha256Hex });
  for (const x of r.ignored) io.err(`warning: ${escapeControls(file)}, line ${x.line}: not used as a key: ${escapeControls(x.reason)}`);
  if (!r.ok) return { error: `FAIL ${escapeControls(file)}: keys file, line ${r.line}: ${escapeControls(r.reason)}` };
  return { keys: r.keys };
}

/**
 * `--keys` of `logs verify` and `logs report`: the pins in the keys file, or its failure said
 * on stderr (exit 1). An input that is the keys file itself (same device and inode) is named
 * in `selfPinned` with a warning (`selfWarning`, each command's words): a key taken from the
 * file being checked proves nothing about who signed it.
 */
export async function pinnedKeysFrom(
  io: CliIO,
  keysFile: string | undefined,
  inputs: readonly string[],
  selfWarning: (input: string) => string,
): Promise<{ keys: KeyPins | undefined; selfPinned: Set<string> } | { exit: number }> {
  const selfPinned = new Set<string>();
  if (keysFile === undefined) return { keys: undefined, selfPinned };
  const k = await readKeys(io, keysFile);
  if ('error' in k) {
    io.err(k.error);
    return { exit: EXIT_PROBLEM };
  }
  for (const f of inputs) {
    if (io.sameFile && (await io.sameFile(keysFile, f))) {
      selfPinned.add(f);
      io.err(`warning: ${selfWarning(f)}`);
    }
  }
  return { keys: k.keys, selfPinned };
}

/**
 * Standard input can be read once: `-` named twice (two inputs, or an input and --keys) would
 * be found empty the second time, a misleading "empty file" failure instead of the mistake.
 */
export function readsStdinTwice(files: readonly string[], keysFile: string | undefined): boolean {
  return [...files, keysFile].filter((f) => f === '-').length > 1;
}
export const STDIN_TWICE = 'standard input (-) is named twice: it can be read only once';

/** Split `--name value` / `--name=value` options from positional arguments. */
export function parseArgs(args: string[], names: { single: string[]; repeat: string[] }): { files: string[]; single: Map<string, string>; repeat: Map<string, string[]> } | { usage: string } {
  const files: string[] = [];
  const single = new Map<string, string>();
  const repeat = new Map<string, string[]>(names.repeat.map((n) => [n, []]));
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!optionsDone && a === '--') {
      optionsDone = true;
      continue;
    }
    if (optionsDone || !a.startsWith('-') || a === '-') {
      files.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq === -1 ? a : a.slice(0, eq);
    if (!names.single.includes(name) && !names.repeat.includes(name)) return { usage: `unknown option ${a}` };
    const value = eq === -1 ? args[++i] : a.slice(eq + 1);
    if (value === undefined || value === '') return { usage: `${name} needs ${name === '--keys' || name === '--out' ? 'a file name' : 'a value'}` };
    if (names.single.includes(name)) {
      if (single.has(name)) return { usage: `${name} given twice` };
      single.set(name, value);
    } else repeat.get(name)!.push(value);
  }
  return { files, single, repeat };
}

async function verify(args: string[], io: CliIO): Promise<number> {
  const p = parseArgs(args, { single: ['--keys'], repeat: [] });
  if ('usage' in p) return usage(io, p.usage);
  if (p.files.length !== 1) return usage(io, p.files.length === 0 ? 'logs verify needs a file' : 'logs verify takes exactly one file');
  const file = p.files[0]!;
  if (readsStdinTwice(p.files, p.single.get('--keys'))) return usage(io, STDIN_TWICE);
  const pins = await pinnedKeysFrom(io, p.single.get('--keys'), [file], () => 'the keys file is the export being verified: a key taken from the file being checked proves nothing about who signed it; use the log.key lines your collector received');
  if ('exit' in pins) return pins.exit;
  const { keys } = pins;
  const selfPinned = pins.selfPinned.size > 0;
  const verifier = new ExportVerifier({ ...(keys ? { keys } : {}), sha256Hex, digest });
  const checkers = new Checkers(io);
  try {
    await streamChecked(io, file, await checkers.for(file), false, (batch) => {
      verifier.addChecked(batch);
      return !verifier.failed; // the first failure is the verdict: stop reading
    });
  } catch (e) {
    io.err(`FAIL ${escapeControls(file)}: ${escapeControls(readProblem(e, 'logs verify'))}`);
    return EXIT_PROBLEM;
  } finally {
    await checkers.close();
  }
  const r = await verifier.finish();
  for (const line of describe(escapeControls(file), r, selfPinned)) io.out(line);
  return r.ok ? EXIT_OK : EXIT_PROBLEM;
}

export const logsCommand: Command = async (args, io) => {
  const [sub, ...rest] = args;
  if (sub === undefined) return usage(io, 'missing subcommand (verify or report)');
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(LOGS_USAGE.trimEnd());
    return EXIT_OK;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(LOGS_USAGE.trimEnd());
    return EXIT_OK;
  }
  if (sub === 'verify') return verify(rest, io);
  // The report's code (the summary, its HTML and text, names in four languages) is loaded only for it: `logs verify` starts without it.
  if (sub === 'report') return (await import('./logs-report.ts')).report(rest, io);
  return usage(io, `unknown subcommand ${sub}`);
};
