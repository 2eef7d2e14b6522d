/**
 * The same round trip as rows.test.ts, through a real ClickHouse server: the table
 * `fleet schema` prints takes every event row (no batch refused), and every event read
 * back re-hashes to its `hash` — the server's JSON parser and writer included.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHashInput } from '../../../src/core/events/chain.ts';
import { EVENT_TYPES } from '../../../src/core/events/types.ts';
import { rowJson, rowToEvent, ROW_SELECT, type EventRow } from '../../../src/core/fleet/rows.ts';
import { createStatements, ORIGIN, parseTableName, type TableName } from '../../../src/core/fleet/schema.ts';
import { testDatabase, type TestDatabase } from '../../clickhouse/database.ts';
import { anyEvent, nodeSha } from './event-arbitrary.ts';

let db: TestDatabase;
let name: TableName;
beforeAll(async () => {
  db = await testDatabase();
  name = parseTableName(db.table) as TableName;
  for (const s of createStatements(name)) await db.client.exec(s);
});
afterAll(() => db?.drop());

describe('the events table on a real server', () => {
  it('takes random events of every shape and gives each back so that it re-hashes to its hash', async () => {
    const events = fc.sample(anyEvent, { numRuns: 3000, seed: 22 });
    await db.client.insert(name.full, events.map((e) => rowJson(e, ORIGIN.collector)));
    const rows = await db.client.query<EventRow>(`SELECT ${ROW_SELECT} FROM ${name.full}`);
    const byHash = new Map(rows.map((r) => [r.hash, r]));
    expect(byHash.size).toBe(new Set(events.map((e) => e.hash)).size);
    let raw = 0;
    for (const e of events) {
      const r = byHash.get(e.hash)!;
      expect(r, e.hash).toBeDefined();
      if (r.raw !== null) raw++;
      expect(nodeSha(recordHashInput(rowToEvent(r))), JSON.stringify(e)).toBe(e.hash);
    }
    // Both paths were taken: plain columns, and raw for what they cannot hold.
    expect(raw).toBeGreaterThan(0);
    expect(raw).toBeLessThan(events.length);
  });

  it('every event type fits, with the columns queries use (month partition, type, host)', async () => {
    const rows = await db.client.query<{ partition: string }>(`SELECT DISTINCT partition FROM system.parts WHERE database = '${db.database}' AND table = 'events' AND active`);
    expect(rows.length).toBeGreaterThan(1);
    const types = await db.client.query<{ type: string }>(`SELECT DISTINCT type FROM ${name.full}`);
    expect(new Set(types.map((t) => t.type))).toEqual(new Set(EVENT_TYPES));
  });
});
