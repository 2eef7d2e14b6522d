/**
 * Aggregate events from many machines' exports into the numbers the report shows.
 * Pure: no I/O, no clock (the caller passes `generatedAt` to the renderer).
 *
 * - A "machine" is one input source (the CLI uses the export's file name, which
 *   carries the profile's install id).
 * - The same event exported twice (overlapping exports of one install) is counted once,
 *   for the first source that contains it: identified by (installId, seq), or by `hash`
 *   for events from before installId (SeenEvents).
 * - Days are UTC calendar days (`ts` is UTC).
 */
import type { Action } from '../actions.ts';
import type { VerifyResult } from './chain.ts';
import type { ExportVerdict } from './verify.ts';
import { compareCodeUnits } from './canonical.ts';
import { EVENT_TYPES, type EventRecord, type EventType } from './types.ts';

/** One input to the summary: a machine's export. */
export interface SummarySource {
  /** Label shown in the report, e.g. the file name. */
  name: string;
  events: readonly EventRecord[];
  /** Result of verifying this source's chain, when it was checked. */
  verification?: VerifyResult | ExportVerdict;
  /** Lines that could not be read as events (they are not in `events`). */
  badLines?: number;
  /** Set when the source could not be read at all. */
  error?: string;
}

export interface SourceSummary {
  name: string;
  /** Events read from the source (before de-duplication). */
  events: number;
  /** Events counted for this source (after de-duplication across sources). */
  counted: number;
  badLines: number;
  verification?: VerifyResult | ExportVerdict;
  error?: string;
  firstTs: string | null;
  lastTs: string | null;
}

export interface Count<K extends string = string> {
  key: K;
  count: number;
}

export interface ServiceRow {
  /** Catalog service id / platform, or `(none)`. */
  service: string;
  total: number;
  warned: number;
  blocked: number;
  proceeded: number;
  redirected: number;
  linksChecked: number;
}

export interface ReasonRow {
  /** The reason as first seen (trimmed, whitespace collapsed); `(no reason given)` when empty. */
  reason: string;
  count: number;
  /** Services / hosts it was given for, most frequent first. */
  services: Count[];
}

export interface UnsafeLinkRow {
  host: string;
  /** Strictest action seen for this host and set of findings. */
  action: Action;
  findings: string[];
  count: number;
  firstTs: string;
  lastTs: string;
}

/**
 * A site that used the camera, microphone or screen without being sanctioned (`media.used`, and
 * `media.proceeded` after the notice): how IT finds the platforms nobody listed.
 */
export interface MediaSiteRow {
  host: string;
  /** Installs (browser profiles) on which it happened: the sort key. */
  installs: number;
  events: number;
  /** What was captured: camera, microphone, screen. */
  kinds: string[];
  firstTs: string;
  lastTs: string;
}

export interface PolicyRow {
  policyVersion: string;
  policySource: string;
  count: number;
}

/** Events of one install (or one user), with the decisions that matter for "who was warned". */
export interface WhoRow {
  /** The installId (or user); `(unknown)` for events written before version 1.1 / without a user. */
  key: string;
  total: number;
  warned: number;
  blocked: number;
  proceeded: number;
  /** For an install: the users seen on it; for a user: the installs they used. */
  related: string[];
}

/** Keep only some installs / users (empty or absent: no constraint). */
export interface SummaryFilter {
  installs?: readonly string[];
  users?: readonly string[];
}

export const UNKNOWN_WHO = '(unknown)';

export interface Summary {
  total: number;
  /** Events dropped as duplicates of an event already counted (same hash). */
  duplicates: number;
  firstTs: string | null;
  lastTs: string | null;
  /** Every event type, in docs/event-log.md order, zero counts included. */
  byType: Count<EventType>[];
  /** Most events first; ties by service name. */
  byService: ServiceRow[];
  /** Ascending by day (`YYYY-MM-DD`); only days with events. */
  byDay: Count[];
  /** `navigation.warned` by service (host when no service), most first. */
  topWarned: Count[];
  /** `navigation.blocked` by service (host when no service), most first. */
  topBlocked: Count[];
  proceedReasons: ReasonRow[];
  /** `link.checked` events with action warn or block, grouped by host + findings. */
  unsafeLinks: UnsafeLinkRow[];
  /** Sites that used camera or microphone and are not sanctioned, most installs first. */
  mediaSites: MediaSiteRow[];
  policies: PolicyRow[];
  /** Most events first. */
  byInstall: WhoRow[];
  /** Most events first; only events that carry `user` (logging.recordUser). */
  byUser: WhoRow[];
  sources: SourceSummary[];
}

