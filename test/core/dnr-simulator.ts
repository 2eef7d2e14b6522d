/**
 * Chromium's declarativeNetRequest matching, reduced to what our rules use, for tests:
 * requestDomains on label boundaries, regexFilter (case-insensitive unless said
 * otherwise), the highest priority wins, and at equal priority allow beats redirect.
 */
import type { DnrRule } from '../../src/core/dnr.ts';
import { canonicalHost, hostUnder } from '../../src/core/hosts.ts';

export type Outcome = { type: 'none' } | { type: 'allow' } | { type: 'redirect'; to: string };

export function simulateDnr(
  rules: readonly DnrRule[],
  url: string,
  resourceType: 'main_frame' | 'sub_frame' = 'main_frame',
  fragment: 'drop' | 'keep' = 'drop',
): Outcome {
  const u = new URL(url);
  const host = canonicalHost(u.hostname);
  // Chromium 156 matches a main-frame navigation with its fragment (tried: a regexFilter that
  // needs "#/l/meetup-join/" redirects a click on such a link); `keep` models that. Sub-resources carry none.
  const requestUrl = resourceType === 'main_frame' && fragment === 'keep' ? u.href : u.href.replace(/#.*$/, '');
  let best: DnrRule | undefined;
  for (const r of rules) {
    if (!r.condition.resourceTypes.includes(resourceType)) continue;
    // Tab-scoped rules (one-time passes) never match a request from no tab.
    if (r.condition.tabIds) continue;
    if (r.condition.requestDomains && !r.condition.requestDomains.some((d) => hostUnder(host, d))) continue;
    if (r.condition.regexFilter && !new RegExp(r.condition.regexFilter, r.condition.isUrlFilterCaseSensitive ? '' : 'i').test(requestUrl)) continue;
    if (!best || r.priority > best.priority || (r.priority === best.priority && r.action.type === 'allow' && best.action.type !== 'allow')) best = r;
  }
  if (!best) return { type: 'none' };
  if (best.action.type === 'allow') return { type: 'allow' };
  const m = new RegExp(best.condition.regexFilter!, best.condition.isUrlFilterCaseSensitive ? '' : 'i').exec(requestUrl)!;
  return { type: 'redirect', to: best.action.redirect.regexSubstitution.replace(/\\(\d)/g, (_, n) => m[Number(n)] ?? '') };
}
