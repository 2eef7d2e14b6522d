/**
 * What the extension knows about each tab, one record per tab, in this module only
 * (docs/enforcement.md, "The guard page acts only where the extension sent it"):
 *
 * - `sent`: the URL the extension last sent the tab's top frame to the guard page for, and
 *   the sequence number of the event that records it (the page's reference);
 * - `pass`: the one-time pass the tab holds (exactly one URL, once, as a session rule);
 * - while this worker runs: the redirect report being handled (a page's question waits for
 *   it rather than guessing), who waits for a report, and a redirect the browser's record of
 *   matched rules stood in for (so its late report is not written twice).
 *
 * The record is kept in storage.session under one key (the browser keeps it across a stopped
 * worker and empties it when it quits); what only a running worker can hold lives beside it
 * in memory. The proof built from it is the core's (src/core/sent-proof.ts).
 */
import { framePassRule, passRule } from '../core/dnr.ts';
import { allocateRuleId } from './allowances.ts';
import { toBrowserRules } from './dnr-types.ts';
import { tabs } from './storage-items.ts';

export interface TabRecord {
  sent?: { url: string; seq: number | null };
  pass?: { url: string; ruleId: number };
  /** Passes for frames (an ok meeting the gate sent to the guard page inside a frame), newest last. */
  framePasses?: Array<{ url: string; ruleId: number }>;
  /** Frames of the tab the extension's rules sent to the guard page, and for which URL, newest last. */
  framesSent?: Array<{ frameId: number; url: string }>;
}

/** A page with many frames cannot pile up passes: older ones go. */
const MAX_FRAME_PASSES = 8;

interface Live {
  /** The event's sequence number while it is being written. */
  seq?: { url: string; seq: Promise<number | null> };
  arriving?: Promise<void>;
  waiters: Array<() => void>;
  standIn?: { url: string; at: number };
}

const live = new Map<number, Live>();
let writes: Promise<unknown> = Promise.resolve();
/**
 * The tabs that hold a pass, read from storage once per worker and kept here after: every
 * commit of every tab spends its pass, and a tab without one costs no storage read.
 */
let passTabs: Promise<Set<number>> | undefined;
const tabsWithPasses = () =>
  (passTabs ??= readAll().then((all) => new Set(Object.entries(all).filter(([, r]) => r.pass).map(([id]) => Number(id)))));

function liveOf(tabId: number): Live {
  let l = live.get(tabId);
  if (!l) live.set(tabId, (l = { waiters: [] }));
  return l;
}

async function readAll(): Promise<Record<string, TabRecord>> {
  return tabs.getValue();
}

/** Read, change and write one tab's record; updates run one after another, so none is lost. */
function update(tabId: number, change: (r: TabRecord) => TabRecord | null): Promise<TabRecord | null> {
  const run = writes.then(async () => {
    const all = await readAll();
    const next = change(all[tabId] ?? {});
    if (next === null || (next.sent === undefined && next.pass === undefined && !next.framePasses?.length && !next.framesSent?.length)) delete all[tabId];
    else all[tabId] = next;
    await tabs.setValue(all);
    return next;
  });
  writes = run.catch(() => undefined);
  return run;
}

export async function tabRecord(tabId: number): Promise<TabRecord | null> {
  await writes;
  return (await readAll())[tabId] ?? null;
}

/** The extension sent the tab's top frame to the guard page for `url`; `seq` is the event being written. */
export async function noteSent(tabId: number, url: string, seq: Promise<number | null>): Promise<void> {
  const l = liveOf(tabId);
  l.seq = { url, seq };
  for (const resolve of l.waiters.splice(0)) resolve();
  await update(tabId, (r) => ({ ...r, sent: { url, seq: null } }));
  void seq
    .then((value) => (value !== null && live.get(tabId)?.seq?.url === url ? update(tabId, (r) => (r.sent?.url === url ? { ...r, sent: { url, seq: value } } : r)) : undefined))
    .catch(() => undefined);
}

/** The rules sent frame `frameId` of the tab to the guard page for `url` (the browser's report). */
export async function noteFrameSent(tabId: number, frameId: number, url: string): Promise<void> {
  await update(tabId, (r) => ({ ...r, framesSent: [...(r.framesSent ?? []).filter((f) => f.frameId !== frameId), { frameId, url }].slice(-MAX_FRAME_PASSES * 2) }));
  for (const resolve of liveOf(tabId).waiters.splice(0)) resolve();
}

/** Was frame `frameId` of the tab sent to the guard page for `url`? A report being handled is waited for briefly. */
export async function frameSentFor(tabId: number, frameId: number, url: string, waitMs = 1500): Promise<boolean> {
  const known = async () => ((await tabRecord(tabId))?.framesSent ?? []).some((f) => f.frameId === frameId && f.url === url);
  if (await known()) return true;
  await waitForReport(tabId, waitMs);
  return known();
}

