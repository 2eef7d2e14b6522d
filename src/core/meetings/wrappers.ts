/**
 * Link wrappers: mail gateways and redirectors that put a meeting link inside another link
 * (docs/meeting-links.md, "Wrapped links"). One table, used by the analyser (to unwrap), by the
 * meeting gate (to send a wrapped link to the guard page before the gateway is even asked) and
 * by the in-page annotator's prefilter (to look at wrapped links at all), so the three agree.
 *
 * Pure: no browser APIs. Each `unwrap` never throws.
 */
import { canonicalHost, hostUnder } from '../hosts.ts';
import { param, tryParse } from './url.ts';

/** How many wrappers (Safe Links inside Proofpoint inside a Google redirect, …) are peeled off at most. */
export const MAX_UNWRAP_DEPTH = 5;

export type UnwrapResult = { inner: URL } | { unresolved: true } | null;

export interface Wrapper {
  /** The wrapper's name, as the `unwrapped` message says it ("wrapped by …"). */
  name: string;
  /** Hosts the wrapper runs on: these and their subdomains (unless `exactHosts`). */
  domains: readonly string[];
  /** Only these hosts exactly (Google's redirect is on google.com and www.google.com only). */
  exactHosts?: boolean;
  /**
   * For the gate (DNR, RE2 syntax): the start of the path that marks a wrapped link, matched
   * right after the host, case-insensitively.
   */
  gatePath: string;
  /**
   * For the gate: whether the inner link shows in the wrapped link's text (percent-encoded or
   * Proofpoint-encoded, but letters intact), so the gate can look for a meeting platform's name
   * in it instead of stopping every wrapped link. False when it is hidden (base64).
   */
  innerVisible: boolean;
  /** The destination is not in the link at all (Mimecast): only following the gateway's redirect shows it. */
  opaque?: true;
  unwrap(url: URL): UnwrapResult;
}

/**
 * Parses a wrapped target, as often percent-decoded as it takes (gateways encode a wrapped link
 * once more, sometimes twice: `https%3A%2F%2F%257Aoom.us`), so the link judged is the one the
 * browser reaches after the gateway.
 */
export function parseInner(raw: string, base?: string): URL | null {
  let text = raw;
  for (let i = 0; i < 4; i++) {
    const url = tryParse(text, base);
    if (url !== null && !/%[0-9a-f]{2}/i.test(url.hostname) && !/^[a-z][a-z0-9+.-]*%3a/i.test(text)) return url;
    const next = safeDecode(text);
    if (next === text) return url;
    text = next;
  }
  return tryParse(text, base);
}

