/**
 * The background's eyes on navigations, so the core can decide and the log can be
 * trusted (docs/enforcement.md):
 *
 * - **Sent to the guard.** `webRequest.onBeforeRedirect` reports each time the browser's
 *   rules redirect a frame to the guard page, with the URL it came from. That is the only
 *   proof that the extension sent a tab there for that URL: a site that frames the guard
 *   page, or opens it itself, causes no such redirect. The events for what the rules
 *   decided are written here, by the background, not on a page's say-so.
 * - **The second line.** A navigation that commits on a warned or blocked URL without an
 *   allowance (served by a site's service worker, a same-document route change, any
 *   route the rules missed) is sent to the guard page after all.
 */
import { WEB_PAGES, WEB_URLS } from './web-filters.ts';
import { decideNavigation, navigationEvents, secondLine, type EventIntent, type GuardContext, type Stop } from '../core/guard.ts';
import { passwordGuardFor } from '../core/lookalike/password.ts';
import { reviewOpenTab } from '../core/open-tabs.ts';
import { GUARD_PAGE_PATH, STARTUP_RULESET_ID } from '../core/identity.ts';
import { LISTENER_READY_MS, MATCH_WINDOW_MS, proveSent, type MatchedRule } from '../core/sent-proof.ts';
import { allowances } from './allowances.ts';
import { engine } from './engine.ts';
import { record } from './recorder.ts';
import { forgetTab, noteArriving, noteFrameSent, noteSent, noteStandIn, sentSeq, settled, spendFramePass, spendPass, tabRecord, takeStandIn, waitForReport } from './tab-ledger.ts';

export async function guardContext(): Promise<GuardContext> {
  const state = await engine();
  return { compiled: state.compiled, allowances: await allowances(), now: Date.now() };
}

/** A redirect to the guard page, under any of the extension's origins. */
function isGuardUrl(url: string): boolean {
  return extensionOrigins().some((o) => url.startsWith(`${o}${GUARD_PAGE_PATH}#`));
}

let origins: string[] | undefined;
/**
 * The origins the extension's pages can have: its static id, and what runtime.getURL
 * gives for the guard page (on Chromium the per-session dynamic id of `use_dynamic_url`,
 * on Firefox the profile's UUID). The static one comes first: the rules name it, and
 * Chromium maps it to the dynamic one when a rule redirects there.
 */
export function extensionOrigins(): string[] {
  const own = (path: string) => (browser.runtime.getURL as (p: string) => string)(path).replace(/\/[^/]*$/, '');
  return (origins ??= [...new Set([...(globalThis.location?.protocol === 'chrome-extension:' ? [`chrome-extension://${browser.runtime.id}`] : []), own(GUARD_PAGE_PATH), own('/')])]);
}

/**
 * Did the extension send tab `tabId` to the guard page for exactly `url`? The proof is the
 * core's (src/core/sent-proof.ts); here its inputs are gathered. The page may ask before the
 * redirect's report has been handled, so a report is waited for briefly.
 */
export async function sentFor(tabId: number, url: string, waitMs = 1500): Promise<{ seq: Promise<number | null> } | null> {
  const known = async () => {
    await settled(tabId);
    return (await tabRecord(tabId))?.sent?.url ?? null;
  };
  let sentUrl = await known();
  if (sentUrl !== url && waitMs > 0) {
    await waitForReport(tabId, waitMs);
    sentUrl = await known();
  }
  const proven = () => ({ seq: sentSeq(tabId, url) });
  if (sentUrl !== null) return proveSent({ ...NO_RECORD, url, sentUrl, now: Date.now() }).sent ? proven() : null;
  // Nothing at all is known of this tab: the browser may have redirected it before this
  // worker's listener was registered (the first navigation after the browser starts), when
  // no report comes. Ask the browser's own record of the rules it matched instead.
  const state = await engine();
  const rulesSendHere = navigationEvents(decideNavigation(url, await guardContext())).length > 0;
  const proof = proveSent({
    url,
    sentUrl: null,
    rulesSendHere,
    matched: rulesSendHere ? await matchedRules(tabId) : [],
    redirectRuleIds: new Set(state.rules.filter((r) => r.action.type === 'redirect').map((r) => r.id)),
    startupRulesetId: STARTUP_RULESET_ID,
    listenerReadyAt: performance.timeOrigin + LISTENER_READY_MS,
    now: Date.now(),
  });
  if (!proof.sent || proof.by !== 'matched-rules') return null;
  // The report may have come while the record was read.
  sentUrl = await known();
  if (sentUrl !== null) return sentUrl === url ? proven() : null;
  noteStandIn(tabId, url, proof.at);
  await handleRedirect({ url, redirectUrl: '', tabId, frameId: 0, type: 'main_frame' }, proof.at);
  return proven();
}

