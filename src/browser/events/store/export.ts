/**
 * Exports (README, "Signed exports"): NDJSON or CSV in chunks, in seq order, read in
 * batches; the whole log or a filtered view. Every NDJSON export ends with the signed
 * `log.signature` line, its digest fed as the events stream past.
 */
import { CSV_HEADER, formatCsvRows } from '../../../core/events/csv.ts';
import { formatNdjsonChunk } from '../../../core/events/ndjson.ts';
import { ExportDigest, formatTrailer, makeTrailer, type ExportSigner } from '../../../core/events/signature.ts';
import { readTx, type Connection } from './connection.ts';
import { isUnfiltered, matches, normaliseFilter } from './filter.ts';
import type { Identity } from './identity.ts';
import { seqBoundsForTs } from './queries.ts';
import { contextOf, type EventContext, type EventFilter, type ExportFormat } from './types.ts';
import type { Writer } from './writer.ts';

/** Events read per export batch. */
const READ_BATCH = 5000;

/** Context for the store's own events when nothing better is known (an empty log, tests). */
const UNKNOWN_CONTEXT: EventContext = { policyVersion: 'unknown', policySource: 'default', extensionVersion: 'unknown' };

/** Who signs exports: the install's id and key (made now, with its log.key, if missing). */
async function exportSigner(conn: Connection, writer: Writer, identity: Identity): Promise<ExportSigner> {
  let key = await identity.key();
  if (!key) {
    const db = await conn.connect();
    const newest = await db.transaction('events').store.openCursor(null, 'prev');
    await writer.ensureKey(newest ? contextOf(newest.value) : UNKNOWN_CONTEXT);
    key = (await identity.key())!;
  }
  return { installId: await identity.installId(), publicKey: key.spki, privateKey: key.privateKey };
}

export async function* exportChunks(conn: Connection, writer: Writer, identity: Identity, format: ExportFormat, filter: EventFilter = {}): AsyncGenerator<string> {
  if (format !== 'ndjson' && format !== 'csv') throw new RangeError(`export: unknown format ${String(format)}`);
  // An export holds every event recorded before it was asked for: let queued appends
  // (written in the same exclusive queue) land first.
  await writer.exclusive(async () => undefined);
  const f = normaliseFilter(filter);
  const unfiltered = isUnfiltered(f);
  const signer = format === 'ndjson' ? await exportSigner(conn, writer, identity) : null;
  const digest = new ExportDigest();
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  const trailer = async (): Promise<string> =>
    formatTrailer(await makeTrailer({ digest, firstSeq, lastSeq, ...signer!, filtered: !unfiltered, exportedAt: new Date().toISOString() })) + '\n';
  let lo = -Infinity;
  let hi = Infinity;
  if (!unfiltered) {
    const bounds = await seqBoundsForTs(readTx(await conn.connect()), f);
    if (!bounds) {
      if (format === 'csv') yield CSV_HEADER;
      else yield await trailer();
      return;
    }
    lo = bounds.min - 1;
    hi = bounds.max + 1;
  }
  if (format === 'csv') yield CSV_HEADER;
  let after = lo;
  for (;;) {
    const db = await conn.connect();
    const batch = await db.getAll('events', IDBKeyRange.bound(after, hi, true, true), READ_BATCH);
    if (batch.length > 0) {
      after = batch[batch.length - 1]!.seq;
      const chosen = unfiltered ? batch : batch.filter((e) => matches(e, f));
      if (chosen.length > 0) {
        if (signer) {
          for (const e of chosen) digest.add(e.hash);
          firstSeq ??= chosen[0]!.seq;
          lastSeq = chosen[chosen.length - 1]!.seq;
        }
        yield format === 'csv' ? formatCsvRows(chosen) : formatNdjsonChunk(chosen);
      }
    }
    if (batch.length < READ_BATCH) break;
  }
  if (signer) yield await trailer();
}

/** `telehealth-guard-events-<YYYY-MM-DD>-<installId>.<ndjson|csv>` (UTC date). */
export function exportFileName(format: ExportFormat, installId: string, now: Date = new Date()): string {
  const safeId = installId.replace(/[^A-Za-z0-9-]/g, '');
  return `telehealth-guard-events-${now.toISOString().slice(0, 10)}-${safeId}.${format}`;
}
