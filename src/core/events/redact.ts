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
 * - and, with full URLs, what identifies a patient or a person (docs/event-log.md,
 *   "Identifiers in full URLs"): e-mail addresses anywhere in the URL, and the values of
 *   identifier parameters (IDENTIFIER_PARAMS: MRN, SSN, patient name, date of birth, …, and
 *   any name the policy adds in `logging.redactParams`), the same way as secrets.
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

/**
 * Parameter names (compared in lower case without `-`, `_`, `.`) whose values identify a
 * patient or a person: patient portals, EHR deep links (Epic, Cerner, athenahealth),
 * scheduling and intake forms put them in the query.
 */
export const IDENTIFIER_PARAMS: ReadonlySet<string> = new Set([
  // record numbers and national identifiers
  'mrn', 'medicalrecordnumber', 'medicalrecord', 'recordnumber', 'patientid', 'pid', 'personid', 'memberid', 'subscriberid',
  'insuranceid', 'policynumber', 'ssn', 'socialsecuritynumber', 'sin', 'nhsnumber', 'nhs', 'chi', 'nino', 'nationalid', 'healthcardnumber',
  'fin', 'encounterid', 'csn', 'accountnumber',
  // names
  'name', 'patient', 'patientname', 'fullname', 'firstname', 'lastname', 'givenname', 'familyname', 'surname', 'fname', 'lname',
  'middlename', 'displayname', 'uname', 'username', 'guestname',
  // birth, contact
  'dob', 'dateofbirth', 'birthdate', 'birthday', 'bdate', 'email', 'emailaddress', 'mail', 'phone', 'phonenumber', 'mobile', 'tel',
  'address', 'street', 'zip', 'zipcode', 'postcode', 'postalcode',
]);
/** Name parts that mark an identifier anywhere in a name (`patientMrn`, `pt_dob`, `ptSSN`). */
const IDENTIFIER_NAME_PARTS = ['mrn', 'ssn', 'dob', 'birth', 'patient', 'email', 'firstname', 'lastname', 'surname', 'fullname'];

/** A parameter name as compared: lower case, without `-`, `_`, `.` and a trailing `[]`. */
export function bareParamName(name: string): string {
  return name.trim().toLowerCase().replace(/\[\]$/, '').replace(/[-_.]/g, '');
}

/** Whether a parameter of this name carries an identifier (besides `extra`: the policy's `logging.redactParams`, bare). */
export function isIdentifierParam(name: string, extra: ReadonlySet<string> = NONE): boolean {
  const bare = bareParamName(name);
  return IDENTIFIER_PARAMS.has(bare) || extra.has(bare) || IDENTIFIER_NAME_PARTS.some((p) => bare.includes(p));
}
const NONE: ReadonlySet<string> = new Set();

