/**
 * A compiled policy as declarativeNetRequest rules, so the browser's own engine warns
 * and blocks before any request leaves (docs/policy-format.md; docs/enforcement.md, "How blocking works").
 *
 * Specificity becomes priority: a pattern with more host labels gets a higher
 * priority, and at the same host a path prefix beats the bare host and a longer prefix
 * a shorter one — exactly the classifier's order, which Chromium then applies with
 * "highest priority wins" (and, at equal priority, allow before block before redirect).
 * Hosts that share an action and a label count share one rule (`requestDomains` matches
 * a host and its subdomains on label boundaries, like a pattern), so a 5,000-rule policy
 * compiles to a few hundred rules. Path prefixes need a regex for the segment boundary.
 *
 * Every request type is covered:
 * - navigations of every frame kind (main frame, sub-frame, `<object>`/`<embed>`) to a
 *   warned or blocked URL are redirected to the extension's guard page, with the
 *   original URL after `#`;
 * - every other request to a blocked URL (fetch, XHR, WebSocket, beacon, ping, media,
 *   scripts, images, workers…) is cancelled;
 * - an allowed or warned pattern also carries a rule for the other request types, so a
 *   more specific allow or warn is not cancelled by a less specific block.
 *
 * Forms a regex cannot list are sent to the guard page, where the core decides on the
 * normalised form: a navigation whose path a server may read differently from its
 * spelling (`//messages`, `/%6Dessages`, `/messages;x`, `/messages%2Ft`) on a host with
 * path rules, and IPv4-mapped IPv6 hosts when the policy names IPv4 hosts.
 */
import type { Action } from './actions.ts';
import type { CompiledPolicy, Decision } from './classify.ts';
import { isIpHost } from './hosts.ts';

export type ResourceType =
  | 'main_frame'
  | 'sub_frame'
  | 'stylesheet'
  | 'script'
  | 'image'
  | 'font'
  | 'object'
  | 'xmlhttprequest'
  | 'ping'
  | 'csp_report'
  | 'media'
  | 'websocket'
  | 'webtransport'
  | 'webbundle'
  | 'other';

/** A request header the browser sets, replacing any value a page or lower rule gave it. */
export interface HeaderSet {
  header: string;
  operation: 'set';
  value: string;
}

export interface DnrRule {
  id: number;
  priority: number;
  action:
    | { type: 'allow' }
    | { type: 'block' }
    | { type: 'redirect'; redirect: { regexSubstitution: string } }
    | { type: 'modifyHeaders'; requestHeaders: HeaderSet[] };
  condition: {
    requestDomains?: string[];
    excludedRequestDomains?: string[];
    tabIds?: number[];
    regexFilter?: string;
    urlFilter?: string;
    isUrlFilterCaseSensitive?: boolean;
    /** Exactly one of these two is always given (with neither, Chromium skips main_frame). */
    resourceTypes?: ResourceType[];
    excludedResourceTypes?: ResourceType[];
  };
}

/** Navigations of every frame kind: these go to the guard page. */
export const NAVIGATION_TYPES: ResourceType[] = ['main_frame', 'sub_frame', 'object'];
/** Every request type that is not a navigation: `excludedResourceTypes` of the navigations. */
const OTHER_TYPES = { excludedResourceTypes: NAVIGATION_TYPES };
/** Every request type (an explicitly empty exclusion list includes main_frame). */
const ALL_TYPES = { excludedResourceTypes: [] as ResourceType[] };

/** Chromium's limits (Chromium 156; see README): checked before rules are applied. */
export const DNR_LIMITS = { dynamicRules: 30_000, unsafeDynamicRules: 5_000, regexRules: 1_000 } as const;

/**
 * The start-up hold (ruleset.ts, holdRule): below every other rule, so it stops only what
 * no rule of the last policy in force names; a session rule at the same priority lifts it
 * once the background has read the policy in force (allow beats redirect at equal priority).
 */
