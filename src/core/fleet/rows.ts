/**
 * An event as a row of the ClickHouse table (schema.ts) and back (docs/fleet.md, "The
 * table"). The collector format `clickhouse` and `fleet load` send `rowJson` lines
 * (JSONEachRow); `fleet verify` rebuilds each event with `rowToEvent` and re-hashes it,
 * so the two must be exact inverses for every event the schema accepts: fields left out
 * stay left out (Nullable columns, `hasFindings`).
 *
 * Two things the columns cannot hold exactly: a string with a lone UTF-16 surrogate (JSON
 * carries it as `\udXXX`, the hash covers that escape, and ClickHouse refuses it, failing
 * the whole batch) and a timestamp not in the extension's form or outside DateTime's
 * 1970–2106. Such an event goes with `raw`, the whole event as JSON text (where the
 * escape is plain ASCII), and its columns hold the nearest values (U+FFFD, the clamped
 * time) for queries. No event the extension writes needs it.
 */
import type { EventRecord } from '../events/types.ts';
import type { Origin } from './schema.ts';

/** One row, as JSONEachRow takes it and as `SELECT … FORMAT JSONEachRow` gives it back (with `ts` as a number). */
export interface EventRow {
  /** The event's installId, or the install it came from for an event written before 1.1. */
  installId: string;
  hasInstallId: 0 | 1;
  seq: number;
  /** Epoch seconds (UTC). */
  ts: number;
  ms: number;
  type: string;
  host: string | null;
  url: string | null;
  service: string | null;
  action: string | null;
  reason: string | null;
  findings: string[];
  hasFindings: 0 | 1;
  incident: string | null;
  note: string | null;
  frame: 0 | 1;
  channel: string | null;
  name: string | null;
  browser: string | null;
  policyVersion: string;
  policySource: string;
  extensionVersion: string;
  user: string | null;
  publicKey: string | null;
  prev: string;
  hash: string;
  /** The whole event as JSON, only when the columns cannot hold it exactly. */
  raw: string | null;
  origin: Origin;
}

/** What `toISOString` writes: the form the extension uses and the DateTime column rebuilds. */
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** DateTime is a UInt32 of seconds. */
const MAX_DATETIME = 4294967295;

const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** The string with each lone surrogate replaced by U+FFFD (what UTF-8 encoding writes for it). */
export function wellFormed(s: string): string {
  return SURROGATE.test(s) ? s.replace(LONE_SURROGATE, '\ufffd') : s;
}
const opt = (s: string | undefined): string | null => (s === undefined ? null : wellFormed(s));
const nul = (s: string | null | undefined): string | null => (s == null ? null : wellFormed(s));

/** The last UTC day split (its "YYYY-MM-DD" and epoch seconds at midnight): a log's events share days. */
let lastDay = '';
let lastDayStart = 0;
const d2 = (s: string, at: number) => (s.charCodeAt(at) - 48) * 10 + s.charCodeAt(at + 1) - 48;

/** Seconds and milliseconds of a timestamp, and whether they give it back exactly. */
export function splitTs(ts: string): { ts: number; ms: number; exact: boolean } {
  // The extension's form on a day already seen: by hand (Date.parse and toISOString per event were a tenth of fleet load).
  if (lastDay !== '' && ts.length === 24 && ts.startsWith(lastDay) && ISO_MS.test(ts)) {
    const h = d2(ts, 11);
    const m = d2(ts, 14);
    const sec = d2(ts, 17);
    const seconds = lastDayStart + h * 3600 + m * 60 + sec;
    if (h <= 23 && m <= 59 && sec <= 59 && seconds <= MAX_DATETIME) {
      const ms = (ts.charCodeAt(20) - 48) * 100 + d2(ts, 21);
      return { ts: seconds, ms, exact: true };
    }
  }
  const t = Date.parse(ts);
  if (!Number.isFinite(t)) return { ts: 0, ms: 0, exact: false };
  const seconds = Math.floor(t / 1000);
  const ms = t - seconds * 1000;
  const exact = seconds >= 0 && seconds <= MAX_DATETIME && ISO_MS.test(ts) && new Date(t).toISOString() === ts;
  if (exact) {
    lastDay = ts.slice(0, 11);
    lastDayStart = Math.floor(Date.parse(ts.slice(0, 10) + 'T00:00:00.000Z') / 1000);
  }
  return { ts: Math.min(MAX_DATETIME, Math.max(0, seconds)), ms, exact };
}

