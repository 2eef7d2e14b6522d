/**
 * `meetings.scanPages` as the browser's match patterns, so the annotating content script
 * is registered for exactly those hosts and no other page gets any script at all. A
 * match pattern cannot express a segment boundary, so a path prefix is matched broadly
 * here and the script checks `pageIsScanned` before doing anything.
 */
import { canonicalHost, hostUnder, isIpHost, parseHostPattern, pathUnder } from '../hosts.ts';

export function scanPageMatchPatterns(scanPages: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of scanPages) {
    const r = parseHostPattern(raw);
    if (!r.ok) continue;
    const { host, path } = r.pattern;
    const tail = path ? `${path}*` : '/*';
    out.add(`*://${host}${tail}`);
    if (!isIpHost(host)) out.add(`*://*.${host}${tail}`);
  }
  return [...out].sort();
}

/** True when `url` lies under one of the patterns (host on label, path on segment boundaries). */
export function pageIsScanned(url: string, scanPages: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const host = canonicalHost(u.hostname);
  const path = u.pathname.toLowerCase();
  return scanPages.some((raw) => {
    const r = parseHostPattern(raw);
    return r.ok && hostUnder(host, r.pattern.host) && pathUnder(path, r.pattern.path);
  });
}
