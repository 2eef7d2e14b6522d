/**
 * The ClickHouse table every event type fits (docs/fleet.md, "The table"): what
 * `telehealth-guard fleet schema` prints, what `fleet load` creates when absent, and the
 * shape the collector format `clickhouse` inserts (rows.ts). Pure: text only.
 *
 * Written for the oldest server the project runs on, ClickHouse 18.16 (Debian's package):
 * no DateTime64 (so whole seconds plus `ms`), no LowCardinality without an experimental
 * flag, no column codecs, no window functions. docs/fleet.md says what newer versions add.
 */

/** `reporting.table`'s default and the CLI's. */
export const DEFAULT_TABLE = 'telehealth_guard.events';

/** One identifier: what ClickHouse takes unquoted, and nothing an URL or SQL must escape. */
const IDENT = '[A-Za-z_][A-Za-z0-9_]{0,62}';
/** `table` or `database.table`. */
export const TABLE_NAME_RE = new RegExp(`^${IDENT}(?:\\.${IDENT})?$`);

export interface TableName {
  database: string;
  table: string;
  /** `database.table`. */
  full: string;
  /** The table where `fleet load` records each export it read (`<table>_exports`). */
  exports: string;
  /** The events of exports that did not verify, kept as evidence apart from those that count (`<table>_refused`). */
  refused: string;
}

/** A table name from a policy or the command line, or a message saying what is wrong. */
export function parseTableName(name: string): TableName | { error: string } {
  if (!TABLE_NAME_RE.test(name)) {
    return { error: `"${name}" is not a table name: letters, digits and _ (not starting with a digit), as table or database.table` };
  }
  const [database, table] = name.includes('.') ? (name.split('.') as [string, string]) : ['default', name];
  return { database, table, full: `${database}.${table}`, exports: `${database}.${table}_exports`, refused: `${database}.${table}_refused` };
}

/** Where an event row came from (ReplacingMergeTree(origin): a merge of identical rows keeps the highest). */
export const ORIGIN = {
  /** From an export that did not verify (fleet load): only in `<table>_refused`, evidence counted by no report. */
  refused: 0,
  /** Posted by the extension (collector format `clickhouse`). */
  collector: 1,
  /** From an export that verified (fleet load), with the pinned key when --keys was given. */
  verified: 2,
} as const;
export type Origin = (typeof ORIGIN)[keyof typeof ORIGIN];

/**
 * Columns in table order: name, type, and the comment stored with the column (visible in
 * `system.columns`). Optional event fields are Nullable, so "left out" and "empty" stay
 * apart: the event rebuilt from a row hashes to its `hash` (rows.ts).
 */
export const EVENT_COLUMNS: ReadonlyArray<readonly [name: string, type: string, comment: string]> = [
  ['installId', 'String', "the install: the event's own installId, or for an event written before 1.1 (none) the install whose export or collector sent it; empty when unknown"],
  ['hasInstallId', 'UInt8', '1 when the event itself carries installId (0: written before 1.1)'],
  ['seq', 'UInt64', '1, 2, 3, … in write order on the install'],
  ['ts', "DateTime('UTC')", 'when it happened, whole seconds (18.16 has no DateTime64)'],
  ['ms', 'UInt16', 'milliseconds of ts'],
  ['type', 'String', 'event type (docs/event-log.md)'],
  ['host', 'Nullable(String)', 'host concerned; never path or query unless the policy records full URLs'],
  ['url', 'Nullable(String)', 'only under logging.recordFullUrls'],
  ['service', 'Nullable(String)', 'catalog service or meeting platform'],
  ['action', 'Nullable(String)', 'allow, warn or block'],
  ['reason', 'Nullable(String)', 'the typed reason on *.proceeded'],
  ['findings', 'Array(String)', 'finding codes'],
  ['hasFindings', 'UInt8', '1 when the event carries findings (possibly none), 0 when it leaves the field out'],
  ['incident', 'Nullable(String)', 'kind, on incident.reported'],
  ['note', 'Nullable(String)', "the reporter's note, on incident.reported"],
  ['frame', 'UInt8', '1 when decided for a frame'],
  ['channel', 'Nullable(String)', 'paste, drop, upload or submit, on data.*'],
  ['name', 'Nullable(String)', 'drill or lesson, on training.*'],
  ['browser', 'Nullable(String)', 'browser name and version, on install.heartbeat'],
  ['policyVersion', 'String', 'policy in force'],
  ['policySource', 'String', 'managed, local or default'],
  ['extensionVersion', 'String', 'extension version'],
  ['user', 'Nullable(String)', 'signed-in account, only under logging.recordUser'],
  ['publicKey', 'Nullable(String)', "the install's signing key (SPKI, base64), on log.key"],
  ['prev', 'FixedString(64)', 'hash of the event before'],
  ['hash', 'FixedString(64)', 'SHA-256 of prev + "\\n" + canonical(event without hash)'],
  ['raw', 'Nullable(String)', 'the whole event as JSON, only when the columns cannot hold it exactly (a lone UTF-16 surrogate, a timestamp not in the form YYYY-MM-DDTHH:MM:SS.mmmZ or outside 1970-2106)'],
  ['origin', 'UInt8', '1 collector, 2 export that verified (0 in <table>_refused: an export that did not verify)'],
];

