/**
 * "Continue to site": a temporary allowance for one host, as a session DNR allow rule
 * that outranks every policy rule. Session rules and storage.session both vanish when
 * the browser restarts ("in this browser session"); expiry within the session is an
 * `alarms` alarm, since the worker may be asleep when it falls due.
 */
import { isError, type ClassifyResult } from '../core/classify.ts';
import { bypassRule, type DnrRule } from '../core/dnr.ts';
import { toBrowserRules } from './dnr-types.ts';

const KEY = 'bypasses';
const NEXT_ID_KEY = 'nextBypassRuleId';
export const BYPASS_ALARM = 'bypass-expiry';

export interface Bypass {
  ruleId: number;
  expiresAt: number;
}

type Bypasses = Record<string, Bypass>;

async function readBypasses(): Promise<Bypasses> {
  return ((await browser.storage.session.get(KEY))[KEY] as Bypasses | undefined) ?? {};
}

export async function activeBypass(host: string, now = Date.now()): Promise<Bypass | null> {
  const b = (await readBypasses())[host];
  return b && b.expiresAt > now ? b : null;
}

export async function addBypass(host: string, minutes: number, now = Date.now()): Promise<Bypass> {
  const bypasses = await readBypasses();
  const stored = await browser.storage.session.get(NEXT_ID_KEY);
  const ruleId = (bypasses[host]?.ruleId ?? (stored[NEXT_ID_KEY] as number | undefined)) ?? 1;
  const bypass = { ruleId, expiresAt: now + minutes * 60_000 };
  await browser.declarativeNetRequest.updateSessionRules({
    removeRuleIds: [ruleId],
    addRules: toBrowserRules([bypassRule(ruleId, host)]),
  });
  bypasses[host] = bypass;
  await browser.storage.session.set({ [KEY]: bypasses, [NEXT_ID_KEY]: Math.max(ruleId + 1, (stored[NEXT_ID_KEY] as number | undefined) ?? 1) });
  await scheduleExpiry(bypasses);
  return bypass;
}

async function removeBypasses(hosts: string[], bypasses: Bypasses): Promise<void> {
  if (hosts.length === 0) return;
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: hosts.map((h) => bypasses[h]!.ruleId) });
  for (const h of hosts) delete bypasses[h];
  await browser.storage.session.set({ [KEY]: bypasses });
  await scheduleExpiry(bypasses);
}

/** Remove what has expired; called by the alarm and on start-up. */
export async function expireBypasses(now = Date.now()): Promise<string[]> {
  const bypasses = await readBypasses();
  const expired = Object.keys(bypasses).filter((h) => bypasses[h]!.expiresAt <= now);
  await removeBypasses(expired, bypasses);
  return expired;
}

/**
 * After a policy change: an allowance never outlives the host turning to *block*, and
 * is pointless once the host is allowed anyway.
 */
export async function reconcileBypasses(classify: (url: string) => ClassifyResult): Promise<void> {
  const bypasses = await readBypasses();
  const stale = Object.keys(bypasses).filter((h) => {
    const c = classify(`https://${h}/`);
    return isError(c) || c.action !== 'warn';
  });
  await removeBypasses(stale, bypasses);
  await expireBypasses();
}

async function scheduleExpiry(bypasses: Bypasses): Promise<void> {
  const next = Math.min(...Object.values(bypasses).map((b) => b.expiresAt));
  if (Number.isFinite(next)) await browser.alarms.create(BYPASS_ALARM, { when: next });
  else await browser.alarms.clear(BYPASS_ALARM);
}

/** The session rules, for tests and the popup. */
export async function sessionRules(): Promise<DnrRule[]> {
  return (await browser.declarativeNetRequest.getSessionRules()) as unknown as DnrRule[];
}
