/**
 * THE SUMMARY: what `logs report` (and `fleet report --clickhouse`) tell an auditor, as one
 * plain, JSON-able data structure. It is COMPUTED in one of two ways and RENDERED in one:
 *
 *   events streamed from verified exports ─ summary-builder.ts (SummaryBuilder) ─┐
 *                                                                                  ├─► Summary ─► report-html.ts (renderReportHtml)
 *   a database's queries (fleet report --clickhouse: one query per field below) ─┘            └► report-text.ts (renderReportText)
 *
 * The renderers read nothing but this structure (and the clock the caller passes), so the
 * two ways give the same words and the same HTML for the same events. Every field says what
 * it counts, in words a query can follow. Conventions:
 *
 * - Only events that COUNT are in the numbers: events of inputs that verified (with the
 *   pinned key under --keys), not excluded for a conflict, matching the filters, each
 *   (installId, seq) once. `inputs` and `exclusions` say what did not count and why.
 * - A distinct-value table is a `TopRows<R>`: the `keep` largest rows (TOP_N unless said),
 *   most events first, ties by `key` in code-unit order; plus how many distinct values and
 *   events the table counted in all, so "the rest" (`restOf`) is exact. A query fills it
 *   with `ORDER BY count DESC, key LIMIT n` and `uniqExact(key)`, `count()`. Memory and the
 *   HTML stay bounded however many distinct values an input holds (docs/audit-trail.md).
 * - `untracked` (a stream only): events whose value was first seen after the run's budget
 *   of distinct values (SUMMARY_DISTINCT_BUDGET) was spent; counted in `events`, never
 *   ranked. A database fills 0.
 * - Text is as recorded (the renderers escape it); codes (types, services, findings,
 *   incident kinds) are codes — the renderers give their plain names (core/i18n/names.ts,
 *   the options page's words).
 * - Times are ISO 8601 UTC strings, as in events.
 *
 * ADDING A SECTION (e.g. "sites that used camera or microphone and are not sanctioned",
 * drill results): add a field here (a `TopRows` of a row type with `key` and `count`, or a
 * small fixed array), fill it in SummaryBuilder.add (the per-type switch) and in the fleet's
 * queries, and add one renderer to SECTIONS in report-html.ts (and report-text.ts). Fields a
 * producer does not know yet are filled with emptyTop() by both.
 */
import type { Action } from '../actions.ts';
import type { DataChannel, EventType, IncidentKind } from './types.ts';

/** Rows kept and shown per distinct-value table (docs/audit-trail.md, "Reading the report"). */
export const TOP_N = 100;
/** Incidents listed one by one (the most recent; the rest are counted by kind). */
export const INCIDENTS_LISTED = 200;
/** Distinct values a streamed run tracks in all its tables before it stops ranking new ones. */
export const SUMMARY_DISTINCT_BUDGET = 500_000;
/** Characters of a recorded text kept for display (longer ones end in "…"). */
export const DISPLAY_MAX = 300;

export interface Count<K extends string = string> {
  key: K;
  count: number;
}

/** The largest rows of a distinct-value table, and what the table held in all. */
export interface TopRows<R extends { count: number }> {
  /** At most TOP_N, most events first, ties by key. */
  rows: R[];
  /** Distinct values counted (rows included). */
  distinct: number;
  /** Events counted in the table (rows included). */
  events: number;
  /** Of `events`: those whose value was never ranked (the distinct-value budget was spent). */
  untracked: number;
}

export function emptyTop<R extends { count: number }>(): TopRows<R> {
  return { rows: [], distinct: 0, events: 0, untracked: 0 };
}

/** What a table held beyond its rows: the report's "and N more values, M events" line. */
export function restOf(t: TopRows<{ count: number }>): { distinct: number; events: number } {
  let shown = 0;
  for (const r of t.rows) shown += r.count;
  return { distinct: t.distinct - t.rows.length, events: t.events - shown };
}

