/**
 * Could this href be a meeting link? The cheap look the in-page annotator takes at every link
 * of a page before it asks the analyser (docs/command-line-and-pages.md, "In-page
 * annotation"), from the analyser's own tables: platform domains (types.ts), the link
 * wrappers' hosts (wrappers.ts) and the app schemes (url.ts), so a platform or wrapper added
 * there is a candidate here without a second list to keep.
 *
 * It runs on the raw `href` attribute with native regular expressions (no URL parsing, no
 * allocation for most links). It may say yes to a link that is not a meeting (a `check` call
 * wasted), never no to one that is (the property in test/core/meetings/prefilter.test.ts);
 * hrefs only the URL parser can read (relative on a meeting host, `%`-escaped or non-ASCII
 * hosts) come back RESOLVE.
 */
import { PLATFORM_DOMAINS } from './types.ts';
import { TEAMS_APP_SCHEME, ZOOM_APP_SCHEMES } from './url.ts';
import { WRAPPER_DOMAINS } from './wrappers.ts';

const escapeRe = (d: string): string => d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Platform hosts, and the link wrappers' hosts (the core's table, which the analyser unwraps). */
const MEETING_DOMAINS: ReadonlySet<string> = new Set([...Object.values(PLATFORM_DOMAINS).flat(), ...WRAPPER_DOMAINS]);
/** The app schemes the analyser reads (url.ts), without their ':'. */
const APP_SCHEMES: ReadonlySet<string> = new Set([...ZOOM_APP_SCHEMES, TEAMS_APP_SCHEME].map((s) => s.slice(0, -1)));
/**
 * The last two labels of every domain above (`zoom.us`, `microsoft.com`, `outlook.com`, …): a
 * host whose last two labels are not among them is rejected with one lookup.
 */
const LAST_TWO: ReadonlySet<string> = new Set([...MEETING_DOMAINS].map((d) => d.split('.').slice(-2).join('.')));

export const NO = 0;
export const YES = 1;
/** The string alone cannot tell (relative, or a host the URL parser would rewrite): resolve it. */
export const RESOLVE = 2;
export type Quick = typeof NO | typeof YES | typeof RESOLVE;

/**
 * One native test that accepts an http(s), scheme-relative or relative href whose host is, or is
 * under, a platform or wrapper domain (or google.com, for its /url redirect), plain ASCII.
 * Most links fail it (and ODD) and are rejected without any further work or allocation.
 */
const PLAIN = new RegExp(
  `^[\\x00-\\x20]*(?:https?:)?[/\\\\]*(?:[^/\\\\?#@]*@)?(?:[a-z0-9_-]+\\.)*(?:${[...MEETING_DOMAINS, 'google.com'].map(escapeRe).join('|')})\\.?(?::\\d*)?(?:[/\\\\?#]|$)`,
  'i',
);
/** Tabs or newlines anywhere, an app scheme, or a host with characters the parser rewrites. */
const ODD = new RegExp(
  `[\\t\\n\\r]|^[\\x00-\\x20]*(?:${[...APP_SCHEMES].map(escapeRe).join('|')}):|^[\\x00-\\x20]*(?:https?:)?[/\\\\]*[^/\\\\?#]*?[^a-z0-9.\\-:@[\\]/\\\\?#]`,
  'i',
);
const ABSOLUTE = /^[\x00-\x20]*[a-z][a-z0-9+.-]*:/i;

/** Leading spaces / C0 controls, optional scheme and ':', slashes, then the authority. */
const HEAD = /^[\x00-\x20]*(?:([a-z][a-z0-9+.-]*):)?([/\\]*)([^/\\?#]*)/i;
const HTTP = /^https?$/i;
const TAB_NL = /[\t\n\r]/;
/** Anything but a-z 0-9 . - in a lower-cased host. */
const NOT_HOST = /[^a-z0-9.-]/;

function underMeetingDomain(host: string): boolean {
  const last = host.lastIndexOf('.');
  if (last < 0) return false;
  const second = host.lastIndexOf('.', last - 1);
  if (!LAST_TWO.has(second < 0 ? host : host.slice(second + 1))) return false;
  let dot = -1;
  do {
    if (MEETING_DOMAINS.has(dot < 0 ? host : host.slice(dot + 1))) return true;
    dot = host.indexOf('.', dot + 1);
  } while (dot >= 0);
  return false;
}

/**
 * Cheap look at an href string (raw attribute or resolved URL), without the URL parser:
 * YES when its host is, or is under, a platform or wrapper domain, or it is a Zoom app scheme;
 * NO when it certainly is not a meeting link; RESOLVE when only the parser can tell (relative
 * links when `relativeMay`, hosts with characters the parser would rewrite: `%`, non-ASCII,
 * tabs). A wrapped link is a candidate: the analyser unwraps it (the same table, the same depth).
 */
export function quick(href: string, relativeMay: boolean): Quick {
  // Regular expressions rather than character loops: this runs on every link of the page while
  // the script is still cold (interpreted), and the regex engine runs natively.
  if (!PLAIN.test(href) && !ODD.test(href)) return relativeMay && !ABSOLUTE.test(href) ? RESOLVE : NO;
  if (TAB_NL.test(href)) return RESOLVE; // the URL parser drops tabs and newlines anywhere; let it
  const m = HEAD.exec(href);
  if (m === null) return NO;
  const scheme = m[1];
  if (scheme === undefined) {
    // No scheme: scheme-relative (//host/…) is read below; anything else is relative to the page.
    if ((m[2] ?? '').length < 2) return relativeMay ? RESOLVE : NO;
  } else if (!HTTP.test(scheme)) {
    return APP_SCHEMES.has(scheme.toLowerCase()) ? YES : NO;
  }
  let host = (m[3] ?? '').toLowerCase();
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  if (host.charCodeAt(0) === 91 /* [ */) return NO; // IPv6 literal
  const port = host.indexOf(':');
  if (port >= 0) host = host.slice(0, port);
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '') return NO;
  if (NOT_HOST.test(host)) return RESOLVE; // %-escapes, non-ASCII, …: only the parser can tell
  const end = m[0].length;
  const s = href;

  // Google's redirect only on its /url path; every other platform or wrapper host is a candidate
  // (the analyser unwraps wrapped links to any depth it allows and says whether a meeting is inside).
  if (host === 'google.com' || host === 'www.google.com') return s.slice(end, end + 4).toLowerCase() === '/url' ? YES : NO;
  if (!underMeetingDomain(host)) return NO;
  return YES;
}



/** The string starts with a scheme and ':' (after leading spaces), i.e. is not relative. */
export function hasScheme(s: string): boolean {
  const colon = s.indexOf(':');
  if (colon < 1) return false;
  const t = s.slice(0, colon).trim();
  return /^[a-z][a-z0-9+.-]*$/i.test(t);
}


/**
 * True when `href` (an absolute URL, as the browser's `a.href` gives it) may be a meeting link:
 * its host is, or is under, a platform or wrapper domain (for a wrapper, whatever its inner link),
 * or a Zoom or Teams app scheme. A string scan, no URL parsing; false positives
 * only cost a `check` call, and a host it cannot read (percent-escapes, non-ASCII) counts as a
 * candidate.
 */
export function mightBeMeetingLink(href: string): boolean {
  return quick(href, false) !== NO;
}
