/**
 * The Summary (core/events/summary.ts) computed by ClickHouse's queries: `fleet report`
 * (docs/fleet.md, its opening and "Coverage"). One query (or two: the best rows, and the table's
 * distinct values and events) per field, over the rows that count; Node only receives the
 * best rows and totals, never the events. The renderers then print it exactly as they print
 * `logs report`'s, so the words and the HTML are the same by construction, and
 * test/cli/fleet/report.clickhouse.test.ts holds every field equal on the same exports.
 *
 * What counts, as in report-intake.ts: rows of exports that verified and rows the collector
 * sent (those of exports that did not verify are in another table), each (installId, seq)
 * once, no install holding two different events under one seq (tampering: the install is
 * named and none of its events count), and the --install / --user filters. "Once" without
 * FINAL, which costs a merge on every read in 18.16 (20× a plain read, measured): fleet load
 * never inserts a second copy, and the installs where one is there anyway (a collector
 * batch sent twice and not yet merged; two loads at one moment) are read through FINAL
 * alone (`duplicated`), found by one query first.
 *
 * Each table ranks as SummaryBuilder does: most events first, ties by the value in UTF-16
 * code-unit order (ClickHouse compares bytes, so the sort key is the value converted to
 * UTF-16BE, whose byte order is code-unit order), at most TOP_N rows.
 *
 * Pure: SQL text and the shaping of its rows. The command line runs the queries
 * (src/cli/fleet/report.ts).
 */
import { clip } from '../events/summary-builder.ts';
import {
  INCIDENTS_LISTED,
  NO_REASON,
  NO_SERVICE,
  TOP_N,
  UNKNOWN_HOST,
  UNKNOWN_WHO,
  type Count,
  type DrillResultRow,
  type IncidentRow,
  type MediaSiteRow,
  type PolicyRow,
  type ReasonRow,
  type ServiceRow,
  type TopRows,
  type UnsafeLinkRow,
  type WhoRow,
} from '../events/summary.ts';
import { DATA_CHANNELS, EVENT_TYPES, INCIDENT_KINDS, type EventType, type IncidentKind } from '../events/types.ts';
import { COUNTED } from './continuity.ts';
import { sqlString, type TableName } from './schema.ts';

/** What the report is over. */
export interface ReportScope {
  table: TableName;
  /** Installs with two different events under one seq: none of their events count. */
  excluded: readonly string[];
  /** Installs holding two identical copies of an event (not yet merged): read through FINAL. */
  duplicated: readonly string[];
  filter: { installs: readonly string[]; users: readonly string[] };
}

/** The install an event belongs to, as the report names it (UNKNOWN_WHO when none is known). */
export const INSTALL = `if(installId = '', ${sqlString(UNKNOWN_WHO)}, installId)`;
/** The service column of the report: service, else NO_SERVICE. */
const SERVICE = `ifNull(service, ${sqlString(NO_SERVICE)})`;
/** "service, else host, else (unknown)": what warned, blocked and reasons are shown by. */
const LABEL = `coalesce(service, host, ${sqlString(UNKNOWN_HOST)})`;
/** Milliseconds since the epoch. */
const MS = 'toUInt64(ts) * 1000 + ms';

/** Sort key in UTF-16 code-unit order (what `<` on JS strings compares). */
export const u16 = (expr: string) => `convertCharset(${expr}, 'UTF-8', 'UTF-16BE')`;

/** Every column a report query reads (the source below selects them). */
const REPORT_COLUMNS = 'installId, seq, ts, ms, type, host, service, action, reason, findings, incident, note, channel, name, browser, policyVersion, policySource, user, origin';

/**
 * The rows that count, and the filters: `FROM … WHERE …` for every query (with `arrayJoin`,
 * an ARRAY JOIN after the source). Installs with unmerged copies are read through FINAL
 * (the primary index keeps that to their own granules), the rest plainly.
 */