export const NO_SERVICE = '(none)';
export const NO_REASON = '(no reason given)';
export const UNKNOWN_HOST = '(unknown)';

function bump(m: Map<string, number>, k: string, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

/** Most first, ties by key (code-unit order) so output is deterministic. */
function sortedCounts(m: Map<string, number>): Count[] {
  return [...m].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || compareCodeUnits(a.key, b.key));
}

function minTs(a: string | null, b: string): string {
  return a === null || b < a ? b : a;
}
function maxTs(a: string | null, b: string): string {
  return a === null || b > a ? b : a;
}

function normaliseReason(r: string | undefined): string {
  return (r ?? '').trim().replace(/\s+/g, ' ');
}

function whoRow(m: Map<string, WhoRow & { rel: Set<string> }>, key: string): WhoRow & { rel: Set<string> } {
  let r = m.get(key);
  if (!r) m.set(key, (r = { key, total: 0, warned: 0, blocked: 0, proceeded: 0, related: [], rel: new Set() }));
  return r;
}

function countWho(r: WhoRow, e: EventRecord): void {
  r.total++;
  if (e.type === 'navigation.warned') r.warned++;
  else if (e.type === 'navigation.blocked') r.blocked++;
  else if (e.type === 'navigation.proceeded') r.proceeded++;
}

function finishWho(m: Map<string, WhoRow & { rel: Set<string> }>): WhoRow[] {
  return [...m.values()]
    .map(({ rel, ...r }) => ({ ...r, related: [...rel].sort(compareCodeUnits) }))
    .sort((a, b) => b.total - a.total || compareCodeUnits(a.key, b.key));
}

/**
 * Events already counted, for de-duplication across overlapping exports, in bounded
 * memory: an event is identified by (installId, seq) — an install never reuses a seq —
 * and each install's counted seqs are kept as merged ranges, so a fleet's exports (each
 * a contiguous run of one install's seqs) cost a few numbers per install, not a hash per
 * event. Events without an installId (exports from before 1.1) fall back to their hash.
 */
export class SeenEvents {
  private readonly ranges = new Map<string, number[]>(); // flat [start, end, start, end, …], sorted, disjoint
  private readonly legacy = new Set<string>();

  /** True if the event was seen before; else records it. */
  check(e: Pick<EventRecord, 'installId' | 'seq' | 'hash'>): boolean {
    if (e.installId === undefined) {
      if (this.legacy.has(e.hash)) return true;
      this.legacy.add(e.hash);
      return false;
    }
    let r = this.ranges.get(e.installId);
    if (!r) this.ranges.set(e.installId, (r = []));
    const seq = e.seq;
    const n = r.length;
    // The common case: the next seq of the run being read.
    if (n > 0 && r[n - 1] === seq - 1) {
      r[n - 1] = seq;
      return false;
    }
    // Binary search for the last range starting at or before seq.
    let lo = 0;
    let hi = n / 2 - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (r[mid * 2]! <= seq) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at >= 0 && seq <= r[at * 2 + 1]!) return true;
    // Extend the range before, the range after, or insert a new one (merging if they meet).
    const before = at >= 0 && r[at * 2 + 1] === seq - 1;
    const after = at + 1 < n / 2 && r[(at + 1) * 2] === seq + 1;
    if (before && after) r.splice(at * 2 + 1, 2);
    else if (before) r[at * 2 + 1] = seq;
    else if (after) r[(at + 1) * 2] = seq;
    else r.splice((at + 1) * 2, 0, seq, seq);
    return false;
  }
}

type WhoMap = Map<string, WhoRow & { rel: Set<string> }>;

