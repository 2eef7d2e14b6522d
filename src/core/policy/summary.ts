/**
 * What a policy does, in one screen: the command line's `validate` prints it, and the
 * options page shows it for the policy in force, from this one source. Each line is a
 * label and a value in the reader's language (English on the command line); the values
 * name the organisation's own platforms and hosts as written.
 */
import type { Action } from '../actions.ts';
import type { MessageKey } from '../i18n/en.ts';
import { tn, type Translate } from '../i18n/format.ts';
import { categoryName, findingText, serviceName } from '../i18n/names.ts';
import type { Policy } from './schema.ts';

export interface SummaryLine {
  /** Stable id (tests, test ids). */
  id: string;
  label: string;
  value: string;
}

const ACTION_KEYS: Record<Action, MessageKey> = { allow: 'action_allow', warn: 'action_warn', block: 'action_block' };

export interface SummaryOptions {
  /** Name each category, service and finding and give its policy code after it (the command line, for IT). */
  codes?: boolean;
}

/**
 * Categories, services and findings by their plain names in the reader's language (a code
 * such as `consumer-video` is IT's word, not the reader's); the command line adds the code.
 */
export function policySummary(p: Policy, t: Translate, options: SummaryOptions = {}): SummaryLine[] {
  const action = (a: Action) => t(ACTION_KEYS[a]);
  const named = (name: string, code: string) => (options.codes && name !== code ? `${name} (${code})` : name);
  const entries = (o: Record<string, Action | undefined>, name: (code: string) => string) =>
    Object.entries(o)
      .map(([k, v]) => `${named(name(k), k)} → ${action(v!)}`)
      .join(', ');
  const count = (a: Action) => p.rules.filter((r) => r.action === a).length;
  const s = p.meetings.sanctioned;
  const sanctioned = s
    ? [
        s.zoom && `Zoom (${s.zoom.accounts.join(', ') || t('sum_no_accounts')})`,
        s.teams && `Teams (${tn(t, 'sum_tenants', s.teams.tenantIds.length, { count: s.teams.tenantIds.length })})`,
        s.webex && `Webex (${s.webex.sites.join(', ') || t('sum_no_sites')})`,
        s.meet?.allowed && 'Google Meet',
        s.doxy?.allowed && 'Doxy.me',
        s.vsee?.allowed && 'VSee',
        s.whereby?.allowed && 'Whereby',
        s.goto?.allowed && 'GoTo Meeting',
        s.ringcentral?.allowed && 'RingCentral Video',
      ]
        .filter(Boolean)
        .join('; ') || t('sum_none')
    : t('sum_meetings_unjudged');
  const overrides = entries(p.services, serviceName);
  const ir = p.incidentResponse;
  const line = (id: string, label: MessageKey, value: string): SummaryLine => ({ id, label: t(label), value });
  return [
    line('organisation', 'sum_organisation', p.organization.supportContact ? t('sum_org_support', { name: p.organization.name, contact: p.organization.supportContact }) : p.organization.name),
    line('default', 'sum_default', action(p.defaultAction)),
    line('categories', 'sum_categories', entries(p.categories, (k) => categoryName(k, t))),
    line('services', 'sum_services', overrides || t('sum_none')),
    line('rules', 'sum_rules', t('sum_rules_value', { total: p.rules.length, block: count('block'), warn: count('warn'), allow: count('allow') })),
    line('platforms', 'sum_platforms', p.sanctionedPlatforms.map((x) => x.name).join(', ') || t('sum_none_listed')),
    line('warnings', 'sum_warnings', t(p.warn.requireReason ? 'sum_warn_reason' : 'sum_warn_no_reason', { minutes: p.warn.bypassMinutes })),
    line(
      'meetings',
      'sum_meetings',
      t('sum_meetings_value', {
        checked: t(p.meetings.checkNavigation ? 'sum_checked_on_open' : 'sum_not_checked_on_open'),
        hosts: tn(t, 'sum_hosts', p.meetings.scanPages.length, { count: p.meetings.scanPages.length }),
        action: action(p.meetings.unsanctionedAction),
      }),
    ),
    line('sanctioned', 'sum_sanctioned', sanctioned),
    line('findings', 'sum_findings', entries(p.meetings.findingActions, (k) => findingText(k, t)) || t('sum_findings_default')),
    line(
      'media',
      'sum_media',
      t('sum_media_value', {
        action: action(p.media.action),
        sites: tn(t, 'sum_sites', p.media.allowedSites.length, { count: p.media.allowedSites.length }),
        use: t(p.media.recordUse ? 'sum_media_use_recorded' : 'sum_media_use_not_recorded'),
      }),
    ),
    line(
      'data',
      'sum_data',
      p.dataProtection.action === 'allow'
        ? t('sum_data_off')
        : t('sum_data_value', { action: action(p.dataProtection.action), detectors: p.dataProtection.identifiers.length, patterns: p.dataProtection.patterns.length }),
    ),
    line('logging', 'sum_logging', tn(t, p.logging.recordFullUrls ? 'sum_logging_full' : 'sum_logging_hosts', p.logging.retentionDays, { days: p.logging.retentionDays, max: p.logging.maxEvents }) + (p.logging.recordUser ? t('sum_logging_user') : '')),
    line('reporting', 'sum_reporting', p.reporting?.url ? t('sum_reporting_to', { format: p.reporting.format, url: p.reporting.url }) : t('sum_off')),
    line('incidents', 'sum_incidents', ir && (ir.contact || ir.url || ir.steps?.length) ? [ir.contact, ir.url, ir.steps?.length ? tn(t, 'sum_steps', ir.steps.length, { count: ir.steps.length }) : ''].filter(Boolean).join(' — ') : t('sum_incidents_support')),
  ];
}
