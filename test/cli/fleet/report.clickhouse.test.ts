/**
 * `fleet report` beside `logs report` on the same exports, against a real ClickHouse
 * server: every field of the Summary equal (the JSON both write with --out *.json), the same
 * HTML and text once the inputs table is set aside (logs report lists files, fleet report
 * the installs in the table), the same exit code. With tampered exports (they count in
 * neither), a forged copy of a log (a conflict: nothing of that install counts in either),
 * filters, coverage options, and reasons ClickHouse cannot lower-case as JavaScript does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetCommand } from '../../../src/cli/commands/fleet.ts';
import { logsCommand } from '../../../src/cli/commands/logs.ts';
import { memoryIO } from '../../../src/cli/io.ts';
import { renderReportHtml } from '../../../src/core/events/report-html.ts';
import { renderReportText } from '../../../src/core/events/report-text.ts';
import type { Summary } from '../../../src/core/events/summary.ts';
import { rowJson } from '../../../src/core/fleet/rows.ts';
import { ORIGIN } from '../../../src/core/fleet/schema.ts';
import { testDatabase, type TestDatabase } from '../../clickhouse/database.ts';
import { fleetExports, INSTALLS, type Fleet } from './fleet-exports.ts';

let db: TestDatabase;
let fleet: Fleet;
beforeAll(async () => {
  db = await testDatabase();
  fleet = await fleetExports();
});
afterAll(() => db?.drop());

const COVERAGE = ['--as-of', '2026-12-20T00:00:00Z', '--silent-days', '4', '--min-browser', '141', '--min-browser', 'Firefox=129'];

async function run(cmd: typeof fleetCommand, args: string[]) {
  const io = memoryIO({ ...fleet.files });
  const code = await cmd(args, io);
  return { code, out: io.stdout, err: io.stderr, files: io.files };
}

let n = 0;
/** logs report and fleet report (after fleet load) on the same files, as Summaries. */
async function both(files: string[], more: string[] = []): Promise<{ logs: Summary; fleet: Summary; logsCode: number; fleetCode: number; fleetErr: string[]; logsErr: string[] }> {
  const table = `${db.database}.r${++n}`;
  const logs = await run(logsCommand, ['report', ...files, '--out', 'logs.json', ...COVERAGE, ...more]);
  await run(fleetCommand, ['load', ...files, '--clickhouse', db.url, '--table', table]);
  const fl = await run(fleetCommand, ['report', '--clickhouse', db.url, '--table', table, '--out', 'fleet.json', ...COVERAGE, ...more]);
  if (fl.files['fleet.json'] === undefined) throw new Error('fleet report wrote nothing: ' + fl.err.join('\n'));
  const parse = (text: string | undefined) => {
    const { generatedAt: _g, ...s } = JSON.parse(text!) as Summary & { generatedAt: string };
    return s as Summary;
  };
  return { logs: parse(logs.files['logs.json']), fleet: parse(fl.files['fleet.json']), logsCode: logs.code, fleetCode: fl.code, fleetErr: fl.err, logsErr: logs.err };
}

/**
 * Every field but the inputs (files there, installs here), and of a conflict the install: a
 * conflict's seq is where each found it (logs report: where two files' runs end; the table:
 * the first seq with two events) and its inputs are named each its own way. Exports that did
 * not verify: the same names and words, in any order.
 */
function figures(s: Summary) {
  const { inputs: _i, conflicts, exclusions, ...rest } = s;
  return {
    ...rest,
    conflicts: conflicts.map((c) => c.installId),
    refused: exclusions.filter((x) => x.why.startsWith('did not verify')).sort((a, b) => (a.input < b.input ? -1 : 1)),
  };
}

const WITHOUT_INPUTS = (s: Summary): Summary => ({ ...s, inputs: [], exclusions: [], conflicts: [] });