/**
 * The report's aggregates, built one event at a time: `startSource`, `add` each of its
 * events, `endSource`, …, then `finish`. Keeps only counters and the de-duplication
 * ranges, so `logs report` streams any number of exports in flat memory.
 */
export class SummaryBuilder {
  private readonly onlyInstalls: Set<string> | null;
  private readonly onlyUsers: Set<string> | null;
  private readonly installs: WhoMap = new Map();
  private readonly users: WhoMap = new Map();
  private readonly seen = new SeenEvents();
  private total = 0;
  private duplicates = 0;
  private firstTs: string | null = null;
  private lastTs: string | null = null;
  private readonly byType = new Map<string, number>();
  private readonly services = new Map<string, ServiceRow>();
  private readonly byDay = new Map<string, number>();
  private readonly warned = new Map<string, number>();
  private readonly blocked = new Map<string, number>();
  private readonly reasons = new Map<string, { reason: string; count: number; services: Map<string, number> }>();
  private readonly links = new Map<string, UnsafeLinkRow>();
  private readonly media = new Map<string, { row: MediaSiteRow; installs: Set<string>; kinds: Set<string> }>();
  private readonly policies = new Map<string, PolicyRow>();
  private readonly sourceRows: SourceSummary[] = [];
  private current: { name: string; events: number; counted: number; first: string | null; last: string | null } | null = null;

  constructor(filter: SummaryFilter = {}) {
    this.onlyInstalls = filter.installs && filter.installs.length > 0 ? new Set(filter.installs) : null;
    this.onlyUsers = filter.users && filter.users.length > 0 ? new Set(filter.users) : null;
  }

  startSource(name: string): void {
    this.current = { name, events: 0, counted: 0, first: null, last: null };
  }

  add(e: EventRecord): void {
    const src = this.current;
    if (!src) throw new Error('SummaryBuilder.add before startSource');
    src.events++;
    if (this.onlyInstalls && (e.installId === undefined || !this.onlyInstalls.has(e.installId))) return;
    if (this.onlyUsers && (e.user === undefined || !this.onlyUsers.has(e.user))) return;
    src.first = minTs(src.first, e.ts);
    src.last = maxTs(src.last, e.ts);
    if (this.seen.check(e)) {
      this.duplicates++;
      return;
    }
    src.counted++;
    this.total++;
    this.firstTs = minTs(this.firstTs, e.ts);
    this.lastTs = maxTs(this.lastTs, e.ts);
    bump(this.byType, e.type);
    bump(this.byDay, e.ts.slice(0, 10));
    const install = whoRow(this.installs, e.installId ?? UNKNOWN_WHO);
    countWho(install, e);
    if (e.user !== undefined) {
      install.rel.add(e.user);
      const u = whoRow(this.users, e.user);
      countWho(u, e);
      u.rel.add(e.installId ?? UNKNOWN_WHO);
    }

    const svc = e.service ?? NO_SERVICE;
    let row = this.services.get(svc);
    if (!row) {
      row = { service: svc, total: 0, warned: 0, blocked: 0, proceeded: 0, redirected: 0, linksChecked: 0 };
      this.services.set(svc, row);
    }
    row.total++;
    const label = e.service ?? e.host ?? UNKNOWN_HOST;
    switch (e.type) {
      case 'navigation.warned':
        row.warned++;
        bump(this.warned, label);
        break;
      case 'navigation.blocked':
        row.blocked++;
        bump(this.blocked, label);
        break;
      case 'navigation.proceeded': {
        row.proceeded++;
        const shown = normaliseReason(e.reason);
        const key = shown.toLowerCase();
        let r = this.reasons.get(key);
        if (!r) {
          r = { reason: shown === '' ? NO_REASON : shown, count: 0, services: new Map() };
          this.reasons.set(key, r);
        }
        r.count++;
        bump(r.services, label);
        break;
      }
      case 'navigation.redirected':
        row.redirected++;
        break;
      case 'link.checked': {
        row.linksChecked++;
        if (e.action === 'warn' || e.action === 'block') {
          const host = e.host ?? UNKNOWN_HOST;
          const findings = [...new Set(e.findings ?? [])].sort(compareCodeUnits);
          const key = JSON.stringify([host, findings]);
          const l = this.links.get(key);
          if (!l) this.links.set(key, { host, action: e.action, findings, count: 1, firstTs: e.ts, lastTs: e.ts });
          else {
            l.count++;
            if (e.action === 'block') l.action = 'block';
            l.firstTs = minTs(l.firstTs, e.ts);
            l.lastTs = maxTs(l.lastTs, e.ts);
          }
        }
        break;
      }
      case 'media.used':
      case 'media.proceeded': {
        const host = e.host ?? UNKNOWN_HOST;
        let m = this.media.get(host);
        if (!m) this.media.set(host, (m = { row: { host, installs: 0, events: 0, kinds: [], firstTs: e.ts, lastTs: e.ts }, installs: new Set(), kinds: new Set() }));
        m.row.events++;
        m.installs.add(e.installId ?? UNKNOWN_WHO);
        for (const k of e.findings ?? []) m.kinds.add(k);
        m.row.firstTs = minTs(m.row.firstTs, e.ts);
        m.row.lastTs = maxTs(m.row.lastTs, e.ts);
        break;
      }
      default:
        break;
    }
    const pk = JSON.stringify([e.policyVersion, e.policySource]);
    const p = this.policies.get(pk);
    if (p) p.count++;
    else this.policies.set(pk, { policyVersion: e.policyVersion, policySource: e.policySource, count: 1 });
  }

