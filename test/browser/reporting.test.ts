import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { formatEventJson, formatNdjsonChunk } from '../../src/core/events/ndjson.ts';
import type { EventRecord } from '../../src/core/events/types.ts';
import type { EventStore } from '../../src/browser/events/store.ts';
import {
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  backoffDelay,
  flushReports,
  reportingState,
  type ReportingConfig,
} from '../../src/browser/events/reporting.ts';
import { rowJson, rowToEvent, type EventRow } from '../../src/core/fleet/rows.ts';
import { ORIGIN } from '../../src/core/fleet/schema.ts';
import { dbName, draft, exportAll } from './events-helpers.ts';
import { openKeyedStore } from './events-helpers.ts';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fake collector: answers with the scripted statuses (then 200); 'network' throws. */
function fakeFetch(script: (number | 'network')[] = []): { calls: Call[]; fetch: (url: string, init: RequestInit) => Promise<{ status: number }> } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, init });
      const next = script.shift() ?? 200;
      if (next === 'network') throw new TypeError('Failed to fetch');
      return { status: next };
    },
  };
}

const NDJSON: ReportingConfig = { url: 'https://collector.example/ingest', format: 'ndjson' };
const HEC: ReportingConfig = { url: 'https://splunk.example:8088/services/collector/event', format: 'splunk-hec', token: 'abc-123' };
const NOW = new Date('2025-03-01T12:00:00.000Z');
const half = (): number => 0.5;

const stores: EventStore[] = [];
async function seeded(n: number, name = dbName('report')): Promise<EventStore> {
  const s = await openKeyedStore(name);
  stores.push(s);
  await Promise.all(
    Array.from({ length: n }, (_, i) => s.append(draft(new Date(Date.parse('2025-03-01T00:00:00.000Z') + i * 1000).toISOString()))),
  );
  return s;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function seqsOf(body: string): number[] {
  return body
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as EventRecord).seq);
}

