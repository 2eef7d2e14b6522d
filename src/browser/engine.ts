/**
 * The policy in force, compiled, and its DNR rules applied: the background's one piece
 * of state. Everything is re-derived from storage on demand, so a stopped and restarted
 * service worker (MV3 stops it after ~30 s idle) picks up exactly where it was.
 */
import { classifyUrl, compilePolicy, type CompiledPolicy } from '../core/classify.ts';
import { canonicalJson } from '../core/events/canonical.ts';
import { checkLimits, compileDnrRules, type DnrRule } from '../core/dnr.ts';
import { formatProblem } from '../core/policy/parse.ts';
import { meetingGateRules } from '../core/meetings/gate.ts';
import { lookalikeCandidateRules } from '../core/lookalike/candidates.ts';
import { drillRules } from '../core/awareness/drills.ts';
import { appliedFindings } from '../core/policy/applied.ts';
import { resolvePolicyChecked, type ResolvedPolicy } from '../core/policy/resolve.ts';
import { CHROMIUM_RESOURCE_TYPES, NOT_IN_FIREFOX, tenantRestrictionRules } from '../core/tenant-restrictions.ts';
import { reconcileAllowances } from './allowances.ts';
import { heartbeatIfDue } from './heartbeat.ts';
import { incognitoAccess, reportIncognitoGap } from './incognito.ts';
import { registerAnnotator } from './content-scripts.ts';
import { applyNetworkPrediction } from './network-prediction.ts';
import { registerDataGuard } from './data-protection.ts';
import { applyCaptureSettings } from './media.ts';
import { toBrowserRules } from './dnr-types.ts';
import { record, syncReportAlarm } from './recorder.ts';

export interface EngineState {
  resolved: ResolvedPolicy;
  compiled: CompiledPolicy;
  rules: DnrRule[];
  /** Rule-limit problems, if the policy is too large for this browser. */
  limitProblems: string[];
  /** Whether the extension may run in incognito windows (null: the browser cannot say). */
  incognitoAllowed: boolean | null;
}

/** Keys in storage.local. */
export const LOCAL_POLICY_KEY = 'localPolicyText';
const LAST_VALID_KEY = 'lastValidPolicies';
const APPLIED_KEY = 'appliedPolicyFingerprint';
const REPORTED_INVALID_KEY = 'reportedInvalidFingerprints';

let current: Promise<EngineState> | undefined;

/** The state, loading it on first use after a (re)start. */
export function engine(): Promise<EngineState> {
  return (current ??= load());
}

/** Re-read every policy source and re-apply; called when storage changes. */
export function reloadEngine(): Promise<EngineState> {
  // Chained, so two quick changes apply in order and the last one wins.
  const previous = current ?? Promise.resolve(undefined);
  current = previous.catch(() => undefined).then(load);
  return current;
}


/**
 * The guard page's address in rules: on Chromium its static id. The page is reachable by
 * sites only under a per-session dynamic id (`use_dynamic_url`, wxt.config.ts), and
 * Chromium maps a rule's redirect to the static id onto it — so stored rules stay valid
 * across browser restarts, when the dynamic id changes.
 */
function guardPageForRules(): string {
  return globalThis.location?.protocol === 'chrome-extension:' ? `chrome-extension://${browser.runtime.id}/guard.html` : browser.runtime.getURL('/guard.html');
}

async function readManaged(): Promise<Record<string, unknown> | null> {
  try {
    return ((await browser.storage.managed.get(null)) as Record<string, unknown>) ?? null;
  } catch {
    // Firefox throws when no managed storage exists for the add-on.
    return null;
  }
}

