/**
 * Drills (docs/awareness.md): IT lists the hosts and paths of its own simulated meeting
 * invitations (`awareness.drills`, host patterns as in rules). Opening one leads to a short,
 * calm lesson page and records `training.drill` (name = the drill's name), once per opening.
 * The browser's rules send a drill link's main-frame navigation to the guard page before any
 * request leaves; the core recognises it there.
 */
import type { CompiledPolicy } from '../classify.ts';
import { BYPASS_PRIORITY, pathRegex, type DnrRule } from '../dnr.ts';
import { canonicalHost, isIpHost, normalisePath, parseHostPattern, pathUnder } from '../hosts.ts';
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

/**
 * The drills compiled once per policy (with the rest of it: `CompiledPolicy.drills`), so a
 * navigation is a look-up: each pattern's canonical host to its drills, the longest path
 * first (among equal ones, the first listed).
 */
export interface DrillIndex {
  readonly byHost: ReadonlyMap<string, ReadonlyArray<{ readonly path: string; readonly drill: Drill }>>;
}

const NO_DRILLS: DrillIndex = { byHost: new Map() };

export function compileDrills(policy: Policy): DrillIndex {
  if (policy.awareness.drills.length === 0) return NO_DRILLS;
  const byHost = new Map<string, Array<{ path: string; drill: Drill }>>();
  for (const d of policy.awareness.drills) {
    const p = parseHostPattern(d.match);
    // The schema has rejected bad patterns already; one that slips through names no drill.
    if (!p.ok) continue;
    let list = byHost.get(p.pattern.host);
    if (!list) byHost.set(p.pattern.host, (list = []));
    list.push({ path: p.pattern.path, drill: { name: d.name, match: d.match } });
  }
  // Stable: equal paths keep the policy's order.
  for (const list of byHost.values()) list.sort((a, b) => b.path.length - a.path.length);
  return { byHost };
}

/**
 * The drill at a canonical host (classifyUrl's `host`) and a path, read only when a drill
 * on this host has one. The most specific pattern wins: the longest host (the URL's own,
 * then each parent), then the longest path. IP literals match exactly.
 */
export function drillAt(index: DrillIndex, host: string, pathname: () => string): Drill | null {
  const { byHost } = index;
  if (byHost.size === 0) return null;
  let path: string | undefined;
  const exact = isIpHost(host);
  for (let from = 0; ; ) {
    const list = byHost.get(from === 0 ? host : host.slice(from));
    if (list) {
      for (const { path: prefix, drill } of list) {
        // Matched as a server reads the path, so `/%69nvite` is `/invite`.
        if (prefix === '' || pathUnder((path ??= normalisePath(pathname())), prefix)) return drill;
      }
    }
    const dot = exact ? -1 : host.indexOf('.', from);
    if (dot < 0) return null;
    from = dot + 1;
  }
}

/**
 * The drill a web URL opens, or null. The most specific pattern wins (the longest host, then
 * path). Given a bare policy (tests, a one-off check) it compiles the drills for this one
 * call; navigations go through the compiled policy (guard.ts: drillAt).
 */
export function drillFor(url: string, from: Policy | CompiledPolicy): Drill | null {
  const index = 'table' in from ? from.drills : compileDrills(from);
  if (index.byHost.size === 0) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  return drillAt(index, canonicalHost(u.hostname), () => u.pathname);
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