export function fromCounted(scope: ReportScope, extra = '', arrayJoin = ''): string {
  const where = [COUNTED];
  if (scope.excluded.length > 0) where.push(`installId NOT IN (${scope.excluded.map(sqlString).join(', ')})`);
  if (scope.filter.installs.length > 0) where.push(`${INSTALL} IN (${scope.filter.installs.map(sqlString).join(', ')})`);
  if (scope.filter.users.length > 0) where.push(`user IN (${scope.filter.users.map(sqlString).join(', ')})`);
  if (extra) where.push(extra);
  const cond = where.map((w) => `(${w})`).join(' AND ');
  const join = arrayJoin ? ` ARRAY JOIN ${arrayJoin}` : '';
  if (scope.duplicated.length === 0) return `FROM ${scope.table.full}${join} WHERE ${cond}`;
  const dup = `installId IN (${scope.duplicated.map(sqlString).join(', ')})`;
  return `FROM (SELECT ${REPORT_COLUMNS} FROM ${scope.table.full} WHERE ${cond} AND NOT ${dup} UNION ALL SELECT ${REPORT_COLUMNS} FROM ${scope.table.full} FINAL WHERE ${cond} AND ${dup})${join}`;
}

/**
 * JavaScript's `\s` (and String.prototype.trim): what SummaryBuilder trims and collapses in
 * a reason. RE2 (ClickHouse's regular expressions) knows only ASCII `\s`.
 */
const JS_SPACE = '[\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]';
/** A reason trimmed, with runs of spaces as one (the reason as shown). */
const SHOWN = `replaceRegexpAll(replaceRegexpAll(ifNull(reason, ''), ${sqlString(`^${JS_SPACE}+|${JS_SPACE}+$`)}, ''), ${sqlString(`${JS_SPACE}+`)}, ' ')`;
/**
 * Characters whose lower case in ClickHouse 18.16 (lowerUTF8) differs from JavaScript's
 * toLowerCase (found by comparing every code point), and Σ, which JavaScript lowers by
 * context (final sigma). A reason holding one of them is grouped in Node instead; no other
 * reason needs it.
 */
export const LOWER_DIFFERS =
  '[\\x{130}\\x{1C5}\\x{1C8}\\x{1CB}\\x{1F2}\\x{23A}\\x{23E}\\x{3A3}\\x{13A0}-\\x{13F5}\\x{1C89}\\x{1C90}-\\x{1CBA}\\x{1CBD}-\\x{1CBF}\\x{1E9E}\\x{1F88}-\\x{1F8F}\\x{1F98}-\\x{1F9F}\\x{1FA8}-\\x{1FAF}\\x{1FBC}\\x{1FCC}\\x{1FFC}\\x{2126}\\x{212A}\\x{212B}\\x{2132}\\x{2160}-\\x{216F}\\x{2183}\\x{24B6}-\\x{24CF}\\x{2C00}-\\x{2C2F}\\x{2C60}-\\x{2CF2}\\x{A78D}\\x{A7AA}-\\x{A7DC}\\x{A7F5}\\x{104B0}-\\x{104D3}\\x{10570}-\\x{10595}\\x{10C80}-\\x{10CB2}\\x{10D50}-\\x{10D65}\\x{16E40}-\\x{16E5F}\\x{16EA0}-\\x{16EB8}\\x{1E900}-\\x{1E921}]';
/** The reason's group: shown, lower case. */
const GROUP = `lowerUTF8(${SHOWN})`;
/** True when ClickHouse cannot lower-case the reason as JavaScript does. */
const LOWER_DIFFERS_SQL = `match(ifNull(reason, ''), ${sqlString(LOWER_DIFFERS)})`;
const PROCEEDED = `type IN ('navigation.proceeded', 'media.proceeded', 'data.proceeded')`;

/** A query for the best rows of one table and one for its totals. */
export interface TopQuery {
  rows: string;
  totals: string;
}

/**
 * The best rows of `key` (a SQL expression) over `where`, with `columns` beside count:
 * ORDER BY count DESC, then the key in code-unit order; and the table's distinct values and
 * events. `rank` is what ties are broken by when it is not the key itself.
 */
