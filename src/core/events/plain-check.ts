/**
 * The common event checked by hand (no zod): `logs verify` and `logs report` read a million
 * events, and the zod check cost about as much as hashing them. It accepts only what the
 * schema (schema.ts) accepts; anything else goes to the schema, which also words the
 * problem. Kept apart from schema.ts so that the worker threads that check lines
 * (src/cli/logs/check-worker.ts) start without loading zod: a line this refuses goes back to
 * the main thread for the full check. test/core/events/schema.test.ts holds the two
 * together on random records.
 */
import { ACTIONS } from '../actions.ts';
import { REASON_MAX_LENGTH } from '../reason.ts';
import { DATA_CHANNELS, EVENT_FIELDS, EVENT_TYPES, INCIDENT_KINDS, INCIDENT_NOTE_MAX } from './types.ts';

export const HASH_REGEX = /^[0-9a-f]{64}$/;

/** The fields of an event (schema.ts holds its zod schema to the same list). */
const KNOWN_FIELDS: ReadonlySet<string> = new Set(EVENT_FIELDS);
const TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
const ACTION_SET: ReadonlySet<string> = new Set(ACTIONS);
const INCIDENTS: ReadonlySet<string> = new Set(INCIDENT_KINDS);
const SOURCES: ReadonlySet<string> = new Set(['managed', 'local', 'default']);
const CHANNELS: ReadonlySet<string> = new Set(DATA_CHANNELS);
/** What the extension writes: milliseconds, UTC. Anything else goes to the full check. */
const TS_FORM = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const str = (v: unknown): v is string => typeof v === 'string';
/** A real instant, written back exactly as given (2026-02-30 is not). */
export const roundTrips = (ts: string) => {
  const t = Date.parse(ts);
  return Number.isFinite(t) && new Date(t).toISOString() === ts;
};
/** The last day roundTrips accepted: a log's events are in time order, so nearly every event repeats it. */
let lastDay = '';
const digits2 = (s: string, at: number) => (s.charCodeAt(at) - 48) * 10 + s.charCodeAt(at + 1) - 48;
/**
 * roundTrips for a timestamp already in TS_FORM, without a Date per event (a tenth of
 * `logs verify`'s time): the day round-trips (cached), and the time of day is in range —
 * which is all Date.parse adds to the form (24:00 rolls over to the next day, so is refused).
 */
export function realInstant(ts: string): boolean {
  if (digits2(ts, 11) > 23 || digits2(ts, 14) > 59 || digits2(ts, 17) > 59) return false;
  if (lastDay !== '' && ts.startsWith(lastDay)) return true;
  const day = ts.slice(0, 10);
  if (!roundTrips(day + 'T00:00:00.000Z')) return false;
  lastDay = day;
  return true;
}
/** The last `hash` checked: in a chain it is the next event's `prev`, already known to be well-formed. */
let lastHash = '';
const remember = (hash: string) => ((lastHash = hash), true);
const strOrNull = (v: unknown) => v === null || typeof v === 'string';
const absentOr = (v: unknown, ok: (v: unknown) => boolean) => v === undefined || ok(v);

/**
 * The common case, checked by hand: `logs verify` and `logs report` read a million events,
 * and the zod check cost about as much as hashing them. It accepts only what the schema
 * accepts (a stricter subset: the timestamp must be in the form the extension writes and
 * round-trip as a date); anything else goes to zod, which also words the problem.
 * test/core/events/schema.test.ts holds the two together on random records.
 */
export function plainlyValid(v: Record<string, unknown>): boolean {
  for (const k in v) if (!KNOWN_FIELDS.has(k) || v[k] === undefined) return false;
  const { seq, ts } = v;
  return (
    typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1 &&
    str(ts) && TS_FORM.test(ts) && realInstant(ts) &&
    str(v.type) && TYPES.has(v.type) &&
    strOrNull(v.host) && strOrNull(v.service) &&
    (v.action === null || (str(v.action) && ACTION_SET.has(v.action))) &&
    absentOr(v.url, str) && absentOr(v.reason, (r) => str(r) && r.length <= REASON_MAX_LENGTH) && absentOr(v.user, str) &&
    absentOr(v.findings, (f) => Array.isArray(f) && f.every(str)) &&
    absentOr(v.incident, (i) => str(i) && INCIDENTS.has(i)) &&
    absentOr(v.note, (n) => str(n) && n.length <= INCIDENT_NOTE_MAX) &&
    absentOr(v.frame, (f) => f === true) &&
    absentOr(v.channel, (c) => str(c) && CHANNELS.has(c)) &&
    absentOr(v.name, (n) => str(n) && n.length > 0) &&
    absentOr(v.browser, (b) => str(b) && b.length > 0) &&
    absentOr(v.installId, (i) => str(i) && i.length > 0) &&
    absentOr(v.publicKey, (k) => str(k) && k.length > 0) &&
    str(v.policyVersion) && str(v.extensionVersion) && str(v.policySource) && SOURCES.has(v.policySource) &&
    str(v.prev) && (v.prev === lastHash || HASH_REGEX.test(v.prev)) && str(v.hash) && HASH_REGEX.test(v.hash) && remember(v.hash)
  );
}