describe('fleet report = logs report on the same exports', () => {
  it('good exports (overlapping, one install partly from before 1.1): every figure, the HTML and the text are the same; exit 0', async () => {
    const r = await both(fleet.good);
    expect(r.logsCode).toBe(0);
    expect(r.fleetCode).toBe(0);
    expect(figures(r.fleet)).toEqual(figures(r.logs));
    // Enough in it to mean something.
    expect(r.logs.total).toBe(61 + 46 + 31 + 21);
    expect(r.logs.duplicates).toBe(30 + 31);
    expect(r.logs.reasons.rows.length).toBeGreaterThan(3);
    expect(r.logs.coverage.silent.rows.length).toBeGreaterThan(0);
    expect(r.logs.coverage.oldBrowsers.rows.length).toBeGreaterThan(0);
    expect(r.logs.installs.rows.map((i) => i.key)).toContain(INSTALLS.d); // 1.0 events filed under their install
    // One reason group spelt with İ and with i + U+0307: JavaScript lower-cases both alike, ClickHouse 18.16 not.
    const istanbul = r.logs.reasons.rows.find((x) => x.key.toLowerCase().includes('stanbul'));
    expect(istanbul?.count).toBeGreaterThan(1);
    const at = '2026-12-20T09:00:00.000Z';
    expect(renderReportHtml(WITHOUT_INPUTS(r.fleet), { generatedAt: at })).toBe(renderReportHtml(WITHOUT_INPUTS(r.logs), { generatedAt: at }));
    expect(renderReportText(WITHOUT_INPUTS(r.fleet), { generatedAt: at })).toBe(renderReportText(WITHOUT_INPUTS(r.logs), { generatedAt: at }));
  });

  it('a report that cannot be written: one line naming the file and why, exit 1 (as logs report)', async () => {
    const table = `${db.database}.r${++n}`;
    await run(fleetCommand, ['load', 'a.ndjson', '--clickhouse', db.url, '--table', table]);
    const io = memoryIO({ ...fleet.files });
    io.writeFile = async () => {
      throw Object.assign(new Error('EACCES: permission denied, open \'fleet.html\''), { code: 'EACCES' });
    };
    expect(await fleetCommand(['report', '--clickhouse', db.url, '--table', table, '--out', 'fleet.html'], io)).toBe(1);
    expect(io.stderr).toEqual(["telehealth-guard fleet: cannot write fleet.html: EACCES: permission denied, open 'fleet.html'"]);
    expect(io.stdout).toEqual([]);
  });

  it('a collector batch sent twice (its answer lost) on top of the exports: counted once', async () => {
    const table = `${db.database}.twice`;
    await run(fleetCommand, ['load', ...fleet.good, '--clickhouse', db.url, '--table', table]);
    const rows = fleet.chains.c.map((e) => rowJson(e, ORIGIN.collector));
    await db.client.insert(table, rows);
    await db.client.insert(table, rows);
    const fl = await run(fleetCommand, ['report', '--clickhouse', db.url, '--table', table, '--out', 'fleet.json', ...COVERAGE]);
    const logs = await run(logsCommand, ['report', ...fleet.good, '--out', 'logs.json', ...COVERAGE]);
    const strip = (t: string) => figures(JSON.parse(t) as Summary);
    const { generatedAt: _a, ...f } = strip(fl.files['fleet.json']!) as ReturnType<typeof figures> & { generatedAt?: string };
    const { generatedAt: _b, ...l } = strip(logs.files['logs.json']!) as ReturnType<typeof figures> & { generatedAt?: string };
    expect(f).toEqual(l);
  });

  it('with tampered exports: they count in neither, are named with the same words, and both exit 1', async () => {
    // Install c only from tampered exports: nothing of it counts.
    const r = await both([...fleet.good.filter((f) => f !== 'c.ndjson'), ...fleet.tampered]);
    expect(r.logs.installs.rows.map((i) => i.key)).not.toContain(INSTALLS.c);
    expect(r.logsCode).toBe(1);
    expect(r.fleetCode).toBe(1);
    expect(figures(r.fleet)).toEqual(figures(r.logs));
    expect(figures(r.fleet).refused.map((x) => x.input).sort()).toEqual([...fleet.tampered].sort());
  });

  it('a forged copy of a log, re-signed with another key: the conflict named, nothing of that install counts in either, exit 1', async () => {
    const r = await both(['a.ndjson', 'b.ndjson', 'c.ndjson', 'b-forged.ndjson']);
    expect(r.logsCode).toBe(1);
    expect(r.fleetCode).toBe(1);
    expect(figures(r.fleet)).toEqual(figures(r.logs));
    expect(r.fleet.conflicts).toEqual([{ installId: INSTALLS.b, seq: 1, inputs: ['b-forged.ndjson', 'b.ndjson'] }]);
    expect(r.fleet.installs.rows.map((i) => i.key)).not.toContain(INSTALLS.b);
    expect(r.fleetErr[0]).toBe(`CONFLICT: b-forged.ndjson and b.ndjson hold different events for install ${INSTALLS.b}, seq 1: tampering; none of the install's events is counted`);
  });

  it('filters: --install and --user keep the same events; one that matches nothing is named and exits 1 in both', async () => {
    const r = await both(fleet.good, ['--install', INSTALLS.a, '--user', 'dr.lee@example.org']);
    expect(r.fleetCode).toBe(0);
    expect(figures(r.fleet)).toEqual(figures(r.logs));
    expect(r.fleet.total).toBeGreaterThan(0);
    const none = await both(fleet.good, ['--install', 'no-such-install']);
    expect(none.fleetCode).toBe(1);
    expect(none.logsCode).toBe(1);
    expect(figures(none.fleet)).toEqual(figures(none.logs));
    expect(none.fleet.filter.unmatched).toEqual(['--install no-such-install']);
  });
});
