/**
 * `fleet verify --clickhouse <url> [--keys <file>]` (docs/fleet.md, "What fleet verify
 * checks"). Over the rows that reports count (origin collector or verified export):
 *
 *   1. continuity, in the engine: per install, each event's `prev` against the hash of the
 *      event before it in seq order, gaps, and two different rows under one seq
 *      (continuity.ts; run over a few installs at a time);
 *   2. content, in a stream: every row rebuilt as its event and re-hashed in Node;
 *   3. anchors: each export `fleet load` recorded — one that did not verify is named as
 *      `logs verify` named it; one that did has its signed count and digest recomputed
 *      over the rows in its seq range, in the engine (a chain edited and rebuilt inside the
 *      table re-hashes fine and links fine, but no longer matches what was signed), and
 *      its signature checked again;
 *   4. with --keys: every install's key (its exports' and its log.key rows') is the
 *      pinned one.
 *
 * Each break is one `FAIL` line naming the install (or export), the seq and why; exit 1
 * when there is any.
 */
import { recordHashInput } from '../../core/events/chain.ts';
import { checkEventRecord } from '../../core/events/schema.ts';
import { checkTrailerSignature, type SignatureTrailer } from '../../core/events/signature.ts';
import type { ExportVerdict, KeyPins } from '../../core/events/verify.ts';
import { continuitySql, COUNTED, describeBreak, installBatches, readContinuity, type ContinuityRow, type InstallChain } from '../../core/fleet/continuity.ts';
import { rowToEvent, ROW_SELECT, type EventRow } from '../../core/fleet/rows.ts';
import { sqlString, type TableName } from '../../core/fleet/schema.ts';
import { escapeControls } from '../../core/printable.ts';
import { failLine, sha256Hex } from '../commands/logs.ts';
import type { ClickHouse } from './clickhouse.ts';

export interface FleetVerifyOptions {
  client: ClickHouse;
  table: TableName;
  keys?: KeyPins;
  /** Events per continuity query (default 2,000,000). */
  batchEvents?: number;
}

export interface FleetVerifyResult {
  ok: boolean;
  events: number;
  installs: number;
  exports: number;
  breaks: number;
  lines: Array<{ to: 'out' | 'err'; text: string }>;
}

interface ExportRow {
  file: string;
  installId: string;
  ok: number;
  verdict: string;
  trailer: string;
}

const short = (id: string) => escapeControls(id === '' ? '(events without installId)' : id);

