/**
 * A distinct-value table for the report (summary.ts, `TopRows`), exact and bounded:
 *
 * - Every distinct value gets numeric columns (its count and whatever the row adds), keyed
 *   by a short id: the value itself when short, a fingerprint of it when long (the caller's
 *   `idOf`), so a value of 500 characters costs the same as one of 10.
 * - Only the `keep` best rows hold their text (a min-heap: most events first, ties by sort
 *   key). Counts only grow and every event that changes a count passes here with its text,
 *   so the heap always holds exactly the best `keep` rows — no approximation.
 * - All tables of a run share one Budget of distinct values; past it, an event whose value
 *   is new is counted in `untracked` (and `events`) but not ranked. So memory is bounded
 *   whatever the input holds.
 * - Staging: a table made with a parent counts on its own (an input's events, until the
 *   input proves to verify) while ranking by the total the parent would have after a
 *   merge; `mergeInto` then adds it to the parent and keeps the parent's best rows exact;
 *   `discard` drops it (an input that failed).
 */

export interface Budget {
  used: number;
  readonly limit: number;
}

export function budget(limit: number): Budget {
  return { used: 0, limit };
}

/** Numeric columns of a row; `count` ranks it. */
export interface Columns {
  count: number;
}

interface Entry<C extends Columns, D> {
  readonly id: string;
  cols: C;
  /** The parent chain's total for this id when the entry was made (parents do not change meanwhile). */
  base: number;
  /** Index in the heap, -1 when not among the best rows. */
  heap: number;
  /** Only while in the heap: the text ties are broken by, and what the row shows. */
  sortKey: string | undefined;
  display: D | undefined;
}

export interface TopTableOptions<C extends Columns> {
  /** Rows kept with their text; Infinity keeps every row (small tables such as days). */
  keep: number;
  budget: Budget;
  columns: () => C;
  /** Add `from`'s columns into `into` (counts add, first/last times take min/max …). */
  merge: (into: C, from: C) => void;
}

export class TopTable<C extends Columns, D> {
  private map = new Map<string, Entry<C, D>>();
  private heap: Entry<C, D>[] = [];
  /** Events counted in this table (ranked or not). */
  events = 0;
  /** Events whose value was new once the budget was spent. */
  untracked = 0;

  constructor(
    private readonly options: TopTableOptions<C>,
    private readonly parent?: TopTable<C, D>,
  ) {}

  /** A staging table for this one (same options and budget). */
  child(): TopTable<C, D> {
    return new TopTable(this.options, this);
  }

  get size(): number {
    return this.map.size;
  }

  /** The total this table and its parents hold for `id` (0 when none). */
  private totalOf(id: string): number {
    const e = this.map.get(id);
    if (e) return e.cols.count + e.base;
    return this.parent ? this.parent.totalOf(id) : 0;
  }

  private hasAbove(id: string): boolean {
    return this.parent !== undefined && (this.parent.map.has(id) || this.parent.hasAbove(id));
  }

  /**
   * The columns of `id` for one more event, or null when the value is new and the budget is
   * spent (it is then counted as untracked). The caller updates the columns (count first),
   * then calls `rank` with the same entry's text.
   */
  open(id: string): C | null {
    this.events++;
    let e = this.map.get(id);
    if (!e) {
      const b = this.options.budget;
      // Past the budget, a value the parents already hold may still be staged (it adds nothing in the end).
      if (b.used >= b.limit && !this.hasAbove(id)) {
        this.untracked++;
        return null;
      }
      b.used++;
      e = { id, cols: this.options.columns(), base: this.parent ? this.parent.totalOf(id) : 0, heap: -1, sortKey: undefined, display: undefined };
      this.map.set(id, e);
    }
    this.last = e;
    return e.cols;
  }

  private last: Entry<C, D> | null = null;

  /** After `open`: whether that value is new to this table and every parent (its first event in the run). */
  isNew(): boolean {
    const e = this.last!;
    return e.cols.count === 0 && e.base === 0;
  }

