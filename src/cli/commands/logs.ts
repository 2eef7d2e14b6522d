/**
 * `telehealth-guard logs verify <file.ndjson>` and
 * `telehealth-guard logs report <file>… [--out report.html]` (cli-and-ui.md).
 *
 * Output (stable; one line per io.out/io.err call, without a trailing newline):
 *   verify, good:  `OK <file>: <n> events verified, seq <first>–<last>[ (partial log: starts after pruning)]`  → exit 0
 *   verify, bad:   `FAIL <file>: seq <s>, line <l>: <reason>` (seq `?` when unreadable)                     → exit 1
 *   report:        one `OK`/`FAIL` line per input file on stdout (as verify), then
 *                  `Wrote <out>: <n> events from <m> files (<k> verified)`.
 *                  Exit 1 when a file cannot be read or is not an NDJSON export (the
 *                  report is still written from the others); a file whose chain does
 *                  not verify is still reported, marked NOT VERIFIED, with exit 0.
 *   usage errors:  message and usage on stderr → exit 2.
 */
import { EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, type CliIO, type Command } from '../io.ts';
import type { VerifyResult } from '../../core/events/chain.ts';
import { parseNdjsonLenient, verifyNdjson } from '../../core/events/ndjson.ts';
import { renderReportHtml } from '../../core/events/report-html.ts';
import { summarize, type SummarySource } from '../../core/events/summary.ts';

export const LOGS_USAGE = `Usage:
  telehealth-guard logs verify <file.ndjson>
      Check an exported log's hash chain. Exit 0 with the event count, or exit 1
      naming the first bad seq, its line and why (edited, deleted/reordered/inserted,
      seq not increasing, malformed).
  telehealth-guard logs report <file.ndjson>… [--out report.html]
      Merge NDJSON exports from many machines into one self-contained HTML report
      (default report.html). Each file's chain is verified and the result shown.
`;

function usage(io: CliIO, message: string): number {
  io.err(`telehealth-guard logs: ${message}\n${LOGS_USAGE.trimEnd()}`);
  return EXIT_USAGE;
}

function describe(file: string, r: VerifyResult): string {
  if (r.ok) {
    if (r.count === 0) return `OK ${file}: 0 events`;
    return `OK ${file}: ${r.count} events verified, seq ${r.firstSeq}–${r.lastSeq}${r.fromGenesis ? '' : ' (partial log: starts after pruning)'}`;
  }
  return `FAIL ${file}: seq ${r.seq ?? '?'}, line ${r.line}: ${r.reason}`;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A CSV export starts with our header; it cannot be verified (quoting is lossy). */
function looksLikeCsv(text: string): boolean {
  return /^\uFEFF?seq,ts,type,/.test(text);
}

async function verify(args: string[], io: CliIO): Promise<number> {
  const files = args.filter((a) => a !== '--');
  const opt = args.find((a) => a.startsWith('-') && a !== '--');
  if (opt !== undefined) return usage(io, `unknown option ${opt}`);
  if (files.length !== 1) return usage(io, files.length === 0 ? 'logs verify needs a file' : 'logs verify takes exactly one file');
  const file = files[0]!;
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (e) {
    io.err(`FAIL ${file}: cannot read: ${errorMessage(e)}`);
    return EXIT_PROBLEM;
  }
  if (looksLikeCsv(text)) {
    io.err(`FAIL ${file}: this is a CSV export; verify the NDJSON export instead`);
    return EXIT_PROBLEM;
  }
  const r = await verifyNdjson(text);
  if (r.ok) {
    io.out(describe(file, r));
    return EXIT_OK;
  }
  io.out(describe(file, r));
  return EXIT_PROBLEM;
}

async function report(args: string[], io: CliIO): Promise<number> {
  const files: string[] = [];
  let out: string | undefined;
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!optionsDone && a === '--') optionsDone = true;
    else if (!optionsDone && a === '--out') {
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
  const sources: SummarySource[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await io.readFile(file);
    } catch (e) {
      const msg = `cannot read: ${errorMessage(e)}`;
      io.err(`FAIL ${file}: ${msg}`);
      sources.push({ name: file, events: [], error: msg });
      exit = EXIT_PROBLEM;
      continue;
    }
    if (looksLikeCsv(text)) {
      const msg = 'CSV export; logs report reads NDJSON exports';
      io.err(`FAIL ${file}: ${msg}`);
      sources.push({ name: file, events: [], error: msg });
      exit = EXIT_PROBLEM;
      continue;
    }
    const verification = await verifyNdjson(text);
    const parsed = parseNdjsonLenient(text);
    if (verification.ok) io.out(describe(file, verification));
    else io.err(describe(file, verification));
    sources.push({ name: file, events: parsed.events, verification, badLines: parsed.bad });
  }

  const summary = summarize(sources);
  const html = renderReportHtml(summary, { generatedAt: new Date().toISOString() });
  try {
    await io.writeFile(out, html);
  } catch (e) {
    io.err(`telehealth-guard logs: cannot write ${out}: ${errorMessage(e)}`);
    return EXIT_PROBLEM;
  }
  const verified = sources.filter((s) => s.verification?.ok === true).length;
  io.out(`Wrote ${out}: ${summary.total} events from ${files.length} files (${verified} verified)`);
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
