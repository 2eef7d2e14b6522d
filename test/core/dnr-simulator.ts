/**
 * Chromium's declarativeNetRequest matching, reduced to what our rules use, for tests:
 * requestDomains and excludedRequestDomains on label boundaries, regexFilter (case-insensitive unless said
 * otherwise), urlFilter with both ends anchored (an exact match), resource types and
 * excluded resource types (neither: every type but main_frame), tab ids. The highest
 * rank wins (priority, then allow over block over redirect, compared the way Chromium
 * does: chromiumRank). Header rules are matched apart (simulateHeaders): they apply only
 * above the rank of a matching allow rule, and to requests that are not redirected or
 * blocked.
 */
import type { DnrRule, ResourceType } from '../../src/core/dnr.ts';
import { canonicalHost, hostUnder } from '../../src/core/hosts.ts';
import { chromiumRank } from '../../src/core/tenant-restrictions.ts';

export type Outcome = { type: 'none' } | { type: 'allow' } | { type: 'block' } | { type: 'redirect'; to: string };

const rank = (r: DnrRule) => chromiumRank(r.priority, r.action.type);

function typeMatches(r: DnrRule, type: ResourceType): boolean {
  const { resourceTypes, excludedResourceTypes } = r.condition;
  if (resourceTypes) return resourceTypes.includes(type);
  if (excludedResourceTypes) return !excludedResourceTypes.includes(type);
  return type !== 'main_frame';
}

function urlFilterMatches(filter: string, url: string): boolean {
  if (!filter.startsWith('|') || !filter.endsWith('|')) throw new Error(`simulator: only anchored urlFilters, not ${filter}`);
  return url === filter.slice(1, -1);
}

function matching(rules: readonly DnrRule[], url: string, resourceType: ResourceType, fragment: 'drop' | 'keep', tabId?: number): { requestUrl: string; matched: DnrRule[] } {
  const u = new URL(url);
  // IPv6 literal hosts are matched by regex only; requestDomains never names them.
  const host = canonicalHost(u.hostname);
  const ipv6 = u.hostname.startsWith('[');
  // Chromium 156 matches a main-frame navigation with its fragment (tried: a regexFilter that
  // needs "#/l/meetup-join/" redirects a click on such a link, and webRequest reports it);
  // `keep` models that. Sub-resources carry none.
  const requestUrl = resourceType === 'main_frame' && fragment === 'keep' ? u.href : u.href.replace(/#.*$/, '');
  const matched = rules.filter((r) => {
    if (!typeMatches(r, resourceType)) return false;
    // Tab-scoped rules (one-time passes) match only a request from that tab.
    if (r.condition.tabIds && (tabId === undefined || !r.condition.tabIds.includes(tabId))) return false;
    if (r.condition.requestDomains && (ipv6 || !r.condition.requestDomains.some((d) => hostUnder(host, d)))) return false;
    if (r.condition.excludedRequestDomains?.some((d) => hostUnder(host, d))) return false;
    const flags = r.condition.isUrlFilterCaseSensitive ? '' : 'i';
    if (r.condition.regexFilter && !new RegExp(r.condition.regexFilter, flags).test(requestUrl)) return false;
    if (r.condition.urlFilter && !urlFilterMatches(r.condition.urlFilter, requestUrl)) return false;
    return true;
  });
  return { requestUrl, matched };
}

export function simulateDnr(rules: readonly DnrRule[], url: string, resourceType: ResourceType = 'main_frame', fragment: 'drop' | 'keep' = 'drop', tabId?: number): Outcome {
  const { requestUrl, matched } = matching(rules, url, resourceType, fragment, tabId);
  let best: DnrRule | undefined;
  for (const r of matched) {
    if (r.action.type === 'modifyHeaders') continue;
    if (!best || rank(r) > rank(best)) best = r;
  }
  if (!best) return { type: 'none' };
  if (best.action.type === 'allow' || best.action.type === 'block') return { type: best.action.type };
  if (best.action.type !== 'redirect') throw new Error(`simulator: ${best.action.type} not modelled`);
  const m = new RegExp(best.condition.regexFilter!, best.condition.isUrlFilterCaseSensitive ? '' : 'i').exec(requestUrl)!;
  return { type: 'redirect', to: best.action.redirect.regexSubstitution.replace(/\\(\d)/g, (_: string, n: string) => m[Number(n)] ?? '') };
}

/**
 * The request headers a request leaves with (names lower-cased), given those the page
 * set; null when a rule redirects or blocks it instead. Only header rules above the
 * highest matching allow rule apply; of those, the highest-priority `set` of a header wins.
 */
export function simulateHeaders(rules: readonly DnrRule[], url: string, resourceType: ResourceType, pageHeaders: Record<string, string> = {}, tabId?: number): Record<string, string> | null {
  const outcome = simulateDnr(rules, url, resourceType, 'drop', tabId);
  if (outcome.type === 'redirect' || outcome.type === 'block') return null;
  const { matched } = matching(rules, url, resourceType, 'drop', tabId);
  const allowFloor = Math.max(-1, ...matched.filter((r) => r.action.type === 'allow').map(rank));
  const headers = Object.fromEntries(Object.entries(pageHeaders).map(([k, v]) => [k.toLowerCase(), v]));
  const setByRule = new Set<string>();
  for (const r of [...matched].sort((a, b) => rank(b) - rank(a))) {
    if (r.action.type !== 'modifyHeaders' || rank(r) <= allowFloor) continue;
    for (const h of r.action.requestHeaders) {
      const name = h.header.toLowerCase();
      if (setByRule.has(name)) continue;
      headers[name] = h.value;
      setByRule.add(name);
    }
  }
  return headers;
}