/** The sequence number of the event that records the tab's sending for `url` (null when none). */
export async function sentSeq(tabId: number, url: string): Promise<number | null> {
  const l = live.get(tabId);
  if (l?.seq?.url === url) return l.seq.seq;
  const r = await tabRecord(tabId);
  return r?.sent?.url === url ? r.sent.seq : null;
}

/** A redirect report for the tab is being handled; questions wait for it. */
export function noteArriving(tabId: number, done: Promise<void>): void {
  const l = liveOf(tabId);
  l.arriving = done;
  void done.then(() => {
    if (live.get(tabId)?.arriving === done) delete l.arriving;
  });
}

/** Wait until no report for the tab is being handled. */
export async function settled(tabId: number): Promise<void> {
  await live.get(tabId)?.arriving;
}

/** Wait until a report for the tab is noted, or `ms` pass. */
export function waitForReport(tabId: number, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    liveOf(tabId).waiters.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The browser's record of matched rules stood in for a redirect of `url` at `at`. */
export function noteStandIn(tabId: number, url: string, at: number): void {
  liveOf(tabId).standIn = { url, at };
}

/** Whether a report is the redirect a stand-in already accounted for (then it is consumed). */
export function takeStandIn(tabId: number, url: string, timeStamp: number | undefined): boolean {
  const s = live.get(tabId)?.standIn;
  if (!s || s.url !== url || Math.abs((timeStamp ?? Infinity) - s.at) >= 2000) return false;
  delete live.get(tabId)!.standIn;
  return true;
}

/** Let exactly `url` through once in the tab's main frame. */
export async function grantPass(tabId: number, url: string): Promise<void> {
  const ruleId = (await tabRecord(tabId))?.pass?.ruleId ?? (await allocateRuleId());
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: [ruleId], addRules: toBrowserRules([passRule(ruleId, tabId, url)]) });
  await update(tabId, (r) => ({ ...r, pass: { url, ruleId } }));
  (await tabsWithPasses()).add(tabId);
}

/** Spend the tab's pass; returns the URL it was for (the second line lets that one commit). */
export async function spendPass(tabId: number): Promise<string | null> {
  const holders = await tabsWithPasses();
  if (!holders.has(tabId)) return null;
  holders.delete(tabId);
  const pass = (await tabRecord(tabId))?.pass;
  if (!pass) return null;
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: [pass.ruleId] });
  await update(tabId, (r) => {
    const { pass: _, ...rest } = r;
    return rest;
  });
  return pass.url;
}

/** Let exactly `url` through once as a frame in the tab. */
export async function grantFramePass(tabId: number, url: string): Promise<void> {
  const ruleId = await allocateRuleId();
  const old = (await tabRecord(tabId))?.framePasses ?? [];
  const dropped = old.length >= MAX_FRAME_PASSES ? old.slice(0, old.length - MAX_FRAME_PASSES + 1) : [];
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: dropped.map((p) => p.ruleId), addRules: toBrowserRules([framePassRule(ruleId, tabId, url)]) });
  await update(tabId, (r) => ({ ...r, framePasses: [...(r.framePasses ?? []).filter((p) => !dropped.includes(p)), { url, ruleId }] }));
  (await tabsWithFramePasses()).add(tabId);
}

let framePassTabs: Promise<Set<number>> | undefined;
const tabsWithFramePasses = () =>
  (framePassTabs ??= readAll().then((all) => new Set(Object.entries(all).filter(([, r]) => r.framePasses?.length).map(([id]) => Number(id)))));

/**
 * A frame committed `url`: spend the tab's frame pass for it, if any; returns the URL it was
 * for. A tab without frame passes costs no storage read (every frame's commit comes here).
 */
export async function spendFramePass(tabId: number, url: string): Promise<string | null> {
  const holders = await tabsWithFramePasses();
  if (!holders.has(tabId)) return null;
  const passes = (await tabRecord(tabId))?.framePasses ?? [];
  const pass = passes.find((p) => p.url === url.replace(/#.*$/, ''));
  if (!pass) return null;
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: [pass.ruleId] });
  const left = await update(tabId, (r) => ({ ...r, framePasses: (r.framePasses ?? []).filter((p) => p.ruleId !== pass.ruleId) }));
  if (!left?.framePasses?.length) holders.delete(tabId);
  return pass.url;
}

/** A closed tab: its passes and everything known of it go. */
export async function forgetTab(tabId: number): Promise<void> {
  await spendPass(tabId);
  const framePasses = (await tabRecord(tabId))?.framePasses ?? [];
  if (framePasses.length) await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: framePasses.map((p) => p.ruleId) });
  (await tabsWithFramePasses()).delete(tabId);
  live.delete(tabId);
  await update(tabId, () => null);
}
