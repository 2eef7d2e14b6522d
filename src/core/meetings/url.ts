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

/**
 * A query parameter as a server may read it (docs/meeting-links.md, "Every spelling"): its
 * name compared case-insensitively after percent-decoding, as often as it is encoded
 * (`zak`, `z%61k`, `z%2561k`), with `&` or `;` between parameters; the value decoded once, as
 * the server would. First occurrence wins. The meeting gate (gate.ts) stops the same
 * spellings before the request, so what it sends to the guard page is judged by the same
 * reading here.
 */
export function param(url: URL, name: string): string | null {
  for (const part of url.search.slice(1).split(/[&;]/)) {
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    if (decodeFully(rawName).toLowerCase() !== name) continue;
    return eq < 0 ? '' : decodeOnce(part.slice(eq + 1));
  }
  return null;
}

/** Form-style decoding, once: `+` is a space, a broken escape is kept as written. */
function decodeOnce(s: string): string {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus.replace(/%([0-9a-f]{2})/gi, (m, h: string) => {
      const c = parseInt(h, 16);
      return c < 0x80 ? String.fromCharCode(c) : m;
    });
  }
}

/** Decoded until no escape is left (at most a few times: gateways encode twice, rarely more). */
export function decodeFully(s: string): string {
  let out = s;
  for (let i = 0; i < 4 && /%[0-9a-f]{2}/i.test(out); i++) out = decodeOnce(out);
  return out;
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