/** One input (an export file, or for a database one install's stored log). */
export interface InputRow {
  name: string;
  /** The install the input is signed by, once known. */
  installId: string | null;
  /** Events read from it (before de-duplication and filters). */
  events: number;
  /** Events it added to the numbers (0 when it does not count). */
  counted: number;
  firstTs: string | null;
  lastTs: string | null;
  /** True when its events count: it verified (pinned under --keys) and is in no conflict. */
  counts: boolean;
  /** The verification result in one sentence (verdictWords in report-intake.ts). */
  verdict: string;
}

/** Something that did not count, and why (the report's first lines). */
export interface Exclusion {
  /** The input's name (a file), or `install <id>`. */
  input: string;
  why: string;
}

/** Two inputs holding different events for one (installId, seq): tampering. */
export interface Conflict {
  installId: string;
  seq: number;
  inputs: [string, string];
}

export interface ServiceRow {
  /** Catalog service id or meeting platform; NO_SERVICE when the event had none. */
  key: string;
  count: number;
  warned: number;
  blocked: number;
  proceeded: number;
  redirected: number;
  linksChecked: number;
  /** media.* and data.* events (1.2). */
  media: number;
  data: number;
}

export interface ReasonRow {
  /** The reason, trimmed and with whitespace collapsed, as first written; NO_REASON when empty. Grouped ignoring case. */
  key: string;
  count: number;
  /** The continue-past-warning type it was typed on (navigation, media or data), most first. */
  types: Count<EventType>[];
  /** Services (host when none) it was given for: the largest few, most first. */
  services: Count[];
}

export interface UnsafeLinkRow {
  /** `host` + findings, joined with U+0000 (unique per row). */
  key: string;
  host: string;
  /** Strictest action seen. */
  action: Action;
  findings: string[];
  count: number;
  firstTs: string;
  lastTs: string;
}

/**
 * A site that used the camera, microphone or screen without being sanctioned (`media.used`,
 * written only for unsanctioned sites, and `media.proceeded` after the notice): how IT finds
 * the platforms nobody listed. Ranked by installs: `count` is the number of installs.
 */
export interface MediaSiteRow {
  /** The host. */
  key: string;
  /** Installs (browser profiles) on which it happened: the sort key. */
  count: number;
  events: number;
  /** What was captured: camera, microphone, screen (in that order). */
  kinds: string[];
  firstTs: string;
  lastTs: string;
}

export interface PolicyRow {
  /** policyVersion + U+0000 + policySource. */
  key: string;
  policyVersion: string;
  policySource: string;
  count: number;
}

/** An install's or a user's events, with the decisions that matter for "who was warned". */
export interface WhoRow {
  /** installId (UNKNOWN_WHO: none recorded) or user. */
  key: string;
  count: number;
  warned: number;
  blocked: number;
  proceeded: number;
  incidents: number;
  /** The latest event's time: an install that went silent shows here. */
  lastTs: string;
  /** For an install: users seen on it; for a user: installs used (the largest few). */
  related: string[];
}

/** One drill opened on one install (by one user, when recorded): docs/awareness.md. */
export interface DrillResultRow {
  /** drill + U+0000 + installId + U+0000 + user ('' when none). */
  key: string;
  drill: string;
  installId: string;
  user?: string;
  /** Times opened. */
  count: number;
  firstTs: string;
  lastTs: string;
}

/** One `incident.reported`. */
export interface IncidentRow {
  ts: string;
  installId: string;
  seq: number;
  user?: string;
  kind: IncidentKind;
  note?: string;
  host: string | null;
}

