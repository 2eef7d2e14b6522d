/**
 * What the warning and block pages say (cli-and-ui.md): the organisation, the service,
 * the host (never path or query), one or two plain sentences on why, the sanctioned
 * platforms as the way forward, and the support contact. Pure: the pages render it, the
 * tests read it.
 */
import type { Action } from './actions.ts';
import { CATALOG } from './catalog.ts';
import type { Decision } from './classify.ts';
import type { Finding } from './meetings/analyse.ts';
import type { Policy } from './policy/schema.ts';

export interface GuardView {
  mode: Exclude<Action, 'allow'>;
  host: string;
  /** The service, platform or rule label to name, or null to name only the host. */
  name: string | null;
  /** One or two plain sentences. */
  why: string;
  /** What to do instead, in one sentence. */
  instead: string;
  organization: Policy['organization'];
  sanctionedPlatforms: Policy['sanctionedPlatforms'];
  requireReason: boolean;
  bypassMinutes: number;
  /** Meeting-link findings worth showing (warn and critical), in plain words. */
  findings: Array<{ severity: Finding['severity']; message: string }>;
}

const WHY_BY_CATEGORY: Record<string, (name: string, org: string) => string> = {
  'consumer-video': (name, org) =>
    `${name} is a consumer video service. ${org.charAt(0).toUpperCase() + org.slice(1)} has no agreement with it to protect patient information, and calls there can be joined, recorded or shared outside your organisation's control.`,
  'consumer-messaging': (name, org) =>
    `${name} is a consumer messaging service. Messages, photos and files sent there leave ${org}'s systems and are not covered by its patient-privacy agreements.`,
};

function instead(policy: Policy): string {
  return policy.sanctionedPlatforms.length > 0
    ? `For patient calls and messages, use ${policy.sanctionedPlatforms.length === 1 ? 'the approved platform' : 'one of the approved platforms'} below.`
    : `For patient calls and messages, use the platform ${orgInSentence(policy)} has approved; ask your IT service desk which one.`;
}

/**
 * The organisation's name for use inside a sentence: the built-in default name
 * ("Your organisation") reads as "your organisation" there.
 */
export function orgInSentence(policy: Policy): string {
  const name = policy.organization.name;
  return name === 'Your organisation' ? 'your organisation' : name;
}

/** The page for a navigation the policy warns about or blocks. */
export function navigationView(decision: Decision, host: string, policy: Policy): GuardView {
  const org = orgInSentence(policy);
  const service = decision.service ? CATALOG.services.find((s) => s.id === decision.service) : undefined;
  const name = decision.label ?? service?.name ?? null;
  let why: string;
  const Org = org.charAt(0).toUpperCase() + org.slice(1);
  if (service && WHY_BY_CATEGORY[service.category]) why = WHY_BY_CATEGORY[service.category]!(service.name, org);
  else if (decision.source === 'rule') why = `${Org} does not allow ${name ?? 'this site'} for work with patients.`;
  else why = `${Org}'s policy does not allow sites it has not approved for work with patients.`;
  return base(decision.action === 'block' ? 'block' : 'warn', host, name, why, policy, []);
}

/** The page for a meeting link whose verdict is warn or block. */
export function meetingView(verdict: 'warn' | 'block', host: string, platformName: string | null, findings: readonly Finding[], policy: Policy): GuardView {
  const shown = findings.filter((f) => f.severity !== 'info');
  const why =
    verdict === 'block'
      ? `This ${platformName ?? 'meeting'} link is not safe to use for a patient visit.`
      : `This ${platformName ?? 'meeting'} link may let people other than your patient into the visit.`;
  return base(verdict, host, platformName, why, policy, shown.map((f) => ({ severity: f.severity, message: f.message })));
}

function base(mode: GuardView['mode'], host: string, name: string | null, why: string, policy: Policy, findings: GuardView['findings']): GuardView {
  return {
    mode,
    host,
    name,
    why,
    instead: instead(policy),
    organization: policy.organization,
    sanctionedPlatforms: policy.sanctionedPlatforms,
    requireReason: policy.warn.requireReason,
    bypassMinutes: policy.warn.bypassMinutes,
    findings,
  };
}

/** The minimum reason length when a reason is required (cli-and-ui.md). */
export const MIN_REASON_LENGTH = 3;

export function reasonAccepted(reason: string, policy: Policy): boolean {
  return !policy.warn.requireReason || reason.trim().length >= MIN_REASON_LENGTH;
}