/**
 * Columns of `<table>_exports`: one row per export file `fleet load` read, with what
 * `logs verify` says of it and its signature line, which `fleet verify` checks again
 * against the rows (a chain rebuilt inside the engine no longer matches a signed digest).
 */
export const EXPORT_COLUMNS: ReadonlyArray<readonly [name: string, type: string, comment: string]> = [
  ['file', 'String', 'the file name as given to fleet load'],
  ['fileHash', 'FixedString(64)', "SHA-256 of the file's lines: the same export loaded twice is one row"],
  ['loadedAt', "DateTime('UTC')", 'when it was last loaded'],
  ['installId', 'String', "the signature line's install, else the events' (empty without either)"],
  ['ok', 'UInt8', '1 when the export verified (with the pinned key when fleet load had --keys)'],
  ['verdict', 'String', 'what logs verify says of it, as JSON'],
  ['trailer', 'String', 'the signature line as written, or empty'],
  ['events', 'UInt64', 'event lines read'],
  ['badLines', 'UInt64', 'lines that are not events (not loaded)'],
];

/**
 * A string as a ClickHouse string literal: single quotes, with backslash, quote and every
 * control character escaped (\\xHH), so no value can end the literal or the statement.
 */
export function sqlString(s: string): string {
  return `'${s.replace(/[\\'\u0000-\u001f\u007f]/g, (c) => (c === '\\' || c === "'" ? '\\' + c : '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0')))}'`;
}
const columns = (cols: typeof EVENT_COLUMNS) => cols.map(([n, t, c]) => `    \`${n}\` ${t} COMMENT ${sqlString(c)}`).join(',\n');

/**
 * The statements that create the database and the tables, one per HTTP request (the
 * interface takes one at a time): the events that count, the exports loaded, and the
 * events of exports that did not verify (the same shape, apart, so that no query over
 * the events needs to leave them out and no copy of a counted event shadows one there).
 * Order key (installId, seq, hash): an install's chain is contiguous on disk, so
 * continuity is read in order and an install's range is found by the primary index; `hash`
 * last makes two identical copies one row after a merge (a collector's retried batch)
 * while two *different* events under one (installId, seq) both stay: that is tampering, and
 * verify and report must see it. Partitions by month of `ts`: a few hundred parts per
 * year, retention by dropping a month. docs/fleet.md says why in full.
 */
export function createStatements(name: TableName): string[] {
  const events = (table: string) => `CREATE TABLE IF NOT EXISTS ${table}
(
${columns(EVENT_COLUMNS)}
)
ENGINE = ReplacingMergeTree(origin)
PARTITION BY toYYYYMM(ts)
ORDER BY (installId, seq, hash)`;
  return [
    `CREATE DATABASE IF NOT EXISTS ${name.database}`,
    events(name.full),
    `CREATE TABLE IF NOT EXISTS ${name.exports}
(
${columns(EXPORT_COLUMNS)}
)
ENGINE = ReplacingMergeTree(loadedAt)
ORDER BY (installId, fileHash)`,
    events(name.refused),
  ];
}

/** What `fleet schema` prints: the statements, each ending with `;`. */
export function schemaText(name: TableName): string {
  return createStatements(name).map((s) => s + ';').join('\n\n');
}

/** `INSERT INTO <table> FORMAT JSONEachRow`: the query of every insert (collector and fleet load). */
export function insertQuery(name: TableName | string): string {
  return `INSERT INTO ${typeof name === 'string' ? name : name.full} FORMAT JSONEachRow`;
}
