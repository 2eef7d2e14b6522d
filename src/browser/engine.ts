/**
 * The policy in force, compiled, with its rule set: the background's one piece of state.
 * Loading reads the policy sources and returns that state; what follows from a load (the
 * browser's rules replaced, allowances reconciled, events written…) are reactions, listed
 * in order where the background is wired (background.ts, POLICY_REACTIONS) — so this
 * module imports no glue and sits in no import circle. Everything is re-derived from
 * storage on demand, so a stopped and restarted service worker (MV3 stops it after ~30 s
 * idle) picks up exactly where it was.
 */
import { compilePolicy, type CompiledPolicy } from '../core/classify.ts';
import { checkLimits, type DnrRule } from '../core/dnr.ts';
import { GUARD_PAGE_PATH } from '../core/identity.ts';
import { resolvePolicyChecked, type ResolvedPolicy } from '../core/policy/resolve.ts';
import { ruleSet } from '../core/ruleset.ts';

export interface EngineState {
  resolved: ResolvedPolicy;
  compiled: CompiledPolicy;
  rules: DnrRule[];
  /** Rule-limit problems, if the policy is too large for this browser (a reaction adds the browser's refusal). */
  limitProblems: string[];
  /** Whether the extension may run in incognito windows (null: the browser cannot say). */
  incognitoAllowed: boolean | null;
}

/** What follows a load, given the state loaded; run in the order listed, each awaited. */
export type PolicyReaction = (state: EngineState) => Promise<void>;

/** Keys in storage.local. */
export const LOCAL_POLICY_KEY = 'localPolicyText';
const LAST_VALID_KEY = 'lastValidPolicies';

let current: Promise<EngineState> | undefined;
let reactions: readonly PolicyReaction[] = [];

/** Set once, where the background is wired (background.ts). */
export function onPolicyLoaded(list: readonly PolicyReaction[]): void {
  reactions = list;
}

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
export function guardPageForRules(): string {
  return globalThis.location?.protocol === 'chrome-extension:' ? `chrome-extension://${browser.runtime.id}${GUARD_PAGE_PATH}` : browser.runtime.getURL(GUARD_PAGE_PATH);
}

async function readManaged(): Promise<Record<string, unknown> | null> {
  try {
    return ((await browser.storage.managed.get(null)) as Record<string, unknown>) ?? null;
  } catch {
    // Firefox throws when no managed storage exists for the add-on.
    return null;
  }
}

async function incognitoAccess(): Promise<boolean | null> {
  try {
    return await browser.extension.isAllowedIncognitoAccess();
  } catch {
    return null;
  }
}

/** Read every source and decide which policy is in force: no side effects (but the seal's check). */
export async function readPolicyState(): Promise<EngineState> {
  const [managed, stored, incognitoAllowed] = await Promise.all([readManaged(), browser.storage.local.get([LOCAL_POLICY_KEY, LAST_VALID_KEY]), incognitoAccess()]);
  // The managed policy's seal is checked here (a trimmed push is refused like an invalid one).
  const resolved = await resolvePolicyChecked({
    managed,
    localText: (stored[LOCAL_POLICY_KEY] as string | undefined) ?? null,
    lastValid: (stored[LAST_VALID_KEY] as ResolvedPolicy['lastValid'] | undefined) ?? {},
  });
  const compiled = compilePolicy(resolved.policy);
  const rules = ruleSet(compiled, { browser: import.meta.env.BROWSER === 'firefox' ? 'firefox' : 'chromium', guardPageUrl: guardPageForRules() });
  return { resolved, compiled, rules, limitProblems: checkLimits(rules), incognitoAllowed };
}

async function load(): Promise<EngineState> {
  const state = await readPolicyState();
  for (const react of reactions) await react(state);
  return state;
}

/** A reaction: the last valid policy of each source is kept, so a broken push never lowers protection. */
export async function rememberLastValid(state: EngineState): Promise<void> {
  await browser.storage.local.set({ [LAST_VALID_KEY]: state.resolved.lastValid });
}
