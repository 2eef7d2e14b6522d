/**
 * Where patient data is checked (docs/data-protection.md, "Where"): pages of the catalog's
 * consumer services that a person reached (after a warning or because the policy allows them),
 * and the web clients of meetings the meeting-link check finds unsanctioned. Nowhere else:
 * the EHR, the organisation's sanctioned platforms and every unlisted site get no content
 * script and no listener at all.
 *
 * Consumer services are recognised by the catalog's host patterns whatever the policy decided
 * for them (a rule that allows WhatsApp still lets patient data land in WhatsApp); only a
 * host the organisation sanctioned (`sanctionedPlatforms`, or a platform listed in
 * `meetings.sanctioned`) is left out. Meetings are judged per URL by the meeting-link
 * analysis, so an unsanctioned account on a sanctioned platform (another Zoom account) is
 * checked while the organisation's own is not.
 */
import { CATALOG, catalogPatterns } from '../catalog.ts';
import { canonicalHost, hostUnder, isIpHost, pathUnder } from '../hosts.ts';
import { analyseLink, type FindingCode, type Platform } from '../meetings/analyse.ts';
import { sanctionedCaptureSites } from '../media/sites.ts';
import type { Policy } from '../policy/schema.ts';

export type DataScope = { kind: 'consumer'; service: string; name: string; host: string } | { kind: 'meeting'; platform: Platform; host: string };

/** Findings that make a meeting's web client a place patient data must not go unchecked. */
const UNSANCTIONED: readonly FindingCode[] = ['unsanctioned-platform', 'unsanctioned-tenant', 'consumer-platform'];

/**
 * The hosts of the organisation's own platforms: those of `sanctionedPlatforms` and the web
 * clients of the platforms listed in `meetings.sanctioned` (the same list as for the camera,
 * core/media/sites.ts; `media.allowedSites` is about capture only and does not count here).
 */
export function sanctionedHosts(policy: Policy): string[] {
  return sanctionedCaptureSites(policy)
    .filter((s) => s.from !== 'allowed')
    .map((s) => s.host);
}

function parse(url: string): { host: string; path: string } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  return { host: canonicalHost(u.hostname), path: u.pathname.toLowerCase() };
}

/** The catalog's consumer service at `url` (host on label boundaries, path on segments), unless sanctioned. */
export function consumerServiceAt(url: string, policy: Policy): { service: string; name: string; host: string } | null {
  const at = parse(url);
  if (at === null) return null;
  if (sanctionedHosts(policy).some((h) => hostUnder(at.host, h))) return null;
  for (const { service, pattern } of catalogPatterns()) {
    if (!service.category.startsWith('consumer-')) continue;
    if (hostUnder(at.host, pattern.host) && pathUnder(at.path, pattern.path)) return { service: service.id, name: service.name, host: at.host };
  }
  return null;
}

/** A meeting web client the meeting-link analysis finds unsanctioned, or null. */
export function unsanctionedMeetingAt(url: string, policy: Policy): { platform: Platform; host: string } | null {
  const at = parse(url);
  if (at === null) return null;
  const analysis = analyseLink(url, policy);
  if (analysis.platform === null || !analysis.findings.some((f) => UNSANCTIONED.includes(f.code))) return null;
  return { platform: analysis.platform, host: at.host };
}

/**
 * Whether data on the page at `url` is checked, and as what. Consumer services first (a
 * consumer meeting link on one is both). Null under `dataProtection.action: allow`.
 */
export function dataScopeAt(url: string, policy: Policy): DataScope | null {
  if (policy.dataProtection.action === 'allow') return null;
  const consumer = consumerServiceAt(url, policy);
  if (consumer) return { kind: 'consumer', ...consumer };
  const meeting = unsanctionedMeetingAt(url, policy);
  return meeting ? { kind: 'meeting', ...meeting } : null;
}

/**
 * The browser match patterns the content script is registered for: every consumer service
 * host (a blocked one never loads, so its script never runs), in two lists because Chrome
 * lets a script reach a page's about:blank and srcdoc frames only when its patterns cover
 * whole hosts (`hosts`); services known by a path (`facebook.com/messages`) are `paths`, which
 * cannot stop at a segment boundary, so the background checks the exact scope of every
 * message it answers. `excludeMatches` keeps the script off sanctioned hosts under them.
 * All empty under `dataProtection.action: allow`: no script anywhere.
 */
export function consumerMatchPatterns(policy: Policy): { hosts: string[]; paths: string[]; excludeMatches: string[] } {
  if (policy.dataProtection.action === 'allow') return { hosts: [], paths: [], excludeMatches: [] };
  const sanctioned = sanctionedHosts(policy);
  const hosts = new Set<string>();
  const paths = new Set<string>();
  const covered: string[] = [];
  for (const { service, pattern } of catalogPatterns(CATALOG)) {
    if (!service.category.startsWith('consumer-')) continue;
    if (sanctioned.some((h) => hostUnder(pattern.host, h))) continue;
    covered.push(pattern.host);
    for (const p of hostMatchPatterns(pattern.host, pattern.path)) (pattern.path ? paths : hosts).add(p);
  }
  const excludeMatches = sanctioned.filter((h) => covered.some((c) => hostUnder(h, c))).flatMap((h) => hostMatchPatterns(h));
  return { hosts: [...hosts].sort(), paths: [...paths].sort(), excludeMatches: [...new Set(excludeMatches)].sort() };
}

function hostMatchPatterns(host: string, path?: string): string[] {
  const tail = path ? `${path}*` : '/*';
  return isIpHost(host) ? [`*://${host}${tail}`] : [`*://${host}${tail}`, `*://*.${host}${tail}`];
}
