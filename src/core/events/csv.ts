/**
 * CSV export (docs/event-log.md, "Export").
 *
 * - Header row, then one row per event; one column per field, in this fixed order
 *   (the order of the table in docs/event-log.md):
 *     seq, ts, type, host, url, service, action, reason, findings, incident, note,
 *     frame, channel, name, browser, policyVersion, policySource, extensionVersion, installId, user, publicKey,
 *     prev, hash
 * - `null` and left-out fields are empty cells; `findings` is joined with `;`.
 * - RFC 4180: rows end CRLF; a cell containing `"`, `,`, `;`, CR or LF is wrapped in
 *   double quotes with inner quotes doubled. `;` because spreadsheets in locales whose
 *   decimal separator is a comma (most of Europe) split CSV on `;`: an unquoted
 *   `a;=1+1` would become two cells, the second a formula.
 * - Formula injection (OWASP): a cell starting with `=`, `+`, `-`, `@`, TAB or CR (or
 *   the full-width `＝＋－＠`) is prefixed with `'` (before quoting) so spreadsheets show
 *   it as text.
 *
 * Streaming: formatCsvRows formats any slice of events; csvChunks yields the header
 * and then chunks, so a large log can go into `new Blob([...])` piece by piece.
 */
import { EVENT_FIELDS, type EventRecord } from './types.ts';

export const CSV_COLUMNS = EVENT_FIELDS;
export const CSV_EOL = '\r\n';
export const CSV_HEADER = CSV_COLUMNS.join(',') + CSV_EOL;

const NEEDS_QUOTES = /[",;\r\n]/;
// OWASP's list, plus the full-width forms some spreadsheet locales also read as formula signs.
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/** One CSV cell: injection-safe, then RFC 4180 quoted when needed. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'number' ? String(value) : value;
  if (s === '') return '';
  if (typeof value === 'string' && FORMULA_START.test(s)) s = "'" + s;
  if (NEEDS_QUOTES.test(s)) s = '"' + s.replace(/"/g, '""') + '"';
  return s;
}

/** One event as one CSV row, ending CRLF. */
export function formatCsvRow(e: EventRecord): string {
  return (
    e.seq + ',' +
    csvCell(e.ts) + ',' +
    csvCell(e.type) + ',' +
    csvCell(e.host) + ',' +
    csvCell(e.url) + ',' +
    csvCell(e.service) + ',' +
    csvCell(e.action) + ',' +
    csvCell(e.reason) + ',' +
    csvCell(e.findings === undefined ? undefined : e.findings.join(';')) + ',' +
    csvCell(e.incident) + ',' +
    csvCell(e.note) + ',' +
    csvCell(e.frame === undefined ? undefined : 'true') + ',' +
    csvCell(e.channel) + ',' +
    csvCell(e.name) + ',' +
    csvCell(e.browser) + ',' +
    csvCell(e.policyVersion) + ',' +
    csvCell(e.policySource) + ',' +
    csvCell(e.extensionVersion) + ',' +
    csvCell(e.installId) + ',' +
    csvCell(e.user) + ',' +
    csvCell(e.publicKey) + ',' +
    csvCell(e.prev) + ',' +
    csvCell(e.hash) +
    CSV_EOL
  );
}

/** Rows (no header) for a chunk of events, in the order given. */
export function formatCsvRows(events: Iterable<EventRecord>): string {
  let s = '';
  for (const e of events) s += formatCsvRow(e);
  return s;
}

/** A whole CSV document: header plus one row per event, in the order given. */
export function formatCsv(events: Iterable<EventRecord>): string {
  return CSV_HEADER + formatCsvRows(events);
}

/** Yield the header, then rows in chunks of `chunkSize` events. */
export function* csvChunks(events: Iterable<EventRecord>, chunkSize = 2000): Generator<string> {
  yield CSV_HEADER;
  let batch: EventRecord[] = [];
  for (const e of events) {
    batch.push(e);
    if (batch.length >= chunkSize) {
      yield formatCsvRows(batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield formatCsvRows(batch);
}
