/**
 * `fleet report --clickhouse <url>` (docs/fleet.md, its opening and "Coverage"): the Summary of
 * `logs report`, filled by ClickHouse's queries (core/fleet/summary-sql.ts), rendered by the
 * same renderers. Node receives the best rows of each table, the totals, and one small
 * record per install (coverage); never the events.
 */
import { coverageFrom, type InstallLast } from '../../core/events/coverage.ts';
import { clip } from '../../core/events/summary-builder.ts';
import { verdictWords } from '../../core/events/report-intake.ts';
import { UNKNOWN_WHO, type Conflict, type CoverageOptions, type Exclusion, type InputRow, type Summary } from '../../core/events/summary.ts';
import type { ExportVerdict } from '../../core/events/verify.ts';
import { COUNTED } from '../../core/fleet/continuity.ts';
import {
  countRows,
  drillResultRows,
  fromCounted,
  incidentRows,
  incidentsSql,
  INSTALL,
  linkRows,
  mediaSiteRows,
  overviewSql,
  policyRows,
  QUERIES,
  readOverview,
  reasonGroup,
  reasonRows,
  reasonsInNodeSql,
  serviceRows,
  topRows,
  whoRows,
  type OverviewRow,
  type ReportScope,
  type Row,
  type TopQuery,
  type Totals,
} from '../../core/fleet/summary-sql.ts';
import { sqlString, type TableName } from '../../core/fleet/schema.ts';
import type { ClickHouse } from './clickhouse.ts';

export interface FleetReportOptions {
  client: ClickHouse;
  table: TableName;
  filter: { installs: string[]; users: string[] };
  coverage: CoverageOptions;
}

async function top(client: ClickHouse, q: TopQuery): Promise<{ rows: Row[]; totals: Totals }> {
  const [rows, [totals]] = await Promise.all([client.query<Row>(q.rows), client.query<Totals>(q.totals)]);
  return { rows, totals: totals ?? { distinct: 0, events: 0 } };
}

interface InstallStats {
  installId: string;
  /** Rows, distinct (seq, hash), distinct seqs. */
  c: number;
  k: number;
  s: number;
}

/** Per install, in one read: rows, distinct events, distinct seqs — copies (c > k) and conflicts (k > s). */
function statsSql(table: TableName): string {
  return `SELECT installId, count() AS c, uniqExact(seq, hash) AS k, uniqExact(seq) AS s FROM ${table.full} WHERE ${COUNTED} GROUP BY installId`;
}

/** Installs holding two different events under one seq, with the first such seq and the inputs that hold them. */
async function conflicts(client: ClickHouse, table: TableName, stats: InstallStats[]): Promise<Conflict[]> {
  const out: Conflict[] = [];
  for (const { installId } of stats.filter((x) => Number(x.k) > Number(x.s)).sort((a, b) => (a.installId < b.installId ? -1 : 1))) {
    const [c] = await client.query<{ seq: number }>(
      `SELECT seq FROM ${table.full} WHERE ${COUNTED} AND installId = ${sqlString(installId)} GROUP BY seq HAVING uniqExact(hash) > 1 ORDER BY seq LIMIT 1`,
    );
    if (!c) continue;
    const seq = Number(c.seq);
    // Name the verified exports that hold that seq; the collector's rows otherwise.
    const files = await client.query<{ file: string }>(
      `SELECT file FROM ${table.exports} FINAL WHERE ok = 1 AND installId = ${sqlString(installId)} AND visitParamExtractUInt(trailer, 'firstSeq') <= ${seq} AND visitParamExtractUInt(trailer, 'lastSeq') >= ${seq} ORDER BY file`,
    );
    const names = files.map((f) => f.file).slice(0, 2);
    while (names.length < 2) names.push(`the collector's rows for install ${installId}`);
    out.push({ installId, seq, inputs: [names[0]!, names[1]!] });
  }
  return out;
}