export function topQuery(scope: ReportScope, key: string, where: string, columns: string[] = [], opts: { limit?: number; count?: string; rank?: string; arrayJoin?: string } = {}): TopQuery {
  const fromJoined = fromCounted(scope, where, opts.arrayJoin);
  const count = opts.count ?? 'count()';
  return {
    rows: `SELECT ${key} AS key, ${count} AS count${columns.length ? ', ' + columns.join(', ') : ''} ${fromJoined} GROUP BY key ORDER BY count DESC, ${u16(opts.rank ?? 'key')} LIMIT ${opts.limit ?? TOP_N}`,
    totals: `SELECT uniqExact(${key}) AS distinct, count() AS events ${fromJoined}`,
  };
}

export interface Totals {
  distinct: number;
  events: number;
}

export function topRows<R extends { count: number }>(rows: R[], t: Totals): TopRows<R> {
  return { rows, distinct: Number(t.distinct), events: Number(t.events), untracked: 0 };
}

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();

/** The first query: every small table at once (types, days, channels, incident kinds, period). */
export function overviewSql(scope: ReportScope): string {
  return `SELECT type, toString(toDate(ts)) AS day,
  if(type LIKE 'data.%', channel, NULL) AS ch,
  if(type = 'incident.reported', ifNull(incident, 'other'), NULL) AS kind,
  count() AS n, min(${MS}) AS first, max(${MS}) AS last
${fromCounted(scope)}
GROUP BY type, day, ch, kind`;
}

export interface OverviewRow {
  type: string;
  day: string;
  ch: string | null;
  kind: string | null;
  n: number;
  first: number;
  last: number;
}

export function readOverview(rows: OverviewRow[]): {
  total: number;
  firstTs: string | null;
  lastTs: string | null;
  byType: Count<EventType>[];
  byDay: TopRows<Count>;
  dataChannels: Count<(typeof DATA_CHANNELS)[number]>[];
  byKind: Count<IncidentKind>[];
} {
  const types = new Map<string, number>();
  const days = new Map<string, number>();
  const channels = new Map<string, number>();
  const kinds = new Map<string, number>();
  let total = 0;
  let first = Infinity;
  let last = -Infinity;
  const bump = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  for (const r of rows) {
    const n = Number(r.n);
    total += n;
    first = Math.min(first, Number(r.first));
    last = Math.max(last, Number(r.last));
    bump(types, r.type, n);
    bump(days, r.day, n);
    if (r.ch !== null) bump(channels, r.ch, n);
    if (r.kind !== null) bump(kinds, r.kind, n);
  }
  const dayRows = [...days].map(([key, count]) => ({ key, count })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    total,
    firstTs: total > 0 ? iso(first) : null,
    lastTs: total > 0 ? iso(last) : null,
    byType: EVENT_TYPES.map((key) => ({ key, count: types.get(key) ?? 0 })),
    byDay: topRows(dayRows, { distinct: days.size, events: total }),
    dataChannels: DATA_CHANNELS.map((key) => ({ key, count: channels.get(key) ?? 0 })),
    byKind: INCIDENT_KINDS.map((key) => ({ key, count: kinds.get(key) ?? 0 })),
  };
}

const countIf = (cond: string, name: string) => `countIf(${cond}) AS ${name}`;

