/**
 * `fleet load <exports…> --clickhouse <url>` (docs/fleet.md, "Loading exports"): each
 * signed NDJSON export is verified exactly as `logs verify` verifies it (streamed, with
 * `--keys` pins), then its events are inserted into the events table:
 *
 *   - an export that verifies: its rows with origin `verified`, counted by reports;
 *   - one that does not: its readable events with origin `refused`, kept as evidence for
 *     `fleet verify` and counted by no report (as `logs report` counts no event of it);
 *   - either way one row in `<table>_exports` with the verdict and the signature line.
 *
 * Loading is idempotent: before inserting, the rows the table already holds for the
 * export's install and seq range are asked for (one primary-key range read), and an event
 * already there with the same hash and at least the same origin is not sent again. Two
 * loads at once may both insert; the table's ReplacingMergeTree(origin) makes identical
 * rows one on merge, and every query reads through that (FINAL), so nothing counts twice.
 * A *different* row for a known (installId, seq) is inserted: it is tampering, and verify
 * and report name it.
 *
 * Two passes over the file (verify, then insert), each streaming: an export of a million
 * events is never held whole, and rows go in large inserts (ClickHouse makes one part per
 * insert and partition, so few large inserts keep merges cheap).
 */
import { createHash } from 'node:crypto';
import { checkEventRecord } from '../../core/events/schema.ts';
import { SIGNATURE_TYPE } from '../../core/events/signature.ts';
import { ExportVerifier, type ExportVerdict, type KeyPins } from '../../core/events/verify.ts';
import { rowJson } from '../../core/fleet/rows.ts';
import { ORIGIN, sqlString, type Origin, type TableName } from '../../core/fleet/schema.ts';
import { escapeControls } from '../../core/printable.ts';
import { describe, digest, failLine, readProblem, sha256Hex, streamLines } from '../commands/logs.ts';
import type { CliIO } from '../io.ts';
import type { ClickHouse } from './clickhouse.ts';

export interface LoadOptions {
  client: ClickHouse;
  table: TableName;
  keys?: KeyPins;
  /** Rows per INSERT (default 50,000). */
  batchRows?: number;
  now?: () => Date;
}

export interface LoadResult {
  file: string;
  /** The export verified (its rows count in reports). */
  ok: boolean;
  /** The file could not be read as an NDJSON export at all (nothing loaded). */
  unreadable?: string;
  verdict?: ExportVerdict;
  events: number;
  added: number;
  already: number;
}

interface Range {
  min: number;
  max: number;
}

/** (seq → hash → highest origin) of the rows the table holds in one install's range. */
type Known = Map<number, Map<string, number>>;

async function knownRows(client: ClickHouse, table: TableName, installId: string, r: Range): Promise<Known> {
  const known: Known = new Map();
  const sql = `SELECT seq, hash, max(origin) AS origin FROM ${table.full} WHERE installId = ${sqlString(installId)} AND seq BETWEEN ${r.min} AND ${r.max} GROUP BY seq, hash`;
  for await (const batch of client.stream<{ seq: number; hash: string; origin: number }>(sql)) {
    for (const row of batch) {
      let m = known.get(row.seq);
      if (!m) known.set(row.seq, (m = new Map()));
      m.set(row.hash, row.origin);
    }
  }
  return known;
}