export async function fleetVerify(options: FleetVerifyOptions): Promise<FleetVerifyResult> {
  const { client, table, keys } = options;
  const lines: FleetVerifyResult['lines'] = [];
  const fail = (text: string) => lines.push({ to: 'err', text: `FAIL ${text}` });
  const ok = (text: string) => lines.push({ to: 'out', text: `OK ${text}` });
  let breaks = 0;

  // 1. Continuity, in the engine, a few installs at a time.
  // No FINAL anywhere (a merge on every read in 18.16): identical unmerged copies are told apart from different events.
  const counts = await client.query<{ installId: string; n: number }>(`SELECT installId, count() AS n FROM ${table.full} WHERE ${COUNTED} GROUP BY installId ORDER BY installId`);
  const chains = new Map<string, InstallChain>();
  for (const group of installBatches(counts, options.batchEvents)) {
    for await (const batch of client.stream<ContinuityRow>(continuitySql(table, group))) {
      for (const row of batch) chains.set(row.installId, readContinuity(row));
    }
  }

  // 2. Content: every counted row re-hashed (no ORDER BY: 18.16 would sort the whole table).
  const edited = new Map<string, Map<string, { seq: number; why: string }>>();
  for await (const batch of client.stream<EventRow>(`SELECT ${ROW_SELECT} FROM ${table.full} WHERE ${COUNTED}`)) {
    for (const row of batch) {
      let why: string | null = null;
      try {
        const e = rowToEvent(row);
        const c = checkEventRecord(e);
        if (!c.ok) why = `malformed event: ${c.message}`;
        else if (sha256Hex(recordHashInput(e)) !== e.hash) why = 'hash mismatch: the event was edited after it was written';
      } catch (err) {
        why = `malformed row: ${(err as Error).message}`;
      }
      if (why !== null) {
        let list = edited.get(row.installId);
        if (!list) edited.set(row.installId, (list = new Map()));
        list.set(`${row.seq}\n${why}`, { seq: Number(row.seq), why }); // a copy not yet merged: named once
      }
    }
  }

  // 4 (first part). Pinned keys: each install's log.key rows.
  const keyProblems = new Map<string, string[]>();
  const keyProblem = (id: string, text: string) => {
    let l = keyProblems.get(id);
    if (!l) keyProblems.set(id, (l = []));
    l.push(text);
  };
  if (keys) {
    const logKeys = await client.query<{ installId: string; seq: number; publicKey: string | null }>(`SELECT DISTINCT installId, seq, publicKey FROM ${table.full} WHERE ${COUNTED} AND type = 'log.key'`);
    for (const k of logKeys) {
      const pinned = keys.get(k.installId);
      if (pinned !== undefined && k.publicKey !== null && pinned !== k.publicKey) keyProblem(k.installId, `seq ${k.seq}: the install's log.key holds another key than the pinned one: the log was rebuilt with another key`);
    }
    for (const { installId } of counts) if (!keys.get(installId)) keyProblem(installId, `the keys file has no key for install ${short(installId)}`);
  }

  for (const { installId } of counts) {
    const chain = chains.get(installId);
    const rehash = [...(edited.get(installId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
    const problems = [
      ...(chain?.breaks ?? []).map((b) => ({ seq: b.seq, text: `seq ${b.seq}: ${describeBreak(b)}` })),
      ...rehash.map((r) => ({ seq: r.seq, text: `seq ${r.seq}: ${r.why}` })),
    ].sort((a, b) => a.seq - b.seq);
    for (const text of keyProblems.get(installId) ?? []) problems.push({ seq: 0, text });
    if (problems.length > 0) {
      for (const p of problems) fail(`install ${short(installId)}: ${escapeControls(p.text)}`);
      breaks += problems.length;
    } else if (chain) {
      const start = chain.fromGenesis ? 'from the first event the install wrote' : `partial: starts at seq ${chain.firstSeq} (older events pruned or not loaded)`;
      ok(`install ${short(installId)}: ${chain.count} events verified, seq ${chain.firstSeq}–${chain.lastSeq}: every event re-hashed, every link and gap checked, ${start}${keys ? '; key pinned' : ''}`);
    }
  }

  // 3. Anchors: the exports fleet load recorded.
  const exportRows = await client.query<ExportRow>(`SELECT file, installId, ok, verdict, trailer FROM ${table.exports} FINAL ORDER BY installId, file`);
  for (const x of exportRows) {
    const shown = `export ${escapeControls(x.file)}`;
    const verdict = JSON.parse(x.verdict) as ExportVerdict;
    if (!verdict.ok) {
      fail(failLine(shown, verdict).replace(/^FAIL /, '') + ' (at load; its events count in no report)');
      breaks++;
      continue;
    }
    const t = JSON.parse(x.trailer) as SignatureTrailer;
    const problems: string[] = [];
    if (!(await checkTrailerSignature(t))) problems.push('the recorded signature line no longer matches its signature: it was edited in the table');
    if (keys && keys.get(t.installId) !== t.publicKey) problems.push(`signed with a key that is not install ${short(t.installId)}'s pinned key: the log was re-signed by someone else`);
    if (!t.filtered && t.firstSeq !== null && t.lastSeq !== null) {
      const [r] = await client.query<{ n: number; digest: string }>(
        `SELECT length(groupUniqArray((seq, hash))) AS n, lower(hex(SHA256(arrayStringConcat(arrayMap(x -> toString(x.2), arraySort(x -> x.1, groupUniqArray((seq, hash)))), '\\n')))) AS digest
FROM ${table.full} WHERE ${COUNTED} AND installId = ${sqlString(t.installId)} AND seq BETWEEN ${t.firstSeq} AND ${t.lastSeq}`,
      );
      if (Number(r!.n) !== t.count) problems.push(`the table holds ${r!.n} events between seq ${t.firstSeq} and ${t.lastSeq}, the signature line ${t.count}: events were removed or added in the table`);
      else if (r!.digest !== t.digest) problems.push(`the events between seq ${t.firstSeq} and ${t.lastSeq} are not the ones signed (digest mismatch): changed in the table, or the chain rebuilt`);
    }
    if (problems.length > 0) {
      for (const p of problems) fail(`${shown}: ${p}`);
      breaks += problems.length;
    } else {
      ok(
        t.filtered
          ? `${shown}: filtered export of install ${short(t.installId)} (${t.count} events): signature checked${keys ? ', key pinned' : ''}`
          : `${shown}: install ${short(t.installId)}, seq ${t.firstSeq ?? '–'}–${t.lastSeq ?? '–'}: signed count and digest match the rows, signature checked${keys ? ', key pinned' : ', key NOT pinned'}`,
      );
    }
  }
  let events = 0;
  for (const c of chains.values()) events += c.count;
  return { ok: breaks === 0, events, installs: counts.length, exports: exportRows.length, breaks, lines };
}
