/**
 * Drills (docs/awareness.md): IT lists the hosts and paths of its own simulated meeting
 * invitations (`awareness.drills`, host patterns as in rules). Opening one leads to a short,
 * calm lesson page and records `training.drill` (name = the drill's name), once per opening.
 * The browser's rules send a drill link's main-frame navigation to the guard page before any
 * request leaves; the core recognises it there.
 */
import { BYPASS_PRIORITY, pathRegex, type DnrRule } from '../dnr.ts';
import { hostUnder, normalisePath, parseHostPattern, pathUnder } from '../hosts.ts';
import type { Policy } from '../policy/schema.ts';

export interface Drill {
  name: string;
  /** The pattern as IT wrote it. */
  match: string;
}

/**
 * Above every other rule, the one-time pass included: a drill link is never continued to,
 * and it may well look like a meeting link or a look-alike on purpose.
 */
export const DRILL_PRIORITY = BYPASS_PRIORITY + 1;

/** The drill a web URL opens, or null. The most specific pattern wins (the longest host, then path). */
export function drillFor(url: string, policy: Policy): Drill | null {
  if (policy.awareness.drills.length === 0) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  const host = u.hostname.replace(/\.$/, '');
  let best: { drill: Drill; weight: number } | null = null;
  for (const d of policy.awareness.drills) {
    const p = parseHostPattern(d.match);
    if (!p.ok || !hostUnder(host, p.pattern.host)) continue;
    if (p.pattern.path && !pathUnder(normalisePath(u.pathname), p.pattern.path)) continue;
    const weight = p.pattern.host.length * 10_000 + p.pattern.path.length;
    if (!best || weight > best.weight) best = { drill: { name: d.name, match: d.match }, weight };
  }
  return best?.drill ?? null;
}

/** The rules that send drill links to the guard page: main frames only, one per pattern. */
export function drillRules(policy: Policy, guardPageUrl: string, firstId: number): DnrRule[] {
  const rules: DnrRule[] = [];
  for (const d of policy.awareness.drills) {
    const p = parseHostPattern(d.match);
    if (!p.ok) continue;
    rules.push({
      id: firstId + rules.length,
      priority: DRILL_PRIORITY,
      action: { type: 'redirect', redirect: { regexSubstitution: `${guardPageUrl}#\\1` } },
      condition: {
        requestDomains: [p.pattern.host],
        regexFilter: p.pattern.path ? pathRegex(p.pattern.path) : '^(https?://.*)$',
        isUrlFilterCaseSensitive: false,
        resourceTypes: ['main_frame'],
      },
    });
  }
  return rules;
}
