/**
 * What the guard grants, carried out with session DNR rules (they vanish when the browser
 * restarts: "in this browser session"); the decisions are the core's (src/core/guard.ts).
 *
 * - An allowance ("Continue to site"): exactly the warned host and path scope, at the
 *   priority of the rule that warned, until `expiresAt` (an `alarms` alarm, since the
 *   worker may be asleep when it falls due). When it ends — expired, or lifted because
 *   the host turned to block — the site's service workers and caches are removed, so a
 *   page it installed cannot serve the site without a request the rules see.
 * - A one-time pass: exactly one URL, one tab, once; removed when that tab's next
 *   navigation commits or fails (background.ts), never by time alone.
 */
import { allowanceOrigins, coveringAllowance, type Allowance } from '../core/guard.ts';
import { allowanceRule, passRule } from '../core/dnr.ts';
import { isError, type ClassifyResult } from '../core/classify.ts';
import { toBrowserRules } from './dnr-types.ts';

const ALLOWANCES_KEY = 'allowances';
const PASSES_KEY = 'meetingPasses';
const NEXT_ID_KEY = 'nextBypassRuleId';
export const BYPASS_ALARM = 'bypass-expiry';

export interface StoredAllowance extends Allowance {
  ruleId: number;
}
type Allowances = Record<string, StoredAllowance>;
interface Pass {
  ruleId: number;
  url: string;
}
type Passes = Record<string, Pass>;

const keyOf = (a: { host: string; path: string }) => `${a.host}${a.path}`;

async function read<T>(key: string): Promise<T> {
  return ((await browser.storage.session.get(key))[key] as T | undefined) ?? ({} as T);
}

export async function allowances(): Promise<StoredAllowance[]> {
  return Object.values(await read<Allowances>(ALLOWANCES_KEY));
}

/** The allowance in force for a URL's classification, for the popup and the badge. */
export async function allowanceFor(c: ClassifyResult, now = Date.now()): Promise<StoredAllowance | null> {
  if (isError(c)) return null;
  return coveringAllowance(c, await allowances(), now) as StoredAllowance | null;
}

/** Session rule ids are shared by allowances and one-time passes. */
async function allocateRuleId(): Promise<number> {
  const stored = await browser.storage.session.get(NEXT_ID_KEY);
  const id = (stored[NEXT_ID_KEY] as number | undefined) ?? 1;
  await browser.storage.session.set({ [NEXT_ID_KEY]: id + 1 });
  return id;
}

export async function addAllowance(grant: Omit<Allowance, 'expiresAt'> & { minutes: number }, now = Date.now()): Promise<StoredAllowance> {
  const all = await read<Allowances>(ALLOWANCES_KEY);
  const key = keyOf(grant);
  const ruleId = all[key]?.ruleId ?? (await allocateRuleId());
  const allowance: StoredAllowance = { host: grant.host, path: grant.path, priority: grant.priority, expiresAt: now + grant.minutes * 60_000, ruleId };
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: [ruleId], addRules: toBrowserRules([allowanceRule(ruleId, allowance)]) });
  all[key] = allowance;
  await browser.storage.session.set({ [ALLOWANCES_KEY]: all });
  await scheduleExpiry(all);
  return allowance;
}

/** Let exactly `url` through once in `tabId`'s main frame. */
export async function addPass(tabId: number, url: string): Promise<void> {
  const passes = await read<Passes>(PASSES_KEY);
  const ruleId = passes[tabId]?.ruleId ?? (await allocateRuleId());
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: [ruleId], addRules: toBrowserRules([passRule(ruleId, tabId, url)]) });
  passes[tabId] = { ruleId, url };
  await browser.storage.session.set({ [PASSES_KEY]: passes });
}

/** Spend a tab's pass; returns the URL it was for (the second line lets that one commit). */
export async function takePass(tabId: number): Promise<string | null> {
  const passes = await read<Passes>(PASSES_KEY);
  const pass = passes[tabId];
  if (!pass) return null;
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: [pass.ruleId] });
  delete passes[tabId];
  await browser.storage.session.set({ [PASSES_KEY]: passes });
  return pass.url;
}

async function removeAllowances(keys: string[], all: Allowances): Promise<void> {
  if (keys.length === 0) return;
  const ended = keys.map((k) => all[k]!);
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: ended.map((a) => a.ruleId) });
  for (const k of keys) delete all[k];
  await browser.storage.session.set({ [ALLOWANCES_KEY]: all });
  await scheduleExpiry(all);
  await forgetSites([...new Set(ended.map((a) => a.host))]);
}

/**
 * A site allowed for a while may have installed a service worker that would serve it
 * later with no request the rules could see; its workers and caches go with the allowance.
 */
async function forgetSites(hosts: string[]): Promise<void> {
  if (hosts.length === 0 || !browser.browsingData) return;
  const dataTypes = { serviceWorkers: true, cacheStorage: true };
  try {
    await browser.browsingData.remove({ origins: hosts.flatMap(allowanceOrigins) as [string, ...string[]] }, dataTypes);
  } catch {
    // Firefox scopes by host name rather than origin.
    await browser.browsingData.remove({ hostnames: hosts } as never, dataTypes).catch(() => undefined);
  }
}

/** Remove what has expired; called by the alarm and on start-up. */
export async function expireAllowances(now = Date.now()): Promise<string[]> {
  const all = await read<Allowances>(ALLOWANCES_KEY);
  const expired = Object.keys(all).filter((k) => all[k]!.expiresAt <= now);
  await removeAllowances(expired, all);
  return expired;
}

/**
 * After a policy change: an allowance never outlives its warning — it goes when the host
 * turns to block, or when it is allowed anyway, or when another rule now decides it.
 */
export async function reconcileAllowances(classify: (url: string) => ClassifyResult): Promise<void> {
  const all = await read<Allowances>(ALLOWANCES_KEY);
  const stale = Object.keys(all).filter((k) => {
    const a = all[k]!;
    const c = classify(`https://${a.host}${a.path || '/'}`);
    return isError(c) || c.action !== 'warn';
  });
  await removeAllowances(stale, all);
  await expireAllowances();
}

async function scheduleExpiry(all: Allowances): Promise<void> {
  const next = Math.min(...Object.values(all).map((a) => a.expiresAt));
  if (Number.isFinite(next)) await browser.alarms.create(BYPASS_ALARM, { when: next });
  else await browser.alarms.clear(BYPASS_ALARM);
}
