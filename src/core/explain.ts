/**
 * What the warning and block pages say (docs/command-line-and-pages.md): the organisation, the service,
 * the host (never path or query), one or two plain sentences on why, the sanctioned
 * platforms as the way forward, and the support contact. Pure: the pages render it, the
 * tests read it.
 */
import type { Action } from './actions.ts';
import { CATALOG } from './catalog.ts';
import type { Decision } from './classify.ts';
import type { Lookalike } from './lookalike/detect.ts';
import type { Finding } from './meetings/analyse.ts';
import { orderedFindings } from './meetings/present.ts';
import type { MessageKey } from './i18n/en.ts';
import type { Msg, Translate } from './i18n/format.ts';
import type { Policy } from './policy/schema.ts';

export interface GuardView {
  mode: Exclude<Action, 'allow'>;
  host: string;
  /** The service, platform or rule label to name, or null to name only the host. */
  name: string | null;
  /** The service's catalog id or the meeting platform, for Request access; null for a rule or the default. */
  service: string | null;
  /** One or two plain sentences (worded by the page in the reader's language). */
  why: Msg;
  /** What to do instead, in one sentence. */
  instead: Msg;
  organization: Policy['organization'];
  sanctionedPlatforms: Policy['sanctionedPlatforms'];
  requireReason: boolean;
  bypassMinutes: number;
  /**
   * What continuing allows: the site for `bypassMinutes` (`site`), or this one link, once
   * (`link-once`: a meeting link is judged each time it is opened).
   */
  scope: 'site' | 'link-once';
  /** For a meeting link: what to ask the meeting's host for instead; else null. */
  askHost: Msg | null;
  /**
   * Meeting-link findings worth showing (warn and critical, most serious first; a start link's
   * own finding is the `why` instead); the page names each by its plain name, and `message` is
   * the English wording the command line prints.
   */
  findings: Array<{ code: Finding['code']; severity: Finding['severity']; message: string }>;
  /** The recorded event, to quote to the service desk (formatReference). */
  reference?: GuardReference;
  /** For a look-alike host: what it imitates ("this is not Zoom"). */
  imitates?: string;
  /** For a drill link (docs/awareness.md): the drill's name; the page is its lesson. */
  drill?: string;
}

/** The warned or blocked event's seq on this install. */
export interface GuardReference {
  seq: number;
  installId: string;
}

/** The short reference people read out: the install's first 8 characters and the seq. */
export function formatReference(ref: GuardReference): string {
  return `${ref.installId.replace(/-/g, '').slice(0, 8).toUpperCase()}-${ref.seq}`;
}

const WHY_BY_CATEGORY: Record<string, MessageKey> = {
  'consumer-video': 'why_consumer_video',
  'consumer-messaging': 'why_consumer_messaging',
};

function instead(policy: Policy): Msg {
  const n = policy.sanctionedPlatforms.length;
  return { key: n === 0 ? 'instead_ask' : n === 1 ? 'instead_one' : 'instead_many' };
}

/** The built-in default's organisation name: pages word it in the reader's language. */
export const DEFAULT_ORGANIZATION_NAME = 'Your organisation';

/**
 * Params `org` (mid-sentence) and `Org` (sentence start) for an organisation's name: the
 * built-in default name ("Your organisation") reads as "your organisation" mid-sentence,
 * and is translated; an organisation's own name is shown as written.
 */
export function orgParams(name: string, t: Translate): { org: string; Org: string } {
  if (name === DEFAULT_ORGANIZATION_NAME) return { org: t('org_default_mid'), Org: t('org_default_start') };
  return { org: name, Org: name };
}

/** A GuardView text with the organisation filled in, in the reader's language. */
export function viewText(m: Msg, view: Pick<GuardView, 'organization'>, t: Translate): string {
  return t(m.key, { ...orgParams(view.organization.name, t), ...m.params });
}

