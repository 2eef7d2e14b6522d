/**
 * What the guard grants, carried out with session DNR rules (they vanish when the browser
 * restarts: "in this browser session"); the decisions are the core's (src/core/guard.ts).
 *
 * - An allowance ("Continue to site"): exactly the warned host and path scope, at the
 *   priority of the rule that warned, until `expiresAt` (an `alarms` alarm, since the
 *   worker may be asleep when it falls due). When it ends — expired, or lifted because
 *   the host turned to block — the site's service workers and caches are removed, so a
 *   page it installed cannot serve the site without a request the rules see.
 *
 * One-time passes (one URL, one tab, once) are part of the tab's record (tab-ledger.ts); they
 * share the session rule ids allocated here.
 */
import { coveringAllowance, type Allowance } from '../core/guard.ts';
import { allowanceRule } from '../core/dnr.ts';
import { isError, type ClassifyResult } from '../core/classify.ts';
import { toBrowserRules } from './dnr-types.ts';

const ALLOWANCES_KEY = 'allowances';
const NEXT_ID_KEY = 'nextBypassRuleId';
export const BYPASS_ALARM = 'bypass-expiry';

export interface StoredAllowance extends Allowance {
  ruleId: number;
}
type Allowances = Record<string, StoredAllowance>;

const keyOf = (a: { origin: string; path: string }) => `${a.origin}${a.path}`;

/**
 * The allowances in force, read from storage once per worker and kept here after (only this
 * background writes them): every navigation's decision and badge may need them, and reading
 * them must not cost a storage read each time. A copy, so a caller's change cannot leak in.
 */
let cache: Promise<Allowances> | undefined;
/** Called from the background's storage listener: a change made elsewhere is read again. */
export function allowancesChanged(changes: Record<string, unknown>, area: string): void {
  if (area === 'session' && ALLOWANCES_KEY in changes) cache = undefined;
}
async function readAllowances(): Promise<Allowances> {
  cache ??= browser.storage.session.get(ALLOWANCES_KEY).then((s) => (s[ALLOWANCES_KEY] as Allowances | undefined) ?? {});
  cache.catch(() => (cache = undefined));
  return { ...(await cache) };
}

async function writeAllowances(all: Allowances): Promise<void> {
  cache = Promise.resolve({ ...all });
  await browser.storage.session.set({ [ALLOWANCES_KEY]: all });
}

export async function allowances(): Promise<StoredAllowance[]> {
  return Object.values(await readAllowances());
}

/** The allowance in force for a URL's classification, for the popup and the badge. */
export async function allowanceFor(c: ClassifyResult, now = Date.now()): Promise<StoredAllowance | null> {
  if (isError(c)) return null;
  return coveringAllowance(c, await allowances(), now) as StoredAllowance | null;
}

let allocating: Promise<number> = Promise.resolve(0);
/** Session rule ids are shared by allowances and one-time passes; allocated one after another, so two never share one. */
export function allocateRuleId(): Promise<number> {
  allocating = allocating.catch(() => 0).then(async () => {
    const stored = await browser.storage.session.get(NEXT_ID_KEY);
    const id = (stored[NEXT_ID_KEY] as number | undefined) ?? 1;
    await browser.storage.session.set({ [NEXT_ID_KEY]: id + 1 });
    return id;
  });
  return allocating;
}

export async function addAllowance(grant: Omit<Allowance, 'expiresAt'> & { minutes: number }, now = Date.now()): Promise<StoredAllowance> {
  const all = await readAllowances();
  const key = keyOf(grant);
  const ruleId = all[key]?.ruleId ?? (await allocateRuleId());
  const allowance: StoredAllowance = { origin: grant.origin, host: grant.host, path: grant.path, priority: grant.priority, expiresAt: now + grant.minutes * 60_000, ruleId };
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: [ruleId], addRules: toBrowserRules([allowanceRule(ruleId, allowance)]) });
  all[key] = allowance;
  await writeAllowances(all);
  await scheduleExpiry(all);
  return allowance;
}

async function removeAllowances(keys: string[], all: Allowances): Promise<void> {
  if (keys.length === 0) return;
  const ended = keys.map((k) => all[k]!);
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: ended.map((a) => a.ruleId) });
  for (const k of keys) delete all[k];
  await writeAllowances(all);
  await scheduleExpiry(all);
  await forgetSites(ended);
}

/**
 * A site allowed for a while may have installed a service worker that would serve it
 * later with no request the rules could see; its workers and caches go with the allowance.
 */
async function forgetSites(ended: StoredAllowance[]): Promise<void> {
  // An allowance stored before it had an origin was for its host over https.
  const origins = [...new Set(ended.map((a) => a.origin ?? `https://${a.host}`))];
  if (origins.length === 0 || !browser.browsingData) return;
  const dataTypes = { serviceWorkers: true, cacheStorage: true };
  try {
    await browser.browsingData.remove({ origins: origins as [string, ...string[]] }, dataTypes);
  } catch {
    // Firefox scopes by host name rather than origin.
    await browser.browsingData.remove({ hostnames: [...new Set(ended.map((a) => a.host))] } as never, dataTypes).catch(() => undefined);
  }
}

/** Remove what has expired; called by the alarm and on start-up. */
export async function expireAllowances(now = Date.now()): Promise<string[]> {
  const all = await readAllowances();
  const expired = Object.keys(all).filter((k) => all[k]!.expiresAt <= now);
  await removeAllowances(expired, all);
  return expired;
}

/**
 * After a policy change: an allowance never outlives its warning — it goes when the host
 * turns to block, or when it is allowed anyway, or when another rule now decides it.
 */
export async function reconcileAllowances(classify: (url: string) => ClassifyResult): Promise<void> {
  const all = await readAllowances();
  const stale = Object.keys(all).filter((k) => {
    const a = all[k]!;
    const c = classify(`${a.origin ?? `https://${a.host}`}${a.path || '/'}`);
    return !a.origin || isError(c) || c.action !== 'warn';
  });
  await removeAllowances(stale, all);
  await expireAllowances();
}

async function scheduleExpiry(all: Allowances): Promise<void> {
  const next = Math.min(...Object.values(all).map((a) => a.expiresAt));
  if (Number.isFinite(next)) await browser.alarms.create(BYPASS_ALARM, { when: next });
  else await browser.alarms.clear(BYPASS_ALARM);
}