export const HOLD_PRIORITY = 1;
/** The policy's default action: just above the hold, below every pattern. */
export const DEFAULT_PRIORITY = 2;
/** Room per host label: path prefixes add at most this much less two. */
const LABEL_PRIORITY = 10_000;
/** Above any host or path rule (a host has at most 127 labels). */
const CATCH_PRIORITY = 200 * LABEL_PRIORITY;
/**
 * A one-time pass for exactly one URL in one tab outranks every other rule. Every priority
 * stays below 2^24: Chromium 156 ranks a rule by priority × 256 in 32 bits, so larger
 * priorities wrap round and would compare out of order (src/core/tenant-restrictions.ts).
 */
export const BYPASS_PRIORITY = 15_000_000;

/** Everything from the scheme on: the whole URL, captured for the guard page. */
export const WHOLE_URL = '^(https?://.*)$';

export function priorityOf(host: string, pathPrefix: string): number {
  const labels = isIpHost(host) ? 1 : host.split('.').length;
  // Paths are capped so a very long prefix cannot climb into the next label's range.
  return labels * LABEL_PRIORITY + (pathPrefix ? 1 + Math.min(pathPrefix.length, LABEL_PRIORITY - 3) : 0);
}

/** The priority of the rule that carries a decision (the default's rule is DEFAULT_PRIORITY). */
export function priorityOfDecision(d: Pick<Decision, 'pattern'>): number {
  if (d.pattern === null) return DEFAULT_PRIORITY;
  const slash = d.pattern.indexOf('/');
  return slash < 0 ? priorityOf(d.pattern, '') : priorityOf(d.pattern.slice(0, slash), d.pattern.slice(slash));
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A URL whose path is `prefix` or lies under it on a segment boundary; captures the whole URL.
 * WebSockets (`wss://`) too: a blocked path is cancelled for them like any other request.
 */
export function pathRegex(prefix: string): string {
  return `^((?:https?|wss?)://[^/?#]*${escapeRegex(prefix)}(?:[/?#].*)?)$`;
}

/**
 * A path a server may read differently from how it is spelt: a percent-encoded
 * unreserved character, slash or backslash, a `;` parameter, or an empty segment.
 * Clients never need to write these, so ordinary pages rarely do.
 */
export const ANOMALOUS_PATH = '^((?:https?|wss?)://[^/?#]*/(?:[^?#]*(?:%(?:[46][1-9a-f]|[57][0-9a]|3[0-9]|2[def]|5[cf]|7e)|;|//)|/).*)$';
/** An IPv4-mapped IPv6 host (`[::ffff:7f00:2]`), which reaches an IPv4 address. */
export const MAPPED_IPV4_HOST = '^((?:https?|wss?)://(?:[^/?#@]*@)?\\[::ffff:[^\\]]*\\].*)$';

export interface DnrCompileOptions {
  /** The guard page's URL, e.g. chrome-extension://<id>/guard.html */
  guardPageUrl: string;
  /** First rule id to use (ids are 1-based). */
  firstId?: number;
  /** Extra rules after the policy's own (the meeting-link gate), given their first id. */
  extra?: (firstId: number) => DnrRule[];
}

export function toGuard(guardPageUrl: string): DnrRule['action'] {
  // `\1` is the whole original URL; the page reads it after '#' (never sent anywhere).
  return { type: 'redirect', redirect: { regexSubstitution: `${guardPageUrl}#\\1` } };
}

export function compileDnrRules(compiled: CompiledPolicy, options: DnrCompileOptions): DnrRule[] {
  const hostGroups = new Map<string, { action: Action; priority: number; hosts: string[] }>();
  const pathGroups = new Map<string, { action: Action; priority: number; prefix: string; hosts: string[] }>();
  /** Hosts with path rules, by label priority: where anomalous paths are sent to the core. */
  const pathHosts = new Map<number, { hosts: Set<string>; block: Set<string> }>();
  const add = (host: string, prefix: string, d: Decision) => {
    const priority = priorityOf(host, prefix);
    if (prefix === '') {
      const key = `${d.action} ${priority}`;
      let g = hostGroups.get(key);
      if (!g) hostGroups.set(key, (g = { action: d.action, priority, hosts: [] }));
      g.hosts.push(host);
    } else {
      const key = `${d.action} ${priority} ${prefix}`;
      let g = pathGroups.get(key);
      if (!g) pathGroups.set(key, (g = { action: d.action, priority, prefix, hosts: [] }));
      g.hosts.push(host);
      const base = priorityOf(host, '');
      let ph = pathHosts.get(base);
      if (!ph) pathHosts.set(base, (ph = { hosts: new Set(), block: new Set() }));
      ph.hosts.add(host);
      if (d.action === 'block') ph.block.add(host);
    }
  };
  // Built anew on each read (classify.ts keeps no object per rule): read once.
  const patterns = compiled.patterns;
  for (const p of patterns) {
    if (p.bare) add(p.host, '', p.bare);
    for (const { prefix, decision } of p.paths ?? []) add(p.host, prefix, decision);
  }

  const defaultAction = compiled.policy.defaultAction;
  const guards = (d: Decision | undefined) => d !== undefined && d.action !== 'allow';
  const anyGuard = defaultAction !== 'allow' || patterns.some((p) => guards(p.bare) || p.paths?.some((x) => guards(x.decision)));
  const blocks = (d: Decision | undefined) => d !== undefined && d.action === 'block';
  const anyBlock = defaultAction === 'block' || patterns.some((p) => blocks(p.bare) || p.paths?.some((x) => blocks(x.decision)));
  const rules: DnrRule[] = [];
  let id = options.firstId ?? 1;
  // With nothing to warn about or block, allow rules would only cost matching time.
  if (!anyGuard) return options.extra?.(id) ?? [];

  const guard = toGuard(options.guardPageUrl);
  /**
   * The rules for one group: navigations go to the guard page (warn, block) or through
   * (allow); other requests are cancelled (block) or let through (allow, warn — needed
   * only where some less specific pattern could cancel them).
   */
  const emit = (action: Action, priority: number, condition: Omit<DnrRule['condition'], 'resourceTypes' | 'excludedResourceTypes'>) => {
    if (action === 'allow') {
      rules.push({ id: id++, priority, action: { type: 'allow' }, condition: { ...condition, ...ALL_TYPES } });
      return;
    }
    rules.push({ id: id++, priority, action: guard, condition: { ...condition, regexFilter: condition.regexFilter ?? WHOLE_URL, resourceTypes: NAVIGATION_TYPES } });
    if (action === 'block') rules.push({ id: id++, priority, action: { type: 'block' }, condition: { ...condition, ...OTHER_TYPES } });
    else if (anyBlock) rules.push({ id: id++, priority, action: { type: 'allow' }, condition: { ...condition, ...OTHER_TYPES } });
  };

  const sortHosts = (hosts: Iterable<string>) => [...hosts].sort();
  for (const g of [...hostGroups.values()].sort((a, b) => a.priority - b.priority || a.action.localeCompare(b.action))) {
    emit(g.action, g.priority, { requestDomains: sortHosts(g.hosts) });
  }
  for (const g of [...pathGroups.values()].sort((a, b) => a.priority - b.priority || a.prefix.localeCompare(b.prefix) || a.action.localeCompare(b.action))) {
    emit(g.action, g.priority, { requestDomains: sortHosts(g.hosts), regexFilter: pathRegex(g.prefix), isUrlFilterCaseSensitive: false });
  }
  // Just above every path rule of these hosts, below any more specific host's rules.
  for (const [base, { hosts, block }] of [...pathHosts].sort((a, b) => a[0] - b[0])) {
    const priority = base + LABEL_PRIORITY - 1;
    rules.push({ id: id++, priority, action: guard, condition: { requestDomains: sortHosts(hosts), regexFilter: ANOMALOUS_PATH, isUrlFilterCaseSensitive: false, resourceTypes: NAVIGATION_TYPES } });
    if (block.size > 0) {
      rules.push({ id: id++, priority, action: { type: 'block' }, condition: { requestDomains: sortHosts(block), regexFilter: ANOMALOUS_PATH, isUrlFilterCaseSensitive: false, ...OTHER_TYPES } });
    }
  }
  const ipv4 = patterns.filter((p) => isIpHost(p.host) && !p.host.startsWith('['));
  if (ipv4.length > 0) {
    rules.push({ id: id++, priority: CATCH_PRIORITY, action: guard, condition: { regexFilter: MAPPED_IPV4_HOST, resourceTypes: NAVIGATION_TYPES } });
    if (ipv4.some((p) => blocks(p.bare) || p.paths?.some((x) => blocks(x.decision)))) {
      rules.push({ id: id++, priority: CATCH_PRIORITY, action: { type: 'block' }, condition: { regexFilter: MAPPED_IPV4_HOST, ...OTHER_TYPES } });
    }
  }
  if (defaultAction !== 'allow') {
    // Below every pattern: whatever no pattern names.
    emit(defaultAction, DEFAULT_PRIORITY, {});
  }
  if (options.extra) rules.push(...options.extra(id));
  return rules;
}

export interface RuleCounts {
  total: number;
  unsafe: number;
  regex: number;
}

/** Chromium counts redirects and header changes as "unsafe" rules, with a lower limit. */
const UNSAFE_ACTIONS: ReadonlySet<DnrRule['action']['type']> = new Set(['redirect', 'modifyHeaders']);

export function countRules(rules: readonly DnrRule[]): RuleCounts {
  return {
    total: rules.length,
    unsafe: rules.filter((r) => UNSAFE_ACTIONS.has(r.action.type)).length,
    regex: rules.filter((r) => r.condition.regexFilter !== undefined).length,
  };
}

/** Problems with the browser's limits, in words for the options page; empty when within them. */
export function checkLimits(rules: readonly DnrRule[]): string[] {
  const c = countRules(rules);
  const problems: string[] = [];
  if (c.total > DNR_LIMITS.dynamicRules) problems.push(`${c.total} rules exceed the browser's limit of ${DNR_LIMITS.dynamicRules}`);
  if (c.unsafe > DNR_LIMITS.unsafeDynamicRules) problems.push(`${c.unsafe} redirect and header rules exceed the browser's limit of ${DNR_LIMITS.unsafeDynamicRules}`);
  if (c.regex > DNR_LIMITS.regexRules) problems.push(`${c.regex} path rules exceed the browser's limit of ${DNR_LIMITS.regexRules} regular expressions`);
  return problems;
}

/**
 * "Continue to site": exactly the warned origin — its scheme, host (not its subdomains) and
 * port — and, when a path rule decided, only that path, at the priority of the rule that
 * warned. Allow beats redirect at equal priority, so it lifts that warning; any more specific
 * rule (a blocked subdomain or path) has a higher priority and still wins. The browser writes
 * a default port never (https://x:443/ is https://x/), so the origin is matched as written.
 */
export function allowanceRule(id: number, allowance: { origin: string; host: string; path: string; priority: number }): DnrRule {
  const path = allowance.path ? `${escapeRegex(allowance.path)}(?:[/?#].*)?` : '(?:[/?#].*)?';
  return {
    id,
    priority: allowance.priority,
    action: { type: 'allow' },
    condition: {
      requestDomains: [allowance.host],
      regexFilter: `^${escapeRegex(allowance.origin)}${path}$`,
      isUrlFilterCaseSensitive: false,
      resourceTypes: NAVIGATION_TYPES,
    },
  };
}

/**
 * A one-time pass: exactly this URL, in this tab's main frame, once (removed when that
 * navigation commits). For a URL the core has let through that one of the catch rules
 * (the meeting-link gate, an anomalous path) sent to the guard page. `urlFilter` with
 * both ends anchored is an exact match, unless the URL holds one of its wildcard
 * characters; then a literal regex (rare, and small enough for the regex engine's limit
 * up to a few hundred characters).
 */
export function passRule(id: number, tabId: number, url: string): DnrRule {
  const exact = /[*^|]/.test(url) ? { regexFilter: `^${escapeRegex(url)}$`, isUrlFilterCaseSensitive: true } : { urlFilter: `|${url}|`, isUrlFilterCaseSensitive: true };
  return { id, priority: BYPASS_PRIORITY, action: { type: 'allow' }, condition: { tabIds: [tabId], ...exact, resourceTypes: ['main_frame'] } };
}

/**
 * A frame's one-time pass: exactly this URL, as a frame in this tab, once (removed when a
 * frame commits it). For an embedded meeting the gate sent to the guard page and the core
 * let through.
 */
export function framePassRule(id: number, tabId: number, url: string): DnrRule {
  const rule = passRule(id, tabId, url);
  return { ...rule, condition: { ...rule.condition, resourceTypes: ['sub_frame', 'object'] } };
}
