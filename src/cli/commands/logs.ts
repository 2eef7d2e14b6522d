/**
 * `telehealth-guard logs verify <file.ndjson> [--keys <keys.ndjson>]` and
 * `telehealth-guard logs report <file>… [--out report.html] [--install <id>] [--user <account>]`
 * (docs/command-line-and-pages.md; what verify proves is in README, "Verifying an export").
 *
 * Output (stable; one line per io.out/io.err call, without a trailing newline):
 *   verify, good:  `OK <file>: <n> events verified, seq <first>–<last>` then indented lines
 *                  saying plainly what was proven (chain, completeness, signer, key pinned
 *                  or not, where the log starts)                                   → exit 0
 *   verify, bad:   `FAIL <file>: seq <s>, line <l>: <reason>` (seq `?` when not an event) → exit 1
 *   report:        one `OK`/`FAIL` line per input file on stdout (as verify), then
 *                  `Wrote <out>: <n> events from <m> files (<k> verified)`.
 *                  Exit 1 when a file cannot be read or is not an NDJSON export (the
 *                  report is still written from the others); a file that does not
 *                  verify is still reported, marked NOT VERIFIED, with exit 0.
 *   usage errors:  message and usage on stderr → exit 2.
 */
import crypto from 'node:crypto';
import { EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, lineBatchesOf, type CliIO, type Command } from '../io.ts';
import type { VerifyResult } from '../../core/events/chain.ts';
import { NdjsonLineParser, parseNdjsonLines, type NdjsonLine } from '../../core/events/ndjson.ts';
import { renderReportHtml } from '../../core/events/report-html.ts';
import { checkEventRecord } from '../../core/events/schema.ts';
import { SIGNATURE_TYPE } from '../../core/events/signature.ts';
import { SummaryBuilder } from '../../core/events/summary.ts';
import { ExportVerifier, parseKeyLines, type ExportVerdict, type KeyPins } from '../../core/events/verify.ts';
import { escapeControls } from '../../core/printable.ts';

export const LOGS_USAGE = `Usage:
  telehealth-guard logs verify <file.ndjson> [--keys <keys.ndjson>]
      Check a signed NDJSON export: every event's hash, the chain links, the count,
      first and last seq and digest against the signed last line, and its signature.
      --keys pins each install's public key (lines of {"installId","publicKey"},
      e.g. the log.key events your collector received), so a log rebuilt and
      re-signed with another key fails. Exit 0 saying what was proven, or exit 1
      naming the first bad seq or line and why.
  telehealth-guard logs report <file.ndjson>… [--out report.html] [--install <id>] [--user <account>]
      Merge NDJSON exports from many machines into one self-contained HTML report
      (default report.html), by install and user. Each file is verified and the
      result shown. --install / --user (repeatable) keep only those events.
`;

function usage(io: CliIO, message: string): number {
  io.err(`telehealth-guard logs: ${message}\n${LOGS_USAGE.trimEnd()}`);
  return EXIT_USAGE;
}

function failLine(file: string, r: Extract<ExportVerdict | VerifyResult, { ok: false }>): string {
  return `FAIL ${file}: seq ${r.seq ?? '?'}, line ${r.line}: ${escapeControls(r.reason)}`;
}

/** The verdict in words: the first line as before, then what exactly was proven. */
function describe(file: string, r: ExportVerdict): string[] {
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
  out.push(`  signed by the key of install ${r.installId} (exported ${r.exportedAt})`);
  out.push(
    r.pinned
      ? '  key pinned: it is the key --keys gives for this install'
      : "  key NOT pinned: the signature only shows the file is as its signer wrote it; pass --keys with the install's log.key to prove who signed",
  );
  if (r.count > 0 && !r.filtered) {
    out.push(r.fromGenesis ? '  starts at the first event the install ever wrote' : `  partial log: starts at seq ${r.firstSeq}, after pruning (log.pruned) of older events`);
  }
  return out;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A CSV export starts with our header; it cannot be verified (quoting is lossy). */
function looksLikeCsv(firstLine: string): boolean {
  return /^\uFEFF?seq,ts,type,/.test(firstLine);
}

/**
 * Node's synchronous SHA-256: the same hash as WebCrypto's, without a promise per event;
 * the one-shot crypto.hash (Node ≥ 20.12) where there is one, half the cost of a Hash object.
 */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** Lines fed to the verifier at once (their hashes are computed concurrently). */
const BATCH = 1024;

class CsvExport extends Error {}

/**
 * Stream one export: every line is parsed and handed to `each` in batches, so memory
 * stays flat however long the file is (issue 14: a fleet's logs on one machine).
 */
async function streamExport(io: CliIO, file: string, each: (batch: NdjsonLine[]) => Promise<void>): Promise<void> {
  const parser = new NdjsonLineParser();
  let batch: NdjsonLine[] = [];
  let first = true;
  for await (const lines of lineBatchesOf(io, file)) {
    for (const raw of lines) {
      if (first) {
        if (looksLikeCsv(raw)) throw new CsvExport();
        first = false;
      }
      parser.push(raw, batch);
      if (batch.length >= BATCH) {
        await each(batch);
        batch = [];
      }
    }
  }
  batch.push(...parser.end());
  if (batch.length > 0) await each(batch);
}

async function readKeys(io: CliIO, file: string): Promise<{ keys: KeyPins } | { error: string }> {
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (e) {
    return { error: `FAIL ${file}: cannot read the keys file: ${errorMessage(e)}` };
  }
  const r = parseKeyLines(parseNdjsonLines(text));
  if (!r.ok) return { error: `FAIL ${file}: keys file, line ${r.line}: ${r.reason}` };
  return { keys: r.keys };
}

async function verify(args: string[], io: CliIO): Promise<number> {
  const files: string[] = [];
  let keysFile: string | undefined;
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!optionsDone && a === '--') optionsDone = true;
    else if (!optionsDone && (a === '--keys' || a.startsWith('--keys='))) {
      const v = a === '--keys' ? args[++i] : a.slice('--keys='.length);
      if (v === undefined || v === '') return usage(io, '--keys needs a file name');
      if (keysFile !== undefined) return usage(io, '--keys given twice');
      keysFile = v;
    } else if (!optionsDone && a.startsWith('-') && a !== '-') return usage(io, `unknown option ${a}`);
    else files.push(a);
  }
  if (files.length !== 1) return usage(io, files.length === 0 ? 'logs verify needs a file' : 'logs verify takes exactly one file');
  const file = files[0]!;
  let keys: KeyPins | undefined;
  if (keysFile !== undefined) {
    const k = await readKeys(io, keysFile);
    if ('error' in k) {
      io.err(k.error);
      return EXIT_PROBLEM;
    }
    keys = k.keys;
  }
  const verifier = new ExportVerifier(keys ? { keys, sha256Hex } : { sha256Hex });
  try {
    await streamExport(io, file, async (batch) => {
      if (!verifier.failed) await verifier.add(batch);
    });
  } catch (e) {
    if (e instanceof CsvExport) io.err(`FAIL ${escapeControls(file)}: this is a CSV export; verify the NDJSON export instead`);
    else io.err(`FAIL ${escapeControls(file)}: cannot read: ${escapeControls(errorMessage(e))}`);
    return EXIT_PROBLEM;
  }
  const r = await verifier.finish();
  for (const line of describe(escapeControls(file), r)) io.out(line);
  return r.ok ? EXIT_OK : EXIT_PROBLEM;
}

