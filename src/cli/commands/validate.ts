import { parsePolicyText, formatProblem } from '../../core/policy/parse.ts';
import type { Policy } from '../../core/policy/schema.ts';
import { parseCommandArgs } from '../args.ts';
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
    let text: string;
    try {
      text = await io.readFile(file);
    } catch (e) {
      io.err(`${file}: cannot read (${(e as Error).message})`);
      exit = EXIT_PROBLEM;
      continue;
    }
    const r = parsePolicyText(text);
    if (r.ok) {
      io.out(summarise(file, r.policy));
    } else {
      exit = EXIT_PROBLEM;
      io.err(`${file}: invalid policy, ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}:`);
      for (const p of r.problems) io.out(formatProblem(p));
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
    `  logging:              ${p.logging.retentionDays} days, at most ${p.logging.maxEvents} events, ${p.logging.recordFullUrls ? 'FULL URLs recorded' : 'hosts only'}`,
    `  reporting:            ${p.reporting?.url ? `${p.reporting.format} to ${p.reporting.url}` : 'off'}`,
  ];
  return lines.join('\n');
}