const NO_RECORD = { rulesSendHere: false, matched: [], redirectRuleIds: new Set<number>(), startupRulesetId: STARTUP_RULESET_ID, listenerReadyAt: 0 };

/** The browser's record of rules matched in the tab lately (none without declarativeNetRequestFeedback). */
async function matchedRules(tabId: number): Promise<MatchedRule[]> {
  try {
    const { rulesMatchedInfo } = await browser.declarativeNetRequest.getMatchedRules({ tabId, minTimeStamp: Date.now() - MATCH_WINDOW_MS });
    return rulesMatchedInfo.map((m) => ({ ruleId: m.rule.ruleId, rulesetId: m.rule.rulesetId, timeStamp: m.timeStamp }));
  } catch {
    return [];
  }
}

/**
 * Frames can be made by the thousand by a page; the same warning for the same host in the
 * same tab is written once a minute, so a page cannot flood the log (and push older
 * evidence out through retention).
 */
const recentFrameEvents = new Map<string, number>();
const FRAME_EVENT_INTERVAL_MS = 60_000;

async function write(intents: EventIntent[], tabId: number, topFrame: boolean, at = Date.now()): Promise<number | null> {
  const state = await engine();
  let seq: number | null = null;
  for (const e of intents) {
    if (!topFrame) {
      const key = `${tabId} ${e.type} ${new URL(e.url).host}`;
      const last = recentFrameEvents.get(key);
      if (last !== undefined && at - last < FRAME_EVENT_INTERVAL_MS) continue;
      recentFrameEvents.set(key, at);
      if (recentFrameEvents.size > 1000) recentFrameEvents.clear();
    }
    const { type, url, service, action, findings, reason, name } = e;
    // events.md 1.2: a decision made for a frame says so.
    const written = await record({ type, url, service, action, ...(findings ? { findings } : {}), ...(reason ? { reason } : {}), ...(name ? { name } : {}), ...(topFrame ? {} : { frame: true }) }, state, new Date(at));
    seq = written.seq;
  }
  return seq;
}

type Redirect = { url: string; redirectUrl: string; tabId: number; frameId: number; type: string };

/**
 * Write-ahead for what the rules decided. A redirect is not waited for by anyone: the
 * browser shows the guard page while the worker is still loading the policy and opening
 * the log (at browser start this takes a while), and a worker stopped in between would
 * lose the event. So each redirect is first noted in session storage (kept by the browser
 * itself, across a stopped worker, until it quits) in one call made before anything is
 * awaited, and the note is removed once the event is durable. A worker that starts replays
 * the notes a stopped one left (replayPendingRedirects): at worst an event is written twice
 * (stopped between the append and the removal), never not at all.
 */
const PENDING_PREFIX = 'pendingRedirect:';
/** Notes this worker made itself: they are being handled, not left behind. */
const ownNotes = new Set<string>();

async function onGuardRedirect(details: Redirect & { timeStamp?: number }): Promise<void> {
  if (!isGuardUrl(details.redirectUrl)) return;
  // A report arriving after the rules' record already stood in for it (sentFor) is that same redirect.
  if (takeStandIn(details.tabId, details.url, details.timeStamp)) return;
  const at = Date.now();
  const key = `${PENDING_PREFIX}${at}:${Math.random().toString(36).slice(2)}`;
  ownNotes.add(key);
  const { url, redirectUrl, tabId, frameId, type } = details;
  const noted = browser.storage.session.set({ [key]: { url, redirectUrl, tabId, frameId, type, at } });
  const handled = handleRedirect(details, at);
  if (type === 'main_frame') noteArriving(tabId, handled.catch(() => undefined));
  try {
    await handled;
    await noted;
    await browser.storage.session.remove(key);
  } finally {
    ownNotes.delete(key);
  }
}

async function handleRedirect(details: Redirect, at: number): Promise<void> {
  const topFrame = details.type === 'main_frame';
  const decision = decideNavigation(details.url, await guardContext());
  const seq = write(navigationEvents(decision), details.tabId, topFrame, at);
  if (topFrame && details.tabId >= 0) await noteSent(details.tabId, details.url, seq);
  else if (details.tabId >= 0) await noteFrameSent(details.tabId, details.frameId, details.url);
  await seq;
}