function fromParam(url: URL, names: readonly string[], base?: string): UnwrapResult {
  for (const name of names) {
    const raw = param(url, name);
    if (raw === null) continue;
    const inner = parseInner(raw, base);
    return inner === null ? null : { inner };
  }
  return null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Base64 (standard or URL-safe, padding optional; `+` may have become a space in a query) to UTF-8 text. */
export function base64Text(b64: string): string | null {
  const clean = b64.trim().replace(/ /g, '+').replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(clean) || clean.length % 4 === 1) return null;
  try {
    const binary = atob(clean + '='.repeat((4 - (clean.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Proofpoint URL Defense v2: `u=` carries the URL with `-XX` for `%XX` and `_` for `/`
 * (Proofpoint's published decoder, help.proofpoint.com "URL Decoder API").
 */
export function decodeProofpointV2(u: string): string | null {
  try {
    return decodeURIComponent(u.replace(/-/g, '%').replace(/_/g, '/'));
  } catch {
    return null;
  }
}

/** Run lengths of Proofpoint v3's `**X` tokens: A=2, B=3, … (A–Z, a–z, 0–9, -, _). */
const V3_RUNS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Proofpoint URL Defense v3: `/v3/__<url>__;<base64>!…`. The URL is written as is, except that
 * some characters were replaced by `*` (one character) or `**X` (a run of them), taken in order
 * from the base64 part.
 */
export function decodeProofpointV3(href: string): string | null {
  const m = /\/v3\/__(.+?)__;([^!]*)!/.exec(href);
  if (m === null) return null;
  const text = safeDecode(m[1]!);
  const replaced = m[2] === '' ? '' : base64Text(m[2]!);
  if (replaced === null) return null;
  const chars = Array.from(replaced);
  let at = 0;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '*') {
      out += c;
      continue;
    }
    if (text[i + 1] === '*' && i + 2 < text.length) {
      const run = V3_RUNS.indexOf(text[i + 2]!) + 2;
      if (run < 2) return null;
      out += chars.slice(at, at + run).join('');
      at += run;
      i += 2;
    } else {
      out += chars[at] ?? '';
      at++;
    }
  }
  // Newer gateways write "https:/host" with one slash.
  return out.replace(/^([a-z][a-z0-9+.-]*:\/)(?!\/)/i, '$1/');
}

export const WRAPPERS: readonly Wrapper[] = [
  {
    name: 'Outlook Safe Links',
    domains: ['safelinks.protection.outlook.com', 'safelinks.protection.office365.us'],
    gatePath: '/',
    innerVisible: true,
    unwrap: (url) => fromParam(url, ['url']),
  },
  {
    name: 'a Google redirect',
    domains: ['google.com', 'www.google.com'],
    exactHosts: true,
    gatePath: '/url\\?',
    innerVisible: true,
    unwrap: (url) => (url.pathname.toLowerCase() === '/url' ? fromParam(url, ['q', 'url']) : null),
  },
  {
    name: 'the Teams launcher',
    domains: ['teams.microsoft.com', 'teams.microsoft.us', 'teams.cloud.microsoft', 'teams.live.com'],
    gatePath: '/dl/launcher/',
    innerVisible: false, // its url= is usually a relative path (/_#/l/meetup-join/…): always gated
    // The launcher's url= is usually a path on the same Teams host.
    unwrap: (url) => (url.pathname.toLowerCase() === '/dl/launcher/launcher.html' ? fromParam(url, ['url'], url.href) : null),
  },
  {
    name: 'Proofpoint URL Defense',
    domains: ['urldefense.proofpoint.com', 'urldefense.com', 'urldefense.us'],
    gatePath: '/v[123]/',
    innerVisible: true,
    unwrap: (url) => {
      const path = url.pathname.toLowerCase();
      if (path.startsWith('/v3/__')) {
        const raw = decodeProofpointV3(url.href);
        const inner = raw === null ? null : parseInner(raw);
        return inner === null ? null : { inner };
      }
      if (path === '/v2/url') {
        const u = param(url, 'u');
        const raw = u === null ? null : decodeProofpointV2(u);
        const inner = raw === null ? null : parseInner(raw);
        return inner === null ? null : { inner };
      }
      if (path === '/v1/url') return fromParam(url, ['u']);
      return null;
    },
  },
  {
    name: 'Barracuda Link Protection',
    domains: ['linkprotect.cudasvc.com'],
    gatePath: '/',
    innerVisible: true,
    unwrap: (url) => fromParam(url, ['a']),
  },
  {
    name: 'Trend Micro Click-Time Protection',
    domains: ['trendmicro.com'],
    gatePath: '/wis/clicktime/',
    innerVisible: true,
    unwrap: (url) => (url.pathname.toLowerCase().startsWith('/wis/clicktime/') ? fromParam(url, ['url']) : null),
  },
  {
    name: 'Sophos Time-of-Click',
    domains: ['protection.sophos.com'],
    gatePath: '/',
    innerVisible: false, // base64
    unwrap: (url) => {
      const u = param(url, 'u');
      const raw = u === null ? null : base64Text(u);
      const inner = raw === null ? null : tryParse(raw);
      return inner === null ? null : { inner };
    },
  },
  {
    name: 'Mimecast URL Protect',
    domains: ['mimecast.com'],
    gatePath: '/s/',
    innerVisible: false,
    opaque: true,
    // The destination is kept by Mimecast; only opening the link (its redirect) shows it.
    unwrap: (url) => (/^\/s\/[^/]+/i.test(url.pathname) ? { unresolved: true } : null),
  },
];

/** The wrapper whose host this is, if any (the URL's shape is checked by its `unwrap`). */
export function wrapperFor(host: string): Wrapper | undefined {
  return WRAPPERS.find((w) => (w.exactHosts ? w.domains.includes(host) : w.domains.some((d) => hostUnder(host, d))));
}

/**
 * Every host that, with its subdomains, may carry a wrapped link: for prefilters. Google's
 * redirect (only on google.com and www.google.com, only at /url) is left to the caller, so that
 * the rest of Google does not count.
 */
export const WRAPPER_DOMAINS: readonly string[] = [...new Set(WRAPPERS.filter((w) => w.exactHosts !== true).flatMap((w) => w.domains))];

export type UnwrapStep = { inner: URL; wrapper: string } | { unresolved: true; wrapper: string } | null;

export function unwrapOnce(url: URL): UnwrapStep {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const w = wrapperFor(canonicalHost(url.hostname));
  if (w === undefined) return null;
  let r: UnwrapResult;
  try {
    r = w.unwrap(url);
  } catch {
    r = null;
  }
  if (r === null) return null;
  return 'inner' in r ? { inner: r.inner, wrapper: w.name } : { unresolved: true, wrapper: w.name };
}