export interface Summary {
  /** Every input, in the order given. */
  inputs: InputRow[];
  /** Inputs (or installs) whose events do not count, and why; empty when everything counted. */
  exclusions: Exclusion[];
  conflicts: Conflict[];
  /** True when keys were pinned (--keys): every counted input is signed by its install's pinned key. */
  pinned: boolean;
  /** The --install / --user filters, and the values that matched no event. */
  filter: { installs: string[]; users: string[]; unmatched: string[] };
  /** Events counted. */
  total: number;
  /** Events read again in another input (same installId and seq, same content): counted once. */
  duplicates: number;
  firstTs: string | null;
  lastTs: string | null;
  /** Every event type, in docs/event-log.md order, zero counts included. */
  byType: Count<EventType>[];
  /** Per UTC day (YYYY-MM-DD), ascending; every day with events. */
  byDay: TopRows<Count>;
  services: TopRows<ServiceRow>;
  /** navigation.warned by service (host when no service). */
  warned: TopRows<Count>;
  /** navigation.blocked by service (host when no service). */
  blocked: TopRows<Count>;
  /** Reasons typed to continue past a warning (navigation.proceeded, media.proceeded, data.proceeded). */
  reasons: TopRows<ReasonRow>;
  /** link.checked with action warn or block, by host and findings. */
  unsafeLinks: TopRows<UnsafeLinkRow>;
  /** Sites that used camera or microphone and are not sanctioned, most installs first (`events` = their media events). */
  mediaSites: TopRows<MediaSiteRow>;
  policies: TopRows<PolicyRow>;
  installs: TopRows<WhoRow>;
  /** Only events that carry `user` (logging.recordUser). */
  users: TopRows<WhoRow>;
  incidents: {
    /** Every incident kind, zero counts included. */
    byKind: Count<IncidentKind>[];
    /** The most recent INCIDENTS_LISTED, newest first; `events` = all incidents. */
    recent: TopRows<IncidentRow & { count: 1 }>;
  };
  /** data.* events by channel (1.2). */
  dataChannels: Count<DataChannel>[];
  /** Findings of media.* events (camera, microphone, screen). */
  mediaFindings: TopRows<Count>;
  /** guard.gap findings: places the guard could not see. */
  gaps: TopRows<Count>;
  /** training.drill by drill name. */
  drills: TopRows<Count>;
  /**
   * Drill results per install (and user, when recorded): training.drill by (drill, installId,
   * user). A query: `GROUP BY name, installId, user`.
   */
  drillResults: TopRows<DrillResultRow>;
  /** training.lesson by lesson id (the one-minute lessons shown). */
  lessons: TopRows<Count>;
  /** install.heartbeat by browser name and version. */
  browsers: TopRows<Count>;
  /** Installs that went silent, the policy in force on each, old browsers (docs/fleet.md, "Coverage"). */
  coverage: Coverage;
}

/**
 * What each install last said: its latest event (highest seq) and its latest
 * `install.heartbeat`. A query: `GROUP BY installId` with `max(ts)`, `argMax(…, seq)`.
 */
export interface Coverage {
  /** The report's "now" (ISO): silence is measured up to it. */
  asOf: string;
  /** An install is silent when its latest event is more than this many days before asOf. */
  silentDays: number;
  /** Silent installs; `count` = whole days since the latest event, most first, ties by install. `distinct` = silent installs, `events` = installs in the report. */
  silent: TopRows<SilentRow>;
  /** The policy of each install's latest event, by installs (`count`); `events` = installs, so a row's share is count / events. */
  policiesInForce: TopRows<PolicyRow>;
  /** The --min-browser rules (`140`: any browser; `Firefox=128`: that browser), as given. */
  minBrowser: string[];
  /** The browser of each install's latest heartbeat, below its rule, by installs; `events` = installs whose heartbeat names a browser. */
  oldBrowsers: TopRows<Count>;
}

export interface SilentRow {
  /** The install. */
  key: string;
  /** Whole days between its latest event and asOf. */
  count: number;
  lastTs: string;
}

/** How silence is measured and which browsers are old: the report's own options. */
export interface CoverageOptions {
  asOf: string;
  silentDays: number;
  minBrowser: string[];
}

export const DEFAULT_SILENT_DAYS = 3;

export const NO_SERVICE = '(none)';
export const NO_REASON = '(no reason given)';
export const UNKNOWN_HOST = '(unknown)';
export const UNKNOWN_WHO = '(unknown)';
