/**
 * Filling the Summary (summary.ts) from events, one at a time, in bounded memory: every
 * distinct-value table is a TopTable (exact best rows, a shared budget of distinct values).
 * Pure: no I/O, no clock. Which events count — verified inputs, each (installId, seq) once,
 * no conflicts — is decided by the caller (report-intake.ts); this only adds them up.
 *
 * Staging: `stage()` gives a builder that counts an input's events on its own while
 * ranking as if merged; `commit()` adds it to its parent (the input verified), `discard()`
 * drops it (it did not).
 */
import { compareCodeUnits } from './canonical.ts';
import {
  DISPLAY_MAX,
  emptyTop,
  INCIDENTS_LISTED,
  NO_REASON,
  NO_SERVICE,
  SUMMARY_DISTINCT_BUDGET,
  TOP_N,
  UNKNOWN_HOST,
  UNKNOWN_WHO,
  type Count,
  type IncidentRow,
  type DrillResultRow,
  type MediaSiteRow,
  type PolicyRow,
  type ReasonRow,
  type ServiceRow,
  type Summary,
  type TopRows,
  type UnsafeLinkRow,
  type WhoRow,
  type CoverageOptions,
  DEFAULT_SILENT_DAYS,
} from './summary.ts';
import { budget, TopTable, type Budget, type Columns } from './top-table.ts';
import { CoverageTracker } from './coverage.ts';
import { DATA_CHANNELS, EVENT_TYPES, INCIDENT_KINDS, type EventRecord, type EventType } from './types.ts';

/** Keep only some installs / users (empty or absent: no constraint). */
export interface SummaryFilter {
  installs?: readonly string[];
  users?: readonly string[];
}

export interface BuilderOptions {
  filter?: SummaryFilter;
  /**
   * A short, collision-resistant id for a long text (the CLI passes SHA-256): a table keys
   * long values by it instead of holding them. Without it, a 64-bit hash written here.
   */
  fingerprint?: (text: string) => string;
  /** Distinct values tracked in all tables (SUMMARY_DISTINCT_BUDGET). */
  distinctBudget?: number;
  /** The report's "now", silence threshold and --min-browser rules (Summary.coverage). */
  coverage?: CoverageOptions;
}

/** Two 32-bit FNV-1a variants over UTF-16 code units: a fallback fingerprint for tests and the browser. */
export function fnv64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** Text as the report keeps it: at most DISPLAY_MAX code units (never half a surrogate pair). */
export function clip(text: string): string {
  if (text.length <= DISPLAY_MAX) return text;
  let end = DISPLAY_MAX - 1;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return text.slice(0, end) + '…';
}

const msOf = (ts: string) => Date.parse(ts);
const isoOf = (ms: number) => new Date(ms).toISOString();

interface Counted extends Columns {
  count: number;
}
interface ServiceCols extends Columns {
  warned: number;
  blocked: number;
  proceeded: number;
  redirected: number;
  linksChecked: number;
  media: number;
  data: number;
}
interface ReasonCols extends Columns {
  navigation: number;
  media: number;
  data: number;
}
interface LinkCols extends Columns {
  block: number;
  first: number;
  last: number;
}
interface SiteCols extends Columns {
  /** count = installs */
  events: number;
  /** camera 1, microphone 2, screen 4 */
  kinds: number;
  first: number;
  last: number;
}
const KIND_BITS: Record<string, number> = { camera: 1, microphone: 2, screen: 4 };
interface WhoCols extends Columns {
  warned: number;
  blocked: number;
  proceeded: number;
  incidents: number;
  last: number;
}

/** A count and the first and last time it happened (drill results). */
interface SpanCols extends Columns {
  first: number;
  last: number;
}

const counted = () => ({ count: 0 });
const addCount = (a: Counted, b: Counted) => void (a.count += b.count);

type Tables = ReturnType<typeof makeTables>;

