/**
 * What of a URL may go into an event (policy-v1.md `logging.recordFullUrls`).
 *
 * - `recordFullUrls: false` (the default): the host only — WHATWG-parsed, lower case,
 *   one trailing dot removed, no port. Never path, query, fragment or user info: they
 *   can carry patient names and meeting passcodes.
 * - `recordFullUrls: true`: additionally `url`, but still without user info
 *   (`user:pass@`) and without the fragment (FaceTime keys and tokens travel there),
 *   and with the values of passcode-like query parameters replaced by `REDACTED`.
 *
 * A string that does not parse as a URL, or a URL without a host (`mailto:`, `data:`),
 * gives `{ host: null }` — the raw input is never echoed into the log.
 */

export interface RedactedUrl {
  host: string | null;
  url?: string;
}

/** Query parameter names (case-insensitive) whose values are secrets. */
export const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'pwd', 'pw', 'p', 'pass', 'passwd', 'password', 'passcode', 'pin', 'tk', 'token', 'access_token', 'auth', 'key', 'secret', 'sig', 'signature',
]);

export const REDACTED = 'REDACTED';

/** The host of a URL as events hold it, or null. */
export function normaliseHost(hostname: string): string | null {
  let h = hostname.toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h === '' ? null : h;
}

export function redactUrl(input: string, recordFullUrls: boolean): RedactedUrl {
  let u: URL;
  try {
    u = new URL(input);
  } catch {
    return { host: null };
  }
  const host = normaliseHost(u.hostname);
  if (host === null) return { host: null };
  if (!recordFullUrls) return { host };
  u.username = '';
  u.password = '';
  u.hash = '';
  if (u.search !== '') {
    const params = new URLSearchParams(u.search);
    let changed = false;
    const kept: [string, string][] = [];
    for (const [k, v] of params) {
      if (SECRET_PARAMS.has(k.toLowerCase())) {
        kept.push([k, REDACTED]);
        changed = true;
      } else kept.push([k, v]);
    }
    if (changed) u.search = new URLSearchParams(kept).toString();
  }
  return { host, url: u.href };
}
