/**
 * Which events a report counts (docs/audit-trail.md, "What `logs report` counts"), decided
 * while inputs stream through once, in bounded memory:
 *
 * 1. Only inputs that verify count (ExportVerifier; with the pinned key under --keys). An
 *    input's events are staged (SummaryBuilder.stage) and committed only once its verdict
 *    is in; a failed input adds nothing and is named in `exclusions`.
 * 2. Each (installId, seq) counts once: committed seqs are kept as ranges per install.
 * 3. Two verified inputs with DIFFERENT events at one (installId, seq) are tampering: both
 *    are named (`conflicts`) and neither counts — the caller reads the inputs again without
 *    them (`conflicted`), since the first was committed before the second showed it.
 *
 * How conflicts are found without keeping every event: an event's hash covers its `prev`,
 * so in two linked chains equal hashes at one seq mean equal events at every seq before it
 * that both hold. A whole export is one linked run, so for two whole exports of an install
 * it is enough to compare the hashes at the smaller of their last seqs — which the later
 * one streams past, if they are read in ascending order of last seq (`readingOrder`, from
 * each file's signature line read first). Filtered exports (links only where seqs are
 * consecutive) and inputs whose signature line could not be read first (a pipe) keep every
 * event's hash instead, and are read first. The order is decided by content, never by the
 * order files were given, so the outcome is the same in any order.
 */
import { recordHashInput } from './chain.ts';
import { SummaryBuilder, type BuilderOptions, type SummaryFilter } from './summary-builder.ts';
import { UNKNOWN_WHO, type Conflict, type Exclusion, type InputRow, type Summary } from './summary.ts';
import { checkParsedLines, completeLazily, LINE_EVENT, parseCheckedLine, type CheckedBatch } from './check-lines.ts';
import type { NdjsonLine } from './ndjson.ts';
import { SIGNATURE_TYPE, type IncrementalSha256, type SignatureTrailer } from './signature.ts';
import type { EventRecord } from './types.ts';
import { ExportVerifier, type ExportVerdict, type KeyPins } from './verify.ts';

/** What the signature line, read before the input, says (unverified until the input is). */
export interface TrailerFacts {
  installId: string;
  firstSeq: number | null;
  lastSeq: number | null;
  filtered: boolean;
  digest: string;
}

/** The facts of a signature line's text, or null when it is not one. */
export function trailerFacts(line: string): TrailerFacts | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  const t = v as Partial<SignatureTrailer> | null;
  if (typeof t !== 'object' || t === null || t.type !== SIGNATURE_TYPE) return null;
  const seq = (x: unknown) => (typeof x === 'number' && Number.isSafeInteger(x) ? x : null);
  if (typeof t.installId !== 'string' || typeof t.filtered !== 'boolean' || typeof t.digest !== 'string') return null;
  return { installId: t.installId, firstSeq: seq(t.firstSeq), lastSeq: seq(t.lastSeq), filtered: t.filtered, digest: t.digest };
}

/**
 * The order to read inputs in: those without readable facts (pipes) and filtered exports
 * first, in the order given; then whole exports by install, ascending last seq (ties by
 * digest, then name). Returns indexes into `inputs`.
 */
export function readingOrder(inputs: ReadonlyArray<{ name: string; facts: TrailerFacts | null }>): number[] {
  const idx = inputs.map((_, i) => i);
  const first = idx.filter((i) => inputs[i]!.facts === null || inputs[i]!.facts!.filtered);
  const whole = idx.filter((i) => inputs[i]!.facts !== null && !inputs[i]!.facts!.filtered);
  whole.sort((a, b) => {
    const fa = inputs[a]!.facts!;
    const fb = inputs[b]!.facts!;
    const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    return cmp(fa.installId, fb.installId) || (fa.lastSeq ?? 0) - (fb.lastSeq ?? 0) || cmp(fa.digest, fb.digest) || cmp(inputs[a]!.name, inputs[b]!.name) || a - b;
  });
  return [...first, ...whole];
}

/** A verdict in one sentence, for the report's inputs table. */
export function verdictWords(v: ExportVerdict): string {
  if (!v.ok) return `NOT VERIFIED: line ${v.line}${v.seq === null ? '' : `, seq ${v.seq}`}: ${v.reason}`;
  const what = v.count === 0 ? 'Verified (no events' : v.filtered ? 'Verified (filtered export' : v.fromGenesis ? 'Verified (complete from the first event' : 'Verified (partial log: starts after pruning';
  return `${what}; signed by install ${v.installId}, ${v.pinned ? 'key pinned' : 'key not pinned'})`;
}

/** Committed seqs of one install, and the hashes later inputs are compared with. */
interface InstallState {
  /** Counted seqs: flat [start, end, start, end, …], sorted, disjoint. */
  ranges: number[];
  /** seq → [hash, input]: the last event of each whole export, and every event of filtered/unread-first ones. */
  checks: Map<number, [string, string]>;
}