function makeTables(b: Budget) {
  const t = <C extends Columns, D>(keep: number, columns: () => C, merge: (a: C, b: C) => void) => new TopTable<C, D>({ keep, budget: b, columns, merge });
  const who = () => t<WhoCols, string>(TOP_N, () => ({ count: 0, warned: 0, blocked: 0, proceeded: 0, incidents: 0, last: -Infinity }), (a, x) => {
    a.count += x.count;
    a.warned += x.warned;
    a.blocked += x.blocked;
    a.proceeded += x.proceeded;
    a.incidents += x.incidents;
    a.last = Math.max(a.last, x.last);
  });
  const simple = (keep = TOP_N) => t<Counted, string>(keep, counted, addCount);
  return {
    days: simple(Infinity),
    services: t<ServiceCols, string>(TOP_N, () => ({ count: 0, warned: 0, blocked: 0, proceeded: 0, redirected: 0, linksChecked: 0, media: 0, data: 0 }), (a, x) => {
      a.count += x.count;
      a.warned += x.warned;
      a.blocked += x.blocked;
      a.proceeded += x.proceeded;
      a.redirected += x.redirected;
      a.linksChecked += x.linksChecked;
      a.media += x.media;
      a.data += x.data;
    }),
    warned: simple(),
    blocked: simple(),
    reasons: t<ReasonCols, string>(TOP_N, () => ({ count: 0, navigation: 0, media: 0, data: 0 }), (a, x) => {
      a.count += x.count;
      a.navigation += x.navigation;
      a.media += x.media;
      a.data += x.data;
    }),
    /** (reason, service) pairs: the services shown beside each reason. */
    reasonServices: t<Counted, [string, string]>(TOP_N * 5, counted, addCount),
    links: t<LinkCols, { host: string; findings: string[] }>(TOP_N, () => ({ count: 0, block: 0, first: Infinity, last: -Infinity }), (a, x) => {
      a.count += x.count;
      a.block = Math.max(a.block, x.block);
      a.first = Math.min(a.first, x.first);
      a.last = Math.max(a.last, x.last);
    }),
    policies: t<Counted, [string, string]>(TOP_N, counted, addCount),
    mediaSites: t<SiteCols, string>(TOP_N, () => ({ count: 0, events: 0, kinds: 0, first: Infinity, last: -Infinity }), (a, x) => {
      a.count += x.count;
      a.events += x.events;
      a.kinds |= x.kinds;
      a.first = Math.min(a.first, x.first);
      a.last = Math.max(a.last, x.last);
    }),
    /** (site, install) pairs: a site's `count` is how many it has. */
    siteInstalls: t<Counted, string>(0, counted, addCount),
    installs: who(),
    users: who(),
    /** (install, user) pairs: users beside installs, installs beside users. */
    installUsers: t<Counted, [string, string]>(TOP_N * 5, counted, addCount),
    mediaFindings: simple(),
    gaps: simple(),
    drills: simple(),
    drillResults: t<SpanCols, { drill: string; installId: string; user: string }>(TOP_N, () => ({ count: 0, first: Infinity, last: -Infinity }), (a, x) => {
      a.count += x.count;
      a.first = Math.min(a.first, x.first);
      a.last = Math.max(a.last, x.last);
    }),
    lessons: simple(),
    browsers: simple(),
  };
}

/** The most recent incidents, newest first, at most `keep` (merged by time). */
class RecentIncidents {
  rows: IncidentRow[] = [];
  total = 0;
  constructor(private readonly keep: number) {}
  private static newer(a: IncidentRow, b: IncidentRow): number {
    return compareCodeUnits(b.ts, a.ts) || compareCodeUnits(a.installId, b.installId) || a.seq - b.seq;
  }
  add(r: IncidentRow): void {
    this.total++;
    this.rows.push(r);
    // Trim in batches: sorting each time would cost a sort per incident.
    if (this.rows.length >= this.keep * 2) this.trim();
  }
  trim(): void {
    this.rows.sort(RecentIncidents.newer);
    if (this.rows.length > this.keep) this.rows.length = this.keep;
  }
  mergeInto(p: RecentIncidents): void {
    p.total += this.total;
    for (const r of this.rows) p.rows.push(r);
    p.trim();
  }
}

const PROCEED_KIND: Partial<Record<EventType, keyof Omit<ReasonCols, 'count'>>> = {
  'navigation.proceeded': 'navigation',
  'media.proceeded': 'media',
  'data.proceeded': 'data',
};

