import type { Policy } from '../../core/policy/schema.ts';
import { escapeControls } from '../../core/printable.ts';
import { headerTargets, unsettableHeaders } from '../../core/tenant-restrictions.ts';
import { policySummary } from '../../core/policy/summary.ts';
import { translator } from '../../core/i18n/format.ts';
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

/** The summary shared with the options page (core/policy/summary.ts), in English. */
function summarise(file: string, p: Policy): string {
  const lines = policySummary(p, translator('en'));
  const width = Math.max(...lines.map((l) => l.label.length)) + 2;
  return [
    `${file}: valid policy (schemaVersion 1${p.policyVersion ? `, policyVersion "${p.policyVersion}"` : ''})`,
    ...lines.map((l) => `  ${(l.label + ':').padEnd(width)}${l.value}`),
    // Tenant restrictions: header by header, as IT configures them (the pages show a short form).
    ...tenantLines(p),
  ].join('\n');
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
      : `${indent}Chromium and Firefox let an extension set each of these headers (tested on Chromium 156 and Firefox ESR 153).`,
  );
  return lines;
}