export const QUERIES = {
  services: (s: ReportScope) =>
    topQuery(s, SERVICE, '', [
      countIf(`type = 'navigation.warned'`, 'warned'),
      countIf(`type = 'navigation.blocked'`, 'blocked'),
      countIf(`type = 'navigation.proceeded'`, 'proceeded'),
      countIf(`type = 'navigation.redirected'`, 'redirected'),
      countIf(`type = 'link.checked'`, 'linksChecked'),
      countIf(`type LIKE 'media.%'`, 'media'),
      countIf(`type LIKE 'data.%'`, 'data'),
    ]),
  warned: (s: ReportScope) => topQuery(s, LABEL, `type = 'navigation.warned'`),
  blocked: (s: ReportScope) => topQuery(s, LABEL, `type = 'navigation.blocked'`),
  unsafeLinks: (s: ReportScope) =>
    topQuery(
      s,
      `concat(ifNull(host, ${sqlString(UNKNOWN_HOST)}), '\\0', arrayStringConcat(arraySort(x -> ${u16('x')}, arrayDistinct(findings)), '\\0'))`,
      `type = 'link.checked' AND action IN ('warn', 'block')`,
      [`any(ifNull(host, ${sqlString(UNKNOWN_HOST)})) AS h`, `any(arraySort(x -> ${u16('x')}, arrayDistinct(findings))) AS fs`, `max(action = 'block') AS block`, `min(${MS}) AS first`, `max(${MS}) AS last`],
    ),
  mediaSites: (s: ReportScope) =>
    topQuery(s, `ifNull(host, ${sqlString(UNKNOWN_HOST)})`, `type IN ('media.used', 'media.proceeded')`, ['count() AS events', `groupUniqArrayArray(findings) AS kinds`, `min(${MS}) AS first`, `max(${MS}) AS last`], { count: `uniqExact(${INSTALL})` }),
  policies: (s: ReportScope) => topQuery(s, `concat(policyVersion, '\\0', policySource)`, '', ['any(policyVersion) AS pv', 'any(policySource) AS ps']),
  installs: (s: ReportScope) => topQuery(s, INSTALL, '', whoColumns()),
  users: (s: ReportScope) => topQuery(s, 'assumeNotNull(user)', 'user IS NOT NULL', whoColumns()),
  /** (install, user) pairs: users beside installs and installs beside users (SummaryBuilder: the best TOP_N × 5). */
  installUsers: (s: ReportScope) => topQuery(s, `concat(${INSTALL}, '\\x01', assumeNotNull(user))`, 'user IS NOT NULL', [`any(${INSTALL}) AS install`, 'any(assumeNotNull(user)) AS u'], { limit: TOP_N * 5 }),
  mediaFindings: (s: ReportScope) => topQuery(s, 'f', `type LIKE 'media.%'`, [], { arrayJoin: 'findings AS f' }),
  gaps: (s: ReportScope) => topQuery(s, 'f', `type = 'guard.gap'`, [], { arrayJoin: 'findings AS f' }),
  drills: (s: ReportScope) => topQuery(s, 'assumeNotNull(name)', `type = 'training.drill' AND name IS NOT NULL`),
  drillResults: (s: ReportScope) =>
    topQuery(s, `concat(assumeNotNull(name), '\\0', ${INSTALL}, '\\0', ifNull(user, ''))`, `type = 'training.drill' AND name IS NOT NULL`, [
      'any(assumeNotNull(name)) AS drill',
      `any(${INSTALL}) AS install`,
      `any(ifNull(user, '')) AS u`,
      `min(${MS}) AS first`,
      `max(${MS}) AS last`,
    ]),
  lessons: (s: ReportScope) => topQuery(s, 'assumeNotNull(name)', `type = 'training.lesson' AND name IS NOT NULL`),
  browsers: (s: ReportScope) => topQuery(s, 'assumeNotNull(browser)', `type = 'install.heartbeat' AND browser IS NOT NULL`),
  /** Reasons whose lower case ClickHouse gives as JavaScript does (the rest: reasonsInNode). */
  reasons: (s: ReportScope) =>
    topQuery(s, GROUP, `${PROCEEDED} AND NOT ${LOWER_DIFFERS_SQL}`, [
      countIf(`type = 'navigation.proceeded'`, 'navigation'),
      countIf(`type = 'media.proceeded'`, 'media'),
      countIf(`type = 'data.proceeded'`, 'data'),
      // The spelling shown: that of the earliest event, by install and seq.
      `argMin(${SHOWN}, (installId, seq)) AS shown`,
    ]),
  /** (reason, service) pairs beside the reasons (SummaryBuilder: the best TOP_N × 5). */
  reasonServices: (s: ReportScope) =>
    topQuery(s, `concat(${GROUP}, '\\x01', ${LABEL})`, `${PROCEEDED} AND NOT ${LOWER_DIFFERS_SQL}`, [`any(${GROUP}) AS grp`, `any(${LABEL}) AS label`], { limit: TOP_N * 5 }),
} as const;

function whoColumns(): string[] {
  return [
    countIf(`type = 'navigation.warned'`, 'warned'),
    countIf(`type = 'navigation.blocked'`, 'blocked'),
    countIf(`type = 'navigation.proceeded'`, 'proceeded'),
    countIf(`type = 'incident.reported'`, 'incidents'),
    `max(${MS}) AS last`,
  ];
}

