/**
 * Compile a policy once into lookup structures, then classify URLs with a few map
 * look-ups (docs/policy-format.md, "Host patterns and which rule wins").
 *
 * Every pattern is keyed by its canonical host. Classifying walks the URL's host
 * from its last label leftwards, as far as some pattern continues the suffix, and the
 * deepest host with a matching entry is the most specific match (more labels beat
 * fewer); within that host a longer path prefix beats a shorter one, which beats the
 * bare host. Rules and catalog entries for the same pattern are merged at compile
 * time, so the answer for each key is already decided.
 */
import { stricter, type Action } from './actions.ts';
import { compileDrills, type DrillIndex } from './awareness/drills.ts';
import { CATALOG, catalogPatterns, type Catalog } from './catalog.ts';
import { canonicalHost, isIpHost, normalisePath, parseHostPattern, type HostPattern } from './hosts.ts';
import { compileLookalikes, type LookalikeIndex } from './lookalike/detect.ts';
import type { Policy } from './policy/schema.ts';

export type DecisionSource = 'rule' | 'service' | 'category' | 'default';

export interface Decision {
  action: Action;
  source: DecisionSource;
  /** Catalog service id; null when an organisation rule or the default decided. */
  service: string | null;
  category: string | null;
  /** The deciding rule's label, or the service's display name. */
  label: string | null;
  /** The pattern that decided (`host` or `host/path`), null for the default. */
  pattern: string | null;
}

export interface Classification extends Decision {
  url: string;
  host: string;
}

/**
 * The compiled form keeps no object, and no string, per rule (heap at 10,000 rules: README,
 * "Measured"; issue 25 asks for Ghostery's figure or less). A decision is a *code*: `≥ 0` the
 * index of the organisation rule that decides (its action, label and pattern are read from
 * `policy.rules`, which the compiled policy holds anyway), `≤ -2` one of the few catalog
 * decisions, `NO_DECISION` none. Every code has a canonical pattern (`host` or `host/path`,
 * patternOf), so a host and a path prefix are read from the pattern that decides them and
 * never stored apart: a rule costs its hash table slot (one Uint32, the table at most half
 * full), and a path rule an Int32 or two more.
 */
const NO_DECISION = -1;
const catalogCode = (k: number) => -2 - k;

/**
 * Open-addressing hash table from a host (read right to left) to its *target*: one Uint32
 * per slot — target + 1 (0 for a suffix that only leads to longer patterns), twelve check
 * bits of the hash, and two flags — so probing reads one small typed array and compares a
 * host only when the check bits agree. A target below `policy.rules.length` is a rule
 * written in canonical form without a path, the one pattern its host has (most rules):
 * its host is the rule's own `match`, its decision the rule. Any other host (path rules,
 * catalog services, a rule written in another spelling) is an *extra*, `target - rules`.
 * Why a table and not a Map of host strings: the same classifier on a Map
 * (bench/baselines.ts) cuts and hashes a substring per label; `npm run bench` prints
 * "table vs Map", and the table stays only while it is more than 5% faster on some mix
 * (issue 14).
 */
interface HostTable {
  readonly mask: number;
  readonly slots: Uint32Array;
  readonly size: number;
}

const HAS_DECISION = 1;
const LEADS_DEEPER = 2;
const CHECK_SHIFT = 2;
const CHECK_MASK = 0xfff;
const INDEX_SHIFT = 14;
/** Targets a table can index (18 bits); far beyond the policy format's 5,000 rules plus the catalog. */
const MAX_TARGETS = (1 << (32 - INDEX_SHIFT)) - 2;

/** One pattern host with its decisions, as the DNR compiler needs them. */
export interface HostDecisions {
  host: string;
  bare?: Decision;
  paths?: ReadonlyArray<{ prefix: string; decision: Decision }>;
}

/** The hosts that are not a rule's own pattern, indexed by `target - rules`. */
interface Extras {
  /**
   * Decision code of the bare host (NO_DECISION for none) or, for a host with path rules,
   * `PATH_RUN - k`: its run starts at `k` in `pathCodes` with the run's length, then the
   * bare host's code, then the paths' codes, longest prefix first. A path's prefix is its
   * pattern after the host.
   */
  readonly codes: Int32Array;
  readonly pathCodes: Int32Array;
  /**
   * A pattern that starts with the extra's host (the bare host's, or its first path's):
   * a string the policy or the catalog decisions hold anyway, so only the reference is
   * kept, and a look-up reads it as directly as a rule's `match`.
   */
  readonly hostPatterns: readonly string[];
}
/** Below every decision code (catalog codes are -2 … -2 - catalog size). */
const PATH_RUN = -(1 << 24);