/** Write the events of redirects a stopped worker noted but did not finish (see above). */
export async function replayPendingRedirects(): Promise<number> {
  const all = (await browser.storage.session.get(null)) as Record<string, unknown>;
  const left = Object.entries(all)
    .filter(([k]) => k.startsWith(PENDING_PREFIX) && !ownNotes.has(k))
    .map(([k, v]) => [k, v as Redirect & { at: number }] as const)
    .sort((a, b) => a[1].at - b[1].at);
  for (const [key, note] of left) {
    await handleRedirect(note, note.at);
    await browser.storage.session.remove(key);
  }
  return left.length;
}

async function onCommitted(details: { tabId: number; frameId: number; url: string }, sameDocument: boolean): Promise<void> {
  if (!/^https?:/i.test(details.url)) return;
  const topFrame = details.frameId === 0;
  const passed = sameDocument ? null : topFrame ? await spendPass(details.tabId) : await spendFramePass(details.tabId, details.url);
  // Every commit of every frame comes here: judge without allowances first (they can only
  // lift a site's warning), and read them only when a warning needs them.
  const { compiled } = await engine();
  let d: Stop | null = secondLine(details.url, topFrame, passed, { compiled, allowances: [], now: Date.now() });
  if (d?.by === 'site' && d.kind === 'warn') d = secondLine(details.url, topFrame, passed, await guardContext());
  // A same-document change (history.pushState, a new #fragment) is judged as a site only:
  // web apps route inside meetings with such changes all the time.
  if (d && sameDocument && d.by === 'meeting') d = null;
  if (!d) {
    if (!sameDocument && passwordGuardFor(details.url, compiled)) await guardPasswordFields(details.tabId, details.frameId);
    return;
  }
  await sendToGuard(details.tabId, details.frameId, details.url, d);
}

/**
 * A page on a look-alike host that opens (allowed by policy, or continued past the warning):
 * its password fields are disabled, in this frame only (docs/lookalikes.md, "Password fields").
 */
async function guardPasswordFields(tabId: number, frameId: number): Promise<void> {
  await browser.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, files: ['/content-scripts/password-guard.js'] }).catch(() => undefined);
}

async function sendToGuard(tabId: number, frameId: number, url: string, d: Stop): Promise<void> {
  const seq = write(navigationEvents(d), tabId, frameId === 0);
  if (frameId === 0) {
    await noteSent(tabId, url, seq);
    await browser.tabs.update(tabId, { url: `${extensionOrigins()[0]}${GUARD_PAGE_PATH}#${url}` });
  } else {
    // A frame is sent by its own document; the address Chromium lets web documents reach.
    const target = `${browser.runtime.getURL(GUARD_PAGE_PATH)}#${url}`;
    await browser.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, func: (to: string) => location.replace(to), args: [target] }).catch(() => undefined);
  }
  await seq;
}

/**
 * Tabs already open when the extension is installed (src/core/open-tabs.ts): a page the policy
 * warns of or blocks goes to the guard page, a sign-in page that needs the tenant header is
 * loaded again under it. Called once the rules of the policy in force are in place.
 */
export async function reviewOpenTabs(): Promise<void> {
  const ctx = await guardContext();
  for (const tab of await browser.tabs.query({})) {
    if (tab.id === undefined || !tab.url) continue;
    const review = reviewOpenTab(tab.url, ctx);
    if (review?.do === 'guard') await sendToGuard(tab.id, 0, tab.url, review.stop);
    else if (review?.do === 'reload') await browser.tabs.reload(tab.id);
  }
}

export function startNavigationWatch(): void {
  browser.webRequest.onBeforeRedirect.addListener(
    // The promise is returned only so tests can wait for it; the browser ignores it.
    (d) => onGuardRedirect(d).catch((e: Error) => console.error(`Telehealth Guard: ${e.message}`)),
    { urls: WEB_URLS, types: ['main_frame', 'sub_frame', 'object'] },
  );
  const committed = (sameDocument: boolean) => (d: { tabId: number; frameId: number; url: string }) =>
    onCommitted(d, sameDocument).catch((e: Error) => console.error(`Telehealth Guard: ${e.message}`));
  browser.webNavigation.onCommitted.addListener(committed(false), WEB_PAGES);
  browser.webNavigation.onHistoryStateUpdated.addListener(committed(true), WEB_PAGES);
  browser.webNavigation.onReferenceFragmentUpdated.addListener(committed(true), WEB_PAGES);
  // A failed navigation spends its pass too, and a closed tab forgets everything.
  browser.webNavigation.onErrorOccurred.addListener(({ tabId, frameId, url }) => {
    if (frameId === 0 && /^https?:/i.test(url)) void spendPass(tabId);
  }, WEB_PAGES);
  browser.tabs.onRemoved.addListener((tabId) => void forgetTab(tabId));
}
