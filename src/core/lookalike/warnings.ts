/**
 * What `validate` warns about before IT pushes a policy (docs/lookalikes.md, "Left alone on purpose"):
 * a rule whose host is a look-alike of a platform, sign-in host, protected domain or catalog
 * service (an `allow` there would wave an imitation through, and an organisation rule that
 * allows a host turns the look-alike check off for it), and any host in the policy that mixes
 * scripts in one label (`zооm.us` with Cyrillic о), which nobody types on purpose.
 * Warnings, not errors: the policy stays valid.
 */
import { hostOfUrl, parseHostPattern } from '../hosts.ts';
import type { Policy } from '../policy/schema.ts';
import { compileLookalikes, detectLookalike, type LookalikeForm } from './detect.ts';
import { decodeHost, decodeLabel } from './skeleton.ts';

export interface PolicyWarning {
  path: string;
  message: string;
}

const FORM_WORDS: Record<LookalikeForm, string> = { confusable: 'a confusable spelling', typo: 'one typing slip', brand: 'the brand inside another domain' };

/**
 * Scripts a label may be written in (UTS #39's "highly restrictive" level): one script, or
 * Latin with the scripts Japanese, Chinese and Korean mix with it. Digits and `-` are common to all.
 */
const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Georgian', 'Hebrew', 'Arabic', 'Devanagari', 'Bengali', 'Thai', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Bopomofo', 'Cherokee', 'Ethiopic', 'Tamil'] as const;
const SCRIPT_RES = SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')] as const);
const CJK_MIXES: ReadonlyArray<ReadonlySet<string>> = [new Set(['Latin', 'Han', 'Hiragana', 'Katakana']), new Set(['Latin', 'Han', 'Bopomofo']), new Set(['Latin', 'Han', 'Hangul'])];

/** The scripts of a label's letters (`Other` for a letter of none listed). */
export function labelScripts(label: string): Set<string> {
  const scripts = new Set<string>();
  for (const ch of label) {
    if (!/\p{L}/u.test(ch)) continue;
    scripts.add(SCRIPT_RES.find(([, re]) => re.test(ch))?.[0] ?? 'Other');
  }
  return scripts;
}

/** The first label of a canonical host whose letters mix scripts, decoded; null when none does. */
export function mixedScriptLabel(host: string): string | null {
  for (const raw of host.split('.')) {
    const label = decodeLabel(raw);
    const scripts = labelScripts(label);
    if (scripts.size <= 1) continue;
    if (CJK_MIXES.some((mix) => [...scripts].every((s) => mix.has(s)))) continue;
    return label;
  }
  return null;
}

export function policyWarnings(policy: Policy): PolicyWarning[] {
  const index = compileLookalikes(policy);
  const warnings: PolicyWarning[] = [];
  const hostOf = (pattern: string) => {
    const parsed = parseHostPattern(pattern);
    return parsed.ok ? parsed.pattern.host : null;
  };
  const mixed = (path: string, host: string | null) => {
    const label = host && mixedScriptLabel(host);
    if (label) warnings.push({ path, message: `"${label}" mixes ${[...labelScripts(label)].join(' and ')} letters in one name; an address like this is almost always an imitation` });
  };

  policy.rules.forEach((rule, i) => {
    const host = hostOf(rule.match);
    if (!host) return;
    mixed(`rules[${i}].match`, host);
    const l = detectLookalike(index, host);
    if (l && rule.action !== 'block') {
      const shown = decodeHost(host) === host ? host : `${decodeHost(host)} (${host})`;
      warnings.push({ path: `rules[${i}].match`, message: `"${shown}" looks like ${l.name} (${FORM_WORDS[l.form]}); ${rule.action === 'allow' ? 'allowing it lets an imitation through: ' : ''}check it is the site you mean` });
    }
  });
  const lists: Array<[string, readonly string[]]> = [
    ['meetings.scanPages', policy.meetings.scanPages],
    ['media.allowedSites', policy.media.allowedSites],
    ['detection.protect', policy.detection.protect],
  ];
  for (const [path, items] of lists) items.forEach((p, i) => mixed(`${path}[${i}]`, hostOf(p)));
  policy.awareness.drills.forEach((d, i) => mixed(`awareness.drills[${i}].match`, hostOf(d.match)));
  policy.sanctionedPlatforms.forEach((p, i) => mixed(`sanctionedPlatforms[${i}].url`, hostOfUrl(p.url)));
  return warnings;
}
