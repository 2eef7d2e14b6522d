/**
 * Retention and quota pruning: removing a prefix of the chain (oldest seq first,
 * stopping at the first event to keep), so the remaining events are contiguous and
 * verify from their first line; `log.pruned` records that it happened.
 */
import { announceChange } from './changes.ts';
import { dailyKey, inTx, noop, type Connection } from './connection.ts';
import { DAY_MS } from './filter.ts';
import { contextOf, type PruneOptions } from './types.ts';
import type { Writer } from './writer.ts';

/** Events deleted per prune transaction. */
const PRUNE_CHUNK = 2000;

/**
 * Delete the oldest events in seq order: the first `minCount`, then any further ones while
 * `olderThan` (ts < olderThan) holds; stops at the first event to keep, so what remains is
 * a contiguous tail of the chain. Updates the daily aggregate in the same transactions.
 */
export async function deletePrefix(conn: Connection, minCount: number, olderThan: string | null): Promise<number> {
  const db = await conn.connect();
  let removed = 0;
  for (;;) {
    const tx = db.transaction(['events', 'daily', 'meta'], 'readwrite');
    const { n, more } = await inTx(tx, async () => {
      const dec = new Map<string, { key: [string, string, string]; n: number }>();
      let n = 0;
      let more = false;
      let cursor = await tx.objectStore('events').openCursor();
      while (cursor) {
        const e = cursor.value;
        const del = removed + n < minCount || (olderThan !== null && e.ts < olderThan);
        if (!del) break;
        if (n >= PRUNE_CHUNK) {
          more = true;
          break;
        }
        cursor.delete().catch(noop);
        n++;
        const key = dailyKey(e);
        const k = key.join('\u0000');
        const d = dec.get(k);
        if (d) d.n++;
        else dec.set(k, { key, n: 1 });
        cursor = await cursor.continue();
      }
      const daily = tx.objectStore('daily');
      for (const { key, n: m } of dec.values()) {
        const row = await daily.get(key);
        if (!row) continue;
        if (row.count <= m) await daily.delete(key);
        else await daily.put({ ...row, count: row.count - m });
      }
      return { n, more };
    });
    removed += n;
    if (!more) return removed;
  }
}

/** Enforce retentionDays and maxEvents; appends `log.pruned` when something was removed. */
export async function prune(conn: Connection, writer: Writer, options: PruneOptions, now: Date = new Date()): Promise<number> {
  const { retentionDays, maxEvents } = options;
  if (!(retentionDays > 0)) throw new RangeError('prune: retentionDays must be positive');
  if (!Number.isSafeInteger(maxEvents) || maxEvents < 1) throw new RangeError('prune: maxEvents must be a positive integer');
  return writer.exclusive(async () => {
    const db = await conn.connect();
    const cutoff = new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
    const total = await db.count('events');
    let context = options.context;
    if (!context) {
      const newest = await db.transaction('events').store.openCursor(null, 'prev');
      if (newest) context = contextOf(newest.value);
    }
    // Over the limit: remove one more, so that with `log.pruned` the log holds maxEvents.
    const byCount = total > maxEvents ? total - maxEvents + 1 : 0;
    const removed = await deletePrefix(conn, byCount, cutoff);
    if (removed > 0 && context) await writer.writePruned(context, now);
    if (removed > 0) announceChange();
    return removed;
  });
}
