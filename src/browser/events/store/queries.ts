/**
 * Reading the log for the viewer and for reporting: pages by cursor, counts, the per-day
 * aggregate, facets. Filters by type or service walk the matching index; a ts range
 * becomes a seq range from the `ts` index while ts never went backwards.
 */
import type { EventRecord, EventType } from '../../../core/events/types.ts';
import { EMPTY_HEAD, readTx, type Connection, type DailyRow, type Db, type ReadTx, type StoredHead } from './connection.ts';
import { dayAligned, hasTsBounds, matches, MIDNIGHT, nextDay, normaliseFilter, type NormFilter } from './filter.ts';
import type { DailyCount, EventFilter, Facets, Page, PageCursor } from './types.ts';

/** Events fetched by key at once when walking an explicit seq list. */
const FETCH_CHUNK = 200;

/** The part of an idb cursor the scans use. */
interface RecCursor {
  value: EventRecord;
  continue(): Promise<RecCursor | null>;
}

export interface TsBounds {
  min: number;
  max: number;
  /** Every seq in the ts range, ascending, when ts went backwards at some point. */
  seqs?: number[];
}

/**
 * Where the events of the filter's ts range are, from the `ts` index: inclusive seq
 * bounds. While ts never went backwards (the usual case) two cursor steps give them and
 * every seq between is in range. Otherwise the index's primary keys for the range are
 * read in one request and returned too (`seqs`, ascending), so scans visit only those.
 * null: no event in range.
 */
export async function seqBoundsForTs(tx: ReadTx, f: NormFilter): Promise<TsBounds | null> {
  if (!hasTsBounds(f)) return { min: -Infinity, max: Infinity };
  if (f.from !== undefined && f.to !== undefined && f.from >= f.to) return null;
  const range =
    f.from !== undefined && f.to !== undefined
      ? IDBKeyRange.bound(f.from, f.to, false, true)
      : f.from !== undefined
        ? IDBKeyRange.lowerBound(f.from)
        : IDBKeyRange.upperBound(f.to, true);
  const index = tx.objectStore('events').index('ts');
  const stored = ((await tx.objectStore('meta').get('head')) as StoredHead | undefined) ?? EMPTY_HEAD;
  if (stored.tsMonotonic) {
    const first = await index.openKeyCursor(range, 'next');
    if (!first) return null;
    const last = await index.openKeyCursor(range, 'prev');
    return { min: first.primaryKey, max: last ? last.primaryKey : first.primaryKey };
  }
  const seqs = await index.getAllKeys(range);
  if (seqs.length === 0) return null;
  seqs.sort((x, y) => x - y);
  return { min: seqs[0]!, max: seqs[seqs.length - 1]!, seqs };
}

/**
 * Matching events with lo < seq < hi in `dir` order, at most `need` of them. With `seqs`
 * (ts went backwards) only those seqs are fetched. Otherwise one cursor per type (or per
 * service) when the filter names some, else the primary key; each cursor stops after
 * `need` matches and the results are merged by seq.
 */
async function collect(
  tx: ReadTx,
  f: NormFilter,
  dir: 'next' | 'prev',
  lo: number,
  hi: number,
  need: number,
  seqs?: readonly number[],
): Promise<EventRecord[]> {
  if (need <= 0 || !(lo < hi)) return [];
  const store = tx.objectStore('events');
  if (seqs) {
    const inWindow = seqs.filter((q) => q > lo && q < hi);
    if (dir === 'prev') inWindow.reverse();
    const out: EventRecord[] = [];
    for (let i = 0; i < inWindow.length && out.length < need; i += FETCH_CHUNK) {
      const got = await Promise.all(inWindow.slice(i, i + FETCH_CHUNK).map((q) => store.get(q)));
      for (const e of got) if (e && out.length < need && matches(e, f)) out.push(e);
    }
    return out;
  }
  const scan = async (open: () => Promise<RecCursor | null>): Promise<EventRecord[]> => {
    const out: EventRecord[] = [];
    let cursor = await open();
    while (cursor && out.length < need) {
      if (matches(cursor.value, f)) out.push(cursor.value);
      cursor = await cursor.continue();
    }
    return out;
  };
  let parts: EventRecord[][];
  const keys = f.types ? [...f.types] : f.services ? [...f.services] : null;
  if (keys) {
    const index = store.index(f.types ? 'type' : 'service');
    parts = await Promise.all(keys.map((k) => scan(() => index.openCursor(IDBKeyRange.bound([k, lo], [k, hi], true, true), dir))));
  } else {
    parts = [await scan(() => store.openCursor(IDBKeyRange.bound(lo, hi, true, true), dir))];
  }
  if (parts.length === 1) return parts[0]!;
  const merged = parts.flat();
  merged.sort(dir === 'next' ? (x, y) => x.seq - y.seq : (x, y) => y.seq - x.seq);
  return merged.slice(0, need);
}

