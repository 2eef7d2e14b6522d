/**
 * The count behind `duplicates` in fleet report (events read again in another verified
 * export): rows inside each install's merged seq runs. It must be linear in rows: the form it
 * replaced, one OR term per install, made 10,000,000 events of 1,000 installs take 10 minutes
 * in 18.16 and `fleet report` fail (the bench's failure). Checked here against a real server
 * and for its shape at 10,000 installs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coveredSql } from '../../../src/cli/fleet/report.ts';
import { createStatements, parseTableName, type TableName } from '../../../src/core/fleet/schema.ts';
import type { ReportScope } from '../../../src/core/fleet/summary-sql.ts';
import { testDatabase, type TestDatabase } from '../../clickhouse/database.ts';

let db: TestDatabase;
let table: TableName;
beforeAll(async () => {
  db = await testDatabase('cover');
  table = parseTableName(db.table) as TableName;
  for (const s of createStatements(table)) await db.client.exec(s);
});
afterAll(() => db?.drop());

const id = (i: number) => `0000000${i}-f1ee-4b00-8000-00000000000${i}`;
const scope = (): ReportScope => ({ table, excluded: [], duplicated: [], filter: { installs: [], users: [] } });

describe('coveredSql', () => {
  it('counts the rows inside each install’s runs (several runs, gaps, overlaps, installs without runs), in chunks whose counts add up', async () => {
    // Seven installs with seqs 1..200 each; install 6 has no export at all.
    await db.client.exec(
      `INSERT INTO ${table.full} (installId, seq, ts, type, policyVersion, policySource, extensionVersion, prev, hash, origin)
       SELECT concat('0000000', toString(intDiv(number, 200)), '-f1ee-4b00-8000-00000000000', toString(intDiv(number, 200))), number % 200 + 1, toDateTime('2026-10-01 00:00:00'), 'navigation.warned', 'v', 'managed', '1.2.0', '', hex(SHA256(toString(number))), 2 FROM numbers(1400)`,
    );
    const runs = new Map<string, Array<[number, number]>>([
      [id(0), [[1, 200]]],
      [id(1), [[1, 50], [40, 90], [150, 160]]], // overlapping, then a gap
      [id(2), [[10, 10]]],
      [id(3), [[190, 260]]], // beyond what the table holds
      [id(4), [[1, 20], [30, 40], [50, 60], [70, 80]]],
      [id(5), [[5, 5], [7, 7]]],
      ['not-in-the-table', [[1, 1000]]],
    ]);
    let expected = 0;
    for (const [k, r] of runs) {
      if (k === 'not-in-the-table') continue;
      const seqs = new Set<number>();
      for (const [a, b] of r) for (let s = a; s <= Math.min(b, 200); s++) seqs.add(s);
      expected += seqs.size;
    }
    expect(expected).toBe(200 + 101 + 1 + 11 + 53 + 2);
    for (const chunk of [1, 3, 1000]) {
      const statements = coveredSql(scope(), runs, chunk);
      expect(statements).toHaveLength(Math.ceil(runs.size / chunk));
      let got = 0;
      for (const sql of statements) got += Number((await db.client.query<{ n: number }>(sql))[0]!.n);
      expect(got, `chunk ${chunk}`).toBe(expected);
    }
  }, 60_000);

  it('10,000 installs: one comparison per run depth, not per install, and every statement within max_query_size', () => {
    const runs = new Map<string, Array<[number, number]>>();
    for (let i = 0; i < 10_000; i++) runs.set(`${i.toString(16).padStart(8, '0')}-f1ee-4b00-8000-${(i * 7919).toString(16).padStart(12, '0')}`, i % 100 === 0 ? [[1, 10], [20, 30]] : [[1, 10_000]]);
    const statements = coveredSql(scope(), runs);
    for (const sql of statements) {
      expect(Buffer.byteLength(sql)).toBeLessThan(256 * 1024);
      expect(sql.match(/BETWEEN/g)!.length).toBeLessThanOrEqual(2);
    }
    expect(statements.length).toBe(10);
  });
});