/** The page for a navigation the policy warns about or blocks. */
export function navigationView(decision: Decision, host: string, policy: Policy): GuardView {
  const service = decision.service ? CATALOG.services.find((s) => s.id === decision.service) : undefined;
  const name = decision.label ?? service?.name ?? null;
  let why: Msg;
  if (service && WHY_BY_CATEGORY[service.category]) why = { key: WHY_BY_CATEGORY[service.category]!, params: { name: service.name } };
  else if (decision.source === 'rule' && name) why = { key: 'why_rule', params: { name } };
  else if (decision.source === 'rule') why = { key: 'why_rule_unnamed' };
  else why = { key: 'why_default' };
  return base(decision.action === 'block' ? 'block' : 'warn', host, name, decision.service, why, policy, [], 'site', null);
}

/**
 * The page for a look-alike host (docs/lookalikes.md): it says plainly what this is not, and
 * how the address imitates it. Continuing, where allowed, is for this host like any site.
 */
export function lookalikeView(mode: GuardView['mode'], host: string, lookalike: Lookalike, policy: Policy): GuardView {
  const why: Msg = { key: `why_lookalike_${lookalike.form}`, params: { name: lookalike.name } };
  return { ...base(mode, host, null, null, why, policy, [], 'site', null), imitates: lookalike.name };
}

/** The lesson page of a drill link: nothing to continue to, nothing to fear. */
export function drillView(host: string, name: string, policy: Policy): GuardView {
  return { ...base('block', host, null, null, { key: 'drill_why' }, policy, [], 'site', null), drill: name };
}

/**
 * The page for a meeting link whose verdict is warn or block: why, in plain words; what was
 * found (warn and critical findings); what to ask the host for instead (a scheduled meeting
 * with a waiting room and passcode on the organisation's own account); and, for a host's start
 * link, that it lets anyone join as the host and must never be forwarded. Continuing, where
 * allowed, opens this link once.
 */
export function meetingView(verdict: 'warn' | 'block', host: string, platformName: string | null, findings: readonly Finding[], policy: Policy, platform: string | null = null): GuardView {
  const startLink = findings.some((f) => f.code === 'start-link');
  // A start link's danger is the page's `why`; listing it again as a finding said it twice.
  const shown = orderedFindings(findings.filter((f) => f.severity !== 'info' && !(startLink && f.code === 'start-link')));
  const named = platformName !== null;
  const why: Msg = startLink
    ? named
      ? { key: 'why_meeting_start_link', params: { platform: platformName } }
      : { key: 'why_meeting_start_link_unnamed' }
    : named
      ? { key: verdict === 'block' ? 'why_meeting_block' : 'why_meeting_warn', params: { platform: platformName } }
      : { key: verdict === 'block' ? 'why_meeting_block_unnamed' : 'why_meeting_warn_unnamed' };
  const askHost: Msg = { key: startLink ? 'ask_host_start_link' : 'ask_host' };
  const shownFindings = shown.map((f) => ({ code: f.code, severity: f.severity, message: f.message }));
  return base(verdict, host, platformName, platform, why, policy, shownFindings, 'link-once', askHost);
}

function base(
  mode: GuardView['mode'],
  host: string,
  name: string | null,
  service: string | null,
  why: Msg,
  policy: Policy,
  findings: GuardView['findings'],
  scope: GuardView['scope'],
  askHost: Msg | null,
): GuardView {
  return {
    mode,
    host,
    name,
    service,
    why,
    instead: instead(policy),
    organization: policy.organization,
    sanctionedPlatforms: policy.sanctionedPlatforms,
    requireReason: policy.warn.requireReason,
    bypassMinutes: policy.warn.bypassMinutes,
    scope,
    askHost,
    findings,
  };
}

/** The minimum reason length when a reason is required (docs/command-line-and-pages.md). */
export const MIN_REASON_LENGTH = 3;

export function reasonAccepted(reason: string, policy: Policy): boolean {
  return !policy.warn.requireReason || reason.trim().length >= MIN_REASON_LENGTH;
}