export function covered(r: readonly number[], seq: number): boolean {
  let lo = 0;
  let hi = r.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (r[mid * 2]! > seq) hi = mid - 1;
    else if (r[mid * 2 + 1]! < seq) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Add a run [start, end] to sorted disjoint ranges, merging neighbours. */
export function addRange(r: number[], start: number, end: number): void {
  let i = 0;
  while (i < r.length && r[i + 1]! < start - 1) i += 2;
  let j = i;
  let s = start;
  let e = end;
  while (j < r.length && r[j]! <= end + 1) {
    s = Math.min(s, r[j]!);
    e = Math.max(e, r[j + 1]!);
    j += 2;
  }
  r.splice(i, j - i, s, e);
}

export interface IntakeOptions extends BuilderOptions {
  keys?: KeyPins;
  filter?: SummaryFilter;
  /** Synchronous SHA-256 (hex) for event hashes (the command line passes Node's). */
  sha256Hex?: (text: string) => string;
  digest?: () => IncrementalSha256;
  /** Conflicts found by an earlier reading: their inputs are not read again and do not count. */
  conflicts?: readonly Conflict[];
}

export class ReportIntake {
  private readonly builder: SummaryBuilder;
  private readonly installs = new Map<string, InstallState>();
  private readonly inputs: InputRow[] = [];
  private readonly exclusions: Exclusion[] = [];
  private readonly conflicts: Conflict[];
  private readonly excluded: ReadonlySet<string>;
  private duplicates = 0;

  constructor(private readonly options: IntakeOptions = {}) {
    this.builder = new SummaryBuilder(options);
    this.conflicts = [...(options.conflicts ?? [])];
    this.excluded = new Set(this.conflicts.flatMap((c) => c.inputs));
  }

  /** Whether an input is left out unread (it was in a conflict). */
  skips(name: string): boolean {
    return this.excluded.has(name);
  }

  /** Inputs that conflict: read everything again without them (when any were found in this reading). */
  get conflicted(): readonly Conflict[] {
    return this.conflicts;
  }

  /** Record an input left out unread (see skips) or that could not be read at all. */
  notRead(name: string, why: string, installId: string | null = null): void {
    this.inputs.push({ name, installId, events: 0, counted: 0, firstTs: null, lastTs: null, counts: false, verdict: why });
    this.exclusions.push({ input: name, why });
  }

  /** Start reading one input; `facts` is what its signature line said when read first (null: not read first). */
  begin(name: string, facts: TrailerFacts | null): InputRun {
    return new InputRun(this, name, facts);
  }

  /** @internal */
  state(installId: string): InstallState | undefined {
    return this.installs.get(installId);
  }
  /** @internal */
  stage(): SummaryBuilder {
    return this.builder.stage();
  }
  /** @internal */
  get sha(): ((text: string) => string) | undefined {
    return this.options.sha256Hex;
  }
  /** @internal */
  verifier(): ExportVerifier {
    const o = this.options;
    return new ExportVerifier({ ...(o.keys ? { keys: o.keys } : {}), ...(o.sha256Hex ? { sha256Hex: o.sha256Hex } : {}), ...(o.digest ? { digest: o.digest } : {}) });
  }

  /** @internal An input verified without conflict: its counts, seqs and check hashes join the run. */
  commit(row: InputRow, staged: SummaryBuilder, installId: string, runs: number[], checks: Array<[number, string]>, duplicates: number): void {
    staged.commit();
    let st = this.installs.get(installId);
    if (!st) this.installs.set(installId, (st = { ranges: [], checks: new Map() }));
    for (let i = 0; i < runs.length; i += 2) addRange(st.ranges, runs[i]!, runs[i + 1]!);
    for (const [seq, hash] of checks) if (!st.checks.has(seq)) st.checks.set(seq, [hash, row.name]);
    this.duplicates += duplicates;
    this.inputs.push(row);
  }

  /** @internal An input that does not count. */
  exclude(row: InputRow, staged: SummaryBuilder, why: string, conflicts: Conflict[] = []): void {
    staged.discard();
    this.inputs.push({ ...row, counted: 0, counts: false });
    for (const c of conflicts) this.conflicts.push(c);
    if (conflicts.length === 0) this.exclusions.push({ input: row.name, why });
  }

  summary(): Summary {
    const numbers = this.builder.finish();
    const exclusions = [...this.exclusions];
    // An input named in a conflict does not count (the second reading leaves it out).
    const named = new Set<string>();
    for (const c of this.conflicts) for (const n of c.inputs) named.add(n);
    for (const n of named) {
      if (!exclusions.some((x) => x.input === n)) exclusions.push({ input: n, why: 'holds events that differ from another file at the same install and seq (see the conflict above); not counted' });
    }
    return {
      ...numbers,
      inputs: this.inputs,
      exclusions,
      conflicts: this.conflicts,
      pinned: this.options.keys !== undefined,
      duplicates: this.duplicates,
    };
  }
}

/** One input being read: verify each batch, stage its events, then commit or exclude. */
export class InputRun {
  private readonly verifier: ExportVerifier;
  private readonly staged: SummaryBuilder;
  private events = 0;
  private firstTs: string | null = null;
  private lastTs: string | null = null;
  private duplicates = 0;
  /** Seq runs read (flat [start, end, …]) and the hashes kept for later comparisons. */
  private readonly runs: number[] = [];
  private readonly checks: Array<[number, string]> = [];
  private lastHash = '';
  private readonly found: Conflict[] = [];
  private unreadable: string | null = null;
  private readonly keepEvery: boolean;

  constructor(
    private readonly intake: ReportIntake,
    readonly name: string,
    private readonly facts: TrailerFacts | null,
  ) {
    this.verifier = intake.verifier();
    this.staged = intake.stage();
    // Inputs read first (filtered, or no facts) keep every hash; whole ones only their last.
    this.keepEvery = facts === null || facts.filtered;
  }

  /** True once the input cannot count: the caller may stop reading it. */
  get done(): boolean {
    return this.verifier.failed || this.unreadable !== null;
  }

  /** The next lines of the input, in order (parsed here). */
  async add(batch: readonly NdjsonLine[]): Promise<void> {
    if (this.done || batch.length === 0) return;
    const o = { ...(this.intake.sha ? { sha256Hex: this.intake.sha } : {}), events: true };
    this.addChecked(await completeLazily(await checkParsedLines(batch, o), o));
  }

  /** The next lines, already checked with their events (check-lines.ts; e.g. by a worker thread). */
  addChecked(b: CheckedBatch): void {
    if (this.done) return;
    this.verifier.addChecked(b);
    const { events, lineAt } = b;
    if (!events && !lineAt) throw new Error('InputRun.addChecked: a batch without its events or lines');
    // Events up to the first failure (after it, the input will not count anyway).
    const end = this.verifier.failed ? 0 : b.kind.length;
    for (let j = 0; j < end; j++) {
      if (events) {
        const e = events[j];
        if (e) this.event(e);
      } else if (b.kind[j] === LINE_EVENT) this.event(parseCheckedLine(lineAt!(j)));
    }
  }

  /** Events after a verification failure are never reached: the input will not count. */
  private event(e: EventRecord): void {
    this.events++;
    if (this.firstTs === null || e.ts < this.firstTs) this.firstTs = e.ts;
    if (this.lastTs === null || e.ts > this.lastTs) this.lastTs = e.ts;
    const installId = e.installId ?? this.facts?.installId ?? UNKNOWN_WHO;
    const st = this.intake.state(installId);
    const seq = e.seq;
    const hash = e.hash;
    if (st) {
      const other = st.checks.get(seq);
      // Named in name order: the message is the same whatever order the files came in.
      if (other && other[0] !== hash) this.found.push({ installId, seq, inputs: other[1] < this.name ? [other[1], this.name] : [this.name, other[1]] });
    }
    // Runs of consecutive seqs (a whole export is one).
    const r = this.runs;
    if (r.length > 0 && r[r.length - 1] === seq - 1) r[r.length - 1] = seq;
    else r.push(seq, seq);
    this.lastHash = hash;
    if (this.keepEvery) this.checks.push([seq, hash]);
    if (st && covered(st.ranges, seq)) {
      this.duplicates++;
      return;
    }
    this.staged.add(e, installId);
  }

  /** The input could not be read (the caller stops): it does not count. */
  fail(why: string): void {
    this.unreadable ??= why;
  }

  /** The input's verdict; its events now count, or it is named in the exclusions. */
  async finish(): Promise<ExportVerdict | null> {
    const row: InputRow = { name: this.name, installId: null, events: this.events, counted: this.staged.counted, firstTs: this.firstTs, lastTs: this.lastTs, counts: true, verdict: '' };
    if (this.unreadable !== null) {
      this.intake.exclude({ ...row, verdict: `Unreadable: ${this.unreadable}` }, this.staged, this.unreadable);
      return null;
    }
    const v = await this.verifier.finish();
    row.verdict = verdictWords(v);
    if (!v.ok) {
      this.intake.exclude(row, this.staged, `did not verify: line ${v.line}${v.seq === null ? '' : `, seq ${v.seq}`}: ${v.reason}`);
      return v;
    }
    row.installId = v.installId;
    const f = this.facts;
    if (f && (f.installId !== v.installId || f.filtered !== v.filtered || f.lastSeq !== v.lastSeq || f.firstSeq !== v.firstSeq)) {
      this.intake.exclude({ ...row, verdict: 'Changed while being read' }, this.staged, 'the file changed while it was being read (its signature line differs from the one read first); read it again');
      return v;
    }
    if (this.found.length > 0) {
      const c = this.found[0]!;
      this.intake.exclude({ ...row, verdict: `Conflict: differs from ${c.inputs[0] === this.name ? c.inputs[1] : c.inputs[0]} at seq ${c.seq}` }, this.staged, '', this.found);
      return v;
    }
    if (!this.keepEvery && this.runs.length > 0) this.checks.push([this.runs[this.runs.length - 1]!, this.lastHash]);
    this.intake.commit(row, this.staged, v.installId, this.runs, this.checks, this.duplicates);
    return v;
  }
}

/** Hash input of an event as verified (for callers that check a keys file's log.key lines). */
export { recordHashInput };
