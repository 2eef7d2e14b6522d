/**
 * Meeting-link analysis (meeting-links.md): what one link tells about a meeting's
 * security, judged against the organisation's policy (policy-v1.md, `meetings.*`).
 *
 * Pure: no browser APIs, no DOM, no network. Runs in the extension, in vitest and in the CLI.
 *
 * Public API
 * - `analyseLink(input, policy)` never throws. Input that is not an absolute URL, or a URL
 *   that is not a meeting/call link, gives `platform: null`, no findings and verdict `ok`
 *   (invariant: `platform === null` ⇔ `findings.length === 0`).
 * - `parseError(input)` tells a caller (the CLI's `check-link`) whether the input parses as
 *   a URL at all: `null` when it does, else a one-line message for `{"url":…,"error":…}`.
 *   Call it first; only a URL for which it returns `null` has a meaningful analysis.
 * - `scheduleFindings(form, policy)` turns what a scheduling page shows (passcode / waiting
 *   room on, off or unknown) into `passcode-off` / `waiting-room-off` findings.
 *
 * Every decision is made on the host the WHATWG URL parser produced (lower case, punycode,
 * percent-escapes decoded, user info and port removed, one trailing dot dropped), with
 * `hostUnder` for label-boundary subdomain checks: `evilzoom.us`, `zoom.us.evil.example`
 * and `https://zoom.us@evil.example/` are not Zoom.
 *
 * Messages are one plain sentence for a clinician. They never contain the URL, the passcode
 * or any other text taken from the link except a Zoom account or Webex site name (a host
 * label, which the parser has already restricted to host characters).
 */
import type { Action } from '../actions.ts';
import { serviceById } from '../catalog.ts';
import { canonicalHost, hostUnder, isIpHost } from '../hosts.ts';
import type { Policy } from '../policy/schema.ts';

export const PLATFORMS = [
  'zoom',
  'teams',
  'webex',
  'meet',
  'jitsi',
  'doxy',
  'vsee',
  'facetime',
  'whatsapp',
  'skype',
  'telegram',
  'signal',
  'messenger',
] as const;
export type Platform = (typeof PLATFORMS)[number];

