import { falsePositiveCorpus } from '../../core/data-protection/corpus.ts';
import { detectorById } from '../../core/data-protection/detectors/index.ts';
import { samplePattern } from '../../core/data-protection/pattern-syntax.ts';
import { compileDetection, isEmpty, scanText } from '../../core/data-protection/scan.ts';
import { policyWarnings } from '../../core/lookalike/warnings.ts';
import type { Policy } from '../../core/policy/schema.ts';
import { escapeControls } from '../../core/printable.ts';
import { headerTargets, unsettableHeaders } from '../../core/tenant-restrictions.ts';
import { policySummary } from '../../core/policy/summary.ts';
import { translator } from '../../core/i18n/format.ts';
import { parseCommandArgs } from '../args.ts';
import { problemLine, readPolicyFile } from '../policy-option.ts';
import { EXIT_OK, EXIT_PROBLEM, UsageError, type Command } from '../io.ts';
import { checkSeal, SEAL_CHANGED } from '../../core/policy/seal.ts';
import type { PolicyObject } from '../deploy/formats.ts';
import { preparePush } from '../deploy/prepare.ts';

export const VALIDATE_HELP = `Usage: telehealth-guard validate <policy.json>…
       telehealth-guard validate --seal <policy.json>

Checks policy files against policy format v1 before IT pushes them.
A "seal" in the file must match it (a file edited after sealing is refused). With --seal,
prints the valid policy with its seal (replacing any it had), to push with your own tools;
deploy seals by default.
Exit 0 with a summary of each valid policy; exit 1 with one line per problem,
"<path>: <message>" (for example "rules[3].match: must not contain a port").
A valid policy may also print "warning: <path>: <message>" lines (exit 0): a rule whose
host looks like a meeting platform, sign-in host, protected domain or catalog service,
and any host that mixes scripts (Latin and Cyrillic, say) in one name.`;

export const validateCommand: Command = async (args, io) => {
  const { positionals, values } = parseCommandArgs(args, { help: { type: 'boolean', short: 'h' }, seal: { type: 'boolean' } });
  if (values.help) {
    io.out(VALIDATE_HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('validate needs a policy file');
  if (values.seal) {
    if (positionals.length > 1) throw new UsageError(`validate --seal takes one policy file, got ${positionals.length}`);
    return printSealed(io, positionals[0]!);
  }
  let exit = EXIT_OK;
  for (const file of positionals) {
    const r = await readPolicyFile(io, file);
    const shown = escapeControls(file);
    if ('unreadable' in r) {
      io.err(`${shown}: cannot read (${escapeControls(r.unreadable)})`);
      exit = EXIT_PROBLEM;
    } else if (r.ok && (r.chromeDrops?.length || (await checkSeal(r.raw as Record<string, unknown>)) === 'mismatch')) {
      // Valid to the extension, but not what would arrive: Chrome trims it, or it is not what was sealed.
      const problems = [...(r.chromeDrops ?? []), ...((await checkSeal(r.raw as Record<string, unknown>)) === 'mismatch' ? [{ path: 'seal', message: SEAL_CHANGED }] : [])];
      exit = EXIT_PROBLEM;
      io.err(`${shown}: invalid policy, ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
      for (const p of problems) io.out(problemLine(p));
    } else if (r.ok) {
      io.out(summarise(shown, r.policy));
      // Still valid (exit 0): things IT should look at twice before pushing (docs/lookalikes.md).
      for (const w of policyWarnings(r.policy)) io.out(`warning: ${w.path}: ${escapeControls(w.message)}`);
    } else {
      exit = EXIT_PROBLEM;
      io.err(`${shown}: invalid policy, ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}:`);
      for (const p of r.problems) io.out(problemLine(p));
    }
  }
  return exit;
};

/** `validate --seal`: the policy as written, with its seal, on standard output (problems as usual). */
async function printSealed(io: Parameters<Command>[1], file: string): Promise<number> {
  const r = await readPolicyFile(io, file);
  const shown = escapeControls(file);
  if ('unreadable' in r) {
    io.err(`${shown}: cannot read (${escapeControls(r.unreadable)})`);
    return EXIT_PROBLEM;
  }
  if (!r.ok || r.raw === undefined) {
    const problems = r.ok ? [] : r.problems;
    io.err(`${shown}: invalid policy, ${problems.length} problem${problems.length === 1 ? '' : 's'}; not sealed:`);
    for (const p of problems) io.out(problemLine(p));
    return EXIT_PROBLEM;
  }
  const { policy } = preparePush(r.raw as PolicyObject, { incognitoOff: false, seal: true });
  io.out(JSON.stringify(policy, null, 2));
  return EXIT_OK;
}

/** The summary shared with the options page (core/policy/summary.ts), in English. */
function summarise(file: string, p: Policy): string {
  const lines = [
    ...policySummary(p, translator('en'), { codes: true }),
    // Checked before the summary is printed: a seal here matches the file.
    { label: 'seal', value: p.seal ? `${p.seal} (matches this file)` : 'none (deploy seals by default; validate --seal prints the policy sealed)' },
  ];
  const width = Math.max(...lines.map((l) => l.label.length)) + 2;
  return [
    `${file}: valid policy (schemaVersion 1${p.policyVersion ? `, policyVersion "${p.policyVersion}"` : ''})`,
    ...lines.map((l) => `  ${(l.label + ':').padEnd(width)}${l.value}`),
    // Tenant restrictions: header by header, as IT configures them (the pages show a short form).
    ...tenantLines(p),
    ...dataLines(p),
  ].join('\n');
}

/**
 * What will be detected (docs/data-protection.md): each built-in with its rule, and each of the
 * organisation's patterns with a text it matches and how often it matches ordinary text.
 */
function dataLines(p: Policy): string[] {
  const dp = p.dataProtection;
  if (dp.action === 'allow') return [];
  const indent = '                        ';
  const lines = [`  data detectors:       ${dp.action === 'block' ? 'refused' : 'held for a reason'} when pasted, dropped, uploaded or sent in consumer apps and unsanctioned meetings' web clients:`];
  for (const id of dp.identifiers) {
    const d = detectorById(id);
    lines.push(`${indent}${id}: ${d.name}: ${d.rule}`);
  }
  if (dp.identifiers.length === 0) lines.push(`${indent}no built-in detectors (dataProtection.identifiers is empty)`);
  const corpus = falsePositiveCorpus(FP_LINES);
  for (const pattern of dp.patterns) {
    const sample = samplePattern(pattern.regex);
    const detection = compileDetection({ identifiers: [], patterns: [pattern] });
    const hits = corpus.filter((l) => !isEmpty(scanText(l.text, detection))).length;
    const min = pattern.minMatches ?? 1;
    lines.push(
      `${indent}pattern ${JSON.stringify(pattern.name)}: ${pattern.regex}${min > 1 ? ` (counts from ${min} different matches in one text)` : ''}`,
      `${indent}  ${sample === null ? 'NO SAMPLE: no text of its shape could be made to match; check that the pattern can match at all' : `matches e.g. ${JSON.stringify(sample)}`}`,
      `${indent}  matched ${hits} of ${FP_LINES.toLocaleString('en-US')} lines of ordinary clinical text (false positives${hits > 0 ? '; consider \\b, a prefix or minMatches' : ''})`,
    );
  }
  return lines;
}

const FP_LINES = 10_000;

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
