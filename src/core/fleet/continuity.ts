/**
 * Chain continuity in the engine (docs/fleet.md, "What fleet verify checks"): the query
 * that compares, inside ClickHouse, each counted event's `prev` with the `hash` of the
 * event before it in its install's seq order, and the reading of what it returns.
 *
 * ClickHouse 18.16 has no window functions, so each install's (seq, prev, hash) are
 * gathered into one array, sorted by seq, and compared with their neighbour by index.
 * Only the suspect pairs leave the server: a link that does not hold, or two rows under
 * one seq. Read without FINAL (it costs a merge on every read in 18.16): two identical
 * copies of an event not yet merged are told apart from two different events here. The caller runs the query over a few installs at a time (`installs`), so an
 * install's array is the largest thing held: ~150 bytes an event.
 *
 * Pure: SQL text and the classification of its rows.
 */
import { GENESIS } from '../events/chain.ts';
import { sqlString, type TableName } from './schema.ts';

/** Rows a report or a verify counts: not those of exports that failed (schema.ts ORIGIN). */
export const COUNTED = 'origin >= 1';

/**
 * One row per install: count, first and last seq, whether the first event starts the
 * install's log, and the suspects: [seq before, its hash, seq, prev, hash] for each pair
 * of neighbours whose link does not hold or whose seqs are equal.
 */
export function continuitySql(table: TableName, installs: readonly string[]): string {
  // Neighbours are compared as parallel arrays (a lambda over several arrays walks them
  // in step). A lambda that indexes a captured array instead copies that array once per
  // element in 18.16: n² memory, 9 GB for 20 installs of 2,000 events.
  return `SELECT installId, n, firstSeq, lastSeq, fromGenesis, suspects FROM (SELECT
  installId,
  arraySort(x -> x.1, groupArray((seq, prev, hash))) AS c,
  length(c) AS n,
  (c[1]).1 AS firstSeq,
  (c[n]).1 AS lastSeq,
  (c[1]).2 = '${GENESIS}' AS fromGenesis,
  arrayMap(x -> x.1, c) AS seqs,
  arrayMap(x -> x.2, c) AS prevs,
  arrayMap(x -> x.3, c) AS hashes,
  arrayFilter(t -> t.3 = t.1 OR t.4 != t.2,
    arrayMap((s0, h0, s1, p1, h1) -> (s0, h0, s1, p1, h1), arrayPopBack(seqs), arrayPopBack(hashes), arrayPopFront(seqs), arrayPopFront(prevs), arrayPopFront(hashes))) AS suspects
FROM ${table.full}
WHERE ${COUNTED} AND installId IN (${installs.map(sqlString).join(', ')})
GROUP BY installId)`;
}

/** A row of continuitySql. */
export interface ContinuityRow {
  installId: string;
  n: number;
  firstSeq: number;
  lastSeq: number;
  fromGenesis: number;
  suspects: Array<[number, string, number, string, string]>;
}

export type ChainBreak =
  /**
   * Two different events under one (installId, seq) — or under each of the seqs
   * `seq`…`toSeq`: tampering (or a forged export loaded). `hashes`: those of `seq`.
   */
  | { kind: 'conflict'; seq: number; toSeq: number; hashes: string[] }
  /** Consecutive seqs whose link does not hold: edited, reordered, or the chain rebuilt. */
  | { kind: 'prev-mismatch'; seq: number; prevSeq: number }
  /** Seqs missing between two events that do not link: deleted, or never loaded. */
  | { kind: 'gap'; seq: number; prevSeq: number };

export interface InstallChain {
  installId: string;
  count: number;
  firstSeq: number;
  lastSeq: number;
  fromGenesis: boolean;
  breaks: ChainBreak[];
}

/**
 * What the suspects mean. Two rows under one seq are one conflict (with every hash seen
 * for that seq); the link from the seq after a conflict holds if `prev` is the hash of any
 * copy. A gap whose ends link is no break: the store skips a seq when a write is aborted.
 */
export function readContinuity(row: ContinuityRow): InstallChain {
  const copies = new Map<number, Set<string>>();
  let identical = 0;
  for (const [prevSeq, prevHash, seq, , hash] of row.suspects) {
    if (prevSeq !== seq) continue;
    if (prevHash === hash) {
      identical++; // one event twice (a retried batch not yet merged): no break
      continue;
    }
    let s = copies.get(seq);
    if (!s) copies.set(seq, (s = new Set()));
    s.add(prevHash).add(hash);
  }
  const breaks: ChainBreak[] = [];
  // A forged copy of a whole log conflicts at every seq: one break per run of seqs.
  let run: Extract<ChainBreak, { kind: 'conflict' }> | null = null;
  for (const seq of [...copies.keys()].sort((a, b) => a - b)) {
    if (run && seq === run.toSeq + 1) run.toSeq = seq;
    else breaks.push((run = { kind: 'conflict', seq, toSeq: seq, hashes: [...copies.get(seq)!].sort() }));
  }
  for (const [prevSeq, prevHash, seq, prev] of row.suspects) {
    if (prevSeq === seq) continue;
    const before = copies.get(prevSeq);
    if (prev === prevHash || before?.has(prev)) continue;
    breaks.push(seq === prevSeq + 1 ? { kind: 'prev-mismatch', seq, prevSeq } : { kind: 'gap', seq, prevSeq });
  }
  breaks.sort((a, b) => a.seq - b.seq);
  return { installId: row.installId, count: Number(row.n) - identical, firstSeq: Number(row.firstSeq), lastSeq: Number(row.lastSeq), fromGenesis: Number(row.fromGenesis) === 1, breaks };
}

/** One sentence for a break, in the words of `logs verify` where it has them. */
export function describeBreak(b: ChainBreak): string {
  switch (b.kind) {
    case 'conflict':
      return b.toSeq === b.seq
        ? `two different events under seq ${b.seq} (hashes ${b.hashes.map((h) => h.slice(0, 12) + '…').join(', ')}): one of them was forged; neither can be trusted`
        : `two different events under each of seq ${b.seq}–${b.toSeq} (at seq ${b.seq}: hashes ${b.hashes.map((h) => h.slice(0, 12) + '…').join(', ')}): one copy was forged; neither can be trusted`;
    case 'prev-mismatch':
      return `prev mismatch: "prev" is not the hash of seq ${b.prevSeq}; an event was edited, reordered or inserted before this one, or the chain was rebuilt`;
    case 'gap':
      return `gap: seq ${b.prevSeq + 1 === b.seq - 1 ? b.prevSeq + 1 : `${b.prevSeq + 1}–${b.seq - 1}`} missing and seq ${b.seq} does not link to seq ${b.prevSeq}: deleted from the table, or never loaded`;
  }
}

/**
 * Installs in groups whose events together stay under `maxEvents` (an install larger than
 * that is a group of its own), so one continuity query never gathers the whole table.
 */
export function installBatches(counts: ReadonlyArray<{ installId: string; n: number }>, maxEvents = 2_000_000): string[][] {
  const out: string[][] = [];
  let group: string[] = [];
  let size = 0;
  for (const { installId, n } of counts) {
    if (group.length > 0 && size + Number(n) > maxEvents) {
      out.push(group);
      group = [];
      size = 0;
    }
    group.push(installId);
    size += Number(n);
  }
  if (group.length > 0) out.push(group);
  return out;
}
