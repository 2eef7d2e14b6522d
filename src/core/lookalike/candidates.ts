/**
 * Look-alikes before any request leaves (docs/lookalikes.md, "Before any request"). The
 * browser's rules cannot list every look-alike, so a few regex rules send the main-frame
 * navigations that *could* be one to the guard page, where the core decides
 * (decideNavigation): a look-alike gets its warning or block, an innocent host goes straight
 * on through a one-time pass, like a meeting link that checks out.
 *
 * - **IDN hosts** (`xn--` in the host): every confusable spelling with a non-ASCII letter.
 * - **Brand-containing hosts**: a target's brand word anywhere in the host, except under the
 *   targets' own domains (`excludedRequestDomains`), so `zoom.us` and `login.microsoftonline.com`
 *   never take the detour.
 *
 * What these rules cannot see is caught when the page commits (the second line,
 * navigation-watch.ts): one-slip typos (`microsoftoniine.com`) and ASCII confusables
 * (`rnicrosoft.com`, `g00gle.com`). Frames are judged there too: a detour would break
 * innocent embeds that no one can continue from.
 */
import type { CompiledPolicy } from '../classify.ts';
import type { DnrRule } from '../dnr.ts';
import { LOOKALIKE_PRIORITY } from './decide.ts';

const IDN_HOST = '^(https?://[^/?#]*xn--.*)$';

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The regex of hosts that contain `word` (in the host, before any path). One small rule per
 * word: Chromium refuses a regexFilter that compiles past 2 KB, and then the whole rule set
 * with it (an alternation of a dozen brands, tried first, let `zoom.us.example.net` through in
 * Chromium 156; test/e2e/lookalikes.spec.ts now checks the browser took every rule).
 */
export function brandHostRegex(word: string): string {
  return `^(https?://[^/?#]*${escapeRegex(word)}.*)$`;
}

/** The fewest words that contain every brand (`microsoft` covers `microsoftonline`). */
export function coveringWords(words: Iterable<string>): string[] {
  const sorted = [...new Set(words)].sort((a, b) => a.length - b.length || a.localeCompare(b));
  const kept: string[] = [];
  for (const w of sorted) if (!kept.some((k) => w.includes(k))) kept.push(w);
  return kept.sort();
}

/** The candidate rules for a compiled policy; none when it lets look-alikes through (`detection.lookalikes: allow`). */
export function lookalikeCandidateRules(compiled: CompiledPolicy, guardPageUrl: string, firstId: number): DnrRule[] {
  if (compiled.policy.detection.lookalikes === 'allow') return [];
  const index = compiled.lookalikes;
  const action: DnrRule['action'] = { type: 'redirect', redirect: { regexSubstitution: `${guardPageUrl}#\\1` } };
  const own = [...index.own].sort();
  const rules: DnrRule[] = [
    { id: firstId, priority: LOOKALIKE_PRIORITY, action, condition: { regexFilter: IDN_HOST, isUrlFilterCaseSensitive: false, resourceTypes: ['main_frame'] } },
  ];
  for (const word of coveringWords(index.brands.map((b) => b.word))) {
    rules.push({
      id: firstId + rules.length,
      priority: LOOKALIKE_PRIORITY,
      action,
      condition: { regexFilter: brandHostRegex(word), excludedRequestDomains: own, isUrlFilterCaseSensitive: false, resourceTypes: ['main_frame'] },
    });
  }
  return rules;
}
