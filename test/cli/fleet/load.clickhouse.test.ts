/**
 * `fleet load` against a real ClickHouse server: exports verified as `logs verify` does
 * (same first line), their events in the table exactly, the same export twice adds no row,
 * overlapping exports add only what is new, a tampered export is refused (exit 1) and kept
 * as evidence that no report counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetCommand } from '../../../src/cli/commands/fleet.ts';
import { logsCommand } from '../../../src/cli/commands/logs.ts';
import { memoryIO } from '../../../src/cli/io.ts';
import { runCommand } from '../../../src/cli/main.ts';
import { rowJson, rowToEvent, ROW_SELECT, type EventRow } from '../../../src/core/fleet/rows.ts';
import { ORIGIN } from '../../../src/core/fleet/schema.ts';
import { testDatabase, type TestDatabase } from '../../clickhouse/database.ts';
import { freePort } from '../../clickhouse/server.ts';
import { fleetExports, INSTALLS, type Fleet } from './fleet-exports.ts';

let db: TestDatabase;
let fleet: Fleet;
beforeAll(async () => {
  db = await testDatabase();
  fleet = await fleetExports();
});
afterAll(() => db?.drop());

async function run(cmd: typeof fleetCommand, args: string[]) {
  const io = memoryIO({ ...fleet.files });
  const code = await cmd(args, io);
  return { code, out: io.stdout, err: io.stderr };
}
const load = (table: string, ...files: string[]) => run(fleetCommand, ['load', ...files, '--clickhouse', db.url, '--table', table]);
const count = async (table: string, where = '', final = '') => (await db.client.query<{ n: number }>(`SELECT count() AS n FROM ${table} ${final} ${where}`))[0]!.n;

describe('fleet schema', () => {
  it('prints the statements (MergeTree family, monthly partitions, ordered by installId, seq); with --clickhouse creates them', async () => {
    const r = await run(fleetCommand, ['schema']);
    expect(r.code).toBe(0);
    const text = r.out.join('\n');
    expect(text).toContain('CREATE TABLE IF NOT EXISTS telehealth_guard.events');
    expect(text).toMatch(/ENGINE = ReplacingMergeTree\(origin\)\nPARTITION BY toYYYYMM\(ts\)\nORDER BY \(installId, seq, hash\)/);
    const t = `${db.database}.schema_made`;
    const made = await run(fleetCommand, ['schema', '--table', t, '--clickhouse', db.url]);
    expect(made.code).toBe(0);
    const cols = await db.client.query<{ name: string; type: string }>(`SELECT name, type FROM system.columns WHERE database = '${db.database}' AND table = 'schema_made'`);
    expect(cols.map((c) => c.name)).toContain('hasFindings');
    const engine = await db.client.query<{ engine: string; partition_key: string; sorting_key: string }>(`SELECT engine, partition_key, sorting_key FROM system.tables WHERE database = '${db.database}' AND name = 'schema_made'`).catch(() => db.client.query<{ engine: string }>(`SELECT engine FROM system.tables WHERE database = '${db.database}' AND name = 'schema_made'`));
    expect(engine[0]!.engine).toBe('ReplacingMergeTree');
  });
});

describe('fleet load', () => {
  it('loads verified exports exactly; the same export again adds no row', async () => {
    const t = `${db.database}.events`;
    const first = await load(t, 'a.ndjson', 'b.ndjson', 'c.ndjson');
    expect(first.code).toBe(0);
    expect(first.err).toEqual([]);
    // The same first line as logs verify, then what was loaded.
    const verify = await run(logsCommand, ['verify', 'a.ndjson']);
    expect(first.out.slice(0, verify.out.length)).toEqual(verify.out);
    expect(first.out[verify.out.length]).toBe('  loaded: 61 rows added, 0 already in the table');
    expect(first.out.at(-1)).toMatch(new RegExp(`^Loaded 3 files into ${t} at http://127\\.0\\.0\\.1:\\d+: 138 rows added$`));

    const rows = await db.client.query<EventRow>(`SELECT ${ROW_SELECT} FROM ${t} ORDER BY installId, seq`);
    expect(rows.map(rowToEvent)).toEqual([...fleet.chains.a, ...fleet.chains.b, ...fleet.chains.c]);
    expect(rows.every((r) => r.origin === ORIGIN.verified)).toBe(true);

    const again = await load(t, 'a.ndjson', 'b.ndjson', 'c.ndjson');
    expect(again.code).toBe(0);
    expect(again.out).toContain('  loaded: 0 rows added, 61 already in the table');
    expect(again.out.at(-1)).toMatch(/: 0 rows added$/);
    expect(await count(t)).toBe(138); // not merely after a merge: nothing was inserted
    const exports = await db.client.query<{ file: string; ok: number; installId: string }>(`SELECT file, ok, installId FROM ${t}_exports FINAL ORDER BY installId`);
    expect(exports).toEqual([
      { file: 'a.ndjson', ok: 1, installId: INSTALLS.a },
      { file: 'b.ndjson', ok: 1, installId: INSTALLS.b },
      { file: 'c.ndjson', ok: 1, installId: INSTALLS.c },
    ]);
  });

  it('overlapping exports of one install add only the events not yet there', async () => {
    const t = `${db.database}.overlap`;
    expect((await load(t, 'b-later.ndjson')).out).toContain('  loaded: 31 rows added, 0 already in the table');
    expect((await load(t, 'b.ndjson')).out).toContain('  loaded: 15 rows added, 31 already in the table');
    expect(await count(t)).toBe(46);
  });

  it('a tampered export: the logs verify FAIL line, exit 1, its events kept as evidence (origin refused)', async () => {
    const t = `${db.database}.tampered`;
    for (const file of ['a-edited.ndjson', 'a-deleted.ndjson', 'c-tail-cut.ndjson', 'c-unsigned.ndjson']) {
      const r = await load(t, file);
      const v = await run(logsCommand, ['verify', file]);
      expect(r.code, file).toBe(1);
      expect(r.err[0], file).toBe(v.out[0] ?? v.err[0]);
      expect(r.err[1], file).toMatch(/^  loaded: \d+ rows added, \d+ already in the table of refused exports, as evidence only: counted by no report/);
    }
    // Apart from the events that count: none of them there, all of a and c in the evidence table.
    expect(await count(t)).toBe(0);
    expect(await count(`${t}_refused`, `WHERE origin = ${ORIGIN.refused}`)).toBe(61 + 31); // a-edited's edited event kept its hash: one key
    // The genuine export afterwards: its rows count.
    expect((await load(t, 'a.ndjson')).code).toBe(0);
    expect(await count(t, `WHERE installId = '${INSTALLS.a}' AND origin = ${ORIGIN.verified}`)).toBe(61);
    const ok = await db.client.query<{ file: string; ok: number }>(`SELECT file, ok FROM ${t}_exports FINAL ORDER BY file`);
    expect(ok).toEqual([
      { file: 'a-deleted.ndjson', ok: 0 },
      { file: 'a-edited.ndjson', ok: 0 },
      { file: 'a.ndjson', ok: 1 },
      { file: 'c-tail-cut.ndjson', ok: 0 },
      { file: 'c-unsigned.ndjson', ok: 0 },
    ]);
  });

  it('events the collector sent first are not added again by their export (no second copy for a report to merge away)', async () => {
    const t = `${db.database}.collected`;
    await load(t, 'c-unsigned.ndjson'); // creates the tables (and keeps c's refused copy apart)
    await db.client.insert(t, fleet.chains.c.slice(0, 20).map((e) => rowJson(e, ORIGIN.collector)));
    const r = await load(t, 'c.ndjson');
    expect(r.out).toContain('  loaded: 11 rows added, 20 already in the table');
    expect(await count(t)).toBe(31);
  });

  it('--keys: an export signed with another key than the pinned one is refused', async () => {
    const t = `${db.database}.pinned`;
    const r = await run(fleetCommand, ['load', 'b-forged.ndjson', '--keys', 'keys.ndjson', '--clickhouse', db.url, '--table', t]);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/^FAIL b-forged\.ndjson: seq \?, line 47: signed with a key that is not install .*'s pinned key/);
    const unpinned = await run(fleetCommand, ['load', 'b-forged.ndjson', '--clickhouse', db.url, '--table', `${db.database}.unpinned`]);
    expect(unpinned.code).toBe(0);
  });

  it('--keys that is also an export being loaded is warned of, as logs verify and report do', async () => {
    const t = `${db.database}.selfpinned`;
    const r = await run(fleetCommand, ['load', 'a.ndjson', '--keys', 'a.ndjson', '--clickhouse', db.url, '--table', t]);
    expect(r.err).toContain('warning: the keys file is also an export being loaded (a.ndjson): a key taken from the file being checked proves nothing about who signed it');
    const unreadable = await run(fleetCommand, ['load', 'a.ndjson', '--keys', 'no-such-keys.ndjson', '--clickhouse', db.url, '--table', t]);
    expect(unreadable.code).toBe(1);
    expect(unreadable.err[0]).toMatch(/no-such-keys\.ndjson/);
  });

  it('usage and server errors: one line each', async () => {
    const io = memoryIO();
    expect(await runCommand(['fleet', 'load', 'a.ndjson'], io)).toBe(2);
    expect(io.stderr[0]).toBe("telehealth-guard fleet: fleet load needs --clickhouse <url> (the server's HTTP interface, e.g. http://127.0.0.1:8123/)\nRun \"telehealth-guard fleet --help\" for usage.");
    const port = await freePort(); // nobody listens there
    const down = await run(fleetCommand, ['load', 'a.ndjson', '--clickhouse', `http://127.0.0.1:${port}/`]);
    expect(down.code).toBe(1);
    expect(down.err).toEqual([`telehealth-guard fleet load: cannot reach ClickHouse at http://127.0.0.1:${port}: ECONNREFUSED`]);
    const bad = memoryIO();
    expect(await runCommand(['fleet', 'load', 'a.ndjson', '--clickhouse', db.url, '--table', 'x; DROP TABLE y'], bad)).toBe(2);
    expect(bad.stderr[0]).toMatch(/^telehealth-guard fleet: --table: "x; DROP TABLE y" is not a table name/);
  });
});