async function report(args: string[], io: CliIO): Promise<number> {
  const files: string[] = [];
  let out: string | undefined;
  const filter: { installs: string[]; users: string[] } = { installs: [], users: [] };
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!optionsDone && a === '--') optionsDone = true;
    else if (!optionsDone && (a === '--install' || a === '--user' || a.startsWith('--install=') || a.startsWith('--user='))) {
      const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, args[++i]];
      if (inline === undefined || inline === '') return usage(io, `${name} needs a value`);
      (name === '--install' ? filter.installs : filter.users).push(inline);
    } else if (!optionsDone && a === '--out') {
      const v = args[++i];
      if (v === undefined || v === '') return usage(io, '--out needs a file name');
      if (out !== undefined) return usage(io, '--out given twice');
      out = v;
    } else if (!optionsDone && a.startsWith('--out=')) {
      const v = a.slice('--out='.length);
      if (v === '') return usage(io, '--out needs a file name');
      if (out !== undefined) return usage(io, '--out given twice');
      out = v;
    } else if (!optionsDone && a.startsWith('-') && a !== '-') return usage(io, `unknown option ${a}`);
    else files.push(a);
  }
  if (files.length === 0) return usage(io, 'logs report needs at least one file');
  out ??= 'report.html';

  let exit = EXIT_OK;
  // One pass per file: each line goes to the file's verifier and each event to the
  // aggregates; nothing else is kept (de-duplication keeps seq ranges per install).
  const builder = new SummaryBuilder(filter);
  let verified = 0;
  for (const file of files) {
    const shown = escapeControls(file);
    builder.startSource(file);
    const verifier = new ExportVerifier({ sha256Hex });
    let badLines = 0;
    try {
      await streamExport(io, file, async (batch) => {
        // The verifier's own check of each line, while it runs; after a failure, our own.
        const checked = verifier.failed ? null : await verifier.add(batch);
        batch.forEach((l, j) => {
          if ('error' in l) badLines++;
          else if ((l.value as { type?: unknown } | null)?.type === SIGNATURE_TYPE) return; // the signed trailer, not an event
          else {
            const c = checked?.[j] ?? checkEventRecord(l.value);
            if (c.ok) builder.add(c.event);
            else badLines++;
          }
        });
      });
    } catch (e) {
      const msg = e instanceof CsvExport ? 'CSV export; logs report reads NDJSON exports' : `cannot read: ${errorMessage(e)}`;
      io.err(`FAIL ${shown}: ${escapeControls(msg)}`);
      builder.endSource({ error: msg });
      exit = EXIT_PROBLEM;
      continue;
    }
    const verification = await verifier.finish();
    if (verification.ok) {
      verified++;
      io.out(describe(shown, verification)[0]!);
    } else io.err(failLine(shown, verification));
    builder.endSource({ verification, badLines });
  }

  const summary = builder.finish();
  const html = renderReportHtml(summary, { generatedAt: new Date().toISOString() });
  try {
    await io.writeFile(out, html);
  } catch (e) {
    io.err(`telehealth-guard logs: cannot write ${out}: ${errorMessage(e)}`);
    return EXIT_PROBLEM;
  }
  io.out(`Wrote ${escapeControls(out)}: ${summary.total} events from ${files.length} files (${verified} verified)`);
  return exit;
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
  if (sub === 'report') return report(rest, io);
  return usage(io, `unknown subcommand ${sub}`);
};