describe('flushReports', () => {
  it('sends batches of at most 500 in seq order; 2xx acknowledges; the ndjson body is exact', async () => {
    const store = await seeded(1200);
    const all = await exportAll(store);
    const c = fakeFetch([200, 202, 204]);
    const r = await flushReports(store, NDJSON, c.fetch, NOW);
    expect(r).toEqual({ sent: 1200, pending: 0 });
    expect(c.calls).toHaveLength(3);
    const bodies = c.calls.map((x) => x.init.body as string);
    expect(bodies.map((b) => seqsOf(b).length)).toEqual([500, 500, 200]);
    expect(bodies.flatMap(seqsOf)).toEqual(all.map((e) => e.seq));
    expect(bodies[0]).toBe(formatNdjsonChunk(all.slice(0, 500)));
    expect(bodies[2]).toBe(formatNdjsonChunk(all.slice(1000)));
    for (const call of c.calls) {
      expect(call.url).toBe(NDJSON.url);
      expect(call.init.method).toBe('POST');
      expect(call.init.headers).toEqual({ 'Content-Type': 'application/x-ndjson' });
      expect(call.init.credentials).toBe('omit');
    }
    expect(await reportingState(store)).toMatchObject({ ackedSeq: 1200, failures: 0 });
    // nothing new: no request
    expect(await flushReports(store, NDJSON, c.fetch, NOW)).toEqual({ sent: 0, pending: 0 });
    expect(c.calls).toHaveLength(3);
    // local events are never deleted by reporting
    expect(await store.count()).toBe(1200);
  }, 30_000); // 1,200 appends to fake-indexeddb: over 5 s on a loaded 2-core machine

  it('a 500 keeps the batch queued and backs off; the queue and back-off survive a restart', async () => {
    const name = dbName('report-restart');
    const store = await seeded(700, name);
    const c = fakeFetch([200, 500]);
    const r1 = await flushReports(store, NDJSON, c.fetch, NOW, { random: half });
    const delay1 = backoffDelay(1, half);
    expect(delay1).toBe(Math.round(BACKOFF_BASE_MS * 0.75));
    expect(r1).toEqual({ sent: 500, pending: 200, nextAttemptAt: NOW.getTime() + delay1, lastError: 'HTTP 500' });
    expect(seqsOf(c.calls[1]!.init.body as string)[0]).toBe(501);

    // while backing off, nothing is sent
    const early = new Date(NOW.getTime() + delay1 - 1);
    expect(await flushReports(store, NDJSON, c.fetch, early)).toMatchObject({ sent: 0, pending: 200, nextAttemptAt: NOW.getTime() + delay1 });
    expect(c.calls).toHaveLength(2);

    // worker restart: a new store object on the same database
    store.close();
    const again = await openKeyedStore(name);
    stores.push(again);
    const later = new Date(NOW.getTime() + delay1);
    const r2 = await flushReports(again, NDJSON, c.fetch, later);
    expect(r2).toEqual({ sent: 200, pending: 0 });
    expect(seqsOf(c.calls[2]!.init.body as string)).toEqual(Array.from({ length: 200 }, (_, i) => i + 501));
  });

  it('network errors keep the queue; back-off grows exponentially, capped, with jitter', async () => {
    const store = await seeded(3);
    const c = fakeFetch(['network', 'network', 'network']);
    let now = NOW.getTime();
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await flushReports(store, NDJSON, c.fetch, new Date(now), { random: () => 1 });
      expect(r).toMatchObject({ sent: 0, pending: 3, lastError: 'TypeError: Failed to fetch' });
      delays.push(r.nextAttemptAt! - now);
      now = r.nextAttemptAt!;
    }
    expect(delays).toEqual([BACKOFF_BASE_MS, 2 * BACKOFF_BASE_MS, 4 * BACKOFF_BASE_MS]);
    expect(backoffDelay(40, () => 1)).toBe(BACKOFF_MAX_MS);
    expect(backoffDelay(40, () => 0)).toBe(BACKOFF_MAX_MS / 2);
    const ok = await flushReports(store, NDJSON, c.fetch, new Date(now));
    expect(ok).toEqual({ sent: 3, pending: 0 });
    expect(await reportingState(store)).toEqual({ url: NDJSON.url, ackedSeq: 3, failures: 0 });
    expect(await store.count()).toBe(3);
  });

  it('splunk-hec: exact body and Authorization header', async () => {
    const store = await seeded(2);
    const all = await exportAll(store);
    const c = fakeFetch();
    await flushReports(store, HEC, c.fetch, NOW);
    expect(c.calls).toHaveLength(1);
    const { url, init } = c.calls[0]!;
    expect(url).toBe(HEC.url);
    expect(init.headers).toEqual({ 'Content-Type': 'application/json', Authorization: 'Splunk abc-123' });
    expect(init.body).toBe(
      `{"event":${formatEventJson(all[0]!)},"time":1740787200,"sourcetype":"telehealth-guard"}\n` +
        `{"event":${formatEventJson(all[1]!)},"time":1740787201,"sourcetype":"telehealth-guard"}\n`,
    );
    // each object parses and carries the event unchanged
    const objs = (init.body as string).trim().split('\n').map((l) => JSON.parse(l) as { event: EventRecord; time: number; sourcetype: string });
    expect(objs.map((o) => o.event)).toEqual(all);
  });

  it('sub-second timestamps become fractional epoch seconds', async () => {
    const s = await openKeyedStore(dbName('hec-ms'));
    stores.push(s);
    await s.append(draft('2025-03-01T00:00:00.123Z'));
    const c = fakeFetch();
    await flushReports(s, HEC, c.fetch, NOW);
    expect(c.calls[0]!.init.body as string).toContain('"time":1740787200.123,');
  });

  it('an ndjson token is sent as a Bearer token', async () => {
    const store = await seeded(1);
    const c = fakeFetch();
    await flushReports(store, { ...NDJSON, token: 't0k' }, c.fetch, NOW);
    expect(c.calls[0]!.init.headers).toEqual({ 'Content-Type': 'application/x-ndjson', Authorization: 'Bearer t0k' });
  });

  it('concurrent flushes do not send the same events twice', async () => {
    const store = await seeded(600);
    const c = fakeFetch();
    const results = await Promise.all([
      flushReports(store, NDJSON, c.fetch, NOW),
      flushReports(store, NDJSON, c.fetch, NOW),
      flushReports(store, NDJSON, c.fetch, NOW),
    ]);
    expect(results.reduce((s, r) => s + r.sent, 0)).toBe(600);
    expect(c.calls.flatMap((x) => seqsOf(x.init.body as string))).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
  });

  it('events appended while reporting is down are sent later, in order; maxBatches bounds one call', async () => {
    const store = await seeded(10);
    const c = fakeFetch([503]);
    const r1 = await flushReports(store, NDJSON, c.fetch, NOW, { random: half });
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.append(draft(new Date(NOW.getTime() + i).toISOString()))));
    const r2 = await flushReports(store, NDJSON, c.fetch, new Date(r1.nextAttemptAt!), { batchSize: 10, maxBatches: 2 });
    expect(r2).toEqual({ sent: 20, pending: 15 });
    const r3 = await flushReports(store, NDJSON, c.fetch, new Date(r1.nextAttemptAt!), { batchSize: 10, maxBatches: 5 });
    expect(r3).toEqual({ sent: 15, pending: 0 });
    expect(c.calls.slice(1).flatMap((x) => seqsOf(x.init.body as string))).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
  });

  it('a new collector URL starts from the oldest stored event; force ignores the back-off', async () => {
    const store = await seeded(4);
    const c = fakeFetch();
    await flushReports(store, NDJSON, c.fetch, NOW);
    const other = { ...NDJSON, url: 'https://other.example/in' };
    const c2 = fakeFetch([500]);
    const r = await flushReports(store, other, c2.fetch, NOW);
    expect(r.pending).toBe(4);
    const forced = await flushReports(store, other, c2.fetch, NOW, { force: true });
    expect(forced).toEqual({ sent: 4, pending: 0 });
    expect(c2.calls.map((x) => seqsOf(x.init.body as string))).toEqual([
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ]);
  });

  it('clickhouse: the INSERT in the query, the table\'s rows in the body, user:password as basic authentication', async () => {
    const store = await seeded(3);
    const all = await exportAll(store);
    const c = fakeFetch();
    const CH: ReportingConfig = { url: 'https://clickhouse.example:8443/?database=x', format: 'clickhouse', token: 'ingest:pä:ss' };
    await flushReports(store, CH, c.fetch, NOW);
    const { url, init } = c.calls[0]!;
    const u = new URL(url);
    expect(u.searchParams.get('query')).toBe('INSERT INTO telehealth_guard.events FORMAT JSONEachRow');
    expect(u.searchParams.get('database')).toBe('x');
    expect(init.headers).toEqual({ 'Content-Type': 'application/x-ndjson', Authorization: `Basic ${Buffer.from('ingest:pä:ss').toString('base64')}` });
    expect(init.body).toBe(all.map((e) => rowJson(e, ORIGIN.collector) + '\n').join(''));
    const rows = (init.body as string).trim().split('\n').map((l) => JSON.parse(l) as EventRow);
    expect(rows.map(rowToEvent)).toEqual(all);
    expect(rows.every((r) => r.origin === ORIGIN.collector)).toBe(true);
    // Another table is another collector: everything again.
    const c2 = fakeFetch();
    await flushReports(store, { ...CH, table: 'audit.tg_events' }, c2.fetch, NOW);
    expect(new URL(c2.calls[0]!.url).searchParams.get('query')).toBe('INSERT INTO audit.tg_events FORMAT JSONEachRow');
    expect(rows.length).toBe(3);
    expect(seqsOf(c2.calls[0]!.init.body as string)).toEqual([1, 2, 3]);
  });

  it('clickhouse: same batching, back-off and retry as the other formats', async () => {
    const store = await seeded(1200);
    const CH: ReportingConfig = { url: 'https://clickhouse.example:8443/', format: 'clickhouse' };
    const c = fakeFetch([200, 500]);
    const r1 = await flushReports(store, CH, c.fetch, NOW, { random: half });
    expect(r1).toEqual({ sent: 500, pending: 700, nextAttemptAt: NOW.getTime() + backoffDelay(1, half), lastError: 'HTTP 500' });
    const r2 = await flushReports(store, CH, c.fetch, new Date(r1.nextAttemptAt!));
    expect(r2).toEqual({ sent: 700, pending: 0 });
    expect(c.calls.map((x) => seqsOf(x.init.body as string).length)).toEqual([500, 500, 500, 200]);
    expect(c.calls[0]!.init.headers).toEqual({ 'Content-Type': 'application/x-ndjson' });
  });

  it('events pruned before they were sent are skipped, not waited for', async () => {
    const store = await seeded(30);
    await store.prune({ retentionDays: 3650, maxEvents: 10 }, NOW);
    const c = fakeFetch();
    const r = await flushReports(store, NDJSON, c.fetch, NOW);
    expect(r).toEqual({ sent: 10, pending: 0 });
    expect(seqsOf(c.calls[0]!.init.body as string)).toEqual(Array.from({ length: 10 }, (_, i) => i + 22));
  });
});
