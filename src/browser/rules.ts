/**
 * Putting the rule set of the policy in force (src/core/ruleset.ts) into the browser: one
 * atomic update of the dynamic rules, only when they differ from what the browser holds (a
 * worker restart costs a read, not a rewrite), then the start-up ruleset is switched off and
 * the start-up hold lifted for this browser session (the policy in force has been read).
 */
import { canonicalJson } from '../core/events/canonical.ts';
import type { DnrRule } from '../core/dnr.ts';
import { STARTUP_RULESET_ID } from '../core/identity.ts';
import { RELEASE_RULE_ID, releaseRule } from '../core/ruleset.ts';
import { toBrowserRules } from './dnr-types.ts';
import type { EngineState } from './engine.ts';

/** A reaction to a policy load. A refused rule set leaves the rules in force and is shown as a problem. */
export async function applyRules(state: EngineState): Promise<void> {
  // A rule set the browser refuses (a regex over its memory limit, say) must not take the
  // worker down with it: the rules already in force stay, and the problem is shown.
  if (state.limitProblems.length === 0) await replaceDynamicRules(state.rules).catch((e: Error) => state.limitProblems.push(`the browser refused the rules: ${e.message}`));
  // Read is read: the hold never outlasts the answer, even when the new rules were refused.
  await releaseHold();
}

async function replaceDynamicRules(rules: DnrRule[]): Promise<void> {
  const existing = await browser.declarativeNetRequest.getDynamicRules();
  if (!sameRules(existing as unknown as DnrRule[], rules)) {
    await browser.declarativeNetRequest.updateDynamicRules({
      removeRuleIds: existing.map((r) => r.id),
      addRules: toBrowserRules(rules),
    });
  }
  // The start-up ruleset guards a new profile until this moment (wxt.config.ts); from now
  // on the dynamic rules of the policy in force do.
  const enabled = await browser.declarativeNetRequest.getEnabledRulesets().catch(() => [] as string[]);
  if (enabled.includes(STARTUP_RULESET_ID)) await browser.declarativeNetRequest.updateEnabledRulesets({ disableRulesetIds: [STARTUP_RULESET_ID] });
}

/** Lift the start-up hold until the browser quits (session rules end with the session). */
async function releaseHold(): Promise<void> {
  const session = await browser.declarativeNetRequest.getSessionRules();
  if (!session.some((r) => r.id === RELEASE_RULE_ID)) await browser.declarativeNetRequest.updateSessionRules({ addRules: toBrowserRules([releaseRule()]) });
}

function sameRules(a: DnrRule[], b: DnrRule[]): boolean {
  if (a.length !== b.length) return false;
  // The browser may add default fields (e.g. isUrlFilterCaseSensitive); compare what we set.
  const norm = (r: DnrRule) => canonicalJson({ id: r.id, priority: r.priority, action: r.action, condition: { ...r.condition, isUrlFilterCaseSensitive: r.condition.isUrlFilterCaseSensitive ?? false } });
  const byId = new Map(a.map((r) => [r.id, norm(r)]));
  return b.every((r) => byId.get(r.id) === norm(r));
}