/** Proceeded events whose reason ClickHouse cannot lower-case as JavaScript does: grouped in Node. */
export function reasonsInNodeSql(scope: ReportScope): string {
  return `SELECT ifNull(reason, '') AS reason, type, ${LABEL} AS label, installId, seq ${fromCounted(scope, `${PROCEEDED} AND ${LOWER_DIFFERS_SQL}`)}`;
}

/** The most recent incidents, newest first (SummaryBuilder's order: time, install, seq). */
export function incidentsSql(scope: ReportScope): string {
  return `SELECT ${MS} AS t, ${INSTALL} AS install, seq, user, ifNull(incident, 'other') AS kind, note, host ${fromCounted(scope, `type = 'incident.reported'`)} ORDER BY t DESC, ${u16('install')}, seq LIMIT ${INCIDENTS_LISTED}`;
}

// ---- Shaping the rows ------------------------------------------------------------------

export interface Row extends Record<string, unknown> {
  key: string;
  count: number;
}

const n = (v: unknown) => Number(v);

export function countRows(rows: Row[]): Count[] {
  return rows.map((r) => ({ key: clip(r.key), count: n(r.count) }));
}

export function serviceRows(rows: Row[]): ServiceRow[] {
  return rows.map((r) => ({
    key: clip(r.key),
    count: n(r.count),
    warned: n(r.warned),
    blocked: n(r.blocked),
    proceeded: n(r.proceeded),
    redirected: n(r.redirected),
    linksChecked: n(r.linksChecked),
    media: n(r.media),
    data: n(r.data),
  }));
}

export function linkRows(rows: Row[]): UnsafeLinkRow[] {
  return rows.map((r) => {
    const host = clip(r.h as string);
    const findings = (r.fs as string[]).map(clip);
    return { key: host + '\u0000' + findings.join('\u0000'), host, action: n(r.block) ? 'block' : 'warn', findings, count: n(r.count), firstTs: iso(r.first as number), lastTs: iso(r.last as number) };
  });
}

export function mediaSiteRows(rows: Row[]): MediaSiteRow[] {
  return rows.map((r) => {
    const kinds = new Set(r.kinds as string[]);
    return { key: clip(r.key), count: n(r.count), events: n(r.events), kinds: ['camera', 'microphone', 'screen'].filter((k) => kinds.has(k)), firstTs: iso(r.first as number), lastTs: iso(r.last as number) };
  });
}

export function policyRows(rows: Row[]): PolicyRow[] {
  return rows.map((r) => {
    const policyVersion = clip(r.pv as string);
    return { key: policyVersion + '\u0000' + (r.ps as string), policyVersion, policySource: r.ps as string, count: n(r.count) };
  });
}

/** Installs beside users and users beside installs: the first five of the best pairs. */
export function whoRows(rows: Row[], pairs: Row[], side: 'install' | 'user'): WhoRow[] {
  const shown = pairs.map((p) => ({ install: clip(p.install as string), user: clip(p.u as string) }));
  return rows.map((r) => {
    const key = clip(r.key);
    const related = shown.filter((p) => (side === 'install' ? p.install : p.user) === key).slice(0, 5).map((p) => (side === 'install' ? p.user : p.install));
    return { key, count: n(r.count), warned: n(r.warned), blocked: n(r.blocked), proceeded: n(r.proceeded), incidents: n(r.incidents), lastTs: iso(r.last as number), related };
  });
}

export function drillResultRows(rows: Row[]): DrillResultRow[] {
  return rows.map((r) => {
    const drill = clip(r.drill as string);
    const installId = clip(r.install as string);
    const user = clip(r.u as string);
    return { key: drill + '\u0000' + installId + '\u0000' + user, drill, installId, ...(user ? { user } : {}), count: n(r.count), firstTs: iso(r.first as number), lastTs: iso(r.last as number) };
  });
}

export function incidentRows(rows: Array<Record<string, unknown>>): Array<IncidentRow & { count: 1 }> {
  return rows.map((r) => {
    const row: IncidentRow & { count: 1 } = { ts: iso(r.t as number), installId: clip(r.install as string), seq: n(r.seq), kind: r.kind as IncidentKind, host: r.host === null ? null : clip(r.host as string), count: 1 };
    if (r.user !== null) row.user = clip(r.user as string);
    if (r.note !== null) row.note = r.note as string;
    return row;
  });
}

