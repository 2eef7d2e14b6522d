/**
 * The whole declarativeNetRequest rule set for a policy in one browser, built by one pure
 * function: the background applies it as dynamic rules (src/browser/rules.ts), the build
 * writes the start-up ruleset from it (wxt.config.ts), and the tests simulate it
 * (test/core/dnr-simulator.ts). Nothing else assembles rules, so what is tested is what
 * the browser enforces (docs/enforcement.md, "The browser's own engine decides first").
 *
 * In order, ids from 1: the policy's site rules (dnr.ts), the meeting-link gates when the
 * policy checks links on open (meetings/gate.ts), the look-alike candidates
 * (lookalike/candidates.ts), the awareness drills (awareness/drills.ts), the
 * tenant-restriction headers (tenant-restrictions.ts), then the start-up hold — one list, so
 * all of it changes in one atomic update and counts against the same limits.
 * * **The start-up hold** (docs/enforcement.md, "In force from the first moment"). As the
 * browser starts, Chromium applies the rules it kept from the last session at once, but hands
 * the extension its managed policy only once its own start-up is complete (measured on
 * Chromium 156: 3–8 s after a page loads at start, 3 minutes while pages keep loading). Until
 * the background has read the policy in force, whatever the kept rules do not already stop is
 * sent to the guard page, which waits for the answer: the hold, at the lowest priority, below
 * every rule of the policy. Once the policy is read, a session rule (releaseRule) lifts it for
 * the rest of the browser session; session rules end with the session, so the hold is back at
 * the next start. A new profile has no kept rules yet: there the start-up ruleset holds every
 * navigation the same way until the background has run once.
 */
import { compilePolicy, type CompiledPolicy } from './classify.ts';
import { drillRules } from './awareness/drills.ts';
import { lookalikeCandidateRules } from './lookalike/candidates.ts';
import { compileDnrRules, HOLD_PRIORITY, NAVIGATION_TYPES, toGuard, WHOLE_URL, type DnrRule } from './dnr.ts';
import { meetingGateRules } from './meetings/gate.ts';
import type { Policy } from './policy/schema.ts';
import { CHROMIUM_RESOURCE_TYPES, NOT_IN_FIREFOX, tenantRestrictionRules } from './tenant-restrictions.ts';

export type RuleBrowser = 'chromium' | 'firefox';

export interface RuleSetOptions {
  browser: RuleBrowser;
  /** The guard page's URL as rules name it (identity.ts, guardPageUrlFor). */
  guardPageUrl: string;
}

/** Request types a header rule lists in this browser (Firefox lacks some of Chromium's). */
export function headerResourceTypes(browser: RuleBrowser) {
  return browser === 'firefox' ? CHROMIUM_RESOURCE_TYPES.filter((t) => !NOT_IN_FIREFOX.includes(t)) : CHROMIUM_RESOURCE_TYPES;
}

export function ruleSet(policy: Policy | CompiledPolicy, options: RuleSetOptions): DnrRule[] {
  const compiled = 'table' in policy ? policy : compilePolicy(policy);
  const { guardPageUrl } = options;
  const p = compiled.policy;
  return compileDnrRules(compiled, {
    guardPageUrl,
    extra: (firstId: number) => {
      const gates = p.meetings.checkNavigation ? meetingGateRules(guardPageUrl, firstId) : [];
      const lookalikes = lookalikeCandidateRules(compiled, guardPageUrl, firstId + gates.length);
      const drills = drillRules(p, guardPageUrl, firstId + gates.length + lookalikes.length);
      const next = firstId + gates.length + lookalikes.length + drills.length;
      const headers = tenantRestrictionRules(p.tenantRestrictions, next, headerResourceTypes(options.browser));
      return [...gates, ...lookalikes, ...drills, ...headers, holdRule(guardPageUrl, next + headers.length)];
    },
  });
}

/** Every navigation no other rule decides goes to the guard page, until the session's release. */
export function holdRule(guardPageUrl: string, id: number): DnrRule {
  return { id, priority: HOLD_PRIORITY, action: toGuard(guardPageUrl), condition: { regexFilter: WHOLE_URL, resourceTypes: NAVIGATION_TYPES } };
}

/** A session rule id the allocator for allowances and passes never reaches (src/browser/allowances.ts). */
export const RELEASE_RULE_ID = 2_000_000_000;

/** The session rule that lifts the hold once the policy in force has been read. */
export function releaseRule(): DnrRule {
  return { id: RELEASE_RULE_ID, priority: HOLD_PRIORITY, action: { type: 'allow' }, condition: { resourceTypes: NAVIGATION_TYPES } };
}

/** What the browser holds once the policy in force has been read: its rule set and the release (for simulations). */
export function rulesInForce(policy: Policy | CompiledPolicy, options: RuleSetOptions): DnrRule[] {
  return [...ruleSet(policy, options), releaseRule()];
}

/**
 * The start-up ruleset (identity.ts, STARTUP_RULESET_ID): what guards a new profile before the
 * background has run once — the hold alone, since no policy is known yet. The background
 * disables it once its own rules are in place.
 */
export function startupRuleSet(options: RuleSetOptions): DnrRule[] {
  return [holdRule(options.guardPageUrl, 1)];
}
