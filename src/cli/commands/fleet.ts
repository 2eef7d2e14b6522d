/**
 * `telehealth-guard fleet …`: a fleet's events in ClickHouse (docs/fleet.md).
 *
 *   fleet schema [--table <db.table>] [--clickhouse <url>]
 *   fleet load <exports…> --clickhouse <url> [--table …] [--keys <file>]
 *   fleet report --clickhouse <url> [--table …] [--out report.html] …
 *   fleet verify --clickhouse <url> [--table …] [--keys <file>]
 *
 * Output follows `logs` (one `OK`/`FAIL` line per export or install; exit 1 when anything
 * failed, 2 for usage errors); a ClickHouse error is one line naming the server.
 */
import { parseTableName, schemaText, createStatements, DEFAULT_TABLE, type TableName } from '../../core/fleet/schema.ts';
import { escapeControls } from '../../core/printable.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT_OK, EXIT_PROBLEM, UsageError, type CliIO, type Command } from '../io.ts';
import { ClickHouse, ClickHouseError } from '../fleet/clickhouse.ts';
import { describeLoad, loadExport, Loader } from '../fleet/load.ts';
import { fleetVerify } from '../fleet/verify.ts';
import { fleetSummary } from '../fleet/report.ts';
import { coverageOptions } from '../coverage-options.ts';

import { pinnedKeysFrom } from './logs.ts';
import { renderReport, writeReport } from './logs-report.ts';

export const FLEET_USAGE = `Usage:
  telehealth-guard fleet schema [--table <db.table>] [--clickhouse <url>]
      Print the ClickHouse tables every event fits (MergeTree family, partitioned by
      month, ordered by installId, seq). With --clickhouse, also create them there.
  telehealth-guard fleet load <file.ndjson>… --clickhouse <url> [--table <db.table>] [--keys <keys.ndjson>]
      Verify each signed NDJSON export as logs verify does and load its events.
      Loading an export again adds nothing. An export that does not verify is kept
      as evidence but counted by no report (exit 1).
  telehealth-guard fleet verify --clickhouse <url> [--table <db.table>] [--keys <keys.ndjson>]
      Check every install's chain in the engine: links between consecutive seqs,
      gaps, two different events under one seq; re-hash every event; check each
      loaded export's signed count and digest against the rows. Names each break.
  telehealth-guard fleet report --clickhouse <url> [--table <db.table>] [--out report.html]
                               [--install <id>] [--user <account>]
                               [--as-of <time>] [--silent-days <n>] [--min-browser <v>]
      The logs report summary (same sections, same words), computed by ClickHouse's
      queries over the events that count: from verified exports and the collector,
      each once, no install holding two different events under one seq. Coverage:
      installs silent for more than --silent-days (default 3) before --as-of
      (default now), the policy in force on each, browsers below --min-browser.
      Exit 1 when anything did not count or a filter matched nothing.

  --clickhouse  the server's HTTP interface, e.g. http://127.0.0.1:8123/
                (credentials as http://user:password@host:8123/)
  --table       default ${DEFAULT_TABLE}; exports are recorded in <table>_exports`;

function tableOption(value: string | undefined): TableName {
  const t = parseTableName(value ?? DEFAULT_TABLE);
  if ('error' in t) throw new UsageError(`--table: ${t.error}`);
  return t;
}

