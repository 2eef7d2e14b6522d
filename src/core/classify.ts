/**
 * Compile a policy once into lookup structures, then classify URLs with a few map
 * look-ups (policy-v1.md, "Host patterns and which rule wins").
 *
 * Every pattern is keyed by its canonical host. Classifying walks the URL's host
 * from the full name down to its last label: the first host that has a matching
 * entry is the most specific match (more labels beat fewer), and within that host
 * a longer path prefix beats a shorter one, which beats the bare host. Rules and
 * catalog entries for the same pattern are merged at compile time, so the answer
 * for each key is already decided.
 */
import { stricter, type Action } from './actions.ts';
import { CATALOG, catalogPatterns, type Catalog } from './catalog.ts';
import { canonicalHost, isIpHost, parseHostPattern, type HostPattern } from './hosts.ts';
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
  bare?: Decision;
  /** Longest prefix first. */
  paths?: PathEntry[];
}

export interface CompiledPolicy {
  readonly hosts: ReadonlyMap<string, HostEntry>;
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

  const hosts = new Map<string, HostEntry>();
  for (const slot of slots.values()) {
    const decision = slot.rule ?? slot.catalog!;
    let entry = hosts.get(slot.pattern.host);
    if (!entry) hosts.set(slot.pattern.host, (entry = {}));
    if (slot.pattern.path === '') entry.bare = decision;
    else (entry.paths ??= []).push({ prefix: slot.pattern.path, decision });
  }
  for (const entry of hosts.values()) entry.paths?.sort((a, b) => b.prefix.length - a.prefix.length);

  const fallback: Decision = { action: policy.defaultAction, source: 'default', service: null, category: null, label: null, pattern: null };
  return { hosts, fallback, policy };
}

/** Non-web schemes are never classified (policy-v1.md): allow, no service. */
const UNCLASSIFIED: Decision = { action: 'allow', source: 'default', service: null, category: null, label: null, pattern: null };

/**
 * Decide for a canonical host and a pathname. `pathname` is only read when the
 * matching host has path rules.
 */
export function decideHost(compiled: CompiledPolicy, host: string, pathname: string): Decision {
  const { hosts } = compiled;
  if (isIpHost(host)) return matchEntry(hosts.get(host), pathname) ?? compiled.fallback;
  let from = 0;
  for (;;) {
    const entry = hosts.get(from === 0 ? host : host.slice(from));
    if (entry) {
      const d = matchEntry(entry, pathname);
      if (d) return d;
    }
    const dot = host.indexOf('.', from);
    if (dot < 0) return compiled.fallback;
    from = dot + 1;
  }
}

function matchEntry(entry: HostEntry | undefined, pathname: string): Decision | undefined {
  if (!entry) return undefined;
  if (entry.paths) {
    const path = pathname.toLowerCase();
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
  if (protocol !== 'https:' && protocol !== 'http:') return { url: text, host: canonicalHost(url.hostname), ...UNCLASSIFIED };
  const host = canonicalHost(url.hostname);
  return { url: text, host, ...decideHost(compiled, host, url.pathname) };
}

export function isError(r: ClassifyResult): r is { url: string; error: string } {
  return 'error' in r;
}