/** An e-mail address, written plainly or percent-encoded (`%40`) in a URL. */
const EMAIL = /[A-Za-z0-9._%+'-]+(?:@|%40)(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}/gi;

export const REDACTED = 'REDACTED';

/** What a parameter name hides, decided once per redactUrl call (secrets always; identifiers with the policy's additions). */
type Sensitive = (name: string) => boolean;

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

export interface RedactOptions {
  /** More parameter names whose values identify someone (`logging.redactParams`). */
  params?: readonly string[];
}

export function redactUrl(input: string, recordFullUrls: boolean, options: RedactOptions = {}): RedactedUrl {
  let u: URL;
  try {
    u = new URL(input);
  } catch {
    return { host: null };
  }
  const host = normaliseHost(u.hostname);
  if (host === null) return { host: null };
  if (!recordFullUrls) return { host };
  const extra = new Set((options.params ?? []).map(bareParamName));
  const sensitive: Sensitive = (name) => isSecretParam(name) || isIdentifierParam(name, extra);
  let href = redactParsed(u, 0, sensitive);
  // The last word: if any view of what is left still shows a secret or an identifier, keep the origin only.
  if (containsSecret(href, sensitive) || containsEmail(href)) href = originOnly(u);
  return { host, url: href };
}

function originOnly(u: URL): string {
  return `${u.protocol}//${u.host}/${REDACTED}`;
}

/** Whether any readable view of the text shows an e-mail address. */
function containsEmail(text: string): boolean {
  EMAIL.lastIndex = 0;
  if (EMAIL.test(text)) return true;
  const decoded = decodeFully(text);
  EMAIL.lastIndex = 0;
  return decoded !== text && EMAIL.test(decoded);
}

/** Text with every e-mail address replaced. */
function redactEmails(text: string): string {
  EMAIL.lastIndex = 0;
  return text.replace(EMAIL, REDACTED);
}

function redactParsed(u: URL, depth: number, sensitive: Sensitive): string {
  u.username = '';
  u.password = '';
  u.hash = '';
  // `;name=value` parameters in the path (Java servlets' `;jsessionid=`, some meeting portals),
  // and e-mail addresses in it (`/patients/jane.doe@example.org/chart`).
  const path = redactEmails(redactPairs(u.pathname, true, sensitive));
  if (path !== u.pathname) u.pathname = path;
  // Proofpoint v3 writes the wrapped link into the path, partly encoded.
  const v3 = decodeProofpointV3(u.href);
  if (v3 !== null && containsSecret(v3, sensitive)) return originOnly(u);
  if (u.search === '') return u.href;
  const kept: [string, string][] = [];
  let changed = false;
  for (const [k, v] of new URLSearchParams(u.search)) {
    const value = sensitive(k) ? REDACTED : redactEmails(redactValue(v, depth, sensitive));
    if (value !== v) changed = true;
    kept.push([k, value]);
  }
  if (changed) u.search = new URLSearchParams(kept).toString();
  return u.href;
}

/** A parameter's (decoded) value: a wrapped link is redacted as a URL of its own, anything else as text. */
function redactValue(v: string, depth: number, sensitive: Sensitive): string {
  if (v === '' || v === REDACTED) return v;
  // Percent-encoded again, perhaps more than once (a wrapper inside a wrapper).
  const decoded = decodeFully(v);
  if (depth < MAX_DEPTH) {
    for (const candidate of decoded === v ? [v] : [v, decoded]) {
      const inner = absoluteUrl(candidate);
      if (inner !== null) return redactParsed(inner, depth + 1, sensitive);
    }
  }
  // Encodings that hide the pairs from view (Proofpoint v2's -XX, base64): the whole value goes.
  // Looked at first: base64 can itself look like a pair (`…OTA/UFc9…QTJWTEE…=`, where
  // "…JWT…=" reads as a secret's name), and cutting out that "value" left the secret in the
  // base64 before it (found by the chained-wrappers property).
  if ([v, decoded].some((x) => hiddenViews(x).some((view) => hidesSecret(view, depth + 1, sensitive)))) return REDACTED;
  // A relative link (the Teams launcher's `/_#/l/meetup-join/…?p=…`) or any text with
  // `name=value` pairs in it.
  const redacted = redactPairs(decoded, false, sensitive);
  if (redacted !== decoded) return redacted;
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
function secretPairs(text: string, end: RegExp, sensitive: Sensitive): SecretPair[] {
  const found: SecretPair[] = [];
  PAIR_NAME.lastIndex = 0;
  for (let m = PAIR_NAME.exec(text); m !== null; m = PAIR_NAME.exec(text)) {
    if (!sensitive(m[1]!)) continue;
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
export function redactPairs(text: string, inPath = false, sensitive: Sensitive = isSecretParam): string {
  let out = '';
  let last = 0;
  for (const p of secretPairs(text, inPath ? PATH_VALUE_END : VALUE_END, sensitive)) {
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
function hidesSecret(text: string, depth: number, sensitive: Sensitive): boolean {
  if (containsSecret(text, sensitive) || containsEmail(text)) return true;
  if (depth >= MAX_DEPTH) return false;
  const decoded = decodeFully(text);
  const inner = decoded === text ? hiddenViews(text) : [...hiddenViews(text), ...hiddenViews(decoded)];
  for (const candidate of decoded === text ? [text] : [text, decoded]) {
    const url = absoluteUrl(candidate);
    if (url !== null) for (const [, value] of url.searchParams) inner.push(value);
  }
  return inner.some((view) => hidesSecret(view, depth + 1, sensitive));
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
export function containsSecret(text: string, sensitive: Sensitive = isSecretParam): boolean {
  const views = [text, decodeFully(text)];
  const v3 = decodeProofpointV3(text);
  if (v3 !== null) views.push(v3, decodeFully(v3));
  return views.some((view) => secretPairs(view, VALUE_END, sensitive).length > 0);
}