function clientOption(value: string | undefined, sub: string): ClickHouse {
  if (value === undefined || value === '') throw new UsageError(`fleet ${sub} needs --clickhouse <url> (the server's HTTP interface, e.g. http://127.0.0.1:8123/)`);
  try {
    return new ClickHouse(value);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * --keys, read as logs verify and logs report read it (pinnedKeysFrom): an export being loaded
 * that is the keys file itself is warned of — a key taken from it proves nothing.
 */
function keysOption(io: CliIO, file: string | undefined, inputs: readonly string[] = []) {
  return pinnedKeysFrom(io, file, inputs, (f) => `the keys file is also an export being loaded (${escapeControls(f)}): a key taken from the file being checked proves nothing about who signed it`);
}

/** Create the database and tables when absent (CREATE … IF NOT EXISTS; one statement per request). */
export async function ensureTables(client: ClickHouse, table: TableName): Promise<void> {
  for (const s of createStatements(table)) await client.exec(s);
}

async function schema(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { table: { type: 'string' }, clickhouse: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`fleet schema takes no files (got ${positionals[0]})`);
  const table = tableOption(values.table);
  io.out(schemaText(table));
  if (values.clickhouse !== undefined) {
    const client = clientOption(values.clickhouse, 'schema');
    await ensureTables(client, table);
    io.err(`Created ${table.full} and ${table.exports} at ${client.shown} (or they were there)`);
  }
  return EXIT_OK;
}

async function load(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { table: { type: 'string' }, clickhouse: { type: 'string' }, keys: { type: 'string' } });
  if (positionals.length === 0) throw new UsageError('fleet load needs at least one export file');
  const table = tableOption(values.table);
  const client = clientOption(values.clickhouse, 'load');
  const pins = await keysOption(io, values.keys, positionals);
  if ('exit' in pins) return pins.exit;
  const keys = pins.keys;
  await ensureTables(client, table);
  let exit = EXIT_OK;
  let added = 0;
  let refused = 0;
  const loader = new Loader(client);
  for (const file of positionals) {
    const r = await loadExport(io, file, { client, table, loader, ...(keys ? { keys } : {}) });
    const lines = describeLoad(r);
    for (const l of lines.out) io.out(l);
    for (const l of lines.err) io.err(l);
    added += r.added;
    if (!r.ok) {
      exit = EXIT_PROBLEM;
      refused++;
    }
  }
  await loader.drain();
  io.out(
    `Loaded ${positionals.length} file${positionals.length === 1 ? '' : 's'} into ${table.full} at ${escapeControls(client.shown)}: ${added} rows added${refused ? `; ${refused} did not verify (kept as evidence, counted by no report)` : ''}`,
  );
  return exit;
}

async function verify(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { table: { type: 'string' }, clickhouse: { type: 'string' }, keys: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`fleet verify reads the table, not files (got ${positionals[0]}); load them with fleet load`);
  const table = tableOption(values.table);
  const client = clientOption(values.clickhouse, 'verify');
  const pins = await keysOption(io, values.keys);
  if ('exit' in pins) return pins.exit;
  await ensureTables(client, table);
  const r = await fleetVerify({ client, table, ...(pins.keys ? { keys: pins.keys } : {}) });
  for (const l of r.lines) (l.to === 'out' ? io.out : io.err)(l.text);
  const what = `${r.events} events of ${r.installs} install${r.installs === 1 ? '' : 's'} and ${r.exports} loaded export${r.exports === 1 ? '' : 's'} in ${table.full} at ${escapeControls(client.shown)}`;
  io.out(r.ok ? `Verified ${what}: no break` : `Checked ${what}: ${r.breaks} break${r.breaks === 1 ? '' : 's'} (FAIL lines above)`);
  return r.ok ? EXIT_OK : EXIT_PROBLEM;
}

async function report(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    table: { type: 'string' },
    clickhouse: { type: 'string' },
    out: { type: 'string' },
    install: { type: 'string', multiple: true },
    user: { type: 'string', multiple: true },
    'as-of': { type: 'string' },
    'silent-days': { type: 'string' },
    'min-browser': { type: 'string', multiple: true },
  });
  if (positionals.length > 0) throw new UsageError(`fleet report reads the table, not files (got ${positionals[0]}); load them with fleet load`);
  const table = tableOption(values.table);
  const client = clientOption(values.clickhouse, 'report');
  const coverage = coverageOptions({ asOf: values['as-of'], silentDays: values['silent-days'], minBrowser: values['min-browser'] }, new Date());
  if ('usage' in coverage) throw new UsageError(coverage.usage);
  const out = values.out ?? 'report.html';
  await ensureTables(client, table);
  const summary = await fleetSummary({ client, table, filter: { installs: values.install ?? [], users: values.user ?? [] }, coverage });
  for (const c of summary.conflicts) {
    io.err(`CONFLICT: ${escapeControls(c.inputs[0])} and ${escapeControls(c.inputs[1])} hold different events for install ${escapeControls(c.installId)}, seq ${c.seq}: tampering; none of the install's events is counted`);
  }
  for (const x of summary.exclusions) io.err(`FAIL ${escapeControls(x.input)}: not counted: ${escapeControls(x.why)}`);
  for (const f of summary.filter.unmatched) io.err(`FAIL ${escapeControls(f)}: matched no event`);
  const generatedAt = new Date().toISOString();
  const text = renderReport(summary, out, generatedAt);
  if (!(await writeReport(io, out, text, 'fleet'))) return EXIT_PROBLEM;
  const installs = summary.inputs.filter((x) => x.name.startsWith('install '));
  io.out(`Wrote ${escapeControls(out)}: ${summary.total} events from ${installs.length} installs in ${table.full} (${installs.filter((x) => x.counts).length} counted)`);
  return summary.exclusions.length > 0 || summary.conflicts.length > 0 || summary.filter.unmatched.length > 0 ? EXIT_PROBLEM : EXIT_OK;
}

export const fleetCommand: Command = async (args, io) => {
  const [sub, ...rest] = args;
  if (sub === undefined) throw new UsageError('missing subcommand (schema, load, report or verify)');
  if (sub === '--help' || sub === '-h' || sub === 'help' || rest.includes('--help') || rest.includes('-h')) {
    io.out(FLEET_USAGE);
    return EXIT_OK;
  }
  try {
    if (sub === 'schema') return await schema(rest, io);
    if (sub === 'load') return await load(rest, io);
    if (sub === 'verify') return await verify(rest, io);
    if (sub === 'report') return await report(rest, io);
  } catch (e) {
    if (e instanceof ClickHouseError) {
      io.err(`telehealth-guard fleet ${sub}: ${escapeControls(e.message)}`);
      return EXIT_PROBLEM;
    }
    throw e;
  }
  throw new UsageError(`unknown subcommand ${sub}`);
};
