/**
 * Aggregate events from many machines' exports into the numbers the report shows.
 * Pure: no I/O, no clock (the caller passes `generatedAt` to the renderer).
 *
 * - A "machine" is one input source (the CLI uses the export's file name, which
 *   carries the profile's install id).
 * - The same event exported twice (overlapping exports of one profile) has the same
 *   `hash`; it is counted once, for the first source that contains it.
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
  /** Every event type, in events.md order, zero counts included. */
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

export function summarize(sources: readonly SummarySource[], filter: SummaryFilter = {}): Summary {
  const onlyInstalls = filter.installs && filter.installs.length > 0 ? new Set(filter.installs) : null;
  const onlyUsers = filter.users && filter.users.length > 0 ? new Set(filter.users) : null;
  const installs = new Map<string, WhoRow & { rel: Set<string> }>();
  const users = new Map<string, WhoRow & { rel: Set<string> }>();
  const seen = new Set<string>();
  let total = 0;
  let duplicates = 0;
  let firstTs: string | null = null;
  let lastTs: string | null = null;
  const byType = new Map<string, number>();
  const services = new Map<string, ServiceRow>();
  const byDay = new Map<string, number>();
  const warned = new Map<string, number>();
  const blocked = new Map<string, number>();
  const reasons = new Map<string, { reason: string; count: number; services: Map<string, number> }>();
  const links = new Map<string, UnsafeLinkRow>();
  const policies = new Map<string, PolicyRow>();
  const sourceRows: SourceSummary[] = [];

  for (const src of sources) {
    let counted = 0;
    let sFirst: string | null = null;
    let sLast: string | null = null;
    for (const e of src.events) {
      if (onlyInstalls && (e.installId === undefined || !onlyInstalls.has(e.installId))) continue;
      if (onlyUsers && (e.user === undefined || !onlyUsers.has(e.user))) continue;
      sFirst = minTs(sFirst, e.ts);
      sLast = maxTs(sLast, e.ts);
      if (seen.has(e.hash)) {
        duplicates++;
        continue;
      }
      seen.add(e.hash);
      counted++;
      total++;
      firstTs = minTs(firstTs, e.ts);
      lastTs = maxTs(lastTs, e.ts);
      bump(byType, e.type);
      bump(byDay, e.ts.slice(0, 10));
      const install = whoRow(installs, e.installId ?? UNKNOWN_WHO);
      countWho(install, e);
      if (e.user !== undefined) {
        install.rel.add(e.user);
        const u = whoRow(users, e.user);
        countWho(u, e);
        u.rel.add(e.installId ?? UNKNOWN_WHO);
      }

      const svc = e.service ?? NO_SERVICE;
      let row = services.get(svc);
      if (!row) {
        row = { service: svc, total: 0, warned: 0, blocked: 0, proceeded: 0, redirected: 0, linksChecked: 0 };
        services.set(svc, row);
      }
      row.total++;
      const label = e.service ?? e.host ?? UNKNOWN_HOST;
      switch (e.type) {
        case 'navigation.warned':
          row.warned++;
          bump(warned, label);
          break;
        case 'navigation.blocked':
          row.blocked++;
          bump(blocked, label);
          break;
        case 'navigation.proceeded': {
          row.proceeded++;
          const shown = normaliseReason(e.reason);
          const key = shown.toLowerCase();
          let r = reasons.get(key);
          if (!r) {
            r = { reason: shown === '' ? NO_REASON : shown, count: 0, services: new Map() };
            reasons.set(key, r);
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
            const l = links.get(key);
            if (!l) links.set(key, { host, action: e.action, findings, count: 1, firstTs: e.ts, lastTs: e.ts });
            else {
              l.count++;
              if (e.action === 'block') l.action = 'block';
              l.firstTs = minTs(l.firstTs, e.ts);
              l.lastTs = maxTs(l.lastTs, e.ts);
            }
          }
          break;
        }
        default:
          break;
      }
      const pk = JSON.stringify([e.policyVersion, e.policySource]);
      const p = policies.get(pk);
      if (p) p.count++;
      else policies.set(pk, { policyVersion: e.policyVersion, policySource: e.policySource, count: 1 });
    }
    const s: SourceSummary = { name: src.name, events: src.events.length, counted, badLines: src.badLines ?? 0, firstTs: sFirst, lastTs: sLast };
    if (src.verification) s.verification = src.verification;
    if (src.error !== undefined) s.error = src.error;
    sourceRows.push(s);
  }

  return {
    total,
    duplicates,
    firstTs,
    lastTs,
    byType: EVENT_TYPES.map((key) => ({ key, count: byType.get(key) ?? 0 })),
    byService: [...services.values()].sort((a, b) => b.total - a.total || compareCodeUnits(a.service, b.service)),
    byDay: [...byDay].map(([key, count]) => ({ key, count })).sort((a, b) => compareCodeUnits(a.key, b.key)),
    topWarned: sortedCounts(warned),
    topBlocked: sortedCounts(blocked),
    proceedReasons: [...reasons.values()]
      .map((r) => ({ reason: r.reason, count: r.count, services: sortedCounts(r.services) }))
      .sort((a, b) => b.count - a.count || compareCodeUnits(a.reason, b.reason)),
    unsafeLinks: [...links.values()].sort(
      (a, b) => (a.action === b.action ? 0 : a.action === 'block' ? -1 : 1) || b.count - a.count || compareCodeUnits(a.host, b.host),
    ),
    policies: [...policies.values()].sort((a, b) => b.count - a.count || compareCodeUnits(a.policyVersion, b.policyVersion)),
    byInstall: finishWho(installs),
    byUser: finishWho(users),
    sources: sourceRows,
  };
}
