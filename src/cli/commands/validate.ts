import type { Policy } from '../../core/policy/schema.ts';
import { escapeControls } from '../../core/printable.ts';
import { headerTargets, unsettableHeaders } from '../../core/tenant-restrictions.ts';
import { parseCommandArgs } from '../args.ts';
import { problemLine, readPolicyFile } from '../policy-option.ts';
import { EXIT_OK, EXIT_PROBLEM, UsageError, type Command } from '../io.ts';

export const VALIDATE_HELP = `Usage: telehealth-guard validate <policy.json>…

Checks policy files against policy format v1 before IT pushes them.
Exit 0 with a summary of each valid policy; exit 1 with one line per problem,
"<path>: <message>" (for example "rules[3].match: must not contain a port").`;

export const validateCommand: Command = async (args, io) => {
  const { positionals, values } = parseCommandArgs(args, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.out(VALIDATE_HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('validate needs a policy file');
  let exit = EXIT_OK;
  for (const file of positionals) {
    const r = await readPolicyFile(io, file);
    const shown = escapeControls(file);
    if ('unreadable' in r) {
      io.err(`${shown}: cannot read (${escapeControls(r.unreadable)})`);
      exit = EXIT_PROBLEM;
    } else if (r.ok) {
      io.out(summarise(shown, r.policy));
    } else {
      exit = EXIT_PROBLEM;
      io.err(`${shown}: invalid policy, ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}:`);
      for (const p of r.problems) io.out(problemLine(p));
    }
  }
  return exit;
};

function summarise(file: string, p: Policy): string {
  const count = (a: string) => p.rules.filter((r) => r.action === a).length;
  const s = p.meetings.sanctioned;
  const sanctioned = s
    ? [
        s.zoom && `Zoom (${s.zoom.accounts.join(', ') || 'no accounts'})`,
        s.teams && `Teams (${s.teams.tenantIds.length} tenant${s.teams.tenantIds.length === 1 ? '' : 's'})`,
        s.webex && `Webex (${s.webex.sites.join(', ') || 'no sites'})`,
        s.meet?.allowed && 'Google Meet',
        s.doxy?.allowed && 'Doxy.me',
        s.vsee?.allowed && 'VSee',
        s.whereby?.allowed && 'Whereby',
        s.goto?.allowed && 'GoTo Meeting',
        s.ringcentral?.allowed && 'RingCentral Video',
      ].filter(Boolean).join('; ') || 'none'
    : 'not configured (meeting platforms are not judged)';
  const lines = [
    `${file}: valid policy (schemaVersion 1${p.policyVersion ? `, policyVersion "${p.policyVersion}"` : ''})`,
    `  organisation:         ${p.organization.name}${p.organization.supportContact ? ` — support: ${p.organization.supportContact}` : ''}`,
    `  default action:       ${p.defaultAction}`,
    `  categories:           ${Object.entries(p.categories).map(([k, v]) => `${k} → ${v}`).join(', ')}`,
    `  service overrides:    ${Object.entries(p.services).map(([k, v]) => `${k} → ${v}`).join(', ') || 'none'}`,
    `  rules:                ${p.rules.length} (${count('block')} block, ${count('warn')} warn, ${count('allow')} allow)`,
    `  sanctioned platforms: ${p.sanctionedPlatforms.map((x) => x.name).join(', ') || 'none listed'}`,
    `  warnings:             ${p.warn.requireReason ? 'reason required' : 'no reason required'}, continue lasts ${p.warn.bypassMinutes} min`,
    `  meeting links:        ${p.meetings.checkNavigation ? 'checked on open' : 'not checked on open'}; annotated on ${p.meetings.scanPages.length} host${p.meetings.scanPages.length === 1 ? '' : 's'}; unsanctioned → ${p.meetings.unsanctionedAction}`,
    `  sanctioned meetings:  ${sanctioned}`,
    `  meeting findings:     ${Object.entries(p.meetings.findingActions).map(([k, v]) => `${k} → ${v}`).join(', ') || 'default severities'}`,
    `  logging:              ${p.logging.retentionDays} days, at most ${p.logging.maxEvents} events, ${p.logging.recordFullUrls ? 'FULL URLs recorded' : 'hosts only'}${p.logging.recordUser ? ', signed-in user recorded' : ''}`,
    `  reporting:            ${p.reporting?.url ? `${p.reporting.format} to ${p.reporting.url}` : 'off'}`,
    ...tenantLines(p),
  ];
  return lines.join('\n');
}

const VENDOR_NAMES = { microsoft: 'Microsoft', google: 'Google', webex: 'Webex' } as const;

/** Each header exactly as the browser will send it, where, and what Chromium will not let through. */
function tenantLines(p: Policy): string[] {
  const targets = headerTargets(p.tenantRestrictions);
  if (targets.length === 0) return ['  tenant restrictions:  none'];
  const indent = '                        ';
  const lines = ['  tenant restrictions:  sign-in headers set by the browser (the vendor must be configured too; see README):'];
  // Targets with the same headers (Webex's named hosts and its idbroker pattern) read as one.
  const merged: Array<{ vendor: string; where: string[]; headers: typeof targets[number]['headers'] }> = [];
  for (const t of targets) {
    const last = merged.at(-1);
    if (last && last.vendor === t.vendor && JSON.stringify(last.headers) === JSON.stringify(t.headers)) last.where.push(...t.where);
    else merged.push({ vendor: t.vendor, where: [...t.where], headers: t.headers });
  }
  for (const t of merged) {
    lines.push(`${indent}${VENDOR_NAMES[t.vendor as keyof typeof VENDOR_NAMES]}, on ${t.where.join(', ')}:`);
    for (const h of t.headers) lines.push(`${indent}  ${h.header}: ${h.value}`);
  }
  const refused = unsettableHeaders(p.tenantRestrictions);
  lines.push(
    refused.length
      ? `${indent}NOT SET: Chromium does not let an extension set ${refused.join(', ')}; use the vendor's proxy or device method for ${refused.length === 1 ? 'it' : 'them'}.`
      : `${indent}Chromium lets an extension set each of these headers (tested on Chromium 156); Firefox is not verified.`,
  );
  return lines;
}
