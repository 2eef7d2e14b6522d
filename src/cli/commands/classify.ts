import { classifyUrl, compilePolicy, isError } from '../../core/classify.ts';
import type { Lookalike } from '../../core/lookalike/detect.ts';
import { classifyJson, classifyProjection, type ClassifyProjection } from '../../core/verdict.ts';
import { escapeControls } from '../../core/printable.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT_OK, EXIT_PROBLEM, UsageError, type Command } from '../io.ts';
import { loadPolicyOption } from '../policy-option.ts';

export const CLASSIFY_HELP = `Usage: telehealth-guard classify <url>… [--policy <file>] [--json]

Prints what the policy does with each URL: allow, warn or block, and why — the same
decision the extension's warning page, popup and badge show (a meeting link opened is
checked too when the policy's meetings.checkNavigation is on, as by default).
Without --policy the built-in default policy is used.
--json prints one object per URL per line:
  {"url","host","action","service","category","source","label"}
  source is "rule", "service", "category", "default", "lookalike" or "drill"; service
  and category are catalog ids, null when an organisation rule or the default decided.
  A look-alike host (docs/lookalikes.md) takes detection.lookalikes (or the site's
  action if stricter), with source "lookalike" and label the name it imitates; an
  awareness drill (docs/awareness.md) is "block" with source "drill". When the
  meeting-link check decided, "meeting": {"platform","verdict","findings"} follows.
A URL that does not parse prints {"url","error"} and the command exits 1 after the rest.`;

export const classifyCommand: Command = async (args, io) => {
  const { positionals, values } = parseCommandArgs(args, {
    policy: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(CLASSIFY_HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('classify needs at least one URL');
  const policy = await loadPolicyOption(io, values.policy);
  if (!policy) return EXIT_PROBLEM;
  const compiled = compilePolicy(policy);
  const ctx = { compiled, allowances: [], now: Date.now() };
  let exit = EXIT_OK;
  for (const url of positionals) {
    const r = classifyUrl(compiled, url);
    const p = isError(r) ? null : classifyProjection(url, ctx);
    if (isError(r) || p === null) {
      exit = EXIT_PROBLEM;
      const error = isError(r) ? r.error : 'not a web address';
      if (values.json) io.out(JSON.stringify({ url, error }));
      else io.err(`${escapeControls(url)}: ${error}`);
      continue;
    }
    io.out(values.json ? JSON.stringify(classifyJson(p)) : classificationLine(p, r.pattern));
  }
  return exit;
};

const FORM_WORDS: Record<Lookalike['form'], string> = { confusable: 'confusable spelling', typo: 'one typing slip', brand: 'brand inside another domain' };

function classificationLine(p: ClassifyProjection, pattern: string | null): string {
  if (p.meeting) return `${p.action.padEnd(5)}  ${p.host || '-'}  meeting link (${p.meeting.platform}): ${p.meeting.findings.join(', ') || p.meeting.verdict}`;
  const why = p.lookalike
    ? `look-alike: this is not ${p.lookalike.name} (${FORM_WORDS[p.lookalike.form]})`
    : p.source === 'drill'
      ? `awareness drill "${p.label}"`
      : p.source === 'rule'
        ? `organisation rule ${pattern}${p.label ? ` ("${p.label}")` : ''}`
        : p.source === 'default'
          ? p.service
            ? `${p.label}: policy default action`
            : 'no rule or catalog entry: default action'
          : `${p.label} (${p.service}, ${p.category}) by ${p.source} setting`;
  return `${p.action.padEnd(5)}  ${p.host || '-'}  ${why}`;
}
