/**
 * Compile a policy once into lookup structures, then classify URLs with a few map
 * look-ups (policy-v1.md, "Host patterns and which rule wins").
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

interface PathEntry {
  prefix: string;
  decision: Decision;
}

interface HostEntry {
  host: string;
  bare?: Decision;
  /** Longest prefix first. */
  paths?: PathEntry[];
  /** Some pattern host ends in "." + this host: the walk must go on to longer suffixes. */
  deeper: boolean;
}

/**
 * Open-addressing hash table from a host hash to its entry, laid out for a cold cache:
 * with 10,000 rules most look-ups miss the CPU cache, so each slot is four int32s side
 * by side — (hash + 1, flags | host length, offset of the host in one packed string,
 * index of its entry) — and checking a candidate reads that slot and the packed host
 * characters, not a chain of objects. Suffixes that only lead to longer patterns are
 * not checked at all: a hash collision there just continues the walk, and whatever it
 * reaches is checked exactly. (Measured by `npm run bench`: about 10% faster than a
 * Map of entries on the uniform 10,000-rule workload, 25% faster than slicing suffixes.)
 */
interface HostTable {
  readonly mask: number;
  readonly slots: Int32Array;
  /** Every entry's host, concatenated. */
  readonly packed: string;
  readonly entries: HostEntry[];
  readonly size: number;
}

const STRIDE = 4;
const HAS_DECISION = 1;
const LEADS_DEEPER = 2;
const LENGTH_SHIFT = 2;
/** A lead-only suffix: no entry object behind it. */
const LEAD: HostEntry = { host: '', deeper: true };

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
    const key = pattern.host + pattern.path;
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
      pattern: pattern.host + pattern.path,
    };
    const slot = slotFor(pattern);
    // Two catalog services on one pattern would be a catalog bug; the stricter one holds.
    if (!slot.catalog || stricter(slot.catalog.action, decision.action) !== slot.catalog.action) slot.catalog = decision;
  }

  for (const rule of policy.rules) {
    const parsed = parseHostPattern(rule.match);
    // The schema has already rejected bad patterns; a policy object built by hand is not trusted.
    if (!parsed.ok) throw new Error(`rules: "${rule.match}" ${parsed.message}`);
    const slot = slotFor(parsed.pattern);
    const decision: Decision = {
      action: rule.action,
      source: 'rule',
      service: null,
      category: null,
      label: rule.label ?? null,
      pattern: parsed.pattern.host + parsed.pattern.path,
    };
    // Among organisation rules for the same pattern, the strictest wins.
    if (!slot.rule || stricter(slot.rule.action, decision.action) !== slot.rule.action) slot.rule = decision;
  }

  const byHost = new Map<string, HostEntry>();
  const entryFor = (host: string): HostEntry => {
    let entry = byHost.get(host);
    if (!entry) byHost.set(host, (entry = { host, deeper: false }));
    return entry;
  };
  for (const slot of slots.values()) {
    const decision = slot.rule ?? slot.catalog!;
    const { host, path } = slot.pattern;
    const entry = entryFor(host);
    if (path === '') entry.bare = decision;
    else (entry.paths ??= []).push({ prefix: path, decision });
    // IP literals match exactly; their "suffixes" are not hosts.
    if (isIpHost(host)) continue;
    for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) entryFor(host.slice(dot + 1)).deeper = true;
  }
  for (const entry of byHost.values()) entry.paths?.sort((a, b) => b.prefix.length - a.prefix.length);
  const table = buildTable(byHost.values(), byHost.size);

  const fallback: Decision = { action: policy.defaultAction, source: 'default', service: null, category: null, label: null, pattern: null };
  const patterns = [...byHost.values()].filter((e) => e.bare || e.paths);
  return { table, patterns, fallback, policy };
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

function buildTable(all: Iterable<HostEntry>, count: number): HostTable {
  // At most half full, so probe runs stay short.
  let capacity = 16;
  while (capacity < count * 2) capacity *= 2;
  const mask = capacity - 1;
  const slots = new Int32Array(capacity * STRIDE);
  const entries: HostEntry[] = [];
  const parts: string[] = [];
  let offset = 0;
  for (const entry of all) {
    const key = (suffixHash(entry.host) & SMI_MASK) + 1;
    let i = key & mask;
    while (slots[i * STRIDE] !== 0) i = (i + 1) & mask;
    const at = i * STRIDE;
    slots[at] = key;
    slots[at + 1] = (entry.bare || entry.paths ? HAS_DECISION : 0) | (entry.deeper ? LEADS_DEEPER : 0) | (entry.host.length << LENGTH_SHIFT);
    slots[at + 2] = offset;
    slots[at + 3] = entries.length;
    entries.push(entry);
    parts.push(entry.host);
    offset += entry.host.length;
  }
  return { mask, slots, packed: parts.join(''), entries, size: count };
}

/**
 * The entry for the suffix of `host` that starts at `start`: its exact entry when it
 * carries a decision, LEAD when it only leads to longer patterns, else undefined.
 */
function lookup(table: HostTable, hash: number, host: string, start: number): HostEntry | undefined {
  const key = (hash & SMI_MASK) + 1;
  const { slots, mask, packed } = table;
  const length = host.length - start;
  let lead = false;
  for (let i = key & mask; slots[i * STRIDE] !== 0; i = (i + 1) & mask) {
    const at = i * STRIDE;
    if (slots[at] !== key) continue;
    const flags = slots[at + 1]!;
    if (flags & HAS_DECISION) {
      if (flags >>> LENGTH_SHIFT !== length) continue;
      const offset = slots[at + 2]!;
      let k = 0;
      while (k < length && packed.charCodeAt(offset + k) === host.charCodeAt(start + k)) k++;
      if (k === length) return table.entries[slots[at + 3]!];
    } else if (flags & LEADS_DEEPER) {
      lead = true;
    }
  }
  return lead ? LEAD : undefined;
}

/** Non-web schemes are never classified (policy-v1.md): allow, no service. */
const UNCLASSIFIED: Decision = { action: 'allow', source: 'default', service: null, category: null, label: null, pattern: null };

/** Something that yields a URL path: a string, or a URL whose pathname is read only if needed. */
type PathSource = string | { readonly pathname: string };

/**
 * Decide for a canonical host and a path. The path is only read when a matching host
 * has path rules (most hosts have none, and URL.pathname is not free).
 */
export function decideHost(compiled: CompiledPolicy, host: string, path: PathSource): Decision {
  const { table } = compiled;
  if (isIpHost(host)) return matchEntry(lookup(table, suffixHash(host), host, 0), path) ?? compiled.fallback;
  // Walk suffixes from the last label leftwards, remembering those that carry a
  // decision; the deepest one that matches (path rules included) wins.
  let matched: HostEntry[] | undefined;
  let only: HostEntry | undefined;
  let h = FNV_OFFSET;
  for (let i = host.length - 1; ; i--) {
    const c = i < 0 ? 46 : host.charCodeAt(i);
    if (c === 46 /* . */) {
      const entry = lookup(table, h, host, i + 1);
      if (!entry) break;
      if (entry.bare || entry.paths) {
        if (only) (matched ??= [only]).push(entry);
        else only = entry;
      }
      if (i < 0 || !entry.deeper) break;
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
