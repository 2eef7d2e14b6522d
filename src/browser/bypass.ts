/**
 * "Continue to site": a temporary allowance for one host, as a session DNR allow rule
 * that outranks every policy rule. Session rules and storage.session both vanish when
 * the browser restarts ("in this browser session"); expiry within the session is an
 * `alarms` alarm, since the worker may be asleep when it falls due.
 */
import { isError, type ClassifyResult } from '../core/classify.ts';
import { bypassRule } from '../core/dnr.ts';
import { passRule } from '../core/meetings/gate.ts';
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

/** Session rule ids are shared by allowances and one-time passes. */
async function allocateRuleId(): Promise<number> {
  const stored = await browser.storage.session.get(NEXT_ID_KEY);
  const id = (stored[NEXT_ID_KEY] as number | undefined) ?? 1;
  await browser.storage.session.set({ [NEXT_ID_KEY]: id + 1 });
  return id;
}

export async function addBypass(host: string, minutes: number, now = Date.now()): Promise<Bypass> {
  const bypasses = await readBypasses();
  const ruleId = bypasses[host]?.ruleId ?? (await allocateRuleId());
  const bypass = { ruleId, expiresAt: now + minutes * 60_000 };
  await browser.declarativeNetRequest.updateSessionRules({
    removeRuleIds: [ruleId],
    addRules: toBrowserRules([bypassRule(ruleId, host)]),
  });
  bypasses[host] = bypass;
  await browser.storage.session.set({ [KEY]: bypasses });
  await scheduleExpiry(bypasses);
  return bypass;
}

const PASSES_KEY = 'meetingPasses';

/**
 * Let one tab's next navigation to `host` through the meeting-link gate: the link was
 * checked (ok, or the user continued past a warning). Removed once that navigation
 * commits or fails (see background.ts), never by time alone, so the gate cannot catch
 * the same navigation twice.
 */
export async function addPass(tabId: number, host: string): Promise<void> {
  const passes = ((await browser.storage.session.get(PASSES_KEY))[PASSES_KEY] as Record<string, number> | undefined) ?? {};
  const ruleId = passes[tabId] ?? (await allocateRuleId());
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: [ruleId], addRules: toBrowserRules([passRule(ruleId, tabId, host)]) });
  passes[tabId] = ruleId;
  await browser.storage.session.set({ [PASSES_KEY]: passes });
}

export async function removePass(tabId: number): Promise<void> {
  const passes = ((await browser.storage.session.get(PASSES_KEY))[PASSES_KEY] as Record<string, number> | undefined) ?? {};
  const ruleId = passes[tabId];
  if (ruleId === undefined) return;
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: [ruleId] });
  delete passes[tabId];
  await browser.storage.session.set({ [PASSES_KEY]: passes });
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

