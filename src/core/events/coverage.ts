/**
 * Coverage (docs/fleet.md, "Coverage"): what each install last said — its latest event
 * (highest seq: its time and the policy in force) and its latest `install.heartbeat` (its
 * browser) — turned into the report's three lists: installs silent for more than N days,
 * the policies in force and their share of installs, browsers below `--min-browser`.
 *
 * One small record per install, staged like the summary's tables (an input's installs count
 * only once it verifies) and held to the same budget of distinct values, so memory stays
 * bounded whatever the input. `fleet report` fills the same lists from ClickHouse
 * (core/fleet/summary-sql.ts): `GROUP BY installId` with `argMax(…, seq)`.
 */
import { belowMinBrowser, parseMinBrowser } from '../heartbeat.ts';
import { TOP_N, type Count, type Coverage, type CoverageOptions, type PolicyRow, type SilentRow, type TopRows } from './summary.ts';
import type { Budget } from './top-table.ts';

const DAY_MS = 86_400_000;

/** What one install last said. */
export interface InstallLast {
  /** The install as shown (clipped). */
  display: string;
  lastMs: number;
  /** seq and policy of its latest event. */
  seq: number;
  policyVersion: string;
  policySource: string;
  /** seq and browser of its latest heartbeat naming a browser (-1: none). */
  hbSeq: number;
  browser: string | null;
}

const byCountThenKey = <R extends { key: string; count: number }>(a: R, b: R) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function top<R extends { key: string; count: number }>(rows: R[], events: number): TopRows<R> {
  rows.sort(byCountThenKey);
  return { rows: rows.slice(0, TOP_N), distinct: rows.length, events, untracked: 0 };
}

/** Merge what `b` says into `a` (the later event wins). */
function merge(a: InstallLast, b: InstallLast): void {
  a.lastMs = Math.max(a.lastMs, b.lastMs);
  if (b.seq > a.seq) {
    a.seq = b.seq;
    a.policyVersion = b.policyVersion;
    a.policySource = b.policySource;
  }
  if (b.hbSeq > a.hbSeq) {
    a.hbSeq = b.hbSeq;
    a.browser = b.browser;
  }
}

export class CoverageTracker {
  private map = new Map<string, InstallLast>();
  /** Events of installs never tracked (the budget was spent). */
  untracked = 0;

  constructor(
    private readonly budget: Budget,
    private readonly parent?: CoverageTracker,
  ) {}

  child(): CoverageTracker {
    return new CoverageTracker(this.budget, this);
  }

  private known(id: string): boolean {
    return this.parent !== undefined && (this.parent.map.has(id) || this.parent.known(id));
  }

  /** One event of an install: `id` keys it (a fingerprint when long), `display` is shown. */
  add(id: string, display: string, ms: number, seq: number, policyVersion: string, policySource: string, browser: string | undefined): void {
    let c = this.map.get(id);
    if (!c) {
      if (!this.known(id)) {
        if (this.budget.used >= this.budget.limit) {
          this.untracked++;
          return;
        }
        this.budget.used++;
      }
      this.map.set(id, (c = { display, lastMs: ms, seq, policyVersion, policySource, hbSeq: -1, browser: null }));
    } else {
      merge(c, { display, lastMs: ms, seq, policyVersion, policySource, hbSeq: -1, browser: null });
    }
    if (browser !== undefined && seq > c.hbSeq) {
      c.hbSeq = seq;
      c.browser = browser;
    }
  }

  mergeInto(): void {
    const p = this.parent!;
    p.untracked += this.untracked;
    for (const [id, c] of this.map) {
      const q = p.map.get(id);
      if (q) merge(q, c);
      else p.map.set(id, c);
    }
    this.map = new Map();
  }

  discard(): void {
    for (const id of this.map.keys()) if (!this.known(id)) this.budget.used--;
    this.map = new Map();
  }

  finish(options: CoverageOptions): Coverage {
    return coverageFrom(this.map.values(), options);
  }
}

/** The three lists from each install's last word (also the fleet's, from its query). */
export function coverageFrom(installs: Iterable<InstallLast>, options: CoverageOptions): Coverage {
  const asOf = Date.parse(options.asOf);
  const rules = parseMinBrowser(options.minBrowser);
  const silent: SilentRow[] = [];
  const policies = new Map<string, PolicyRow>();
  const browsers = new Map<string, number>();
  let withBrowser = 0;
  let n = 0;
  for (const c of installs) {
    n++;
    const key = c.display;
    if (asOf - c.lastMs > options.silentDays * DAY_MS) silent.push({ key, count: Math.floor((asOf - c.lastMs) / DAY_MS), lastTs: new Date(c.lastMs).toISOString() });
    const pk = c.policyVersion + '\u0000' + c.policySource;
    const p = policies.get(pk);
    if (p) p.count++;
    else policies.set(pk, { key: pk, policyVersion: c.policyVersion, policySource: c.policySource, count: 1 });
    if (c.browser !== null) {
      withBrowser++;
      if (!('error' in rules) && belowMinBrowser(c.browser, rules)) browsers.set(c.browser, (browsers.get(c.browser) ?? 0) + 1);
    }
  }
  return {
    asOf: options.asOf,
    silentDays: options.silentDays,
    silent: top(silent, n),
    policiesInForce: top([...policies.values()], n),
    minBrowser: [...options.minBrowser],
    oldBrowsers: top([...browsers].map(([key, count]): Count => ({ key, count })), withBrowser),
  };
}
