/**
 * The whole declarativeNetRequest rule set for a policy in one browser, built by one pure
 * function: the background applies it as dynamic rules (src/browser/rules.ts), the build
 * writes the start-up ruleset from it (wxt.config.ts), and the tests simulate it
 * (test/core/dnr-simulator.ts). Nothing else assembles rules, so what is tested is what
 * the browser enforces (docs/enforcement.md, "The browser's own engine decides first").
 *
 * In order, ids from 1: the policy's site rules (dnr.ts), the meeting-link gates when the
 * policy checks links on open (meetings/gate.ts), the look-alike candidates
 * (lookalike/candidates.ts), the awareness drills (awareness/drills.ts), then the
 * tenant-restriction headers (tenant-restrictions.ts) — one list, so all of it changes in
 * one atomic update and counts against the same limits.
 */
import { compilePolicy, type CompiledPolicy } from './classify.ts';
import { compileDnrRules, type DnrRule } from './dnr.ts';
import { drillRules } from './awareness/drills.ts';
import { lookalikeCandidateRules } from './lookalike/candidates.ts';
import { meetingGateRules } from './meetings/gate.ts';
import { defaultPolicy } from './policy/default.ts';
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
      return [...gates, ...lookalikes, ...drills, ...tenantRestrictionRules(p.tenantRestrictions, next, headerResourceTypes(options.browser))];
    },
  });
}

/**
 * The start-up ruleset (identity.ts, STARTUP_RULESET_ID): what guards a new profile before the
 * background has read the policy in force. The background disables it once its own rules
 * are in place.
 */
export function startupRuleSet(options: RuleSetOptions): DnrRule[] {
  return ruleSet(defaultPolicy(), options);
}
