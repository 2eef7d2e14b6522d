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
import { CATALOG, catalogPatterns, type Catalog } from './catalog.ts';
import { canonicalHost, isIpHost, normalisePath, parseHostPattern, type HostPattern } from './hosts.ts';
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
 * An organisation rule's decision. Its three constant fields live on the prototype, so
 * each of up to 5,000 (10,000 in the bench) rules costs three fields, not seven (heap at
 * 10,000 rules: README, "Measured"). Read like any Decision; build results field by
 * field (as classifyUrl does), since spreading or cloning copies own fields only.
 */
class RuleDecision {
  declare readonly source: 'rule';
  declare readonly service: null;
  declare readonly category: null;
  constructor(
    readonly action: Action,
    readonly label: string | null,
    readonly pattern: string,
  ) {}
}
Object.defineProperties(RuleDecision.prototype, {
  source: { value: 'rule', enumerable: true },
  service: { value: null, enumerable: true },
  category: { value: null, enumerable: true },
});

interface PathEntry {
  prefix: string;
  decision: Decision;
}

interface HostEntry {
  host: string;
  bare: Decision | undefined;
  /** Longest prefix first. */
  paths: PathEntry[] | undefined;
}

/**
 * Open-addressing hash table from a host hash to its entry. Each slot is two int32s
 * side by side — (hash + 1, entry index << 2 | flags) — so probing reads one small typed
 * array, not a chain of objects. Suffixes that only lead to longer patterns are a flag
 * with no entry behind it: a hash collision there just continues the walk, and whatever
 * it reaches is checked exactly against the entry's host. Why a table and not a Map of
 * host strings: the same classifier on a Map (bench/baselines.ts) cuts and hashes a
 * substring per label, and costs 8–27% more per URL on the bench's browsing-like mix,
 * 3–37% on the uniform one (`npm run bench`, "table vs Map"; issue 14 keeps the table
 * only while it is more than 5% faster on some mix); why this small: heap at 10,000 rules
 * (README, "Measured").
 */
interface HostTable {
  readonly mask: number;
  readonly slots: Int32Array;
  readonly entries: HostEntry[];
  readonly size: number;
}

const STRIDE = 2;
const HAS_DECISION = 1;
const LEADS_DEEPER = 2;
const INDEX_SHIFT = 2;

/** One pattern host with its decisions, as the DNR compiler needs them. */
export interface HostDecisions {
  host: string;
  bare?: Decision;
  paths?: ReadonlyArray<{ prefix: string; decision: Decision }>;
}

export interface CompiledPolicy {
  /** Every pattern host that carries a decision. */
  readonly patterns: readonly HostDecisions[];
  /**
   * Every pattern host, and every label suffix of one (with no decision, so a walk
   * from the last label leftwards stops at the first suffix no pattern continues),
   * keyed by a hash of the host read right to left. Classifying computes that hash
   * incrementally while it walks, so no substring is ever cut or re-hashed.
   */
  readonly table: HostTable;
  readonly fallback: Decision;
  readonly policy: Policy;
}

interface Slot {
  pattern: HostPattern;
  rule?: Decision;
  catalog?: Decision;
}

export function compilePolicy(policy: Policy, catalog: Catalog = CATALOG): CompiledPolicy {
  const slots = new Map<string, Slot>();
  const slotFor = (pattern: HostPattern): Slot => {
    const key = pattern.path === '' ? pattern.host : pattern.host + pattern.path;
    let slot = slots.get(key);
    if (!slot) slots.set(key, (slot = { pattern }));
    return slot;
  };

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
    if (!slot.catalog || stricter(slot.catalog.action, decision.action) !== slot.catalog.action) slot.catalog = decision;
  }

  for (const rule of policy.rules) {
    const parsed = parseHostPattern(rule.match);
    // The schema has already rejected bad patterns; a policy object built by hand is not trusted.
    if (!parsed.ok) throw new Error(`rules: "${rule.match}" ${parsed.message}`);
    // Most patterns are written in canonical form: then the policy's own string is kept
    // as host and pattern, instead of copies (heap at 10,000 rules: README, "Measured").
    const written = parsed.pattern.host + parsed.pattern.path === rule.match;
    const pattern: HostPattern = written && parsed.pattern.path === '' ? { host: rule.match, path: '' } : parsed.pattern;
    const slot = slotFor(pattern);
    const decision: Decision = new RuleDecision(rule.action, rule.label ?? null, written ? rule.match : pattern.host + pattern.path);
    // Among organisation rules for the same pattern, the strictest wins.
    if (!slot.rule || stricter(slot.rule.action, decision.action) !== slot.rule.action) slot.rule = decision;
  }

  // Decided hosts get an entry; suffixes that only lead to longer patterns are just
  // flagged in the table (no object, no string kept: at 10,000 rules they are a third
  // of all keys).
  const byHost = new Map<string, HostEntry>();
  const leads = new Set<string>();
  for (const slot of slots.values()) {
    const decision = slot.rule ?? slot.catalog!;
    const { host, path } = slot.pattern;
    let entry = byHost.get(host);
    if (!entry) byHost.set(host, (entry = { host, bare: undefined, paths: undefined }));
    if (path === '') entry.bare = decision;
    else (entry.paths ??= []).push({ prefix: path, decision });
    // IP literals match exactly; their "suffixes" are not hosts.
    if (isIpHost(host)) continue;
    for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) leads.add(host.slice(dot + 1));
  }
  for (const entry of byHost.values()) entry.paths?.sort((a, b) => b.prefix.length - a.prefix.length);
  const table = buildTable(byHost.values(), byHost.size, leads);

  const fallback: Decision = { action: policy.defaultAction, source: 'default', service: null, category: null, label: null, pattern: null };
  return { table, patterns: table.entries, fallback, policy };
}