export interface CompiledPolicy {
  /**
   * Every pattern host that carries a decision, built anew on each read (for the DNR
   * compiler, once per policy load): the compiled form itself keeps no object per rule.
   */
  readonly patterns: readonly HostDecisions[];
  /**
   * Every pattern host, and every label suffix of one (with no decision, so a walk
   * from the last label leftwards stops at the first suffix no pattern continues),
   * keyed by a hash of the host read right to left. Classifying computes that hash
   * incrementally while it walks, so no substring is ever cut or re-hashed.
   */
  readonly table: HostTable;
  readonly extras: Extras;
  /** `policy.rules`, read on the hot path without the hop through `policy`. */
  readonly rules: Policy['rules'];
  /** Decisions of catalog services (code `-2 - k`). */
  readonly catalogDecisions: readonly Decision[];
  /** The pattern of a rule whose `match` is not written in canonical form, by rule index (rare). */
  readonly rulePatterns: ReadonlyMap<number, string>;
  readonly fallback: Decision;
  readonly policy: Policy;
  /** Look-alike targets of this policy (docs/lookalikes.md), compiled with it. */
  readonly lookalikes: LookalikeIndex;
  /** IT's drill links (docs/awareness.md) by host, compiled with it. */
  readonly drills: DrillIndex;
}

interface Slot {
  host: string;
  path: string;
  rule: number;
  catalog: number;
}

export function compilePolicy(policy: Policy, catalog: Catalog = CATALOG): CompiledPolicy {
  const slots = new Map<string, Slot>();
  const slotFor = (pattern: HostPattern): Slot => {
    const key = pattern.path === '' ? pattern.host : pattern.host + pattern.path;
    let slot = slots.get(key);
    if (!slot) slots.set(key, (slot = { host: pattern.host, path: pattern.path, rule: NO_DECISION, catalog: NO_DECISION }));
    return slot;
  };

  const catalogDecisions: Decision[] = [];
  for (const { service, pattern } of catalogPatterns(catalog)) {
    const fromService = policy.services[service.id];
    const fromCategory = policy.categories[service.category];
    const decision: Decision = {
      action: fromService ?? fromCategory ?? policy.defaultAction,
      source: fromService ? 'service' : fromCategory ? 'category' : 'default',
      service: service.id,
      category: service.category,
      label: service.name,
      pattern: pattern.path === '' ? pattern.host : pattern.host + pattern.path,
    };
    const slot = slotFor(pattern);
    // Two catalog services on one pattern would be a catalog bug; the stricter one holds.
    const held = slot.catalog === NO_DECISION ? undefined : catalogDecisions[-2 - slot.catalog]!;
    if (!held || stricter(held.action, decision.action) !== held.action) {
      slot.catalog = catalogCode(catalogDecisions.length);
      catalogDecisions.push(decision);
    }
  }

  const rulePatterns = new Map<number, string>();
  policy.rules.forEach((rule, index) => {
    const parsed = parseHostPattern(rule.match);
    // The schema has already rejected bad patterns; a policy object built by hand is not trusted.
    if (!parsed.ok) throw new Error(`rules: "${rule.match}" ${parsed.message}`);
    const canonical = parsed.pattern.host + parsed.pattern.path;
    if (canonical !== rule.match) rulePatterns.set(index, canonical);
    const slot = slotFor(parsed.pattern);
    // Among organisation rules for the same pattern, the strictest wins.
    if (slot.rule === NO_DECISION || stricter(policy.rules[slot.rule]!.action, rule.action) !== policy.rules[slot.rule]!.action) slot.rule = index;
  });

  // Decided hosts get a target; suffixes that only lead to longer patterns are just
  // flagged in the table (no target: at 10,000 rules they are a third of all keys).
  const byHost = new Map<string, { bare: number; paths: number[] | undefined }>();
  const leads = new Set<string>();
  for (const slot of slots.values()) {
    const code = slot.rule !== NO_DECISION ? slot.rule : slot.catalog;
    const { host, path } = slot;
    let entry = byHost.get(host);
    if (!entry) byHost.set(host, (entry = { bare: NO_DECISION, paths: undefined }));
    if (path === '') entry.bare = code;
    else (entry.paths ??= []).push(code);
    // IP literals match exactly; their "suffixes" are not hosts.
    if (isIpHost(host)) continue;
    for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) leads.add(host.slice(dot + 1));
  }

  const rules = policy.rules;
  const extraCodes: number[] = [];
  const pathCodes: number[] = [];
  const hostPatterns: string[] = [];
  const targets = new Map<string, number>();
  const patternOf = (code: number) => (code >= 0 ? (rulePatterns.get(code) ?? rules[code]!.match) : catalogDecisions[-2 - code]!.pattern!);
  for (const [host, { bare, paths }] of byHost) {
    // A rule in canonical form, alone on its host: the rule itself is the target.
    if (!paths && bare >= 0 && !rulePatterns.has(bare)) {
      targets.set(host, bare);
      continue;
    }
    targets.set(host, rules.length + extraCodes.length);
    if (!paths) {
      extraCodes.push(bare);
      hostPatterns.push(patternOf(bare));
      continue;
    }
    // Longest prefix first: the same host, so the longest pattern.
    paths.sort((a, b) => patternOf(b).length - patternOf(a).length);
    hostPatterns.push(patternOf(paths[0]!));
    extraCodes.push(PATH_RUN - pathCodes.length);
    pathCodes.push(paths.length, bare, ...paths);
  }
  if (rules.length + extraCodes.length > MAX_TARGETS) throw new Error(`compilePolicy: ${rules.length} rules and ${extraCodes.length} other pattern hosts, more than ${MAX_TARGETS}`);
  const extras: Extras = { codes: Int32Array.from(extraCodes), pathCodes: Int32Array.from(pathCodes), hostPatterns };
  const table = buildTable(targets, leads);

  const fallback: Decision = { action: policy.defaultAction, source: 'default', service: null, category: null, label: null, pattern: null };
  return new Compiled(table, extras, catalogDecisions, rulePatterns, fallback, policy);
}

