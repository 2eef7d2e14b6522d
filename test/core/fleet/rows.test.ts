/**
 * An event and its ClickHouse row are exact inverses as far as the hash goes: the event
 * rebuilt from the row (after the JSON round trip the wire makes) re-hashes to its `hash`,
 * for every shape the schema accepts. `fleet verify` re-hashes rebuilt events, so a field
 * lost or changed here would be reported as tampering.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordHashInput } from '../../../src/core/events/chain.ts';
import { checkEventRecord, eventRecordSchema } from '../../../src/core/events/schema.ts';
import type { EventRecord } from '../../../src/core/events/types.ts';
import { eventToRow, rowJson, rowToEvent, splitTs, type EventRow } from '../../../src/core/fleet/rows.ts';
import { EVENT_COLUMNS, ORIGIN } from '../../../src/core/fleet/schema.ts';
import { anyEvent, nodeSha } from './event-arbitrary.ts';

describe('event ⇄ ClickHouse row', () => {
  it('the rebuilt event re-hashes to its hash and is accepted by the schema (random events of every shape)', () => {
    fc.assert(
      fc.property(anyEvent, (e) => {
        const row = JSON.parse(rowJson(e, ORIGIN.collector)) as EventRow;
        const back = rowToEvent(row);
        expect(nodeSha(recordHashInput(back))).toBe(e.hash);
        expect(checkEventRecord(JSON.parse(JSON.stringify(back))).ok).toBe(true);
      }),
      { numRuns: 1000 },
    );
    // 1,000 random events: about 0.5 s on an idle 2-core machine, several seconds under load.
  }, 30_000);

  it('fields left out stay left out, and empty ones stay empty', () => {
    const base = { seq: 3, ts: '2026-12-01T10:00:00.000Z', type: 'link.checked', host: null, service: null, action: null, policyVersion: 'v', policySource: 'managed', extensionVersion: '1', prev: '0'.repeat(64), hash: 'a'.repeat(64) } as EventRecord;
    expect(rowToEvent(eventToRow(base, ORIGIN.collector))).toEqual(base);
    const empty = { ...base, findings: [], reason: '', url: '', note: '', user: '' } as EventRecord;
    expect(rowToEvent(eventToRow(empty, ORIGIN.collector))).toEqual(empty);
  });

  it('a lone surrogate (which ClickHouse refuses) goes as U+FFFD in its column and exactly in raw', () => {
    const row = eventToRow({ seq: 1, ts: '2026-12-01T10:00:00.000Z', type: 'navigation.proceeded', host: 'x', service: null, action: 'warn', reason: 'a\ud800b', policyVersion: 'v', policySource: 'managed', extensionVersion: '1', prev: '0'.repeat(64), hash: 'a'.repeat(64) } as EventRecord, ORIGIN.collector);
    expect(row.reason).toBe('a\ufffdb');
    expect(row.raw).toContain('a\\ud800b');
    expect(rowToEvent(row).reason).toBe('a\ud800b');
  });

  it('timestamps: the extension’s form in DateTime + ms; any other also kept as written', () => {
    expect(splitTs('2026-12-01T10:00:00.123Z')).toEqual({ ts: Date.parse('2026-12-01T10:00:00Z') / 1000, ms: 123, exact: true });
    expect(splitTs('2026-12-01T10:00:00Z').exact).toBe(false);
    expect(splitTs('1969-12-31T23:59:59.999Z')).toMatchObject({ ts: 0, exact: false });
    expect(splitTs('2200-01-01T00:00:00.000Z')).toMatchObject({ ts: 4294967295, exact: false });
  });

  it('splitTs by hand (a day already seen) = by Date, on runs of timestamps of a few days', () => {
    const reference = (ts: string) => {
      const t = Date.parse(ts);
      const exact = Number.isFinite(t) && t >= 0 && t / 1000 < 4294967296 && new Date(t).toISOString() === ts;
      return exact ? { ts: Math.floor(t / 1000), ms: t % 1000, exact } : null;
    };
    const two = (min: number, max: number) => fc.integer({ min, max }).map((v) => String(v).padStart(2, '0'));
    const stamp = fc
      .tuple(fc.constantFrom('2026-11-30', '2026-12-01', '2024-02-29', '2023-02-29', '2106-02-07', '1970-01-01'), two(0, 24), two(0, 60), two(0, 60), fc.integer({ min: 0, max: 999 }))
      .map(([d, h, m, sec, ms]) => `${d}T${h}:${m}:${sec}.${String(ms).padStart(3, '0')}Z`);
    fc.assert(
      fc.property(fc.array(stamp, { minLength: 1, maxLength: 8 }), (stamps) => {
        for (const ts of stamps) {
          const r = reference(ts);
          const got = splitTs(ts);
          if (r) expect(got, ts).toEqual(r);
          else expect(got.exact, ts).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('the table has a column for every field of an event (a new field without one fails here)', () => {
    const columns = new Set(EVENT_COLUMNS.map(([n]) => n));
    for (const field of Object.keys(eventRecordSchema.shape)) {
      expect(columns, field).toContain(field);
    }
    const row = eventToRow({ seq: 1, ts: '2026-12-01T10:00:00.000Z', type: 'log.key', host: null, service: null, action: null, policyVersion: 'v', policySource: 'managed', extensionVersion: '1', prev: '0'.repeat(64), hash: 'a'.repeat(64) } as EventRecord, ORIGIN.verified);
    expect(Object.keys(row).sort()).toEqual([...columns].sort());
  });
});
