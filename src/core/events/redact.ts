/**
 * What of a URL may go into an event (docs/policy-format.md `logging.recordFullUrls`; README,
 * "For administrators: the event log").
 *
 * - `recordFullUrls: false` (the default): the host only — WHATWG-parsed, lower case,
 *   one trailing dot removed, no port. Never path, query, fragment or user info: they
 *   can carry patient names and meeting passcodes.
 * - `recordFullUrls: true`: additionally `url`, but still without user info
 *   (`user:pass@`), without the fragment (FaceTime keys, Teams routes and tokens travel
 *   there), and with every host token and passcode replaced by `REDACTED` — in the
 *   query, in `;name=value` path parameters, and inside links wrapped in other links
 *   (Safe Links `url=`, Google `q=`, the Teams launcher's relative `url=`, Proofpoint,
 *   Barracuda, Trend Micro, Sophos), however deeply. A secret that cannot be cut out
 *   precisely (base64- or Proofpoint-encoded) takes the whole parameter with it, and a
 *   URL in which one is still found at the end keeps only its origin.
 *
 * A string that does not parse as a URL, or a URL without a host (`mailto:`, `data:`),
 * gives `{ host: null }` — the raw input is never echoed into the log.
 */
import { base64Text, decodeProofpointV2, decodeProofpointV3 } from '../meetings/wrappers.ts';

export interface RedactedUrl {
  host: string | null;
  url?: string;
}

/**
 * Parameter names (case-insensitive) whose values are secrets, by who uses them:
 * - Zoom: `zak` (the host's start token: whoever has it starts the meeting as host),
 *   `zpk` (its older form), `tk` (registration token), `pwd` (passcode);
 * - Teams: `p` (passcode on `/meet/<id>?p=`); FaceTime: `p`, `k` travel in the fragment;
 * - Webex: `pw`/`pwd` (passcode), `tk` (host and attendee tickets);
 * - RingCentral: `pw`; GoTo: `password`, `token`; Doxy.me, VSee: `token`, `code`;
 * - Whereby: `roomKey` (host key) and other `…key` names (see SECRET_NAME_PARTS);
 * - Jitsi / 8x8 and others: `jwt`; OAuth/OIDC/SAML in sign-in links: `code`,
 *   `access_token`, `id_token`, `refresh_token`, `SAMLResponse`; signed links: `sig`,
 *   `signature`, `X-Amz-Signature`; generic: `pin`, `otp`, `secret`, `auth`, `ticket`.
 */
export const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'zak', 'zpk', 'tk', 'pwd', 'pw', 'p', 'k', 'pass', 'passwd', 'password', 'passcode', 'pin', 'otp',
  'token', 'jwt', 'code', 'key', 'secret', 'auth', 'authorization', 'ticket', 'sig', 'signature',
  'sid', 'session', 'samlresponse', 'samlrequest',
]);
/** Name parts that mark a secret anywhere in a name (compared without `-`, `_`, `.`). */
const SECRET_NAME_PARTS = ['token', 'passw', 'passcode', 'secret', 'signature', 'credential', 'jwt', 'sessionid'];
/** Name endings that mark a secret: `roomKey`, `hostKey`, `apiKey`, `meetingPwd`, `hostPin`. */
const SECRET_NAME_ENDINGS = ['key', 'pwd', 'pin'];

export const REDACTED = 'REDACTED';

/** How deep wrapped links are followed (a Safe Link inside a Proofpoint link inside …). */
const MAX_DEPTH = 5;

/** Whether a query or path parameter of this name carries a secret. */
export function isSecretParam(name: string): boolean {
  const n = name.trim().toLowerCase().replace(/\[\]$/, '');
  if (SECRET_PARAMS.has(n)) return true;
  const bare = n.replace(/[-_.]/g, '');
  return SECRET_NAME_PARTS.some((p) => bare.includes(p)) || SECRET_NAME_ENDINGS.some((e) => bare.length > e.length && bare.endsWith(e));
}

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
  let href = redactParsed(u, 0);
  // The last word: if any view of what is left still shows a secret, keep the origin only.
  if (containsSecret(href)) href = originOnly(u);
  return { host, url: href };
}

function originOnly(u: URL): string {
  return `${u.protocol}//${u.host}/${REDACTED}`;
}

function redactParsed(u: URL, depth: number): string {
  u.username = '';
  u.password = '';
  u.hash = '';
  // `;name=value` parameters in the path (Java servlets' `;jsessionid=`, some meeting portals).
  const path = redactPairs(u.pathname, true);
  if (path !== u.pathname) u.pathname = path;
  // Proofpoint v3 writes the wrapped link into the path, partly encoded.
  const v3 = decodeProofpointV3(u.href);
  if (v3 !== null && containsSecret(v3)) return originOnly(u);
  if (u.search === '') return u.href;
  const kept: [string, string][] = [];
  let changed = false;
  for (const [k, v] of new URLSearchParams(u.search)) {
    const value = isSecretParam(k) ? REDACTED : redactValue(v, depth);
    if (value !== v) changed = true;
    kept.push([k, value]);
  }
  if (changed) u.search = new URLSearchParams(kept).toString();
  return u.href;
}

