/**
 * The collector format `clickhouse` against a real ClickHouse server (docs/fleet.md): the
 * extension's reporting code (flushReports, real fetch) inserts into the table `fleet
 * schema` prints, and every event the store exports comes back out of the table exactly.
 * A batch whose answer was lost is sent twice and still counts once; a server that
 * refuses keeps the queue, and a later flush delivers it.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { flushReports, type ReportingConfig } from '../../src/browser/events/reporting.ts';
import type { EventStore } from '../../src/browser/events/store.ts';
import { rowToEvent, ROW_SELECT, type EventRow } from '../../src/core/fleet/rows.ts';
import { createStatements, parseTableName, type TableName } from '../../src/core/fleet/schema.ts';
import { testDatabase, type TestDatabase } from '../clickhouse/database.ts';
import { dbName, draft, exportAll, openKeyedStore, variedDrafts } from './events-helpers.ts';

let db: TestDatabase;
const stores: EventStore[] = [];
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(() => db?.drop());
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

async function table(name: string): Promise<TableName> {
  const t = parseTableName(`${db.database}.${name}`) as TableName;
  for (const s of createStatements(t)) await db.client.exec(s);
  return t;
}

async function store(n: number): Promise<EventStore> {
  const s = await openKeyedStore(dbName('ch'));
  stores.push(s);
  for (const d of variedDrafts(n, '2026-10-30T00:00:00.000Z', 37 * 60_000)) await s.append(d);
  await s.append(draft('2026-12-01T10:00:00.000Z', 'install.heartbeat', { host: null, service: null, action: null, browser: 'Chromium 156.0.1' }));
  return s;
}

const rows = (t: TableName, final = '') => db.client.query<EventRow>(`SELECT ${ROW_SELECT} FROM ${t.full} ${final} ORDER BY installId, seq`);

describe('collector format clickhouse, into a real server', () => {
  it('every event arrives, exactly, in batches', async () => {
    const t = await table('events');
    const s = await store(1300);
    const config: ReportingConfig = { url: db.url, format: 'clickhouse', table: t.full };
    const r = await flushReports(s, config, undefined, new Date());
    expect(r).toEqual({ sent: 1301, pending: 0 });
    const got = (await rows(t)).map(rowToEvent);
    expect(got).toEqual(await exportAll(s));
    // months of events: one partition each
    const parts = await db.client.query<{ p: string }>(`SELECT DISTINCT partition AS p FROM system.parts WHERE database = '${db.database}' AND table = 'events' AND active ORDER BY p`);
    expect(parts.map((p) => p.p)).toEqual(['202610', '202611', '202612']);
  });

  it('a batch sent twice (its answer lost) counts once; a refusing server keeps the queue', async () => {
    const t = await table('events_twice');
    const s = await store(40);
    const config: ReportingConfig = { url: db.url, format: 'clickhouse', table: t.full };
    // The request reaches the server, but the answer is lost on the way back.
    let lose = 1;
    const lossy = async (url: string, init: RequestInit) => {
      const res = await fetch(url, init);
      if (lose-- > 0) throw new TypeError('network connection lost');
      return res;
    };
    const r1 = await flushReports(s, config, lossy, new Date());
    expect(r1).toMatchObject({ sent: 0, pending: 41, lastError: 'TypeError: network connection lost' });
    const r2 = await flushReports(s, config, lossy, new Date(r1.nextAttemptAt!));
    expect(r2).toEqual({ sent: 41, pending: 0 });
    expect(await rows(t)).toHaveLength(82); // both copies, until a merge
    expect((await rows(t, 'FINAL')).map(rowToEvent)).toEqual(await exportAll(s));

    // A table that does not exist: the server refuses, nothing is lost, the back-off is kept.
    const missing: ReportingConfig = { ...config, table: `${db.database}.not_yet` };
    const r3 = await flushReports(s, missing, undefined, new Date());
    expect(r3.sent).toBe(0);
    expect(r3.pending).toBe(41);
    expect(r3.lastError).toMatch(/^HTTP (404|500)$/);
    const created = await table('not_yet');
    const r4 = await flushReports(s, missing, undefined, new Date(r3.nextAttemptAt!));
    expect(r4).toEqual({ sent: 41, pending: 0 });
    expect(await rows(created)).toHaveLength(41);
  });
});
