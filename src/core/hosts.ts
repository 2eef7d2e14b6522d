/**
 * Host patterns (docs/policy-format.md, "Host patterns and which rule wins").
 *
 * A pattern is a host, optionally followed by a path prefix. Hosts are compared
 * after the WHATWG URL parser has canonicalised them (lower case, punycode,
 * percent-escapes decoded, IPv4 numbers normalised), with one trailing dot removed,
 * so a pattern and a URL are always compared in the same form.
 */

export interface HostPattern {
  /** Canonical host: lower case, punycode, no trailing dot; IPv6 in brackets. */
  host: string;
  /** Lower-cased path prefix without a trailing slash, or '' for the bare host. */
  path: string;
}

export type PatternResult = { ok: true; pattern: HostPattern } | { ok: false; message: string };

/** Coarse shape of a pattern, written for RE2 so Chrome's managed schema can carry it. */
export const HOST_PATTERN_REGEX = '^([^\\s/:?#@*\\[\\]]+|\\[[0-9A-Fa-f:.]+\\])(/[^\\s?#]*)?$';

/**
 * Canonical form of a URL's hostname for comparison: one trailing dot removed, and an
 * IPv4-mapped IPv6 address (`[::ffff:7f00:2]`, how the parser writes `[::ffff:127.0.0.2]`)
 * as the IPv4 address it reaches, so an IPv4 rule cannot be walked past in IPv6 clothing.
 */
export function canonicalHost(hostname: string): string {
  // URL.hostname is already lower-case and punycoded; only the dot is left to do.
  if (hostname.charCodeAt(0) === 91 /* [ */ && hostname.startsWith('[::ffff:')) return mappedIpv4(hostname) ?? hostname;
  return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}

/** `[::ffff:7f00:2]` → `127.0.0.2` (the WHATWG parser always writes the hex form). */
function mappedIpv4(bracketed: string): string | null {
  const m = /^\[::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(bracketed);
  if (!m) return null;
  const hi = parseInt(m[1]!, 16);
  const lo = parseInt(m[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/**
 * A URL path as a server reads it, for matching path rules (docs/policy-format.md, "Host
 * patterns"): lower case; percent-encoded unreserved characters decoded (`/%6Dessages`
 * is `/messages`); an encoded slash or backslash is a slash (`/messages%2Ft`); `;`
 * parameters dropped from each segment (`/messages;x`); empty segments dropped
 * (`//messages`); dot segments resolved again after decoding. Paths with none of
 * `%`, `;` or `//` take the fast path.
 */
export function normalisePath(pathname: string): string {
  const lower = pathname.toLowerCase();
  if (lower.indexOf('%') < 0 && lower.indexOf(';') < 0 && lower.indexOf('//') < 0) return lower;
  const decoded = lower.replace(/%([0-9a-f]{2})/g, (escape, hex: string) => {
    const c = parseInt(hex, 16);
    if (c === 0x2f || c === 0x5c) return '/';
    return UNRESERVED.test(String.fromCharCode(c)) ? String.fromCharCode(c) : escape;
  });
  const out: string[] = [];
  for (const raw of decoded.split('/')) {
    const semicolon = raw.indexOf(';');
    const segment = semicolon < 0 ? raw : raw.slice(0, semicolon);
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return '/' + out.join('/');
}

const UNRESERVED = /^[a-z0-9._~-]$/;

/**
 * True for IP literals in the canonical form URL.hostname writes. The WHATWG parser
 * turns any host whose last label is numeric into an IPv4 address (or rejects it),
 * so a canonical host ending in a digit is IPv4; IPv6 is bracketed. No regex: this
 * runs on every classification.
 */
export function isIpHost(host: string): boolean {
  const first = host.charCodeAt(0);
  const last = host.charCodeAt(host.length - 1);
  return first === 91 /* [ */ || (last >= 48 && last <= 57);
}

export function parseHostPattern(raw: string): PatternResult {
  const fail = (message: string): PatternResult => ({ ok: false, message });
  if (raw.length === 0) return fail('must not be empty');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return fail('write the host only, without a scheme such as https://');
  if (/\s/.test(raw)) return fail('must not contain spaces');
  if (raw.includes('*')) return fail('wildcards are not allowed (a host already matches all its subdomains)');
  if (raw.includes('@')) return fail('must not contain user info (@)');
  if (raw.includes('?') || raw.includes('#')) return fail('must not contain a query (?) or fragment (#)');

  const slash = raw.indexOf('/');
  const hostPart = slash < 0 ? raw : raw.slice(0, slash);
  const pathPart = slash < 0 ? '' : raw.slice(slash);
  if (hostPart.length === 0) return fail('must start with a host name');
  const bracketed = hostPart.startsWith('[');
  if (bracketed ? !hostPart.endsWith(']') : hostPart.includes(':')) return fail('must not contain a port');

  let parsed: URL;
  try {
    parsed = new URL(`http://${hostPart}${pathPart || '/'}`);
  } catch {
    return fail(`"${hostPart}" is not a valid host name`);
  }
  // The parser accepts some things a pattern must not be (a port it silently drops as default, say).
  if (parsed.port !== '' || parsed.username !== '' || parsed.password !== '') return fail('must not contain a port');
  const host = canonicalHost(parsed.hostname);
  if (host.length === 0) return fail(`"${hostPart}" is not a valid host name`);
  if (!host.startsWith('[') && host.split('.').some((label) => label.length === 0)) {
    return fail(`"${hostPart}" has an empty label`);
  }
  if (host.length > 253) return fail('host name is longer than 253 characters');

  // Patterns are normalised like the URLs they are compared with.
  let path = pathPart ? normalisePath(parsed.pathname) : '';
  while (path.endsWith('/')) path = path.slice(0, -1);
  return { ok: true, pattern: { host, path } };
}


/** True when `path` (a URL pathname, lower-cased) lies under `prefix` on a segment boundary. */
export function pathUnder(path: string, prefix: string): boolean {
  if (prefix === '') return true;
  return path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 47 /* / */);
}

/** True when `host` is `base` or a subdomain of it, on label boundaries. */
export function hostUnder(host: string, base: string): boolean {
  if (host === base) return true;
  if (isIpHost(base) || isIpHost(host)) return false;
  return host.length > base.length && host.endsWith(base) && host.charCodeAt(host.length - base.length - 1) === 46 /* . */;
}

/** The canonical host of a URL string, or null when it does not parse or has none. */
export function hostOfUrl(url: string): string | null {
  try {
    const host = canonicalHost(new URL(url).hostname);
    return host || null;
  } catch {
    return null;
  }
}
