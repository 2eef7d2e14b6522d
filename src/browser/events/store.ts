/**
 * The extension's event store on IndexedDB (docs/event-log.md; README, "For administrators"): a
 * tamper-evident hash chain of events, kept durable across MV3 service-worker restarts,
 * each naming its install, exports signed by the install's key.
 *
 * One store object puts together, one file per job (store/):
 *   - connection.ts  the database, its schema and the shared transaction helpers
 *   - identity.ts    the install's id and non-extractable signing key
 *   - writer.ts      the one writer: group commits, the chain head, log.key first, quota
 *   - queries.ts     pages, counts, the per-day aggregate, facets (the viewer, reporting)
 *   - retention.ts   pruning by age and count, and on a full disk
 *   - export.ts      NDJSON / CSV in chunks, NDJSON ending with the signed trailer
 *   - changes.ts     telling open viewers the log changed
 * Everything the extension records goes through the background's recorder
 * (src/browser/recorder.ts) into one writer; extension pages only read.
 */
import { DEFAULT_DB_NAME, openConnection, RESERVED_META } from './store/connection.ts';
import { exportChunks } from './store/export.ts';
import { installIdentity } from './store/identity.ts';
import { createQueries } from './store/queries.ts';
import { prune } from './store/retention.ts';
import type { EventStore } from './store/types.ts';
import { createWriter } from './store/writer.ts';

export type { ChainHead, DailyCount, EventContext, EventFilter, EventStore, ExportFormat, Facets, Page, PageCursor, PruneOptions } from './store/types.ts';
export { DEFAULT_DB_NAME } from './store/connection.ts';
export { LOG_CHANGED_CHANNEL, watchLog } from './store/changes.ts';
export { exportFileName } from './store/export.ts';
export { isQuotaError } from './store/writer.ts';

export async function openEventStore(name = DEFAULT_DB_NAME): Promise<EventStore> {
  const conn = openConnection(name);
  await conn.connect();
  const identity = installIdentity(conn);
  const writer = createWriter(conn, identity);
  const queries = createQueries(conn);
  return {
    append: writer.append,
    ...queries,
    export: (format, filter) => exportChunks(conn, writer, identity, format, filter),
    prune: (options, now) => prune(conn, writer, options, now),
    installId: identity.installId,
    ensureKey: writer.ensureKey,
    async getMeta<T>(key: string) {
      return (await (await conn.connect()).get('meta', key)) as T | undefined;
    },
    async putMeta(key, value) {
      if (RESERVED_META.has(key)) throw new RangeError(`meta key "${key}" is reserved`);
      await (await conn.connect()).put('meta', value, key);
    },
    head: writer.head,
    clear: writer.clear,
    close: conn.close,
  };
}
