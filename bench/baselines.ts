/**
 * Baselines the classifier is measured against in the same run (issue 14):
 * - `new URL()` alone: the floor every classifier pays;
 * - the simplest correct classifier: a Map from pattern host to its decisions, walked from
 *   the URL's full host to each parent ("a.b.com", "b.com", "com"), first match wins;
 * - a real peer: `@ghostery/adblocker` (Ghostery's engine, used by its browser extensions),
 *   with each pattern as a `||host^$document` (or `@@` for allow) network filter and each
 *   URL built into a main-frame request as a browser would.
 */
import { FiltersEngine, Request } from '@ghostery/adblocker';
import type { CompiledPolicy, Decision } from '../src/core/classify.ts';
import { canonicalHost } from '../src/core/hosts.ts';

type Entry = { bare?: Decision; paths?: ReadonlyArray<{ prefix: string; decision: Decision }> };

/** The Map walk: about twenty lines, no hashing of its own, no table. */
export function mapWalkClassifier(compiled: CompiledPolicy): (url: string) => Decision {
  const hosts = new Map<string, Entry>(compiled.patterns.map((p) => [p.host, p]));
  const match = (e: Entry | undefined, path: () => string): Decision | undefined => {
    if (!e) return undefined;
    if (e.paths) {
      const p = path().toLowerCase();
      for (const { prefix, decision } of e.paths) if (p.startsWith(prefix) && (p.length === prefix.length || p[prefix.length] === '/')) return decision;
    }
    return e.bare;
  };
  return (input) => {
    const url = new URL(input);
    const host = canonicalHost(url.hostname);
    for (let from = 0; ; ) {
      const d = match(hosts.get(from === 0 ? host : host.slice(from)), () => url.pathname);
      if (d) return d;
      const dot = host.indexOf('.', from);
      if (dot < 0) return compiled.fallback;
      from = dot + 1;
    }
  };
}

/** Ghostery's engine over the same patterns: blocks what the policy warns about or blocks, excepts what it allows. */
export function ghosteryEngine(compiled: CompiledPolicy): FiltersEngine {
  const lines: string[] = [];
  const add = (pattern: string, d: Decision) => lines.push(`${d.action === 'allow' ? '@@' : ''}||${pattern}^$document`);
  for (const p of compiled.patterns) {
    if (p.bare) add(p.host, p.bare);
    for (const { prefix, decision } of p.paths ?? []) add(p.host + prefix, decision);
  }
  return FiltersEngine.parse(lines.join('\n'), { loadNetworkFilters: true, loadCosmeticFilters: false, enableOptimizations: true });
}

export function ghosteryRequest(url: string): Request {
  return Request.fromRawDetails({ url, type: 'main_frame' });
}

/** Whether Ghostery stops the request (a match that no exception lifts). */
export function ghosteryStops(engine: FiltersEngine, request: Request): boolean {
  const r = engine.match(request);
  return r.match && r.exception === undefined;
}