/** A reason as SummaryBuilder groups it (trimmed, spaces collapsed; grouped in lower case). */
export function reasonGroup(reason: string): { shown: string; group: string } {
  const shown = reason.trim().replace(/\s+/g, ' ');
  return { shown, group: shown.toLowerCase() };
}

interface ReasonAcc {
  group: string;
  shown: string;
  /** (installId, seq) of the event whose spelling is shown. */
  at: [string, number];
  count: number;
  navigation: number;
  media: number;
  data: number;
}

const codeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The reasons table: the groups ClickHouse ranked, merged with those grouped in Node (rows
 * of reasonsInNodeSql; `known` are the SQL groups with the same keys, asked for by key), the
 * services beside each from the best pairs. Exact: a group outside SQL's best rows and
 * unknown to Node has fewer events than every row shown.
 */
export function reasonRows(
  sqlRows: Row[],
  sqlTotals: Totals,
  nodeRows: Array<{ reason: string; type: string; label: string; installId: string; seq: number }>,
  known: Row[],
  pairs: Row[],
  nodePairsKnown: Row[],
): TopRows<ReasonRow> {
  const acc = new Map<string, ReasonAcc>();
  const fromSql = (r: Row) => {
    const a: ReasonAcc = { group: r.key, shown: r.shown as string, at: ['', 0], count: n(r.count), navigation: n(r.navigation), media: n(r.media), data: n(r.data) };
    acc.set(r.key, a);
  };
  for (const r of sqlRows) fromSql(r);
  for (const r of known) if (!acc.has(r.key)) fromSql(r);
  const nodeOnly = new Set<string>();
  const pairCounts = new Map<string, { group: string; label: string; count: number }>();
  for (const p of [...pairs, ...nodePairsKnown]) pairCounts.set(p.key, { group: p.grp as string, label: p.label as string, count: n(p.count) });
  for (const e of nodeRows) {
    const { shown, group } = reasonGroup(e.reason);
    let a = acc.get(group);
    if (!a) {
      acc.set(group, (a = { group, shown, at: [e.installId, n(e.seq)], count: 0, navigation: 0, media: 0, data: 0 }));
      nodeOnly.add(group);
    } else if (nodeOnly.has(group) && (e.installId < a.at[0] || (e.installId === a.at[0] && n(e.seq) < a.at[1]))) {
      a.shown = shown;
      a.at = [e.installId, n(e.seq)];
    }
    a.count++;
    if (e.type === 'navigation.proceeded') a.navigation++;
    else if (e.type === 'media.proceeded') a.media++;
    else a.data++;
    const pk = group + '\u0001' + e.label;
    const p = pairCounts.get(pk);
    if (p) p.count++;
    else pairCounts.set(pk, { group, label: e.label, count: 1 });
  }
  const all = [...acc.values()].sort((a, b) => b.count - a.count || codeUnits(a.group, b.group)).slice(0, TOP_N);
  const bestPairs = [...pairCounts]
    .map(([k, p]) => ({ k, ...p }))
    .sort((a, b) => b.count - a.count || codeUnits(a.k, b.k))
    .slice(0, TOP_N * 5);
  const distinct = n(sqlTotals.distinct) + [...nodeOnly].filter((g) => !known.some((k) => k.key === g)).length;
  const events = n(sqlTotals.events) + nodeRows.length;
  const rows = all.map((a): ReasonRow => {
    const types: Count<EventType>[] = (
      [
        ['navigation.proceeded', a.navigation],
        ['media.proceeded', a.media],
        ['data.proceeded', a.data],
      ] as const
    )
      .filter(([, c]) => c > 0)
      .map(([key, c]) => ({ key, count: c }))
      .sort((x, y) => y.count - x.count);
    const services = bestPairs.filter((p) => p.group === a.group).slice(0, 5).map((p) => ({ key: clip(p.label), count: p.count }));
    return { key: a.shown === '' ? NO_REASON : clip(a.shown), count: a.count, types, services };
  });
  return topRows(rows, { distinct, events });
}
