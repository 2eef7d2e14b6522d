/**
 * A compiled policy as declarativeNetRequest rules, so the browser's own engine warns
 * and blocks before any request leaves (policy-v1.md; issue "Enforce the policy").
 *
 * Specificity becomes priority: a pattern with more host labels gets a higher
 * priority, and at the same host a path prefix beats the bare host and a longer prefix
 * a shorter one — exactly the classifier's order, which Chromium then applies with
 * "highest priority wins". Hosts that share an action and a label count share one rule
 * (`requestDomains` matches a host and its subdomains on label boundaries, like a
 * pattern), so a 5,000-rule policy compiles to a handful of rules. Path prefixes need a
 * regex for the segment boundary; hosts sharing an action, label count and path share one.
 *
 * Warn and block redirect main frames and sub-frames to the extension's guard page with
 * the original URL after `#`, so the page can name the host and, on "Continue", go on.
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
    | { type: 'redirect'; redirect: { regexSubstitution: string } }
    | { type: 'modifyHeaders'; requestHeaders: HeaderSet[] };
  condition: {
    requestDomains?: string[];
    tabIds?: number[];
    regexFilter?: string;
    isUrlFilterCaseSensitive?: boolean;
    resourceTypes: ResourceType[];
  };
}

export const GUARDED_RESOURCE_TYPES: ResourceType[] = ['main_frame', 'sub_frame'];

/** Chromium's limits (Chromium 156; see README): checked before rules are applied. */
export const DNR_LIMITS = { dynamicRules: 30_000, unsafeDynamicRules: 5_000, regexRules: 1_000 } as const;

/** Room per host label: path prefixes add at most this much less one. */
const LABEL_PRIORITY = 10_000;
/** A temporary "continue to site" allowance outranks every policy rule. */
export const BYPASS_PRIORITY = 1_000_000_000;

/** Everything from the scheme on: the whole URL, captured for the guard page. */
const WHOLE_URL = '^(https?://.*)$';

export function priorityOf(host: string, pathPrefix: string): number {
  const labels = isIpHost(host) ? 1 : host.split('.').length;
  // Paths are capped so a very long prefix cannot climb into the next label's range.
  return labels * LABEL_PRIORITY + (pathPrefix ? 1 + Math.min(pathPrefix.length, LABEL_PRIORITY - 2) : 0);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A URL whose path is `prefix` or lies under it on a segment boundary; captures the whole URL. */
export function pathRegex(prefix: string): string {
  return `^(https?://[^/?#]*${escapeRegex(prefix)}(?:[/?#].*)?)$`;
}

export interface DnrCompileOptions {
  /** The guard page's URL, e.g. chrome-extension://<id>/guard.html */
  guardPageUrl: string;
  /** First rule id to use (ids are 1-based). */
  firstId?: number;
  /** Extra rules after the policy's own (the meeting-link gate), given their first id. */
  extra?: (firstId: number) => DnrRule[];
}

function actionFor(decisionAction: Action, guardPageUrl: string): DnrRule['action'] | null {
  if (decisionAction === 'allow') return { type: 'allow' };
  // `\1` is the whole original URL; the page reads it after '#' (never sent anywhere).
  return { type: 'redirect', redirect: { regexSubstitution: `${guardPageUrl}#\\1` } };
}

export function compileDnrRules(compiled: CompiledPolicy, options: DnrCompileOptions): DnrRule[] {
  const hostGroups = new Map<string, { action: Action; priority: number; hosts: string[] }>();
  const pathGroups = new Map<string, { action: Action; priority: number; prefix: string; hosts: string[] }>();
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
    }
  };
  for (const p of compiled.patterns) {
    if (p.bare) add(p.host, '', p.bare);
    for (const { prefix, decision } of p.paths ?? []) add(p.host, prefix, decision);
  }

  const defaultAction = compiled.policy.defaultAction;
  const guards = (d: Decision | undefined) => d !== undefined && d.action !== 'allow';
  const anyGuard = defaultAction !== 'allow' || compiled.patterns.some((p) => guards(p.bare) || p.paths?.some((x) => guards(x.decision)));
  const rules: DnrRule[] = [];
  let id = options.firstId ?? 1;
  // With nothing to warn about or block, allow rules would only cost matching time.
  if (!anyGuard) return options.extra?.(id) ?? [];

  const sortHosts = (hosts: string[]) => [...hosts].sort();
  for (const g of [...hostGroups.values()].sort((a, b) => a.priority - b.priority || a.action.localeCompare(b.action))) {
    const action = actionFor(g.action, options.guardPageUrl)!;
    rules.push({
      id: id++,
      priority: g.priority,
      action,
      condition: {
        requestDomains: sortHosts(g.hosts),
        ...(action.type === 'redirect' ? { regexFilter: WHOLE_URL } : {}),
        resourceTypes: GUARDED_RESOURCE_TYPES,
      },
    });
  }
  for (const g of [...pathGroups.values()].sort((a, b) => a.priority - b.priority || a.prefix.localeCompare(b.prefix) || a.action.localeCompare(b.action))) {
    rules.push({
      id: id++,
      priority: g.priority,
      action: actionFor(g.action, options.guardPageUrl)!,
      condition: { requestDomains: sortHosts(g.hosts), regexFilter: pathRegex(g.prefix), isUrlFilterCaseSensitive: false, resourceTypes: GUARDED_RESOURCE_TYPES },
    });
  }
  if (defaultAction !== 'allow') {
    // Lowest priority: whatever no pattern names.
    rules.push({ id: id++, priority: 1, action: actionFor(defaultAction, options.guardPageUrl)!, condition: { regexFilter: WHOLE_URL, resourceTypes: GUARDED_RESOURCE_TYPES } });
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

/** The temporary allowance added when a user continues past a warning. */
export function bypassRule(id: number, host: string): DnrRule {
  return { id, priority: BYPASS_PRIORITY, action: { type: 'allow' }, condition: { requestDomains: [host], resourceTypes: GUARDED_RESOURCE_TYPES } };
}
