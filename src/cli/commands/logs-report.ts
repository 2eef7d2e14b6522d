/**
 * `telehealth-guard logs report <file>… [--out report.html|report.txt] [--keys <keys.ndjson>]
 *    [--install <id>] [--user <account>]`: output and exit codes in logs.ts. Loaded only when
 * a report is asked for (logs.ts): the summary, its HTML and text and the names in four
 * languages are most of the command line's code, and `logs verify` never needs them.
 */
import { EXIT_OK, EXIT_PROBLEM, OutputFailed, type CliIO } from '../io.ts';
import { renderReportHtml } from '../../core/events/report-html.ts';
import { ReportIntake, readingOrder, trailerFacts, type TrailerFacts } from '../../core/events/report-intake.ts';
import { renderReportText } from '../../core/events/report-text.ts';
import type { Conflict, Summary } from '../../core/events/summary.ts';
import { escapeControls } from '../../core/printable.ts';
import { coverageOptions } from '../coverage-options.ts';
import { Checkers, describe, digest, errorMessage, failLine, fingerprint, parseArgs, pinnedKeysFrom, readProblem, readsStdinTwice, STDIN_TWICE, sha256Hex, streamChecked, usage } from './logs.ts';

/** One reading of every input (a second one leaves out inputs found in a conflict). */
async function readAll(io: CliIO, checkers: Checkers, files: string[], facts: Array<TrailerFacts | null>, intakeOptions: ConstructorParameters<typeof ReportIntake>[0], lines: Map<number, string[]>, second: boolean): Promise<ReportIntake> {
  const intake = new ReportIntake(intakeOptions);
  for (const i of readingOrder(files.map((name, j) => ({ name, facts: facts[j]! })))) {
    const file = files[i]!;
    const shown = escapeControls(file);
    // By position: a file given twice is said once for each time (keyed by name, each time said both).
    const say = (line: string) => lines.set(i, [...(lines.get(i) ?? []), line]);
    if (intake.skips(file)) {
      intake.notRead(file, 'in a conflict (see above): not counted');
      continue;
    }
    if (second && facts[i] === null) {
      // A pipe cannot be read again to count it without the conflicting files.
      intake.notRead(file, 'could not be read a second time (not a regular file) to count it without the files in conflict');
      say(`FAIL ${shown}: not counted: it could not be read again without the files in conflict`);
      continue;
    }
    const run = intake.begin(file, facts[i]!);
    try {
      await streamChecked(io, file, await checkers.for(file), true, (batch) => {
        run.addChecked(batch);
        return !run.done;
      });
    } catch (e) {
      const why = readProblem(e, 'logs report');
      run.fail(why);
      say(`FAIL ${shown}: ${escapeControls(why)}`);
    }
    const v = await run.finish();
    if (v) say(v.ok ? describe(shown, v)[0]! : failLine(shown, v));
  }
  return intake;
}

export async function report(args: string[], io: CliIO): Promise<number> {
  const p = parseArgs(args, { single: ['--out', '--keys', '--as-of', '--silent-days'], repeat: ['--install', '--user', '--min-browser'] });
  if ('usage' in p) return usage(io, p.usage);
  const files = p.files;
  if (files.length === 0) return usage(io, 'logs report needs at least one file');
  if (readsStdinTwice(files, p.single.get('--keys'))) return usage(io, STDIN_TWICE);
  const coverage = coverageOptions({ asOf: p.single.get('--as-of'), silentDays: p.single.get('--silent-days'), minBrowser: p.repeat.get('--min-browser') }, new Date());
  if ('usage' in coverage) return usage(io, coverage.usage);
  const out = p.single.get('--out') ?? 'report.html';
  // A slip of the hand (`--out export.ndjson`, the keys file, a link to either) would replace
  // the evidence with its own report: refused before anything is read.
  const keysFile = p.single.get('--keys');
  for (const f of keysFile === undefined ? files : [keysFile, ...files]) {
    if (f !== '-' && io.sameFile && (await io.sameFile(out, f))) {
      return usage(io, `--out ${escapeControls(out)} is ${f === keysFile ? 'the keys file' : `the input ${escapeControls(f)}`}: the report would overwrite it; name another file`);
    }
  }
  const pins = await pinnedKeysFrom(io, keysFile, files, (f) => `the keys file is also an input (${escapeControls(f)}): a key taken from the file being checked proves nothing about who signed it`);
  if ('exit' in pins) return pins.exit;
  const { keys } = pins;
  // Each file's signature line first, from its end (report-intake.ts: the reading order).
  const facts = await Promise.all(files.map(async (f) => (io.lastLine ? trailerFacts((await io.lastLine(f).catch(() => null)) ?? '') : null)));
  const options = { ...(keys ? { keys } : {}), filter: { installs: p.repeat.get('--install')!, users: p.repeat.get('--user')! }, sha256Hex, digest, fingerprint, coverage };
  let lines = new Map<number, string[]>();
  const checkers = new Checkers(io, true);
  let intake: ReportIntake;
  try {
    intake = await readAll(io, checkers, files, facts, options, lines, false);
    if (intake.conflicted.length > 0) {
      // The first file of a conflict was counted before the second showed it: count again without both.
      const conflicts: Conflict[] = [...intake.conflicted];
      lines = new Map();
      intake = await readAll(io, checkers, files, facts, { ...options, conflicts }, lines, true);
    }
  } finally {
    await checkers.close();
  }
  const summary = intake.summary();
  for (const i of files.keys()) for (const l of lines.get(i) ?? []) (l.startsWith('OK') ? io.out : io.err)(l);
  for (const c of summary.conflicts) {
    io.err(`CONFLICT: ${escapeControls(c.inputs[0])} and ${escapeControls(c.inputs[1])} hold different events for install ${escapeControls(c.installId)}, seq ${c.seq}: tampering; neither file is counted`);
  }
  for (const f of summary.filter.unmatched) io.err(`FAIL ${escapeControls(f)}: matched no event`);

  const generatedAt = new Date().toISOString();
  const text = renderReport(summary, out, generatedAt);
  if (!(await writeReport(io, out, text, 'logs'))) return EXIT_PROBLEM;
  const counted = summary.inputs.filter((x) => x.counts).length;
  io.out(`Wrote ${escapeControls(out)}: ${summary.total} events from ${files.length} files (${counted} counted)`);
  return summary.exclusions.length > 0 || summary.conflicts.length > 0 || summary.filter.unmatched.length > 0 ? EXIT_PROBLEM : EXIT_OK;
}

/**
 * Write a report to `out`; false when it cannot be written (said on stderr, naming the file
 * and why: the command then exits 1). `logs report` and `fleet report` both write this way.
 */
export async function writeReport(io: CliIO, out: string, text: string, command: string): Promise<boolean> {
  try {
    await io.writeFile(out, text);
    return true;
  } catch (e) {
    if (e instanceof OutputFailed) throw e; // --out /dev/stdout, closed: ends as any line to it does
    io.err(`telehealth-guard ${command}: cannot write ${escapeControls(out)}: ${escapeControls(errorMessage(e))}`);
    return false;
  }
}

/** The report in the form `out` names: .txt plain text, .json the Summary itself, else HTML. */
export function renderReport(summary: Summary, out: string, generatedAt: string): string {
  if (/\.txt$/i.test(out)) return renderReportText(summary, { generatedAt });
  if (/\.json$/i.test(out)) return JSON.stringify({ generatedAt, ...summary }, null, 2) + '\n';
  return renderReportHtml(summary, { generatedAt });
}

