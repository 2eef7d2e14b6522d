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

/** The regex of hosts that contain one of `words` (in the host, before any path). */
export function brandHostRegex(words: readonly string[]): string {
  return `^(https?://[^/?#]*(?:${words.map(escapeRegex).join('|')})[^/?#]*(?:[/?#].*)?)$`;
}

/** The candidate rules for a compiled policy; none when it lets look-alikes through (`detection.lookalikes: allow`). */
export function lookalikeCandidateRules(compiled: CompiledPolicy, guardPageUrl: string, firstId: number): DnrRule[] {
  if (compiled.policy.detection.lookalikes === 'allow') return [];
  const index = compiled.lookalikes;
  const action: DnrRule['action'] = { type: 'redirect', redirect: { regexSubstitution: `${guardPageUrl}#\\1` } };
  const words = [...new Set(index.brands.map((b) => b.word))].sort();
  const own = [...index.own].sort();
  const rules: DnrRule[] = [
    { id: firstId, priority: LOOKALIKE_PRIORITY, action, condition: { regexFilter: IDN_HOST, isUrlFilterCaseSensitive: false, resourceTypes: ['main_frame'] } },
  ];
  if (words.length > 0) {
    rules.push({
      id: firstId + 1,
      priority: LOOKALIKE_PRIORITY,
      action,
      condition: { regexFilter: brandHostRegex(words), excludedRequestDomains: own, isUrlFilterCaseSensitive: false, resourceTypes: ['main_frame'] },
    });
  }
  return rules;
}