/** Aggregate rows for the filter's days (day granularity), types and services. */
async function dailyRows(db: Db, f: NormFilter): Promise<DailyRow[]> {
  const fromDay = f.from?.slice(0, 10);
  const toDayExcl = f.to === undefined ? undefined : f.to.endsWith(MIDNIGHT) ? f.to.slice(0, 10) : nextDay(f.to.slice(0, 10));
  if (fromDay !== undefined && toDayExcl !== undefined && fromDay >= toDayExcl) return [];
  const range =
    fromDay !== undefined && toDayExcl !== undefined
      ? IDBKeyRange.bound([fromDay], [toDayExcl], false, true)
      : fromDay !== undefined
        ? IDBKeyRange.lowerBound([fromDay])
        : toDayExcl !== undefined
          ? IDBKeyRange.upperBound([toDayExcl], true)
          : null;
  const rows = await db.getAll('daily', range);
  return rows.filter(
    (r) => r.count > 0 && (!f.types || f.types.has(r.type)) && (!f.services || (r.service !== '' && f.services.has(r.service))),
  );
}

export interface Queries {
  page(filter: EventFilter, cursor: PageCursor): Promise<Page>;
  count(filter?: EventFilter): Promise<number>;
  dailyCounts(filter?: EventFilter): Promise<DailyCount[]>;
  facets(): Promise<Facets>;
  readFrom(afterSeq: number, limit: number): Promise<EventRecord[]>;
  countAfter(afterSeq: number): Promise<number>;
}

export function createQueries(conn: Connection): Queries {
  /** A text search is not in the aggregate: count the matching events themselves. */
  async function dailyCountsByScan(f: NormFilter): Promise<DailyCount[]> {
    const tx = readTx(await conn.connect());
    const bounds = await seqBoundsForTs(tx, f);
    if (!bounds) return [];
    const byKey = new Map<string, DailyCount>();
    for (const e of await collect(tx, f, 'next', bounds.min - 1, bounds.max + 1, Infinity, bounds.seqs)) {
      const day = e.ts.slice(0, 10);
      const k = day + '\u0000' + e.type;
      const c = byKey.get(k);
      if (c) c.count++;
      else byKey.set(k, { day, type: e.type, count: 1 });
    }
    return [...byKey.values()].sort((a, b) => (a.day === b.day ? (a.type < b.type ? -1 : 1) : a.day < b.day ? -1 : 1));
  }

  return {
    async page(filter, cursor) {
      const limit = cursor.limit;
      if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('page: limit must be a positive integer');
      if (cursor.afterSeq !== undefined && cursor.beforeSeq !== undefined) throw new RangeError('page: give afterSeq or beforeSeq, not both');
      const f = normaliseFilter(filter);
      const tx = readTx(await conn.connect());
      const bounds = await seqBoundsForTs(tx, f);
      if (!bounds) return { events: [], hasMore: false };
      let lo = bounds.min - 1;
      let hi = bounds.max + 1;
      if (cursor.afterSeq !== undefined) {
        lo = Math.max(lo, cursor.afterSeq);
        const got = await collect(tx, f, 'next', lo, hi, limit + 1, bounds.seqs);
        return { events: got.slice(0, limit).reverse(), hasMore: got.length > limit };
      }
      if (cursor.beforeSeq !== undefined) hi = Math.min(hi, cursor.beforeSeq);
      const got = await collect(tx, f, 'prev', lo, hi, limit + 1, bounds.seqs);
      return { events: got.slice(0, limit), hasMore: got.length > limit };
    },

    async count(filter = {}) {
      const f = normaliseFilter(filter);
      const db = await conn.connect();
      if (!f.types && !f.services && !f.text) {
        if (!hasTsBounds(f)) return db.count('events');
        const range =
          f.from !== undefined && f.to !== undefined
            ? f.from >= f.to
              ? null
              : IDBKeyRange.bound(f.from, f.to, false, true)
            : f.from !== undefined
              ? IDBKeyRange.lowerBound(f.from)
              : IDBKeyRange.upperBound(f.to, true);
        return range ? db.countFromIndex('events', 'ts', range) : 0;
      }
      if (dayAligned(f) && !f.text) {
        let n = 0;
        for (const row of await dailyRows(db, f)) n += row.count;
        return n;
      }
      const tx = readTx(db);
      const bounds = await seqBoundsForTs(tx, f);
      if (!bounds) return 0;
      return (await collect(tx, f, 'next', bounds.min - 1, bounds.max + 1, Infinity, bounds.seqs)).length;
    },

    async dailyCounts(filter = {}) {
      const f = normaliseFilter(filter);
      if (f.text) return dailyCountsByScan(f);
      const rows = await dailyRows(await conn.connect(), f);
      const byKey = new Map<string, DailyCount>();
      for (const r of rows) {
        const k = r.day + '\u0000' + r.type;
        const c = byKey.get(k);
        if (c) c.count += r.count;
        else byKey.set(k, { day: r.day, type: r.type, count: r.count });
      }
      // rows come sorted by [day, type, service], so the map is already in [day, type] order
      return [...byKey.values()];
    },

    async facets() {
      const rows = await (await conn.connect()).getAll('daily');
      const types = new Set<EventType>();
      const services = new Set<string>();
      for (const r of rows) {
        if (r.count <= 0) continue;
        types.add(r.type);
        if (r.service !== '') services.add(r.service);
      }
      return { types: [...types], services: [...services].sort() };
    },

    async readFrom(afterSeq, limit) {
      if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('readFrom: limit must be a positive integer');
      return (await conn.connect()).getAll('events', IDBKeyRange.lowerBound(afterSeq, true), limit);
    },

    async countAfter(afterSeq) {
      return (await conn.connect()).count('events', IDBKeyRange.lowerBound(afterSeq, true));
    },
  };
}
