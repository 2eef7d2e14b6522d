/**
 * A slow, obviously correct classifier written straight from docs/policy-format.md, used only
 * to check the fast one: try every pattern, keep those that match, sort by the
 * spec's order of specificity, take the first.
 */
import { actionRank, type Action } from '../../src/core/actions.ts';
import { CATALOG } from '../../src/core/catalog.ts';
import { canonicalHost, hostUnder, normalisePath, parseHostPattern, pathUnder } from '../../src/core/hosts.ts';
import type { Policy } from '../../src/core/policy/schema.ts';

export interface RefDecision {
  action: Action;
  source: string;
  service: string | null;
  category: string | null;
  label: string | null;
}

interface Candidate extends RefDecision {
  labels: number;
  pathLength: number;
  fromRule: boolean;
}

export function referenceClassify(policy: Policy, input: string): RefDecision | 'error' {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return 'error';
  }
  const none = { service: null, category: null, label: null };
  if (url.protocol !== "http:" && url.protocol !== "https:") return { action: 'allow', source: 'default', ...none };
  const host = canonicalHost(url.hostname);
  const path = normalisePath(url.pathname);
  const candidates: Candidate[] = [];
  const consider = (raw: string, make: () => RefDecision, fromRule: boolean) => {
    const p = parseHostPattern(raw);
    if (!p.ok) throw new Error(raw);
    if (!hostUnder(host, p.pattern.host) || !pathUnder(path, p.pattern.path)) return;
    const labels = p.pattern.host.split('.').length;
    // A bare host counts as a prefix of length -1 so any path prefix beats it.
    candidates.push({ ...make(), labels, pathLength: p.pattern.path === '' ? -1 : p.pattern.path.length, fromRule });
  };
  for (const s of CATALOG.services) {
    for (const h of s.hosts) {
      consider(h, () => {
        const bySvc = policy.services[s.id];
        const byCat = policy.categories[s.category];
        return {
          action: bySvc ?? byCat ?? policy.defaultAction,
          source: bySvc ? 'service' : byCat ? 'category' : 'default',
          service: s.id,
          category: s.category,
          label: s.name,
        };
      }, false);
    }
  }
  for (const r of policy.rules) consider(r.match, () => ({ action: r.action, source: 'rule', ...none, label: r.label ?? null }), true);
  if (candidates.length === 0) return { action: policy.defaultAction, source: 'default', ...none };
  candidates.sort(
    (a, b) =>
      b.labels - a.labels ||
      b.pathLength - a.pathLength ||
      Number(b.fromRule) - Number(a.fromRule) ||
      actionRank(b.action) - actionRank(a.action),
  );
  const { action, source, service, category, label } = candidates[0]!;
  return { action, source, service, category, label };
}
