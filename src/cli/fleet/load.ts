/**
 * `fleet load <exports…> --clickhouse <url>` (docs/fleet.md, "Getting events in"): each
 * signed NDJSON export is verified exactly as `logs verify` verifies it (streamed, with
 * `--keys` pins), then its events are inserted:
 *
 *   - an export that verifies: into the events table (origin `verified`), counted by reports;
 *   - one that does not: into `<table>_refused` (origin `refused`), kept as evidence for
 *     `fleet verify`, counted by no report (as `logs report` counts no event of it);
 *   - either way one row in `<table>_exports` with the verdict and the signature line.
 *
 * Loading is idempotent, and adds no second copy of an event: before inserting, the keys
 * (seq, hash) the table already holds in the export's install and seq range are read (one
 * primary-key range read), and those events are not sent again — also when the collector
 * sent them first. So the table holds no duplicate a report would have to merge away (two
 * loads at the same moment may still both insert; reports and verify handle that).
 *
 * One pass when the export is not too large (its rows are kept until its verdict is in),
 * two passes (verify, then read again and insert) beyond BUFFER_EVENTS, so an export of a
 * million events is never held whole. Rows go in large inserts (ClickHouse writes one part
 * per insert and partition), one in flight while the next file is read.
 */
import { createHash } from 'node:crypto';
import { checkEventRecord } from '../../core/events/schema.ts';
import { SIGNATURE_TYPE } from '../../core/events/signature.ts';
import type { EventRecord } from '../../core/events/types.ts';
import { ExportVerifier, type ExportVerdict, type KeyPins } from '../../core/events/verify.ts';
import { rowJson } from '../../core/fleet/rows.ts';
import { ORIGIN, sqlString, type Origin, type TableName } from '../../core/fleet/schema.ts';
import { escapeControls } from '../../core/printable.ts';
import { describe, digest, failLine, readProblem, sha256Hex, streamLines } from '../commands/logs.ts';
import type { CliIO } from '../io.ts';
import type { ClickHouse } from './clickhouse.ts';

/** Events of one export kept in memory until its verdict (beyond: a second pass over the file). */
export const BUFFER_EVENTS = 200_000;

export interface LoadOptions {
  client: ClickHouse;
  table: TableName;
  keys?: KeyPins;
  /** Rows per INSERT (default 20,000). */
  batchRows?: number;
  now?: () => Date;
  /** Shared by the loads of one run: inserts in flight, per install (see Loader). */
  loader?: Loader;
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

/**
 * Inserts of one run: one request in flight at a time (the next file is read meanwhile),
 * and an install's range is read only after every insert for that install is done, so
 * overlapping exports of one install given together add each event once.
 */
export class Loader {
  private tail: Promise<void> = Promise.resolve();
  private readonly byInstall = new Map<string, Promise<void>>();

  constructor(private readonly client: ClickHouse) {}

  insert(table: string, rows: string[], installs: Iterable<string>): void {
    const done = this.tail.then(() => this.client.insert(table, rows));
    // Awaited by drain() (and settled()); marked handled so a failure is reported there, once.
    done.catch(() => undefined);
    this.tail = done;
    for (const id of installs) this.byInstall.set(id, done);
  }

  /** Wait for the inserts of an install (before reading what the table holds of it). */
  async settled(installId: string): Promise<void> {
    await this.byInstall.get(installId);
  }

  async drain(): Promise<void> {
    await this.tail;
  }
}

/** The keys (seq → hashes) the table holds in one install's range. */
async function knownKeys(client: ClickHouse, table: string, installId: string, r: Range): Promise<Map<number, Set<string>>> {
  const known = new Map<number, Set<string>>();
  const sql = `SELECT seq, hash FROM ${table} WHERE installId = ${sqlString(installId)} AND seq BETWEEN ${r.min} AND ${r.max}`;
  for await (const batch of client.stream<{ seq: number; hash: string }>(sql)) {
    for (const row of batch) {
      let m = known.get(row.seq);
      if (!m) known.set(row.seq, (m = new Set()));
      m.add(row.hash);
    }
  }
  return known;
}

/** Key of events that name no install (written before 1.1) until the signature line names it. */
const LEGACY = '\u0000legacy';

/** Load one export. Never throws for a bad file (the result says why); throws for ClickHouse errors. */
export async function loadExport(io: CliIO, file: string, options: LoadOptions): Promise<LoadResult> {
  const { client, table } = options;
  const loader = options.loader ?? new Loader(client);
  const batchRows = options.batchRows ?? 20_000;
  const verifier = new ExportVerifier({ ...(options.keys ? { keys: options.keys } : {}), sha256Hex, digest });
  const fileHash = createHash('sha256');
  const ranges = new Map<string, Range>();
  let events = 0;
  let badLines = 0;
  let trailer = '';
  /** The export's events while they fit (null once they did not: read the file again). */
  let kept: EventRecord[] | null = [];

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
          if (kept) {
            if (kept.length < BUFFER_EVENTS) kept.push(c.event);
            else kept = null;
          }
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
  const target = verdict.ok ? table.full : table.refused;
  // Events from before 1.1 belong to the install whose signature line holds them.
  const owner = trailer ? (JSON.parse(trailer) as { installId?: unknown }).installId : undefined;
  const ownerId = typeof owner === 'string' ? owner : undefined;
  const legacy = ranges.get(LEGACY);
  if (legacy) {
    ranges.delete(LEGACY);
    const id = ownerId ?? '';
    const r = ranges.get(id);
    ranges.set(id, r ? { min: Math.min(r.min, legacy.min), max: Math.max(r.max, legacy.max) } : legacy);
  }

  // Insert what the table does not already hold.
  const known = new Map<string, Map<number, Set<string>>>();
  for (const [id, r] of ranges) {
    await loader.settled(id);
    known.set(id, await knownKeys(client, target, id, r));
  }
  let added = 0;
  let already = 0;
  let rows: string[] = [];
  const installs = new Set<string>();
  const take = (e: EventRecord) => {
    const id = e.installId ?? ownerId ?? '';
    if (known.get(id)?.get(e.seq)?.has(e.hash)) {
      already++;
      return;
    }
    rows.push(rowJson(e, origin, ownerId));
    installs.add(id);
    added++;
    if (rows.length >= batchRows) {
      loader.insert(target, rows, installs);
      rows = [];
    }
  };
  if (kept) for (const e of kept) take(e);
  else {
    await streamLines(io, file, async (batch) => {
      for (const l of batch) {
        if (!('value' in l) || (l.value as { type?: unknown } | null)?.type === SIGNATURE_TYPE) continue;
        const c = checkEventRecord(l.value);
        if (c.ok) take(c.event);
      }
      return true;
    });
  }
  if (rows.length > 0) loader.insert(target, rows, installs);

  const installId = verdict.ok ? verdict.installId : (ownerId ?? (ranges.size === 1 ? [...ranges.keys()][0]! : ''));
  const loadedAt = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  // The export's row after its events: an export on record always has its events in the table.
  loader.insert(
    table.exports,
    [JSON.stringify({ file, fileHash: fileHash.digest('hex'), loadedAt, installId, ok: verdict.ok ? 1 : 0, verdict: JSON.stringify(verdict), trailer, events, badLines })],
    [],
  );
  if (!options.loader) await loader.drain();
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
      `${loaded.replace('the table', 'the table of refused exports')}, as evidence only: counted by no report (fleet verify names what is wrong)`,
    ],
  };
}