  endSource(more: { verification?: VerifyResult | ExportVerdict; badLines?: number; error?: string } = {}): void {
    const src = this.current;
    if (!src) throw new Error('SummaryBuilder.endSource before startSource');
    const s: SourceSummary = { name: src.name, events: src.events, counted: src.counted, badLines: more.badLines ?? 0, firstTs: src.first, lastTs: src.last };
    if (more.verification) s.verification = more.verification;
    if (more.error !== undefined) s.error = more.error;
    this.sourceRows.push(s);
    this.current = null;
  }

  finish(): Summary {
    return {
      total: this.total,
      duplicates: this.duplicates,
      firstTs: this.firstTs,
      lastTs: this.lastTs,
      byType: EVENT_TYPES.map((key) => ({ key, count: this.byType.get(key) ?? 0 })),
      byService: [...this.services.values()].sort((a, b) => b.total - a.total || compareCodeUnits(a.service, b.service)),
      byDay: [...this.byDay].map(([key, count]) => ({ key, count })).sort((a, b) => compareCodeUnits(a.key, b.key)),
      topWarned: sortedCounts(this.warned),
      topBlocked: sortedCounts(this.blocked),
      proceedReasons: [...this.reasons.values()]
        .map((r) => ({ reason: r.reason, count: r.count, services: sortedCounts(r.services) }))
        .sort((a, b) => b.count - a.count || compareCodeUnits(a.reason, b.reason)),
      unsafeLinks: [...this.links.values()].sort(
        (a, b) => (a.action === b.action ? 0 : a.action === 'block' ? -1 : 1) || b.count - a.count || compareCodeUnits(a.host, b.host),
      ),
      mediaSites: [...this.media.values()]
        .map(({ row, installs, kinds }) => ({ ...row, installs: installs.size, kinds: ['camera', 'microphone', 'screen'].filter((k) => kinds.has(k)) }))
        .sort((a, b) => b.installs - a.installs || b.events - a.events || compareCodeUnits(a.host, b.host)),
      policies: [...this.policies.values()].sort((a, b) => b.count - a.count || compareCodeUnits(a.policyVersion, b.policyVersion)),
      byInstall: finishWho(this.installs),
      byUser: finishWho(this.users),
      sources: this.sourceRows,
    };
  }
}

/** The whole summary of sources held in memory (the builder, fed source by source). */
export function summarize(sources: readonly SummarySource[], filter: SummaryFilter = {}): Summary {
  const b = new SummaryBuilder(filter);
  for (const src of sources) {
    b.startSource(src.name);
    for (const e of src.events) b.add(e);
    b.endSource({
      ...(src.verification ? { verification: src.verification } : {}),
      ...(src.badLines !== undefined ? { badLines: src.badLines } : {}),
      ...(src.error !== undefined ? { error: src.error } : {}),
    });
  }
  return b.finish();
}