/** True when some string of the event has a lone surrogate. */
function hasLoneSurrogate(e: EventRecord): boolean {
  for (const v of Object.values(e)) {
    if (typeof v === 'string' ? SURROGATE.test(v) && wellFormed(v) !== v : Array.isArray(v) && v.some((f) => SURROGATE.test(f) && wellFormed(f) !== f)) return true;
  }
  return false;
}

/**
 * The row of an event. `owner`: the install it came from (the export's signature line, the
 * extension's own id), used for an event written before 1.1, which names none: so two
 * installs' old events never collide under one (installId, seq), and reports count them
 * under their install as `logs report` does.
 */
export function eventToRow(e: EventRecord, origin: Origin, owner?: string): EventRow {
  const time = splitTs(e.ts);
  return {
    installId: wellFormed(e.installId ?? owner ?? ''),
    hasInstallId: e.installId === undefined ? 0 : 1,
    seq: e.seq,
    ts: time.ts,
    ms: time.ms,
    type: e.type,
    host: nul(e.host),
    url: opt(e.url),
    service: nul(e.service),
    action: e.action ?? null,
    reason: opt(e.reason),
    findings: e.findings === undefined ? [] : e.findings.map(wellFormed),
    hasFindings: e.findings === undefined ? 0 : 1,
    incident: e.incident ?? null,
    note: opt(e.note),
    frame: e.frame ? 1 : 0,
    channel: e.channel ?? null,
    name: opt(e.name),
    browser: opt(e.browser),
    policyVersion: wellFormed(e.policyVersion),
    policySource: e.policySource,
    extensionVersion: wellFormed(e.extensionVersion),
    user: opt(e.user),
    publicKey: opt(e.publicKey),
    prev: e.prev,
    hash: e.hash,
    raw: time.exact && !hasLoneSurrogate(e) ? null : JSON.stringify(e),
    origin,
  };
}

/** One JSONEachRow line (no newline). */
export function rowJson(e: EventRecord, origin: Origin, owner?: string): string {
  return JSON.stringify(eventToRow(e, origin, owner));
}

/** The event a row holds, field for field as it was written (so it re-hashes to `hash`). */
export function rowToEvent(r: EventRow): EventRecord {
  if (r.raw !== null) return JSON.parse(r.raw) as EventRecord;
  const e: Record<string, unknown> = {
    seq: Number(r.seq),
    ts: new Date(Number(r.ts) * 1000 + Number(r.ms)).toISOString(),
    type: r.type,
    host: r.host,
  };
  if (r.url !== null) e.url = r.url;
  e.service = r.service;
  e.action = r.action;
  if (r.reason !== null) e.reason = r.reason;
  if (Number(r.hasFindings) === 1) e.findings = r.findings;
  if (r.incident !== null) e.incident = r.incident;
  if (r.note !== null) e.note = r.note;
  if (Number(r.frame) === 1) e.frame = true;
  if (r.channel !== null) e.channel = r.channel;
  if (r.name !== null) e.name = r.name;
  if (r.browser !== null) e.browser = r.browser;
  e.policyVersion = r.policyVersion;
  e.policySource = r.policySource;
  e.extensionVersion = r.extensionVersion;
  if (Number(r.hasInstallId) === 1) e.installId = r.installId;
  if (r.user !== null) e.user = r.user;
  if (r.publicKey !== null) e.publicKey = r.publicKey;
  e.prev = r.prev;
  e.hash = r.hash;
  return e as unknown as EventRecord;
}

/**
 * The columns `fleet verify` streams, in a form `rowToEvent` reads: `ts` as epoch seconds
 * (ClickHouse writes a DateTime as text in the server's zone otherwise).
 */
export const ROW_SELECT =
  'installId, hasInstallId, seq, toUInt32(ts) AS ts, ms, type, host, url, service, action, reason, findings, hasFindings, incident, note, frame, channel, name, browser, policyVersion, policySource, extensionVersion, `user`, publicKey, prev, hash, raw, origin';