async function load(): Promise<EngineState> {
  const [managed, stored] = await Promise.all([readManaged(), browser.storage.local.get([LOCAL_POLICY_KEY, LAST_VALID_KEY, APPLIED_KEY, REPORTED_INVALID_KEY])]);
  // The managed policy's seal is checked here (a trimmed push is refused like an invalid one).
  const resolved = await resolvePolicyChecked({
    managed,
    localText: (stored[LOCAL_POLICY_KEY] as string | undefined) ?? null,
    lastValid: (stored[LAST_VALID_KEY] as ResolvedPolicy['lastValid'] | undefined) ?? {},
  });
  const compiled = compilePolicy(resolved.policy);
  const guardPageUrl = guardPageForRules();
  const { policy } = resolved;
  const headerTypes = import.meta.env.BROWSER === 'firefox' ? CHROMIUM_RESOURCE_TYPES.filter((t) => !NOT_IN_FIREFOX.includes(t)) : CHROMIUM_RESOURCE_TYPES;
  // One list, so the tenant-restriction headers change in the same atomic update as
  // every other rule, and count against the same limits.
  const rules = compileDnrRules(compiled, {
    guardPageUrl,
    extra: (firstId: number) => {
      const gates = policy.meetings.checkNavigation ? meetingGateRules(guardPageUrl, firstId) : [];
      const lookalikes = lookalikeCandidateRules(compiled, guardPageUrl, firstId + gates.length);
      const drills = drillRules(policy, guardPageUrl, firstId + gates.length + lookalikes.length);
      const next = firstId + gates.length + lookalikes.length + drills.length;
      return [...gates, ...lookalikes, ...drills, ...tenantRestrictionRules(policy.tenantRestrictions, next, headerTypes)];
    },
  });
  const limitProblems = checkLimits(rules);
  await browser.storage.local.set({ [LAST_VALID_KEY]: resolved.lastValid });
  if (limitProblems.length === 0) {
    // A rule set the browser refuses (a regex over its memory limit, say) must not take the
    // worker down with it: the rules already in force stay, and the problem is shown.
    await applyRules(rules).catch((e: Error) => limitProblems.push(`the browser refused the rules: ${e.message}`));
  }
  await reconcileAllowances((url) => classifyUrl(compiled, url));
  await registerAnnotator(resolved.policy);
  // Patient data: the content script on the consumer services' hosts, or nowhere under allow.
  await registerDataGuard(resolved.policy).catch((e: Error) => console.error('Telehealth Guard: the patient-data script could not be registered:', e.message));
  // The browser's camera and microphone settings follow the policy, live (Chrome, Edge).
  await applyCaptureSettings(resolved.policy).catch(() => undefined);
  // No preconnect or prefetch naming a blocked host (browser/network-prediction.ts).
  await applyNetworkPrediction(resolved.policy);

  const state: EngineState = { resolved, compiled, rules, limitProblems, incognitoAllowed: await incognitoAccess() };
  await recordPolicyEvents(state, stored);
  // Here, before any page gets an answer, so the log's order does not depend on timing.
  await reportIncognitoGap(state);
  // A heartbeat that cannot be written must never stop the policy from loading.
  await heartbeatIfDue(state).catch(() => null);
  await syncReportAlarm(state);
  return state;
}

/**
 * Replace the dynamic rules in one atomic call, only when they differ from what the
 * browser holds (so a worker restart costs a read, not a rewrite).
 */
async function applyRules(rules: DnrRule[]): Promise<void> {
  const existing = await browser.declarativeNetRequest.getDynamicRules();
  if (!sameRules(existing as unknown as DnrRule[], rules)) {
    await browser.declarativeNetRequest.updateDynamicRules({
      removeRuleIds: existing.map((r) => r.id),
      addRules: toBrowserRules(rules),
    });
  }
  // The static ruleset of the built-in default guards a new profile until this moment
  // (wxt.config.ts); from now on the dynamic rules of the policy in force do.
  const enabled = await browser.declarativeNetRequest.getEnabledRulesets().catch(() => [] as string[]);
  if (enabled.includes(BUILTIN_RULESET)) await browser.declarativeNetRequest.updateEnabledRulesets({ disableRulesetIds: [BUILTIN_RULESET] });
}

/** Its id in the manifest (wxt.config.ts). */
export const BUILTIN_RULESET = 'builtin-default';

function sameRules(a: DnrRule[], b: DnrRule[]): boolean {
  if (a.length !== b.length) return false;
  // The browser may add default fields (e.g. isUrlFilterCaseSensitive); compare what we set.
  const norm = (r: DnrRule) => canonicalJson({ id: r.id, priority: r.priority, action: r.action, condition: { ...r.condition, isUrlFilterCaseSensitive: r.condition.isUrlFilterCaseSensitive ?? false } });
  const byId = new Map(a.map((r) => [r.id, norm(r)]));
  return b.every((r) => byId.get(r.id) === norm(r));
}

async function recordPolicyEvents(state: EngineState, stored: Record<string, unknown>): Promise<void> {
  const { resolved } = state;
  const applied = canonicalJson({ source: resolved.source, policy: resolved.policy });
  if (stored[APPLIED_KEY] !== applied) {
    // Codes of what came into force (core/policy/applied.ts): tenant restrictions, an unsealed push.
    const findings = appliedFindings(resolved);
    await record({ type: 'policy.applied', ...(findings.length ? { findings } : {}) }, state);
    await browser.storage.local.set({ [APPLIED_KEY]: applied });
  }
  // Each distinct broken push is reported once, not on every worker restart.
  const reported = (stored[REPORTED_INVALID_KEY] as Record<string, string> | undefined) ?? {};
  const next: Record<string, string> = {};
  for (const source of ['managed', 'local'] as const) {
    const problems = resolved.problems[source];
    if (!problems) continue;
    const lines = problems.map(formatProblem);
    next[source] = canonicalJson(lines);
    if (reported[source] !== next[source]) await record({ type: 'policy.invalid', findings: lines }, state);
  }
  await browser.storage.local.set({ [REPORTED_INVALID_KEY]: next });
}