export const SEVERITIES = ['info', 'warn', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const VERDICTS = ['ok', 'warn', 'block'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const FINDING_CODES = [
  'start-link',
  'consumer-platform',
  'unsanctioned-platform',
  'unsanctioned-tenant',
  'tenant-unverified',
  'personal-room',
  'embedded-passcode',
  'passcode-unverified',
  'waiting-room-unverified',
  'waiting-room-off',
  'passcode-off',
  'public-room',
  'unwrapped',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export type PasscodeState = 'embedded' | 'unknown';
export type WaitingRoomState = 'on' | 'off' | 'unknown';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
}

/** The result of analysing one link: exactly the fields of meeting-links.md, in its order. */
export interface LinkAnalysis {
  platform: Platform | null;
  consumer: boolean;
  meetingId: string | null;
  personalRoom: boolean;
  passcode: PasscodeState;
  waitingRoom: WaitingRoomState;
  tenant: string | null;
  sanctioned: boolean | null;
  findings: Finding[];
  verdict: Verdict;
}

/** Display names, for messages and for the CLI / UI. */
export const PLATFORM_NAMES: Record<Platform, string> = {
  zoom: 'Zoom',
  teams: 'Microsoft Teams',
  webex: 'Webex',
  meet: 'Google Meet',
  jitsi: 'Jitsi Meet',
  doxy: 'Doxy.me',
  vsee: 'VSee',
  facetime: 'FaceTime',
  whatsapp: 'WhatsApp',
  skype: 'Skype',
  telegram: 'Telegram',
  signal: 'Signal',
  messenger: 'Messenger',
};

/**
 * Every host a platform is recognised on (the host itself and its subdomains). A link is
 * only ever given a platform when its host lies under one of these; the property tests
 * hold the analyser to that.
 */
export const PLATFORM_DOMAINS: Record<Platform, readonly string[]> = {
  zoom: ['zoom.us', 'zoomgov.com'],
  teams: ['teams.microsoft.com', 'teams.microsoft.us', 'teams.cloud.microsoft', 'teams.live.com'],
  webex: ['webex.com'],
  meet: ['meet.google.com'],
  jitsi: ['meet.jit.si'],
  doxy: ['doxy.me'],
  vsee: ['vsee.me', 'vsee.com'],
  facetime: ['facetime.apple.com'],
  whatsapp: ['chat.whatsapp.com', 'call.whatsapp.com', 'wa.me'],
  skype: ['join.skype.com'],
  telegram: ['t.me', 'telegram.me'],
  signal: ['signal.me', 'signal.group'],
  messenger: ['m.me', 'msngr.com'],
};

/** Consumer platform → catalog service id (policies/catalog.json), for its action. */
const CONSUMER_SERVICE: Partial<Record<Platform, string>> = {
  facetime: 'facetime',
  whatsapp: 'whatsapp',
  skype: 'skype',
  telegram: 'telegram',
  signal: 'signal',
  messenger: 'messenger',
  teams: 'teams-consumer',
  jitsi: 'jitsi-public',
};

/** How many wrappers (Safe Links inside a Google redirect, …) are peeled off at most. */
export const MAX_UNWRAP_DEPTH = 5;

/** Zoom app schemes that carry the same meeting as an https link. */
const ZOOM_APP_SCHEMES = new Set(['zoommtg:', 'zoomus:', 'zoomgovmtg:']);

const SEVERITY_OF: Record<Action, Severity> = { block: 'critical', warn: 'warn', allow: 'info' };

export function severityOf(action: Action): Severity {
  return SEVERITY_OF[action];
}

/** `block` if any finding is critical, else `warn` if any is warn, else `ok`. */
export function verdictOf(findings: readonly Finding[]): Verdict {
  if (findings.some((f) => f.severity === 'critical')) return 'block';
  if (findings.some((f) => f.severity === 'warn')) return 'warn';
  return 'ok';
}

/** A URL that does not parse, or that is not a meeting link. */
function notAMeeting(): LinkAnalysis {
  return {
    platform: null,
    consumer: false,
    meetingId: null,
    personalRoom: false,
    passcode: 'unknown',
    waitingRoom: 'unknown',
    tenant: null,
    sanctioned: null,
    findings: [],
    verdict: 'ok',
  };
}

/**
 * `null` when `input` parses as an absolute URL (it can then be analysed), else a short
 * message saying why not. Never throws.
 */
export function parseError(input: unknown): string | null {
  if (typeof input !== 'string') return 'not a string';
  if (input.trim() === '') return 'empty: expected a URL such as https://…';
  try {
    new URL(input);
    return null;
  } catch {
    return 'not a valid URL (expected an absolute URL such as https://…)';
  }
}

function tryParse(input: string, base?: string): URL | null {
  try {
    return base === undefined ? new URL(input) : new URL(input, base);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------
// Reading a URL

/** The URL's host in canonical form, for http(s) and the Zoom app schemes; else null. */
function hostOf(url: URL): string | null {
  let host: string;
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    host = canonicalHost(url.hostname);
  } else if (ZOOM_APP_SCHEMES.has(url.protocol)) {
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

function under(host: string, bases: readonly string[]): boolean {
  return bases.some((b) => hostUnder(host, b));
}

function segmentsOf(pathname: string): string[] {
  return pathname.split('/').filter((s) => s !== '');
}

/** A query parameter, its name compared case-insensitively; first occurrence wins. */
function param(url: URL, name: string): string | null {
  for (const [k, v] of url.searchParams) {
    if (k.toLowerCase() === name) return v;
  }
  return null;
}

function hasValue(v: string | null): boolean {
  return v !== null && v.trim() !== '';
}

const DIGITS = /^\d+$/;
const ZOOM_ID = /^\d{9,11}$/;
const ZOOM_CLUSTER = /^us\d+web$/;
const MEET_CODE = /^[a-z]{3}-[a-z]{4}-[a-z]{3}$/;

/** What a link itself says, before the policy is applied. */
interface Facts {
  platform: Platform;
  consumer: boolean;
  meetingId: string | null;
  personalRoom: boolean;
  passcode: PasscodeState;
  waitingRoom: WaitingRoomState;
  tenant: string | null;
  startLink: boolean;
  publicRoom: boolean;
}

function facts(platform: Platform, more: Partial<Facts> = {}): Facts {
  return {
    platform,
    consumer: false,
    meetingId: null,
    personalRoom: false,
    passcode: 'unknown',
    waitingRoom: 'unknown',
    tenant: null,
    startLink: false,
    publicRoom: false,
    ...more,
  };
}

/** A single label directly under `base` (`examplehealth` for `examplehealth.zoom.us`), else null. */
function labelUnder(host: string, base: string): string | null {
  if (host === base || !hostUnder(host, base)) return null;
  const sub = host.slice(0, host.length - base.length - 1);
  return sub.includes('.') ? null : sub;
}

function zoomTenant(host: string): string | null {
  for (const base of PLATFORM_DOMAINS.zoom) {
    const sub = labelUnder(host, base);
    if (sub === null) continue;
    if (ZOOM_CLUSTER.test(sub) || sub === 'app' || sub === 'www') return null;
    return sub;
  }
  return null;
}

function zoom(url: URL, host: string): Facts | null {
  const appScheme = ZOOM_APP_SCHEMES.has(url.protocol);
  const segs = segmentsOf(url.pathname);
  const s0 = segs[0]?.toLowerCase();
  const s1 = segs[1];
  let isMeeting = false;
  let rawId: string | null = null;
  let personal = false;
  let start = false;

  if (appScheme) {
    // zoommtg://zoom.us/join?action=join&confno=<id>&pwd=…
    const confno = param(url, 'confno');
    if (confno !== null) {
      isMeeting = true;
      rawId = confno.trim();
    }
  } else if ((s0 === 'j' || s0 === 'w' || s0 === 's') && s1 !== undefined) {
    isMeeting = true;
    rawId = s1;
    start = s0 === 's';
  } else if (s0 === 'my' && s1 !== undefined) {
    isMeeting = true;
    personal = true;
  } else if (s0 === 'wc') {
    // /wc/<id>/join and /wc/join/<id>
    if (s1?.toLowerCase() === 'join' && segs[2] !== undefined) rawId = segs[2];
    else if (s1 !== undefined && DIGITS.test(s1)) rawId = s1;
    isMeeting = rawId !== null;
  }
  // Any zak= (host token) makes it the host's start link, whatever the path.
  if (param(url, 'zak') !== null) {
    isMeeting = true;
    start = true;
  }
  if (!isMeeting) return null;

  const meetingId = rawId !== null && ZOOM_ID.test(rawId) ? rawId : null;
  if (meetingId !== null && meetingId.length === 10) personal = true;
  return facts('zoom', {
    meetingId,
    personalRoom: personal,
    passcode: hasValue(param(url, 'pwd')) ? 'embedded' : 'unknown',
    tenant: zoomTenant(host),
    startLink: start,
  });
}

/** The tenant id from a Teams `context` parameter (URL-decoded JSON, key `Tid` in any case). */
function teamsTenant(context: string | null): string | null {
  if (context === null) return null;
  const attempts = [context];
  if (context.includes('%')) {
    try {
      attempts.push(decodeURIComponent(context));
    } catch {
      // not double-encoded after all
    }
  }
  for (const text of attempts) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    for (const [k, v] of Object.entries(parsed)) {
      if (k.toLowerCase() === 'tid' && typeof v === 'string' && v.trim() !== '') return v.trim().toLowerCase();
    }
    return null;
  }
  return null;
}

function teamsPath(target: URL, consumer: boolean): Facts | null {
  const segs = segmentsOf(target.pathname);
  const s0 = segs[0]?.toLowerCase();
  const s1 = segs[1];
  if (s0 === 'l' && s1?.toLowerCase() === 'meetup-join') {
    return facts('teams', { consumer, tenant: teamsTenant(param(target, 'context')) });
  }
  if (s0 === 'meet' && s1 !== undefined) {
    return facts('teams', {
      consumer,
      meetingId: DIGITS.test(s1) ? s1 : null,
      passcode: hasValue(param(target, 'p')) ? 'embedded' : 'unknown',
    });
  }
  return null;
}

function teams(url: URL, host: string): Facts | null {
  const consumer = hostUnder(host, 'teams.live.com');
  const direct = teamsPath(url, consumer);
  if (direct !== null) return direct;
  // Hash-routed web client: https://teams.microsoft.com/_#/l/meetup-join/…?context=…
  if (url.hash.startsWith('#/')) {
    const routed = tryParse(url.hash.slice(1), url.origin);
    if (routed !== null) return teamsPath(routed, consumer);
  }
  return null;
}

function webex(url: URL, host: string): Facts | null {
  const segs = segmentsOf(url.pathname).map((s) => s.toLowerCase());
  const s0 = segs[0];
  const site = labelUnder(host, 'webex.com');
  const tenant = site === null || site === 'www' ? null : site;
  if ((s0 === 'meet' || s0 === 'join') && segs[1] !== undefined) {
    return facts('webex', { personalRoom: true, tenant });
  }
  // /<site>/j.php?MTID=…, and the join service links of newer invitations.
  if (segs[1] === 'j.php' || (s0 === 'wbxmjs' && segs[1] === 'joinservice')) {
    return facts('webex', { tenant });
  }
  return null;
}

function meet(url: URL): Facts | null {
  const segs = segmentsOf(url.pathname);
  const s0 = segs[0]?.toLowerCase();
  if (s0 === undefined) return null;
  if (MEET_CODE.test(s0)) return facts('meet', { meetingId: s0 });
  if (s0 === 'lookup' && segs[1] !== undefined) return facts('meet', {});
  return null;
}

/** Doxy.me pages that are not rooms. */
const DOXY_NOT_ROOMS = new Set([
  'sign-in', 'signin', 'sign-up', 'signup', 'login', 'account', 'pricing', 'features', 'about',
  'blog', 'help', 'support', 'terms', 'privacy', 'security', 'contact', 'en', 'es', 'fr', 'de',
]);

function doxy(url: URL): Facts | null {
  const s0 = segmentsOf(url.pathname)[0]?.toLowerCase();
  if (s0 === undefined || DOXY_NOT_ROOMS.has(s0) || s0.includes('.')) return null;
  return facts('doxy', { personalRoom: true, waitingRoom: 'on' });
}

function vsee(url: URL, host: string): Facts | null {
  const segs = segmentsOf(url.pathname);
  const s0 = segs[0]?.toLowerCase();
  const room = facts('vsee', { personalRoom: true, waitingRoom: 'on' });
  // <clinic>.vsee.me/… is the clinic's waiting room, whatever the path.
  if (labelUnder(host, 'vsee.me') !== null || (hostUnder(host, 'vsee.me') && s0 !== undefined)) return room;
  // vsee.com/u/<name>, vsee.com/c/<clinic>: personal and clinic rooms.
  if (hostUnder(host, 'vsee.com') && (s0 === 'u' || s0 === 'c') && segs[1] !== undefined) return room;
  return null;
}

function consumerService(url: URL, host: string): Facts | null {
  const segs = segmentsOf(url.pathname);
  const s0 = segs[0]?.toLowerCase();
  const c = (platform: Platform): Facts => facts(platform, { consumer: true });
  if (hostUnder(host, 'facetime.apple.com')) return s0 === 'join' ? c('facetime') : null;
  if (hostUnder(host, 'chat.whatsapp.com') || hostUnder(host, 'wa.me')) return s0 !== undefined ? c('whatsapp') : null;
  if (hostUnder(host, 'call.whatsapp.com')) {
    return (s0 === 'video' || s0 === 'voice') && segs[1] !== undefined ? c('whatsapp') : null;
  }
  if (hostUnder(host, 'join.skype.com')) return s0 !== undefined ? c('skype') : null;
  if (under(host, PLATFORM_DOMAINS.telegram)) return s0 !== undefined ? c('telegram') : null;
  if (under(host, PLATFORM_DOMAINS.signal)) return s0 !== undefined || url.hash.length > 1 ? c('signal') : null;
  if (under(host, PLATFORM_DOMAINS.messenger)) return s0 !== undefined ? c('messenger') : null;
  if (hostUnder(host, 'meet.jit.si')) {
    // meet.jit.si/<room>: public service, lobby off by default.
    if (s0 === undefined || s0.includes('.')) return null;
    return facts('jitsi', { consumer: true, publicRoom: true });
  }
  return null;
}

/** What the link says about the meeting, or null when it is not a meeting/call link. */
function readLink(url: URL): Facts | null {
  const host = hostOf(url);
  if (host === null) return null;
  if (under(host, PLATFORM_DOMAINS.zoom)) return zoom(url, host);
  if (ZOOM_APP_SCHEMES.has(url.protocol)) return null;
  if (under(host, PLATFORM_DOMAINS.teams)) return teams(url, host);
  if (under(host, PLATFORM_DOMAINS.webex)) return webex(url, host);
  if (under(host, PLATFORM_DOMAINS.meet)) return meet(url);
  if (under(host, PLATFORM_DOMAINS.doxy)) return doxy(url);
  if (under(host, PLATFORM_DOMAINS.vsee)) return vsee(url, host);
  return consumerService(url, host);
}

// ---------------------------------------------------------------------------------------
// Wrappers

interface Unwrapped {
  inner: URL;
  wrapper: string;
}

/** Parses a wrapped target; tolerates one extra level of percent-encoding. */
function parseInner(raw: string, base?: string): URL | null {
  const direct = tryParse(raw, base);
  if (direct !== null) return direct;
  if (/^[a-z][a-z0-9+.-]*%3a/i.test(raw)) {
    try {
      return tryParse(decodeURIComponent(raw), base);
    } catch {
      return null;
    }
  }
  return null;
}

function unwrapOnce(url: URL): Unwrapped | null {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const host = canonicalHost(url.hostname);
  const path = url.pathname.toLowerCase();
  if (under(host, ['safelinks.protection.outlook.com', 'safelinks.protection.office365.us'])) {
    const raw = param(url, 'url');
    const inner = raw === null ? null : parseInner(raw);
    return inner === null ? null : { inner, wrapper: 'Outlook Safe Links' };
  }
  if ((host === 'www.google.com' || host === 'google.com') && path === '/url') {
    const raw = param(url, 'q') ?? param(url, 'url');
    const inner = raw === null ? null : parseInner(raw);
    return inner === null ? null : { inner, wrapper: 'a Google redirect' };
  }
  if (under(host, PLATFORM_DOMAINS.teams) && path === '/dl/launcher/launcher.html') {
    // The launcher's url= is usually a path on the same Teams host (/_#/l/meetup-join/…).
    const raw = param(url, 'url');
    const inner = raw === null ? null : parseInner(raw, url.href);
    return inner === null ? null : { inner, wrapper: 'the Teams launcher' };
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Judging against the policy

function consumerAction(platform: Platform, policy: Policy): { action: Action; name: string } {
  const id = CONSUMER_SERVICE[platform];
  const service = id === undefined ? undefined : serviceById(id);
  const fromService = id === undefined ? undefined : policy.services[id];
  const fromCategory = service === undefined ? undefined : policy.categories[service.category];
  return {
    action: fromService ?? fromCategory ?? policy.defaultAction,
    name: service?.name ?? PLATFORM_NAMES[platform],
  };
}

function consumerMessage(name: string, action: Action): string {
  switch (action) {
    case 'block':
      return `${name} is a consumer service that your organisation does not allow for patient consultations.`;
    case 'warn':
      return `${name} is a consumer service, not one of your organisation's approved telehealth platforms.`;
    case 'allow':
      return `${name} is a consumer service; your organisation allows it, but it is not a dedicated telehealth platform.`;
  }
}

type TenantPlatform = 'zoom' | 'teams' | 'webex';

function tenantMismatchMessage(platform: TenantPlatform, tenant: string): string {
  switch (platform) {
    case 'zoom':
      return `This Zoom meeting belongs to the account "${tenant}", which is not one of your organisation's Zoom accounts.`;
    case 'webex':
      return `This Webex meeting is on the site "${tenant}", which is not one of your organisation's Webex sites.`;
    case 'teams':
      return "This Teams meeting was set up by another organisation's Microsoft account, not by yours.";
  }
}

function tenantUnverifiedMessage(platform: TenantPlatform): string {
  const what = { zoom: 'Zoom account', teams: 'Microsoft organisation', webex: 'Webex site' }[platform];
  return `The link does not show which ${what} the meeting belongs to, so it cannot be confirmed as your organisation's.`;
}

/** `sanctioned` and the unsanctioned-* / tenant-unverified findings (policy-v1.md). */
function judgeSanction(f: Facts, policy: Policy, severity: Severity): { sanctioned: boolean | null; findings: Finding[] } {
  const list = policy.meetings.sanctioned;
  // Consumer services are judged by the catalog (consumer-platform), not by meetings.sanctioned.
  if (list === undefined || f.consumer) return { sanctioned: null, findings: [] };
  const name = PLATFORM_NAMES[f.platform];
  const notListed = {
    sanctioned: false,
    findings: [
      {
        code: 'unsanctioned-platform' as const,
        severity,
        message: `${name} is not one of your organisation's approved telehealth platforms.`,
      },
    ],
  };
  let tenants: string[] | undefined;
  switch (f.platform) {
    case 'zoom':
      tenants = list.zoom?.accounts;
      break;
    case 'teams':
      tenants = list.teams?.tenantIds;
      break;
    case 'webex':
      tenants = list.webex?.sites;
      break;
    case 'meet':
    case 'doxy':
    case 'vsee':
      return list[f.platform]?.allowed === true ? { sanctioned: true, findings: [] } : notListed;
    default:
      // Only consumer services remain, and they returned above.
      return { sanctioned: null, findings: [] };
  }
  if (tenants === undefined) return notListed;
  const platform = f.platform as TenantPlatform;
  if (f.tenant === null) {
    return {
      sanctioned: null,
      findings: [{ code: 'tenant-unverified', severity: 'info', message: tenantUnverifiedMessage(platform) }],
    };
  }
  const tenant = f.tenant;
  if (tenants.some((t) => t.toLowerCase() === tenant)) return { sanctioned: true, findings: [] };
  return {
    sanctioned: false,
    findings: [{ code: 'unsanctioned-tenant', severity, message: tenantMismatchMessage(platform, tenant) }],
  };
}

function judge(f: Facts, policy: Policy, wrappers: readonly string[]): LinkAnalysis {
  const m = policy.meetings;
  const findings: Finding[] = [];
  const lobby = f.platform === 'teams' ? 'lobby' : 'waiting room';

  if (f.startLink) {
    findings.push({
      code: 'start-link',
      severity: 'critical',
      message: "This is the host's start link: whoever opens it joins as the host.",
    });
  }
  if (f.consumer) {
    const { action, name } = consumerAction(f.platform, policy);
    findings.push({ code: 'consumer-platform', severity: severityOf(action), message: consumerMessage(name, action) });
  }
  const sanction = judgeSanction(f, policy, severityOf(m.unsanctionedAction));
  findings.push(...sanction.findings);
  if (f.publicRoom) {
    findings.push({
      code: 'public-room',
      severity: 'warn',
      message: 'This is a public room: anyone who knows or guesses the room name can join.',
    });
  }
  if (f.personalRoom && !m.allowPersonalRooms && f.waitingRoom !== 'on') {
    findings.push({
      code: 'personal-room',
      severity: 'warn',
      message: 'This is a personal meeting room that stays the same for every meeting, so anyone who was ever given the link can walk in.',
    });
  }
  if (f.passcode === 'embedded' && !m.allowEmbeddedPasscode) {
    findings.push({
      code: 'embedded-passcode',
      severity: 'warn',
      message: 'The meeting passcode is written into this link, so anyone who gets the link can join without knowing it.',
    });
  }
  if (m.requirePasscode && f.passcode === 'unknown') {
    findings.push({
      code: 'passcode-unverified',
      severity: 'info',
      message: 'The link does not show whether the meeting has a passcode; check this in the meeting settings.',
    });
  }
  if (m.requireWaitingRoom && f.waitingRoom === 'unknown') {
    findings.push({
      code: 'waiting-room-unverified',
      severity: 'info',
      message: `The link does not show whether the meeting has a ${lobby}; check this in the meeting settings.`,
    });
  }
  if (wrappers.length > 0) {
    findings.push({
      code: 'unwrapped',
      severity: 'info',
      message: `This link was wrapped by ${wrappers.join(', then ')}; the meeting link inside it was checked.`,
    });
  }
  return {
    platform: f.platform,
    consumer: f.consumer,
    meetingId: f.meetingId,
    personalRoom: f.personalRoom,
    passcode: f.passcode,
    waitingRoom: f.waitingRoom,
    tenant: f.tenant,
    sanctioned: sanction.sanctioned,
    findings,
    verdict: verdictOf(findings),
  };
}

/**
 * Analyses one link against the policy. Never throws: input that is not a URL, or not a
 * meeting/call link, gives `platform: null`, no findings and verdict `ok`.
 *
 * Wrapped links (Outlook Safe Links, Google redirect, Teams launcher; nested up to
 * MAX_UNWRAP_DEPTH) are analysed by their inner link, with an `unwrapped` finding when that
 * inner link is a meeting link.
 */
export function analyseLink(input: string, policy: Policy): LinkAnalysis {
  try {
    if (typeof input !== 'string') return notAMeeting();
    let url = tryParse(input);
    if (url === null) return notAMeeting();
    const wrappers: string[] = [];
    for (let depth = 0; depth < MAX_UNWRAP_DEPTH; depth++) {
      const next = unwrapOnce(url);
      if (next === null) break;
      wrappers.push(next.wrapper);
      url = next.inner;
    }
    const f = readLink(url);
    return f === null ? notAMeeting() : judge(f, policy, [...new Set(wrappers)]);
  } catch {
    // Defence in depth: nothing above should throw, and a link checker must never crash its caller.
    return notAMeeting();
  }
}

// ---------------------------------------------------------------------------------------
// Scheduling pages

export type SettingState = 'on' | 'off' | 'unknown';

/**
 * Findings for what a scheduling page shows (meeting-links.md, "Scheduling pages"):
 * `passcode-off` / `waiting-room-off` (warn) when a required setting is off. A setting the
 * page reader could not read (`unknown`) gives nothing here.
 */
export function scheduleFindings(form: { passcode: SettingState; waitingRoom: SettingState }, policy: Policy): Finding[] {
  const findings: Finding[] = [];
  if (policy.meetings.requirePasscode && form.passcode === 'off') {
    findings.push({
      code: 'passcode-off',
      severity: 'warn',
      message: 'This meeting has no passcode; turn on "Passcode" before saving, as your organisation requires one.',
    });
  }
  if (policy.meetings.requireWaitingRoom && form.waitingRoom === 'off') {
    findings.push({
      code: 'waiting-room-off',
      severity: 'warn',
      message: 'The waiting room is off; turn on "Waiting Room" before saving, as your organisation requires one.',
    });
  }
  return findings;
}
