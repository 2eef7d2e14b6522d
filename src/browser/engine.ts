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

/**
 * How long a profile's very first run waits for a managed policy that is not there yet
 * (docs/enforcement.md, "In force from the first moment"). An extension the browser installs
 * after its own start — as force-installing by policy does — has its managed-policy schema
 * registered late, and storage.managed can answer `{}` until the browser has loaded the
 * policy for it, seconds later. An empty answer then cannot be told from "no managed policy",
 * so it is asked again until the policy comes or this long has passed: longer when the
 * extension was installed by policy (`installType` admin), briefly otherwise (a developer's
 * or a user's install, where a managed policy is rare). Only the first run of a profile
 * waits: after it, a managed policy once seen stays in force whatever storage says (fail
 * closed). Meanwhile the start-up hold keeps every page at the guard page, which waits.
 */
export const FIRST_RUN_WAIT_MS = { admin: 8_000, other: 1_500 } as const;

async function installedByPolicy(): Promise<boolean> {
  try {
    return (await browser.management.getSelf()).installType === 'admin';
  } catch {
    return false;
  }
}

/** The managed policy; on a profile's first run an empty answer is asked again (FIRST_RUN_WAIT_MS). */
async function readManagedSettled(firstRun: boolean): Promise<Record<string, unknown> | null> {
  let managed = await readManaged();
  const empty = () => managed === null || Object.keys(managed).length === 0;
  if (!firstRun || !empty()) return managed;
  const until = Date.now() + ((await installedByPolicy()) ? FIRST_RUN_WAIT_MS.admin : FIRST_RUN_WAIT_MS.other);
  while (empty() && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    managed = await readManaged();
  }
  return managed;
}

/** Read every source and decide which policy is in force: no side effects (but the seal's check). */
export async function readPolicyState(): Promise<EngineState> {
  const [stored, incognitoAllowed] = await Promise.all([browser.storage.local.get([LOCAL_POLICY_KEY, LAST_VALID_KEY]), incognitoAccess()]);
  // A profile that never had a policy read before (no last valid policy of any source).
  const managed = await readManagedSettled(stored[LAST_VALID_KEY] === undefined);
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