/** A parameter's (decoded) value: a wrapped link is redacted as a URL of its own, anything else as text. */
function redactValue(v: string, depth: number): string {
  if (v === '' || v === REDACTED) return v;
  // Percent-encoded again, perhaps more than once (a wrapper inside a wrapper).
  const decoded = decodeFully(v);
  if (depth < MAX_DEPTH) {
    for (const candidate of decoded === v ? [v] : [v, decoded]) {
      const inner = absoluteUrl(candidate);
      if (inner !== null) return redactParsed(inner, depth + 1);
    }
  }
  // A relative link (the Teams launcher's `/_#/l/meetup-join/…?p=…`) or any text with
  // `name=value` pairs in it.
  const redacted = redactPairs(decoded);
  if (redacted !== decoded) return redacted;
  // Encodings that hide the pairs from view (Proofpoint v2's -XX, base64): the whole value goes.
  if ([v, decoded].some((x) => hiddenViews(x).some((view) => hidesSecret(view, depth + 1)))) return REDACTED;
  return v;
}

function absoluteUrl(text: string): URL | null {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) return null;
  try {
    const u = new URL(text);
    return u.host === '' ? null : u;
  } catch {
    return null;
  }
}

/**
 * `name=` as query strings, fragments and path parameters write it. The value is not part
 * of the match, so a pair inside another pair's value (`url=https://…?zak=…`) is found too.
 */
const PAIR_NAME = /(?:^|[?&;#/,\s])([A-Za-z0-9_.\-[\]]+)=/g;
/** Where a value ends: in a query or text, and in a path (where `/` starts the next segment). */
const VALUE_END = /[&;#?\s,]/;
const PATH_VALUE_END = /[&;#?\s,/]/;

interface SecretPair {
  valueStart: number;
  valueEnd: number;
}

/** Every secret `name=value` pair in the text whose value is not empty or already redacted. */
function secretPairs(text: string, end: RegExp): SecretPair[] {
  const found: SecretPair[] = [];
  PAIR_NAME.lastIndex = 0;
  for (let m = PAIR_NAME.exec(text); m !== null; m = PAIR_NAME.exec(text)) {
    if (!isSecretParam(m[1]!)) continue;
    const valueStart = m.index + m[0].length;
    let valueEnd = valueStart;
    while (valueEnd < text.length && !end.test(text[valueEnd]!)) valueEnd++;
    const value = text.slice(valueStart, valueEnd);
    // (A path parameter's value ends at "/", which the query-shaped end reads on.)
    if (value === '' || value === REDACTED || value.startsWith(REDACTED + '/')) continue;
    found.push({ valueStart, valueEnd });
  }
  return found;
}

/** The text with the value of every secret `name=value` pair replaced. */
export function redactPairs(text: string, inPath = false): string {
  let out = '';
  let last = 0;
  for (const p of secretPairs(text, inPath ? PATH_VALUE_END : VALUE_END)) {
    if (p.valueStart < last) continue; // inside a value already replaced
    out += text.slice(last, p.valueStart) + REDACTED;
    last = p.valueEnd;
  }
  return out + text.slice(last);
}

/** Percent-decoding repeated until nothing changes (at most a few times). */
function decodeFully(text: string): string {
  let s = text;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      break;
    }
    if (next === s) break;
    s = next;
  }
  return s;
}

/** Whether a secret shows in the text or in anything hidden in it (wrappers inside wrappers). */
function hidesSecret(text: string, depth: number): boolean {
  if (containsSecret(text)) return true;
  if (depth >= MAX_DEPTH) return false;
  const decoded = decodeFully(text);
  const inner = decoded === text ? hiddenViews(text) : [...hiddenViews(text), ...hiddenViews(decoded)];
  for (const candidate of decoded === text ? [text] : [text, decoded]) {
    const url = absoluteUrl(candidate);
    if (url !== null) for (const [, value] of url.searchParams) inner.push(value);
  }
  return inner.some((view) => hidesSecret(view, depth + 1));
}

function hiddenViews(text: string): string[] {
  const views: string[] = [];
  const pp = decodeProofpointV2(text);
  if (pp !== null) views.push(pp);
  const b64 = text.length >= 8 ? base64Text(text) : null;
  if (b64 !== null) views.push(b64);
  return views;
}

/** Whether any readable view of the text (as is, percent-decoded, or un-hidden) shows a secret pair with a value. */
export function containsSecret(text: string): boolean {
  const views = [text, decodeFully(text)];
  const v3 = decodeProofpointV3(text);
  if (v3 !== null) views.push(v3, decodeFully(v3));
  return views.some((view) => secretPairs(view, VALUE_END).length > 0);
}