  /** After `open` and the update: keep the row among the best if it now is. */
  rank(sortKey: string, display: D): void {
    const e = this.last!;
    const keep = this.options.keep;
    if (keep === Infinity || keep === 0) return;
    if (e.heap >= 0) {
      this.down(e.heap);
      return;
    }
    if (this.heap.length < keep) {
      e.sortKey = sortKey;
      e.display = display;
      e.heap = this.heap.length;
      this.heap.push(e);
      this.up(e.heap);
      return;
    }
    const worst = this.heap[0];
    if (!worst) return;
    e.sortKey = sortKey;
    if (!this.better(e, worst)) {
      e.sortKey = undefined;
      return;
    }
    e.display = display;
    worst.heap = -1;
    worst.sortKey = undefined;
    worst.display = undefined;
    e.heap = 0;
    this.heap[0] = e;
    this.down(0);
  }

  private total(e: Entry<C, D>): number {
    return e.cols.count + e.base;
  }

  /** a ranks before b: more events, then the smaller sort key. */
  private better(a: Entry<C, D>, b: Entry<C, D>): boolean {
    const ta = this.total(a);
    const tb = this.total(b);
    return ta > tb || (ta === tb && a.sortKey! < b.sortKey!);
  }

  private swap(i: number, j: number): void {
    const h = this.heap;
    const a = h[i]!;
    const b = h[j]!;
    h[i] = b;
    h[j] = a;
    a.heap = j;
    b.heap = i;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.better(this.heap[p]!, this.heap[i]!)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < h.length && this.better(h[w]!, h[l]!)) w = l;
      if (r < h.length && this.better(h[w]!, h[r]!)) w = r;
      if (w === i) return;
      this.swap(i, w);
      i = w;
    }
  }

  /** Add this staging table into its parent; this table is spent afterwards. */
  mergeInto(): void {
    const p = this.parent;
    if (!p) throw new Error('TopTable.mergeInto: no parent');
    p.events += this.events;
    p.untracked += this.untracked;
    if (p.map.size === 0) {
      // Nothing to add to: the parent takes this table as it is (bases are already the parent chain's).
      p.map = this.map;
      p.heap = this.heap;
      this.map = new Map();
      this.heap = [];
      return;
    }
    const merge = this.options.merge;
    const budget = this.options.budget;
    const candidates = new Set<Entry<C, D>>(p.heap);
    for (const e of this.map.values()) {
      const pe = p.map.get(e.id);
      let target: Entry<C, D>;
      if (pe) {
        merge(pe.cols, e.cols);
        budget.used--;
        target = pe;
      } else {
        p.map.set(e.id, e);
        target = e;
        e.heap = -1;
      }
      if (e.sortKey !== undefined) {
        // It was among this table's best (ranked by the total after the merge): a candidate there too.
        if (target.sortKey === undefined) {
          target.sortKey = e.sortKey;
          target.display = e.display;
        }
        candidates.add(target);
      }
    }
    this.map = new Map();
    this.heap = [];
    if (p.options.keep === Infinity) return;
    const ranked = [...candidates].sort((a, b) => (p.better(a, b) ? -1 : p.better(b, a) ? 1 : 0));
    for (const e of ranked.slice(p.options.keep)) {
      e.heap = -1;
      e.sortKey = undefined;
      e.display = undefined;
    }
    p.heap = ranked.slice(0, p.options.keep);
    // A sorted array is a valid min-heap only reversed (worst first at the root); rebuild.
    p.heap.reverse();
    p.heap.forEach((e, i) => (e.heap = i));
    for (let i = (p.heap.length >> 1) - 1; i >= 0; i--) p.down(i);
  }

  /** Drop a staging table (its input did not count). */
  discard(): void {
    this.options.budget.used -= this.map.size;
    this.map = new Map();
    this.heap = [];
    this.events = 0;
    this.untracked = 0;
  }

  /** The best rows, most first, and the table's totals (for a top-level table). */
  top<R extends { count: number }>(row: (cols: C, display: D, id: string) => R): { rows: R[]; distinct: number; events: number; untracked: number } {
    const entries =
      this.options.keep === Infinity
        ? [...this.map.values()].map((e) => ((e.sortKey = e.id), (e.display ??= e.id as unknown as D), e))
        : [...this.heap];
    entries.sort((a, b) => (this.better(a, b) ? -1 : this.better(b, a) ? 1 : 0));
    return {
      rows: entries.map((e) => row(e.cols, e.display!, e.id)),
      distinct: this.map.size,
      events: this.events,
      untracked: this.untracked,
    };
  }

  /** Every tracked row's columns and id (small tables only, e.g. pairs looked up by the renderer). */
  *all(): IterableIterator<[string, C]> {
    for (const e of this.map.values()) yield [e.id, e.cols];
  }
}
