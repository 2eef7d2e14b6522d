/**
 * Judging what a link says against the policy (docs/meeting-links.md, "Findings, and what the policy decides"): sanctioned
 * platforms and tenants, personal rooms, passcodes, waiting rooms, and the severities a policy
 * sets with `meetings.findingActions`.
 *
 * Messages are one plain sentence for a clinician. They never contain the URL, the passcode or
 * any other text taken from the link except a Zoom account or Webex site name (a host label,
 * which the parser has already restricted to host characters).
 */
import type { Action } from '../actions.ts';
import { serviceById } from '../catalog.ts';
import type { Policy } from '../policy/schema.ts';
import {
  ADJUSTABLE_FINDING_CODES,
  PLATFORM_NAMES,
  severityOf,
  verdictOf,
  type Facts,
  type Finding,
  type LinkAnalysis,
  type Platform,
  type Severity,
} from './types.ts';

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

/** `sanctioned` and the unsanctioned-* / tenant-unverified findings. */
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
    case 'whereby':
    case 'goto':
    case 'ringcentral':
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

/** `meetings.findingActions`: the severity the policy sets for a finding code, if it sets one. */
export function withPolicySeverity(findings: Finding[], policy: Policy): Finding[] {
  const actions = policy.meetings.findingActions;
  return findings.map((f) => {
    const action = (ADJUSTABLE_FINDING_CODES as readonly string[]).includes(f.code) ? actions[f.code as keyof typeof actions] : undefined;
    return action === undefined ? f : { ...f, severity: severityOf(action) };
  });
}

export function judge(f: Facts, policy: Policy, wrappers: readonly string[]): LinkAnalysis {
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
  const judged = withPolicySeverity(findings, policy);
  return {
    platform: f.platform,
    consumer: f.consumer,
    meetingId: f.meetingId,
    personalRoom: f.personalRoom,
    passcode: f.passcode,
    waitingRoom: f.waitingRoom,
    tenant: f.tenant,
    sanctioned: sanction.sanctioned,
    findings: judged,
    verdict: verdictOf(judged),
  };
}

/** A URL that does not parse, or that is not a meeting link. */
export function notAMeeting(): LinkAnalysis {
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

/** A wrapped link whose destination the link does not show (Mimecast): `wrapped-unresolved`. */
export function unresolved(wrappers: readonly string[], policy: Policy): LinkAnalysis {
  const findings = withPolicySeverity(
    [
      {
        code: 'wrapped-unresolved',
        severity: 'info',
        message: `This link was wrapped by ${wrappers.join(', then ')}, which does not show where it leads; it is checked again when it is opened.`,
      },
    ],
    policy,
  );
  return { ...notAMeeting(), findings, verdict: verdictOf(findings) };
}