// FNV-1a over UTF-16 code units, last character first, so the hash of every label
// suffix falls out of one right-to-left pass over the host.
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;
const SMI_MASK = 0x3fffffff; // keeps hash + 1 positive in an Int32Array

function suffixHash(host: string): number {
  let h = FNV_OFFSET;
  for (let i = host.length - 1; i >= 0; i--) h = Math.imul(h ^ host.charCodeAt(i), FNV_PRIME);
  return h;
}

function buildTable(decided: Iterable<HostEntry>, count: number, leads: Set<string>): HostTable {
  // At most half full, so probe runs stay short.
  let capacity = 16;
  while (capacity < (count + leads.size) * 2) capacity *= 2;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity * STRIDE);
  const entries: HostEntry[] = [];
  const slotOf = (host: string): number => {
    const key = (suffixHash(host) & SMI_MASK) + 1;
    let i = key & mask;
    while (slots[i * STRIDE] !== 0) i = (i + 1) & mask;
    slots[i * STRIDE] = key;
    return i * STRIDE + 1;
  };
  for (const entry of decided) {
    const deeper = leads.delete(entry.host);
    slots[slotOf(entry.host)] = (entries.length << INDEX_SHIFT) | HAS_DECISION | (deeper ? LEADS_DEEPER : 0);
    entries.push(entry);
  }
  for (const lead of leads) slots[slotOf(lead)] = LEADS_DEEPER;
  return { mask, slots, entries, size: entries.length + leads.size };
}

/**
 * The suffix of `host` that starts at `start`: its entry, and whether longer patterns end
 * in it (LEADS_DEEPER); 0 when no pattern has this suffix.
 */
let found: HostEntry | undefined;
function lookup(table: HostTable, hash: number, host: string, start: number): number {
  const key = (hash & SMI_MASK) + 1;
  const { slots, mask, entries } = table;
  const length = host.length - start;
  let flags = 0;
  found = undefined;
  for (let i = key & mask; slots[i * STRIDE] !== 0; i = (i + 1) & mask) {
    const at = i * STRIDE;
    if (slots[at] !== key) continue;
    const value = slots[at + 1]!;
    if (value & HAS_DECISION) {
      const entry = entries[value >>> INDEX_SHIFT]!;
      const h = entry.host;
      if (h.length !== length) continue;
      let k = 0;
      while (k < length && h.charCodeAt(k) === host.charCodeAt(start + k)) k++;
      if (k !== length) continue;
      found = entry;
      return value | (flags & LEADS_DEEPER);
    }
    flags |= value;
  }
  return flags;
}

/** Non-web schemes are never classified (docs/policy-format.md): allow, no service. */
const UNCLASSIFIED: Decision = { action: 'allow', source: 'default', service: null, category: null, label: null, pattern: null };

/** Something that yields a URL path: a string, or a URL whose pathname is read only if needed. */
type PathSource = string | { readonly pathname: string };

/**
 * Decide for a canonical host and a path. The path is only read when a matching host
 * has path rules (most hosts have none, and URL.pathname is not free).
 */
export function decideHost(compiled: CompiledPolicy, host: string, path: PathSource): Decision {
  const { table } = compiled;
  if (isIpHost(host)) {
    lookup(table, suffixHash(host), host, 0);
    return matchEntry(found, path) ?? compiled.fallback;
  }
  // Walk suffixes from the last label leftwards, remembering those that carry a
  // decision; the deepest one that matches (path rules included) wins.
  let matched: HostEntry[] | undefined;
  let only: HostEntry | undefined;
  let h = FNV_OFFSET;
  for (let i = host.length - 1; ; i--) {
    const c = i < 0 ? 46 : host.charCodeAt(i);
    if (c === 46 /* . */) {
      const flags = lookup(table, h, host, i + 1);
      if (flags === 0) break;
      if (found !== undefined) {
        if (only) (matched ??= [only]).push(found);
        else only = found;
      }
      if (i < 0 || (flags & LEADS_DEEPER) === 0) break;
    }
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  if (!only) return compiled.fallback;
  if (!matched) return matchEntry(only, path) ?? compiled.fallback;
  for (let i = matched.length - 1; i >= 0; i--) {
    const d = matchEntry(matched[i], path);
    if (d) return d;
  }
  return compiled.fallback;
}

function matchEntry(entry: HostEntry | undefined, source: PathSource): Decision | undefined {
  if (!entry) return undefined;
  if (entry.paths) {
    // Matched as a server reads the path, so `//messages` or `/%6Dessages` is `/messages`.
    const path = normalisePath(typeof source === 'string' ? source : source.pathname);
    for (const { prefix, decision } of entry.paths) {
      if (path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 47)) return decision;
    }
  }
  return entry.bare;
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
  const d = protocol === 'https:' || protocol === 'http:' ? decideHost(compiled, host, url) : UNCLASSIFIED;
  // Spelled out rather than spread: this is the hot path, and a literal is cheaper.
  return { url: text, host, action: d.action, source: d.source, service: d.service, category: d.category, label: d.label, pattern: d.pattern };
}

export function isError(r: ClassifyResult): r is { url: string; error: string } {
  return 'error' in r;
}
