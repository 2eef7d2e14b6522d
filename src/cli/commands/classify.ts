import { stricter } from '../../core/actions.ts';
import { classifyUrl, compilePolicy, isError, type Classification } from '../../core/classify.ts';
import { lookalikeOf } from '../../core/lookalike/decide.ts';
import type { Lookalike } from '../../core/lookalike/detect.ts';
import { escapeControls } from '../../core/printable.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT_OK, EXIT_PROBLEM, UsageError, type Command } from '../io.ts';
import { loadPolicyOption } from '../policy-option.ts';

export const CLASSIFY_HELP = `Usage: telehealth-guard classify <url>… [--policy <file>] [--json]

Prints what the policy does with each URL: allow, warn or block, and why.
Without --policy the built-in default policy is used.
--json prints one object per URL per line:
  {"url","host","action","service","category","source","label"}
  source is "rule", "service", "category", "default" or "lookalike"; service and
  category are catalog ids, null when an organisation rule or the default decided.
  A look-alike host (docs/lookalikes.md) takes detection.lookalikes (or the site's
  action if stricter), with source "lookalike" and label the name it imitates.
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
  let exit = EXIT_OK;
  for (const url of positionals) {
    const r = classifyUrl(compiled, url);
    if (isError(r)) {
      exit = EXIT_PROBLEM;
      if (values.json) io.out(JSON.stringify({ url, error: r.error }));
      else io.err(`${escapeControls(url)}: ${r.error}`);
      continue;
    }
    const lookalike = policy.detection.lookalikes === 'allow' ? null : lookalikeOf(r, compiled);
    const shown = lookalike ? asLookalike(r, lookalike, stricter(policy.detection.lookalikes, r.action)) : r;
    io.out(values.json ? JSON.stringify(classificationJson(shown)) : classificationLine(shown, lookalike));
  }
  return exit;
};

/** Exactly the fields docs/command-line-and-pages.md fixes, in its order. */
export function classificationJson(r: Omit<Classification, 'source'> & { source: Classification['source'] | 'lookalike' }) {
  return { url: r.url, host: r.host, action: r.action, service: r.service, category: r.category, source: r.source, label: r.label };
}

/** The classification as the guard decides it for a look-alike: its action, named for what it imitates. */
function asLookalike(r: Classification, l: Lookalike, action: Classification['action']) {
  return { ...r, action, source: 'lookalike' as const, label: l.name };
}

const FORM_WORDS: Record<Lookalike['form'], string> = { confusable: 'confusable spelling', typo: 'one typing slip', brand: 'brand inside another domain' };

function classificationLine(r: Omit<Classification, 'source'> & { source: Classification['source'] | 'lookalike' }, l: Lookalike | null): string {
  const why = l
    ? `look-alike: this is not ${l.name} (${FORM_WORDS[l.form]})`
    : r.source === 'rule'
      ? `organisation rule ${r.pattern}${r.label ? ` ("${r.label}")` : ''}`
      : r.source === 'default'
        ? r.service
          ? `${r.label}: policy default action`
          : 'no rule or catalog entry: default action'
        : `${r.label} (${r.service}, ${r.category}) by ${r.source} setting`;
  return `${r.action.padEnd(5)}  ${r.host || '-'}  ${why}`;
}