/**
 * A class, not an object literal with a getter: a getter made inside compilePolicy would
 * keep that function's whole scope alive (the compile-time maps: two thirds of the heap).
 */
class Compiled implements CompiledPolicy {
  readonly rules: Policy['rules'];
  constructor(
    readonly table: HostTable,
    readonly extras: Extras,
    readonly catalogDecisions: readonly Decision[],
    readonly rulePatterns: ReadonlyMap<number, string>,
    readonly fallback: Decision,
    readonly policy: Policy,
  ) {
    this.rules = policy.rules;
  }
  get patterns(): HostDecisions[] {
    return hostDecisions(this);
  }
  #lookalikes: LookalikeIndex | undefined;
  /** Compiled on first use, once per policy (the heap bench's compiled policy never needs it). */
  get lookalikes(): LookalikeIndex {
    return (this.#lookalikes ??= compileLookalikes(this.policy));
  }
  #drills: DrillIndex | undefined;
  /** Compiled on first use, like the look-alikes (most policies have no drills: then a shared empty index). */
  get drills(): DrillIndex {
    return (this.#drills ??= compileDrills(this.policy));
  }
}

/** The decision a code stands for, as an object (the hot path reads the fields without one). */
export function decisionOf(compiled: CompiledPolicy, code: number): Decision {
  if (code === NO_DECISION) return compiled.fallback;
  if (code < 0) return compiled.catalogDecisions[-2 - code]!;
  const rule = compiled.policy.rules[code]!;
  return { action: rule.action, source: 'rule', service: null, category: null, label: rule.label ?? null, pattern: compiled.rulePatterns.get(code) ?? rule.match };
}

/** The canonical pattern (`host` or `host/path`) of a decision code other than NO_DECISION. */
function patternOf(compiled: CompiledPolicy, code: number): string {
  if (code < 0) return compiled.catalogDecisions[-2 - code]!.pattern!;
  return compiled.rulePatterns.get(code) ?? compiled.rules[code]!.match;
}

/** A pattern that starts with the target's host (followed by '/' or nothing). */
function hostPatternOf(compiled: CompiledPolicy, target: number): string {
  const rules = compiled.rules;
  return target < rules.length ? rules[target]!.match : compiled.extras.hostPatterns[target - rules.length]!;
}

const hostOfPattern = (pattern: string) => {
  const slash = pattern.indexOf('/');
  return slash < 0 ? pattern : pattern.slice(0, slash);
};

function hostDecisions(compiled: CompiledPolicy): HostDecisions[] {
  const { slots } = compiled.table;
  const targets: number[] = [];
  for (const v of slots) if ((v & HAS_DECISION) !== 0) targets.push((v >>> INDEX_SHIFT) - 1);
  targets.sort((a, b) => a - b);
  const rules = compiled.rules.length;
  const { codes, pathCodes } = compiled.extras;
  return targets.map((target) => {
    const host = hostOfPattern(hostPatternOf(compiled, target));
    const out: HostDecisions = { host };
    const code = target < rules ? target : codes[target - rules]!;
    const run = code <= PATH_RUN ? PATH_RUN - code : -1;
    const bare = run >= 0 ? pathCodes[run + 1]! : code;
    if (bare !== NO_DECISION) out.bare = decisionOf(compiled, bare);
    if (run >= 0) {
      const paths: Array<{ prefix: string; decision: Decision }> = [];
      for (let k = run + 2; k < run + 2 + pathCodes[run]!; k++) {
        paths.push({ prefix: patternOf(compiled, pathCodes[k]!).slice(host.length), decision: decisionOf(compiled, pathCodes[k]!) });
      }
      out.paths = paths;
    }
    return out;
  });
}

// FNV-1a over UTF-16 code units, last character first, so the hash of every label
// suffix falls out of one right-to-left pass over the host.
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

function suffixHash(host: string): number {
  let h = FNV_OFFSET;
  for (let i = host.length - 1; i >= 0; i--) h = Math.imul(h ^ host.charCodeAt(i), FNV_PRIME);
  return h;
}

const checkOf = (hash: number) => (hash >>> 20) & CHECK_MASK;

function buildTable(targets: ReadonlyMap<string, number>, leads: Set<string>): HostTable {
  // At most half full, so probe runs stay short.
  let capacity = 16;
  while (capacity < (targets.size + leads.size) * 2) capacity *= 2;
  const mask = capacity - 1;
  const slots = new Uint32Array(capacity);
  const place = (host: string, value: number) => {
    const hash = suffixHash(host);
    let i = hash & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = (value | (checkOf(hash) << CHECK_SHIFT)) >>> 0;
  };
  for (const [host, target] of targets) {
    const deeper = leads.delete(host);
    place(host, (((target + 1) << INDEX_SHIFT) >>> 0) | HAS_DECISION | (deeper ? LEADS_DEEPER : 0));
  }
  for (const lead of leads) place(lead, LEADS_DEEPER);
  return { mask, slots, size: targets.size + leads.size };
}

/**
 * The suffix of `host` that starts at `start`: its target in `found` (or -1), and
 * whether longer patterns end in it (LEADS_DEEPER); 0 when no pattern has this suffix.
 */
let found = -1;
function lookup(compiled: CompiledPolicy, hash: number, host: string, start: number): number {
  const { slots, mask } = compiled.table;
  const check = checkOf(hash);
  const length = host.length - start;
  const rules = compiled.rules;
  let flags = 0;
  found = -1;
  for (let i = hash & mask, v = slots[i]!; v !== 0; i = (i + 1) & mask, v = slots[i]!) {
    if (((v >>> CHECK_SHIFT) & CHECK_MASK) !== check) continue;
    if ((v & HAS_DECISION) === 0) {
      flags |= v & LEADS_DEEPER;
      continue;
    }
    const target = (v >>> INDEX_SHIFT) - 1;
    // The host is the pattern up to its path, if it has one.
    const p = target < rules.length ? rules[target]!.match : compiled.extras.hostPatterns[target - rules.length]!;
    if (p.length < length || (p.length > length && p.charCodeAt(length) !== 47 /* / */)) continue;
    let k = 0;
    while (k < length && p.charCodeAt(k) === host.charCodeAt(start + k)) k++;
    if (k !== length) continue;
    found = target;
    return (v & (HAS_DECISION | LEADS_DEEPER)) | flags;
  }
  return flags;
}

/** Non-web schemes are never classified (docs/policy-format.md): allow, no service. */
const UNCLASSIFIED: Decision = { action: 'allow', source: 'default', service: null, category: null, label: null, pattern: null };

/** Something that yields a URL path: a string, or a URL whose pathname is read only if needed. */
type PathSource = string | { readonly pathname: string };

/**
 * The decision code for a canonical host and a path. The path is only read when a
 * matching host has path rules (most hosts have none, and URL.pathname is not free).
 */
function decideCode(compiled: CompiledPolicy, host: string, path: PathSource): number {
  if (isIpHost(host)) {
    lookup(compiled, suffixHash(host), host, 0);
    return matchEntry(compiled, found, path);
  }
  // Walk suffixes from the last label leftwards, remembering those that carry a
  // decision; the deepest one that matches (path rules included) wins.
  let matched: number[] | undefined;
  let only = -1;
  let h = FNV_OFFSET;
  for (let i = host.length - 1; ; i--) {
    const c = i < 0 ? 46 : host.charCodeAt(i);
    if (c === 46 /* . */) {
      const flags = lookup(compiled, h, host, i + 1);
      if (flags === 0) break;
      if (found >= 0) {
        if (only >= 0) (matched ??= [only]).push(found);
        else only = found;
      }
      if (i < 0 || (flags & LEADS_DEEPER) === 0) break;
    }
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  if (only < 0) return NO_DECISION;
  if (!matched) return matchEntry(compiled, only, path);
  for (let i = matched.length - 1; i >= 0; i--) {
    const code = matchEntry(compiled, matched[i]!, path);
    if (code !== NO_DECISION) return code;
  }
  return NO_DECISION;
}

/** Decide for a canonical host and a path. */
export function decideHost(compiled: CompiledPolicy, host: string, path: PathSource): Decision {
  return decisionOf(compiled, decideCode(compiled, host, path));
}

function matchEntry(compiled: CompiledPolicy, target: number, source: PathSource): number {
  if (target < 0) return NO_DECISION;
  const rules = compiled.rules.length;
  if (target < rules) return target;
  const code = compiled.extras.codes[target - rules]!;
  if (code > PATH_RUN) return code;
  const { pathCodes } = compiled.extras;
  const run = PATH_RUN - code;
  // Matched as a server reads the path, so `//messages` or `/%6Dessages` is `/messages`.
  const path = normalisePath(typeof source === 'string' ? source : source.pathname);
  for (let k = run + 2, end = run + 2 + pathCodes[run]!; k < end; k++) {
    // The prefix is the path's pattern from its first '/' (a host has none).
    const pattern = patternOf(compiled, pathCodes[k]!);
    const from = pattern.indexOf('/');
    const length = pattern.length - from;
    if (path.length < length || (path.length > length && path.charCodeAt(length) !== 47)) continue;
    let j = 0;
    while (j < length && path.charCodeAt(j) === pattern.charCodeAt(from + j)) j++;
    if (j === length) return pathCodes[k]!;
  }
  return pathCodes[run + 1]!;
}

export type ClassifyResult = Classification | { url: string; error: string };

/** Classify one URL. Never throws: a URL that does not parse gives `{url, error}`. */
export function classifyUrl(compiled: CompiledPolicy, input: string | URL): ClassifyResult {
  let url: URL;
  if (typeof input === 'string') {
    try {
      url = new URL(input);
    } catch {
      return { url: input, error: 'not a valid absolute URL' };
    }
  } else {
    url = input;
  }
  const text = typeof input === 'string' ? input : input.href;
  const protocol = url.protocol;
  const host = canonicalHost(url.hostname);
  if (protocol !== 'https:' && protocol !== 'http:') return classification(text, host, UNCLASSIFIED);
  const code = decideCode(compiled, host, url);
  if (code < 0) return classification(text, host, code === NO_DECISION ? compiled.fallback : compiled.catalogDecisions[-2 - code]!);
  // An organisation rule: its fields straight from the policy, with no Decision in between.
  const rule = compiled.rules[code]!;
  const pattern = compiled.rulePatterns.size === 0 ? rule.match : (compiled.rulePatterns.get(code) ?? rule.match);
  return { url: text, host, action: rule.action, source: 'rule', service: null, category: null, label: rule.label ?? null, pattern };
}

function classification(url: string, host: string, d: Decision): Classification {
  // Spelled out rather than spread: this is the hot path, and a literal is cheaper.
  return { url, host, action: d.action, source: d.source, service: d.service, category: d.category, label: d.label, pattern: d.pattern };
}

export function isError(r: ClassifyResult): r is { url: string; error: string } {
  return 'error' in r;
}