/** Load one export. Never throws for a bad file (the result says why); throws for ClickHouse errors. */
export async function loadExport(io: CliIO, file: string, options: LoadOptions): Promise<LoadResult> {
  const { client, table } = options;
  const batchRows = options.batchRows ?? 50_000;
  const verifier = new ExportVerifier({ ...(options.keys ? { keys: options.keys } : {}), sha256Hex, digest });
  const fileHash = createHash('sha256');
  const ranges = new Map<string, Range>();
  let events = 0;
  let badLines = 0;
  let trailer = '';
  /** Key of events that name no install (written before 1.1) until the signature line names it. */
  const LEGACY = '\u0000legacy';

  // Pass 1: verify, and learn which installs and seqs the file holds.
  try {
    await streamLines(
      io,
      file,
      async (batch) => {
        const checked = verifier.failed ? null : await verifier.add(batch, { events: true });
        batch.forEach((l, j) => {
          if ('error' in l) {
            if (l.error !== 'blank line') badLines++;
            return;
          }
          if ((l.value as { type?: unknown } | null)?.type === SIGNATURE_TYPE) {
            trailer = JSON.stringify(l.value);
            return;
          }
          const known = checked?.events?.[j];
          const c = known ? { ok: true as const, event: known } : checkEventRecord(l.value);
          if (!c.ok) {
            badLines++;
            return;
          }
          events++;
          const id = c.event.installId ?? LEGACY;
          const r = ranges.get(id);
          if (!r) ranges.set(id, { min: c.event.seq, max: c.event.seq });
          else {
            if (c.event.seq < r.min) r.min = c.event.seq;
            if (c.event.seq > r.max) r.max = c.event.seq;
          }
        });
        return true;
      },
      (raw) => fileHash.update(raw + '\n'),
    );
  } catch (e) {
    return { file, ok: false, unreadable: readProblem(e, 'fleet load'), events: 0, added: 0, already: 0 };
  }
  const verdict = await verifier.finish();
  const origin: Origin = verdict.ok ? ORIGIN.verified : ORIGIN.refused;
  // Events from before 1.1 belong to the install whose signature line holds them.
  const owner = trailer ? ((JSON.parse(trailer) as { installId?: unknown }).installId as string | undefined) : undefined;
  const legacy = ranges.get(LEGACY);
  if (legacy) {
    ranges.delete(LEGACY);
    const id = typeof owner === 'string' ? owner : '';
    const r = ranges.get(id);
    if (!r) ranges.set(id, legacy);
    else ranges.set(id, { min: Math.min(r.min, legacy.min), max: Math.max(r.max, legacy.max) });
  }
  const ownerId = typeof owner === 'string' ? owner : undefined;

  // Pass 2: insert what the table does not already hold at this origin or better.
  const known = new Map<string, Known>();
  for (const [id, r] of ranges) known.set(id, await knownRows(client, table, id, r));
  let added = 0;
  let already = 0;
  let rows: string[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  const send = async () => {
    const body = rows;
    rows = [];
    await inFlight;
    inFlight = client.insert(table.full, body);
  };
  await streamLines(io, file, async (batch) => {
    for (const l of batch) {
      if (!('value' in l) || (l.value as { type?: unknown } | null)?.type === SIGNATURE_TYPE) continue;
      const c = checkEventRecord(l.value);
      if (!c.ok) continue;
      const e = c.event;
      const have = known.get(e.installId ?? ownerId ?? '')?.get(e.seq)?.get(e.hash);
      if (have !== undefined && have >= origin) {
        already++;
        continue;
      }
      rows.push(rowJson(e, origin, ownerId));
      added++;
    }
    if (rows.length >= batchRows) await send();
    return true;
  });
  if (rows.length > 0) await send();
  await inFlight;

  const installId = verdict.ok ? verdict.installId : (ownerId ?? (ranges.size === 1 ? [...ranges.keys()][0]! : ''));
  const loadedAt = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  await client.insert(table.exports, [
    JSON.stringify({ file, fileHash: fileHash.digest('hex'), loadedAt, installId, ok: verdict.ok ? 1 : 0, verdict: JSON.stringify(verdict), trailer, events, badLines }),
  ]);
  return { file, ok: verdict.ok, verdict, events, added, already };
}

/** What `fleet load` prints for one file: logs verify's lines, then what was loaded. */
export function describeLoad(r: LoadResult): { out: string[]; err: string[] } {
  const shown = escapeControls(r.file);
  if (r.unreadable !== undefined) return { out: [], err: [`FAIL ${shown}: ${escapeControls(r.unreadable)}`] };
  const loaded = `  loaded: ${r.added} rows added, ${r.already} already in the table`;
  if (r.verdict!.ok) return { out: [...describe(shown, r.verdict!), loaded], err: [] };
  return {
    out: [],
    err: [
      failLine(shown, r.verdict as Extract<ExportVerdict, { ok: false }>),
      `${loaded}, as evidence only: counted by no report (fleet verify names what is wrong)`,
    ],
  };
}
