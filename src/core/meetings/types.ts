/**
 * The vocabulary of meeting-link analysis (docs/meeting-links.md): platforms, findings,
 * verdicts and the result of analysing one link. Types and tables only, no logic, so the
 * parsers, the judge, the scheduling-page checks and the UI can all import it.
 */
import type { Action } from '../actions.ts';

export const PLATFORMS = [
  'zoom',
  'teams',
  'webex',
  'meet',
  'jitsi',
  'doxy',
  'vsee',
  'whereby',
  'goto',
  'ringcentral',
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
  'wrapped-unresolved',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/**
 * The finding codes whose severity a policy may set (`meetings.findingActions`). The others
 * are fixed (`start-link` is always critical) or already follow a policy action
 * (`consumer-platform`, `unsanctioned-*`, `unwrapped` is only a note).
 */
export const ADJUSTABLE_FINDING_CODES = [
  'personal-room',
  'embedded-passcode',
  'passcode-unverified',
  'waiting-room-unverified',
  'tenant-unverified',
  'public-room',
  'waiting-room-off',
  'passcode-off',
  'wrapped-unresolved',
] as const satisfies readonly FindingCode[];
export type AdjustableFindingCode = (typeof ADJUSTABLE_FINDING_CODES)[number];

export type PasscodeState = 'embedded' | 'unknown';
export type WaitingRoomState = 'on' | 'off' | 'unknown';
/** A setting read from a scheduling page. */
export type SettingState = 'on' | 'off' | 'unknown';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
}

/** The result of analysing one link: exactly the fields of the contract, in its order. */
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
  whereby: 'Whereby',
  goto: 'GoTo Meeting',
  ringcentral: 'RingCentral Video',
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
  zoom: ['zoom.us', 'zoomgov.com', 'zoom-x.de'],
  teams: ['teams.microsoft.com', 'teams.microsoft.us', 'teams.cloud.microsoft', 'teams.live.com'],
  webex: ['webex.com'],
  meet: ['meet.google.com'],
  jitsi: ['meet.jit.si'],
  doxy: ['doxy.me'],
  vsee: ['vsee.me', 'vsee.com'],
  whereby: ['whereby.com'],
  goto: ['meet.goto.com', 'global.gotomeeting.com', 'app.gotomeeting.com'],
  ringcentral: ['v.ringcentral.com', 'meetings.ringcentral.com'],
  facetime: ['facetime.apple.com'],
  whatsapp: ['chat.whatsapp.com', 'call.whatsapp.com', 'wa.me'],
  skype: ['join.skype.com'],
  telegram: ['t.me', 'telegram.me'],
  signal: ['signal.me', 'signal.group'],
  messenger: ['m.me', 'msngr.com'],
};

/** What a link itself says, before the policy is applied (one parser per platform). */
export interface Facts {
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

export function facts(platform: Platform, more: Partial<Facts> = {}): Facts {
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

/** The policy action a verdict corresponds to (for events: `ok` is `allow`). */
export function verdictAction(verdict: Verdict): Action {
  return verdict === 'ok' ? 'allow' : verdict;
}