export class SummaryBuilder {
  private readonly budget: Budget;
  private readonly tables: Tables;
  private readonly incidents: RecentIncidents;
  private readonly idOf: (text: string) => string;
  private readonly onlyInstalls: ReadonlySet<string> | null;
  private readonly onlyUsers: ReadonlySet<string> | null;
  /** Filter values that matched an event. */
  private readonly matched = new Set<string>();
  private total = 0;
  private firstTs: string | null = null;
  private lastTs: string | null = null;
  private readonly byType = new Map<string, number>();
  private readonly byKind = new Map<string, number>();
  private readonly byChannel = new Map<string, number>();
  private readonly coverage: CoverageTracker;

  constructor(
    private readonly options: BuilderOptions = {},
    private readonly parent?: SummaryBuilder,
  ) {
    this.budget = parent ? parent.budget : budget(options.distinctBudget ?? SUMMARY_DISTINCT_BUDGET);
    const t = parent ? parent.tables : makeTables(this.budget);
    this.tables = parent ? (Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.child()])) as unknown as Tables) : t;
    this.incidents = new RecentIncidents(INCIDENTS_LISTED);
    this.coverage = parent ? parent.coverage.child() : new CoverageTracker(this.budget);
    const fp = options.fingerprint ?? fnv64;
    // Short values are their own id; long ones (and any that could pass for a fingerprint) are fingerprinted.
    // Ids are joined, not added: `a + b` is a rope (V8's ConsString) that a Map key keeps
    // as a 32-byte wrapper beside its flattened text, for every distinct value (issue 19: 400,000
    // of them in the 1M-event report); join() writes one flat string.
    this.idOf = (text) => (text.length <= 64 && text.charCodeAt(0) !== 0 ? text : ['\u0000', fp(text)].join(''));
    const f = options.filter ?? {};
    this.onlyInstalls = f.installs && f.installs.length > 0 ? new Set(f.installs) : null;
    this.onlyUsers = f.users && f.users.length > 0 ? new Set(f.users) : null;
  }

  /** A staging builder: counts on its own until commit() or discard(). */
  stage(): SummaryBuilder {
    return new SummaryBuilder(this.options, this);
  }

  /** Whether an event passes the --install / --user filters (and note which value matched). */
  private passes(installId: string, user: string | undefined): boolean {
    if (this.onlyInstalls) {
      if (!this.onlyInstalls.has(installId)) return false;
    }
    if (this.onlyUsers) {
      if (user === undefined || !this.onlyUsers.has(user)) return false;
    }
    if (this.onlyInstalls) this.matched.add('install:' + installId);
    if (this.onlyUsers) this.matched.add('user:' + user);
    return true;
  }

  /**
   * Count one event. `installId` is the install the event belongs to: its own field, or
   * for an event written before 1.1 (none), the install whose signed export holds it.
   * Returns false when a filter left it out.
   */
  add(e: EventRecord, installId: string = e.installId ?? UNKNOWN_WHO): boolean {
    if ((this.onlyInstalls || this.onlyUsers) && !this.passes(installId, e.user)) return false;
    const T = this.tables;
    this.total++;
    const ts = e.ts;
    if (this.firstTs === null || ts < this.firstTs) this.firstTs = ts;
    if (this.lastTs === null || ts > this.lastTs) this.lastTs = ts;
    const type = e.type;
    this.byType.set(type, (this.byType.get(type) ?? 0) + 1);
    const day = ts.slice(0, 10);
    const d = T.days.open(day);
    if (d) d.count++;

    const service = e.service ?? NO_SERVICE;
    const s = T.services.open(this.idOf(service));
    const label = e.service ?? e.host ?? UNKNOWN_HOST;
    const prefix = type.charCodeAt(0);
    if (s) {
      s.count++;
      if (type === 'navigation.warned') s.warned++;
      else if (type === 'navigation.blocked') s.blocked++;
      else if (type === 'navigation.proceeded') s.proceeded++;
      else if (type === 'navigation.redirected') s.redirected++;
      else if (type === 'link.checked') s.linksChecked++;
      else if (prefix === 109 /* m */) s.media++;
      else if (prefix === 100 /* d */) s.data++;
      T.services.rank(service, clip(service));
    }

    const ms = msOf(ts);
    this.coverage.add(this.idOf(installId), clip(installId), ms, e.seq, clip(e.policyVersion), e.policySource, type === 'install.heartbeat' && e.browser !== undefined ? clip(e.browser) : undefined);
    const i = T.installs.open(this.idOf(installId));
    if (i) {
      countWho(i, type, ms);
      T.installs.rank(installId, clip(installId));
    }
    if (e.user !== undefined) {
      const u = T.users.open(this.idOf(e.user));
      if (u) {
        countWho(u, type, ms);
        T.users.rank(e.user, clip(e.user));
      }
      const pairId = [this.idOf(installId), this.idOf(e.user)].join('\u0001');
      const p = T.installUsers.open(pairId);
      if (p) {
        p.count++;
        // Ties broken by the texts, not their ids, so a database's ORDER BY gives the same rows (fleet report).
        T.installUsers.rank(installId + '\u0001' + e.user, [clip(installId), clip(e.user)]);
      }
    }

    const policyKey = e.policyVersion + '\u0000' + e.policySource;
    const pol = T.policies.open(this.idOf(policyKey));
    if (pol) {
      pol.count++;
      T.policies.rank(policyKey, [clip(e.policyVersion), e.policySource]);
    }

    switch (type) {
      case 'navigation.warned':
        this.bump(T.warned, label);
        break;
      case 'navigation.blocked':
        this.bump(T.blocked, label);
        break;
      case 'link.checked':
        if (e.action === 'warn' || e.action === 'block') {
          const host = e.host ?? UNKNOWN_HOST;
          const findings = [...new Set(e.findings ?? [])].sort(compareCodeUnits);
          const key = host + '\u0000' + findings.join('\u0000');
          const l = T.links.open(this.idOf(key));
          if (l) {
            l.count++;
            if (e.action === 'block') l.block = 1;
            if (ms < l.first) l.first = ms;
            if (ms > l.last) l.last = ms;
            T.links.rank(key, { host: clip(host), findings: findings.map(clip) });
          }
        }
        break;
      case 'incident.reported': {
        const kind = e.incident ?? 'other';
        this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
        const r: IncidentRow = { ts, installId: clip(installId), seq: e.seq, kind, host: e.host === null ? null : clip(e.host) };
        if (e.user !== undefined) r.user = clip(e.user);
        if (e.note !== undefined) r.note = e.note; // ≤ INCIDENT_NOTE_MAX by the schema
        this.incidents.add(r);
        break;
      }
      case 'media.used':
      case 'media.proceeded': {
        const host = e.host ?? UNKNOWN_HOST;
        const hid = this.idOf(host);
        const pair = T.siteInstalls.open([hid, this.idOf(installId)].join('\u0001'));
        const site = T.mediaSites.open(hid);
        if (site) {
          if (pair && T.siteInstalls.isNew()) site.count++;
          site.events++;
          for (const k of e.findings ?? []) site.kinds |= KIND_BITS[k] ?? 0;
          if (ms < site.first) site.first = ms;
          if (ms > site.last) site.last = ms;
          T.mediaSites.rank(host, clip(host));
        }
        if (pair) pair.count++;
        break;
      }
      case 'training.drill':
        if (e.name !== undefined) {
          this.bump(T.drills, e.name);
          const user = e.user ?? '';
          const key = e.name + '\u0000' + installId + '\u0000' + user;
          const r = T.drillResults.open(this.idOf(key));
          if (r) {
            r.count++;
            if (ms < r.first) r.first = ms;
            if (ms > r.last) r.last = ms;
            T.drillResults.rank(key, { drill: clip(e.name), installId: clip(installId), user: clip(user) });
          }
        }
        break;
      case 'training.lesson':
        if (e.name !== undefined) this.bump(T.lessons, e.name);
        break;
      case 'install.heartbeat':
        if (e.browser !== undefined) this.bump(T.browsers, e.browser);
        break;
      case 'guard.gap':
        for (const f of e.findings ?? []) this.bump(T.gaps, f);
        break;
      default:
        break;
    }
    const proceed = PROCEED_KIND[type];
    if (proceed) {
      const shown = (e.reason ?? '').trim().replace(/\s+/g, ' ');
      const group = shown.toLowerCase();
      const rid = this.idOf(group);
      const r = T.reasons.open(rid);
      if (r) {
        r.count++;
        r[proceed]++;
        T.reasons.rank(group, shown === '' ? NO_REASON : clip(shown));
      }
      const pairId = [rid, this.idOf(label)].join('\u0001');
      const p = T.reasonServices.open(pairId);
      if (p) {
        p.count++;
        T.reasonServices.rank(group + '\u0001' + label, [rid, clip(label)]);
      }
    }
    if (prefix === 109 /* media.*: camera, microphone, screen */) {
      for (const f of e.findings ?? []) this.bump(T.mediaFindings, f);
    }
    if (prefix === 100 /* data.* */ && e.channel !== undefined) this.byChannel.set(e.channel, (this.byChannel.get(e.channel) ?? 0) + 1);
    return true;
  }

  private bump(t: TopTable<Counted, string>, text: string): void {
    const c = t.open(this.idOf(text));
    if (c) {
      c.count++;
      t.rank(text, clip(text));
    }
  }

  /** Add this staging builder to the one it was staged from. */
  commit(): void {
    const p = this.parent;
    if (!p) throw new Error('SummaryBuilder.commit: not staged');
    for (const t of Object.values(this.tables)) t.mergeInto();
    this.incidents.mergeInto(p.incidents);
    p.total += this.total;
    if (this.firstTs !== null && (p.firstTs === null || this.firstTs < p.firstTs)) p.firstTs = this.firstTs;
    if (this.lastTs !== null && (p.lastTs === null || this.lastTs > p.lastTs)) p.lastTs = this.lastTs;
    for (const [m, src] of [[p.byType, this.byType], [p.byKind, this.byKind], [p.byChannel, this.byChannel]] as const) {
      for (const [k, n] of src) m.set(k, (m.get(k) ?? 0) + n);
    }
    for (const v of this.matched) p.matched.add(v);
    this.coverage.mergeInto();
  }

  /** Drop this staging builder's counts. */
  discard(): void {
    for (const t of Object.values(this.tables)) t.discard();
    this.coverage.discard();
  }

  /** Events counted so far (by this builder alone). */
  get counted(): number {
    return this.total;
  }

  /** The filter values that matched nothing (after every input). */
  unmatchedFilters(): string[] {
    const out: string[] = [];
    for (const i of this.onlyInstalls ?? []) if (!this.matched.has('install:' + i)) out.push(`--install ${i}`);
    for (const u of this.onlyUsers ?? []) if (!this.matched.has('user:' + u)) out.push(`--user ${u}`);
    return out;
  }

  /** The numbers part of the Summary (the caller adds inputs, exclusions, conflicts). */
  finish(): Omit<Summary, 'inputs' | 'exclusions' | 'conflicts' | 'pinned'> {
    const T = this.tables;
    this.incidents.trim();
    const count = (c: Counted, display: string): Count => ({ key: display, count: c.count });
    const days = T.days.top(count);
    days.rows.sort((a, b) => compareCodeUnits(a.key, b.key));
    // Pairs, looked up per shown row.
    const reasonServices = new Map<string, Count[]>();
    for (const p of T.reasonServices.top((c, [rid, label]) => ({ rid, key: label, count: c.count })).rows) {
      let list = reasonServices.get(p.rid);
      if (!list) reasonServices.set(p.rid, (list = []));
      if (list.length < 5) list.push({ key: p.key, count: p.count });
    }
    const pairs = T.installUsers.top((c, [install, user]) => ({ install, user, count: c.count })).rows;
    const related = (side: 'install' | 'user', key: string) => {
      const other = side === 'install' ? 'user' : 'install';
      return pairs.filter((p) => p[side] === key).slice(0, 5).map((p) => p[other]);
    };
    const who = (side: 'install' | 'user') => (c: WhoCols, display: string): WhoRow => ({
      key: display,
      count: c.count,
      warned: c.warned,
      blocked: c.blocked,
      proceeded: c.proceeded,
      incidents: c.incidents,
      lastTs: isoOf(c.last),
      related: related(side, display),
    });
    const recent = this.incidents.rows.map((r) => ({ ...r, count: 1 as const }));
    return {
      filter: { installs: [...(this.onlyInstalls ?? [])], users: [...(this.onlyUsers ?? [])], unmatched: this.unmatchedFilters() },
      total: this.total,
      duplicates: 0,
      firstTs: this.firstTs,
      lastTs: this.lastTs,
      byType: EVENT_TYPES.map((key) => ({ key, count: this.byType.get(key) ?? 0 })),
      byDay: days,
      services: T.services.top(
        (c, display): ServiceRow => ({ key: display, count: c.count, warned: c.warned, blocked: c.blocked, proceeded: c.proceeded, redirected: c.redirected, linksChecked: c.linksChecked, media: c.media, data: c.data }),
      ),
      warned: T.warned.top(count),
      blocked: T.blocked.top(count),
      reasons: T.reasons.top((c, display, id): ReasonRow => {
        const types: Count<EventType>[] = (
          [
            ['navigation.proceeded', c.navigation],
            ['media.proceeded', c.media],
            ['data.proceeded', c.data],
          ] as const
        )
          .filter(([, n]) => n > 0)
          .map(([key, n]) => ({ key, count: n }))
          .sort((a, b) => b.count - a.count);
        return { key: display, count: c.count, types, services: reasonServices.get(id) ?? [] };
      }),
      unsafeLinks: T.links.top(
        (c, d): UnsafeLinkRow => ({ key: d.host + '\u0000' + d.findings.join('\u0000'), host: d.host, action: c.block ? 'block' : 'warn', findings: d.findings, count: c.count, firstTs: isoOf(c.first), lastTs: isoOf(c.last) }),
      ),
      mediaSites: T.mediaSites.top(
        (c, host): MediaSiteRow => ({ key: host, count: c.count, events: c.events, kinds: ['camera', 'microphone', 'screen'].filter((k) => c.kinds & KIND_BITS[k]!), firstTs: isoOf(c.first), lastTs: isoOf(c.last) }),
      ),
      policies: T.policies.top((c, [policyVersion, policySource]): PolicyRow => ({ key: policyVersion + '\u0000' + policySource, policyVersion, policySource, count: c.count })),
      installs: T.installs.top(who('install')),
      users: T.users.top(who('user')),
      incidents: {
        byKind: INCIDENT_KINDS.map((key) => ({ key, count: this.byKind.get(key) ?? 0 })),
        recent: { rows: recent, distinct: this.incidents.total, events: this.incidents.total, untracked: 0 },
      },
      dataChannels: DATA_CHANNELS.map((key) => ({ key, count: this.byChannel.get(key) ?? 0 })),
      mediaFindings: T.mediaFindings.top(count),
      gaps: T.gaps.top(count),
      drills: T.drills.top(count),
      drillResults: T.drillResults.top((c, d): DrillResultRow => ({
        key: d.drill + '\u0000' + d.installId + '\u0000' + d.user,
        drill: d.drill,
        installId: d.installId,
        ...(d.user ? { user: d.user } : {}),
        count: c.count,
        firstTs: isoOf(c.first),
        lastTs: isoOf(c.last),
      })),
      lessons: T.lessons.top(count),
      browsers: T.browsers.top(count),
      coverage: this.coverage.finish(this.options.coverage ?? { asOf: this.lastTs ?? new Date(0).toISOString(), silentDays: DEFAULT_SILENT_DAYS, minBrowser: [] }),
    };
  }
}

function countWho(w: WhoCols, type: EventType, ms: number): void {
  w.count++;
  if (type === 'navigation.warned') w.warned++;
  else if (type === 'navigation.blocked') w.blocked++;
  else if (type === 'navigation.proceeded') w.proceeded++;
  // For an install and for a user alike (the users table has the column too).
  else if (type === 'incident.reported') w.incidents++;
  if (ms > w.last) w.last = ms;
}

export { emptyTop };
export type { TopRows };