/** Sorted, merged [first, last] runs. */
function mergeRuns(runs: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [a, b] of [...runs].sort((x, y) => x[0] - y[0])) {
    const last = out.at(-1);
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Installs per coverage query: keeps each statement far below 18.16's max_query_size (256 KiB). */
export const COVER_CHUNK = 1000;

/**
 * Count of the rows inside the verified exports' seq runs, as statements whose counts add
 * up. Linear in rows: each install's k-th merged run is looked up by `transform` (a hash
 * look-up per row), one `BETWEEN` per k. One `OR` term per install instead — what this
 * replaced — costs rows × installs comparisons: 10 minutes for 10,000,000 events of 1,000
 * installs, past the HTTP client's 5-minute wait for an answer (the bench's failure).
 */
export function coveredSql(scope: ReportScope, runs: ReadonlyMap<string, Array<[number, number]>>, chunk = COVER_CHUNK): string[] {
  const entries = [...runs].map(([id, r]) => [id, mergeRuns(r)] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: string[] = [];
  for (let i = 0; i < entries.length; i += chunk) {
    const part = entries.slice(i, i + chunk);
    const ids = part.map(([id]) => sqlString(id));
    const depth = Math.max(...part.map(([, r]) => r.length));
    const terms: string[] = [];
    for (let k = 0; k < depth; k++) {
      const has = part.filter(([, r]) => r.length > k);
      const from = `[${has.map(([id]) => sqlString(id)).join(', ')}]`;
      // An install without a k-th run gets the empty range [1, 0].
      const lo = `transform(installId, ${from}, [${has.map(([, r]) => r[k]![0]).join(', ')}], 1)`;
      const hi = `transform(installId, ${from}, [${has.map(([, r]) => r[k]![1]).join(', ')}], 0)`;
      terms.push(`seq BETWEEN ${lo} AND ${hi}`);
    }
    out.push(`SELECT count() AS n ${fromCounted(scope, `installId IN (${ids.join(', ')}) AND (${terms.join(' OR ')})`)}`);
  }
  return out;
}

export async function fleetSummary(options: FleetReportOptions): Promise<Summary> {
  const { client, table } = options;
  const stats = await client.query<InstallStats>(statsSql(table));
  const found = await conflicts(client, table, stats);
  const duplicated = stats.filter((x) => Number(x.c) > Number(x.k)).map((x) => x.installId);
  const scope: ReportScope = { table, excluded: found.map((c) => c.installId), duplicated, filter: options.filter };
  const all: ReportScope = { ...scope, excluded: [], filter: { installs: [], users: [] } };

  const overview = readOverview(await client.query<OverviewRow>(overviewSql(scope)));
  const names = ['services', 'warned', 'blocked', 'unsafeLinks', 'mediaSites', 'policies', 'installs', 'users', 'installUsers', 'mediaFindings', 'gaps', 'drills', 'drillResults', 'lessons', 'browsers'] as const;
  const got = new Map<(typeof names)[number], { rows: Row[]; totals: Totals }>();
  // Two at a time: the server has the cores.
  for (let i = 0; i < names.length; i += 2) {
    await Promise.all(names.slice(i, i + 2).map(async (k) => got.set(k, await top(client, QUERIES[k](scope)))));
  }
  const T = (k: (typeof names)[number]) => got.get(k)!;

  // Reasons: ClickHouse groups those it lower-cases as JavaScript does; Node the rest.
  const reasons = await top(client, QUERIES.reasons(scope));
  const pairs = await client.query<Row>(QUERIES.reasonServices(scope).rows);
  const nodeRows = await client.query<{ reason: string; type: string; label: string; installId: string; seq: number }>(reasonsInNodeSql(scope));
  let known: Row[] = [];
  let knownPairs: Row[] = [];
  if (nodeRows.length > 0) {
    const groups = [...new Set(nodeRows.map((r) => reasonGroup(r.reason).group))];
    const q = QUERIES.reasons(scope);
    // The same queries, for just these keys (all of them, not only the best).
    const inGroups = (sql: string, keys: string[]) => sql.replace(/ GROUP BY key ORDER BY /, ` GROUP BY key HAVING key IN (${keys.map(sqlString).join(', ')}) ORDER BY `).replace(/ LIMIT \d+$/, '');
    known = await client.query<Row>(inGroups(q.rows, groups));
    const pairKeys = [...new Set(nodeRows.map((r) => reasonGroup(r.reason).group + '\u0001' + r.label))];
    knownPairs = await client.query<Row>(inGroups(QUERIES.reasonServices(scope).rows, pairKeys));
  }

  const incidents = incidentRows(await client.query(incidentsSql(scope)));

  // Coverage: one record per install (its latest event and latest heartbeat), the lists built as logs report builds them.
  const last = await client.query<{ install: string; last: number; top: number; pv: string; ps: string }>(
    `SELECT ${INSTALL} AS install, max(toUInt64(ts) * 1000 + ms) AS last, max(seq) AS top, argMax(policyVersion, seq) AS pv, argMax(policySource, seq) AS ps ${fromCounted(scope)} GROUP BY install`,
  );
  const beats = await client.query<{ install: string; top: number; b: string }>(
    `SELECT ${INSTALL} AS install, max(seq) AS top, argMax(assumeNotNull(browser), seq) AS b ${fromCounted(scope, `type = 'install.heartbeat' AND browser IS NOT NULL`)} GROUP BY install`,
  );
  const beatOf = new Map(beats.map((b) => [b.install, b]));
  const lastWords: InstallLast[] = last.map((r) => {
    const b = beatOf.get(r.install);
    return { display: clip(r.install), lastMs: Number(r.last), seq: Number(r.top), policyVersion: clip(r.pv), policySource: r.ps, hbSeq: b ? Number(b.top) : -1, browser: b ? clip(b.b) : null };
  });

  // Filters that matched no counted event.
  const unmatched: string[] = [];
  if (options.filter.installs.length > 0) {
    const seen = new Set((await client.query<{ v: string }>(`SELECT DISTINCT ${INSTALL} AS v ${fromCounted(scope)}`)).map((r) => r.v));
    for (const i of options.filter.installs) if (!seen.has(i)) unmatched.push(`--install ${i}`);
  }
  if (options.filter.users.length > 0) {
    const seen = new Set((await client.query<{ v: string }>(`SELECT DISTINCT assumeNotNull(user) AS v ${fromCounted(scope, 'user IS NOT NULL')}`)).map((r) => r.v));
    for (const u of options.filter.users) if (!seen.has(u)) unmatched.push(`--user ${u}`);
  }

  // Inputs: each install's stored log, and each export that did not verify.
  const stored = await client.query<{ install: string; n: number; first: number; last: number; lo: number; hi: number; fromExports: number; fromCollector: number }>(
    `SELECT installId AS install, count() AS n, min(toUInt64(ts) * 1000 + ms) AS first, max(toUInt64(ts) * 1000 + ms) AS last, min(seq) AS lo, max(seq) AS hi, countIf(origin = 2) AS fromExports, countIf(origin = 1) AS fromCollector ${fromCounted(all)} GROUP BY installId ORDER BY installId`,
  );
  const counted = new Map((await client.query<{ install: string; n: number }>(`SELECT installId AS install, count() AS n ${fromCounted(scope)} GROUP BY installId`)).map((r) => [r.install, Number(r.n)]));
  const excluded = new Set(scope.excluded);
  const inputs: InputRow[] = stored.map((r) => {
    const id = r.install === '' ? UNKNOWN_WHO : r.install;
    const from = [Number(r.fromExports) > 0 ? `${r.fromExports} from verified exports` : '', Number(r.fromCollector) > 0 ? `${r.fromCollector} from the collector only` : ''].filter(Boolean).join(', ');
    return {
      name: `install ${id}`,
      installId: id,
      events: Number(r.n),
      counted: excluded.has(r.install) ? 0 : (counted.get(r.install) ?? 0),
      firstTs: new Date(Number(r.first)).toISOString(),
      lastTs: new Date(Number(r.last)).toISOString(),
      counts: !excluded.has(r.install),
      verdict: excluded.has(r.install) ? 'Conflict: two different events under one seq' : `In the table: seq ${r.lo}–${r.hi} (${from})`,
    };
  });
  const exclusions: Exclusion[] = [];
  const refused = await client.query<{ file: string; installId: string; verdict: string; events: number }>(`SELECT file, installId, verdict, events FROM ${table.exports} FINAL WHERE ok = 0 ORDER BY file`);
  for (const x of refused) {
    const v = JSON.parse(x.verdict) as Extract<ExportVerdict, { ok: false }>;
    inputs.push({ name: x.file, installId: null, events: Number(x.events), counted: 0, firstTs: null, lastTs: null, counts: false, verdict: verdictWords(v) });
    exclusions.push({ input: x.file, why: `did not verify: line ${v.line}${v.seq === null ? '' : `, seq ${v.seq}`}: ${v.reason}` });
  }
  for (const c of found) exclusions.push({ input: `install ${c.installId}`, why: 'holds two different events under one seq (see the conflict above): none of its events is counted' });

  // Events read again in another verified export: what those exports hold beyond the distinct
  // events in their seq ranges (a whole export holds every event of its range).
  const okExports = await client.query<{ installId: string; events: number; trailer: string }>(`SELECT installId, events, trailer FROM ${table.exports} FINAL WHERE ok = 1`);
  const runs = new Map<string, Array<[number, number]>>();
  let read = 0;
  for (const x of okExports) {
    if (excluded.has(x.installId)) continue;
    read += Number(x.events);
    const t = JSON.parse(x.trailer) as { firstSeq: number | null; lastSeq: number | null };
    if (t.firstSeq === null || t.lastSeq === null) continue;
    let r = runs.get(x.installId);
    if (!r) runs.set(x.installId, (r = []));
    r.push([t.firstSeq, t.lastSeq]);
  }
  let covered = 0;
  for (const sql of coveredSql(all, runs)) {
    const [c] = await client.query<{ n: number }>(sql);
    covered += Number(c?.n ?? 0);
  }
  const duplicates = Math.max(0, read - covered);

  return {
    inputs,
    exclusions,
    conflicts: found,
    pinned: false,
    filter: { installs: [...options.filter.installs], users: [...options.filter.users], unmatched },
    total: overview.total,
    duplicates,
    firstTs: overview.firstTs,
    lastTs: overview.lastTs,
    byType: overview.byType,
    byDay: overview.byDay,
    services: topRows(serviceRows(T('services').rows), T('services').totals),
    warned: topRows(countRows(T('warned').rows), T('warned').totals),
    blocked: topRows(countRows(T('blocked').rows), T('blocked').totals),
    reasons: reasonRows(reasons.rows, reasons.totals, nodeRows, known, pairs, knownPairs),
    unsafeLinks: topRows(linkRows(T('unsafeLinks').rows), T('unsafeLinks').totals),
    mediaSites: topRows(mediaSiteRows(T('mediaSites').rows), T('mediaSites').totals),
    policies: topRows(policyRows(T('policies').rows), T('policies').totals),
    installs: topRows(whoRows(T('installs').rows, T('installUsers').rows, 'install'), T('installs').totals),
    users: topRows(whoRows(T('users').rows, T('installUsers').rows, 'user'), T('users').totals),
    incidents: { byKind: overview.byKind, recent: { rows: incidents, distinct: overview.byKind.reduce((s, k) => s + k.count, 0), events: overview.byKind.reduce((s, k) => s + k.count, 0), untracked: 0 } },
    dataChannels: overview.dataChannels,
    mediaFindings: topRows(countRows(T('mediaFindings').rows), T('mediaFindings').totals),
    gaps: topRows(countRows(T('gaps').rows), T('gaps').totals),
    drills: topRows(countRows(T('drills').rows), T('drills').totals),
    drillResults: topRows(drillResultRows(T('drillResults').rows), T('drillResults').totals),
    lessons: topRows(countRows(T('lessons').rows), T('lessons').totals),
    browsers: topRows(countRows(T('browsers').rows), T('browsers').totals),
    coverage: coverageFrom(lastWords, options.coverage),
  };
}
