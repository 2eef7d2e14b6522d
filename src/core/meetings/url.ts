/**
 * Reading URLs for the meeting-link parsers: always the WHATWG parser's host (lower case,
 * punycode, escapes decoded, user info and port removed, one trailing dot dropped), with
 * label-boundary subdomain checks, never a regex over the raw text.
 */
import { canonicalHost, hostUnder, isIpHost } from '../hosts.ts';

export function tryParse(input: string, base?: string): URL | null {
  try {
    return base === undefined ? new URL(input) : new URL(input, base);
  } catch {
    return null;
  }
}

/** App schemes that carry the same meeting as an https link on the platform's own host. */
export const ZOOM_APP_SCHEMES: ReadonlySet<string> = new Set(['zoommtg:', 'zoomus:', 'zoomgovmtg:']);
export const TEAMS_APP_SCHEME = 'msteams:';

/** The URL's host in canonical form, for http(s) and the app schemes; else null. */
export function hostOf(url: URL): string | null {
  let host: string;
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    host = canonicalHost(url.hostname);
  } else if (ZOOM_APP_SCHEMES.has(url.protocol) || url.protocol === TEAMS_APP_SCHEME) {
    // Non-special schemes keep an opaque host (case and escapes as written): canonicalise it
    // the way a special scheme would, so the same rules apply.
    if (url.hostname === '') return null;
    const reparsed = tryParse(`https://${url.hostname}/`);
    if (reparsed === null) return null;
    host = canonicalHost(reparsed.hostname);
  } else {
    return null;
  }
  if (host === '' || isIpHost(host)) return null;
  return host;
}

export function under(host: string, bases: readonly string[]): boolean {
  return bases.some((b) => hostUnder(host, b));
}

export function segmentsOf(pathname: string): string[] {
  return pathname.split('/').filter((s) => s !== '');
}

/** A query parameter, its name compared case-insensitively; first occurrence wins. */
export function param(url: URL, name: string): string | null {
  for (const [k, v] of url.searchParams) {
    if (k.toLowerCase() === name) return v;
  }
  return null;
}

export function hasValue(v: string | null): boolean {
  return v !== null && v.trim() !== '';
}

/** A single label directly under `base` (`examplehealth` for `examplehealth.zoom.us`), else null. */
export function labelUnder(host: string, base: string): string | null {
  if (host === base || !hostUnder(host, base)) return null;
  const sub = host.slice(0, host.length - base.length - 1);
  return sub.includes('.') ? null : sub;
}

export const DIGITS = /^\d+$/;
