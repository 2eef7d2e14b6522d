/**
 * The background service worker's wiring. Listeners are registered synchronously at
 * start (an MV3 worker is woken by the event it missed otherwise); all state lives in
 * storage, IndexedDB and the browser's DNR rules, so a stopped worker loses nothing.
 */
import { classifyUrl } from '../core/classify.ts';
import { forgetBadge, updateBadge } from './badge.ts';
import { t } from './i18n.ts';
import { allowancesChanged, BYPASS_ALARM, expireAllowances, reconcileAllowances } from './allowances.ts';
import { registerAnnotator } from './content-scripts.ts';
import { engine, LOCAL_POLICY_KEY, onPolicyLoaded, reloadEngine, rememberLastValid, type PolicyReaction } from './engine.ts';
import { flushReports } from './events/reporting.ts';
import { handleMessage } from './handlers.ts';
import { ensureHeartbeatAlarm, HEARTBEAT_ALARM, heartbeatIfDue } from './heartbeat.ts';
import { reportIncognitoGap } from './incognito.ts';
import { replayPendingRedirects, reviewOpenTabs, startNavigationWatch } from './navigation-watch.ts';
import { applyNetworkPrediction } from './network-prediction.ts';
import { recordPolicyEvents } from './policy-events.ts';
import { eventStore, REPORT_ALARM, scheduleReport, setReporter, syncReportAlarm } from './recorder.ts';
import { applyCaptureSettings, expireMediaAllowances, MEDIA_ALARM, watchSharingState } from './media.ts';
import { applyRules } from './rules.ts';
import { registerDataGuard, startDataWatch } from './data-protection.ts';
import { WEB_PAGES } from './web-filters.ts';

export const RETENTION_ALARM = 'retention';
/**
 * Managed policy is re-read at every start and on this timer. Chrome and Edge also report
 * a pushed change at once (storage.onChanged); Firefox has no such event and reads
 * policies.json only when it starts, so there a change applies after a browser restart
 * (docs/admin-guide.md). The timer catches a change whose event was missed.
 */
export const POLICY_ALARM = 'policy-refresh';
const POLICY_REFRESH_MINUTES = 15;
const CHECK_LINK_MENU = 'check-meeting-link';

/**
 * What follows every load of the policy (engine.ts), in this order: the policy is kept, its
 * rules go into the browser, allowances that no longer match a warning end, the annotator
 * follows `meetings.scanPages` and the patient-data script `dataProtection`, the camera and
 * microphone settings and the network prediction switch follow the policy, the log records
 * the change and the incognito gap — all before any page gets an answer, so the log's order
 * does not depend on timing — the daily heartbeat, and the report timer follows `reporting`.
 * Add a reaction here, not inside the engine.
 */
export const POLICY_REACTIONS: readonly PolicyReaction[] = [
  rememberLastValid,
  applyRules,
  (state) => reconcileAllowances((url) => classifyUrl(state.compiled, url)),
  async (state) => void (await registerAnnotator(state.resolved.policy)),
  // Patient data: the content script on the consumer services' hosts, or nowhere under allow.
  (state) => registerDataGuard(state.resolved.policy).catch((e: Error) => console.error('Telehealth Guard: the patient-data script could not be registered:', e.message)),
  // The browser's camera and microphone settings follow the policy, live (Chrome, Edge).
  (state) => applyCaptureSettings(state.resolved.policy).catch(() => undefined),
  // No preconnect or prefetch naming a blocked host (browser/network-prediction.ts).
  async (state) => void (await applyNetworkPrediction(state.resolved.policy)),
  recordPolicyEvents,
  reportIncognitoGap,
  // A heartbeat that cannot be written must never stop the policy from loading.
  async (state) => void (await heartbeatIfDue(state).catch(() => null)),
  syncReportAlarm,
];

export function startBackground(): void {
  onPolicyLoaded(POLICY_REACTIONS);
  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    handleMessage(message, sender)
      .then(sendResponse)
      .catch((e: Error) => sendResponse({ error: e.message }));
    return true; // answer asynchronously
  });

  browser.storage.onChanged.addListener((changes, area) => {
    allowancesChanged(changes, area);
    // A pushed managed policy takes effect without restart; so does a local import.
    if (area === 'managed' || (area === 'local' && LOCAL_POLICY_KEY in changes)) void reloadEngine();
  });

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === BYPASS_ALARM) void expireAllowances().then(refreshBadges);
    if (alarm.name === RETENTION_ALARM) void prune();
    if (alarm.name === REPORT_ALARM) void report();
    if (alarm.name === POLICY_ALARM) void reloadEngine();
    if (alarm.name === MEDIA_ALARM) void expireMediaAllowances();
    if (alarm.name === HEARTBEAT_ALARM) void engine().then((state) => heartbeatIfDue(state));
  });

  // "Check meeting link" on any link's context menu.
  browser.runtime.onInstalled.addListener(({ reason }) => {
    browser.contextMenus.create({ id: CHECK_LINK_MENU, title: t('menu_check_link'), contexts: ['link'] });
    void prune();
    // Pages that loaded before the extension existed (Firefox installs a force-installed
    // add-on after a new profile's first pages; docs/enforcement.md): judged once its rules are in place.
    if (reason === 'install') void engine().then(() => reviewOpenTabs());
  });
  // Retention at browser start-up and daily — not on every wake of the worker, which
  // happens many times a day.
  browser.runtime.onStartup.addListener(() => void prune());
  browser.contextMenus.onClicked.addListener((info) => {
    if (info.menuItemId !== CHECK_LINK_MENU || !info.linkUrl) return;
    void browser.windows.create({ type: 'popup', url: browser.runtime.getURL('/check.html') + '#' + info.linkUrl, width: 440, height: 560 });
  });

  // The badge follows the top frame's page. On Chrome and Edge from the navigation events the
  // worker gets anyway, filtered to web pages: tabs.onUpdated, which has no filter there, woke
  // the worker three times for every page load (loading, title, complete) with the whole tab
  // serialised each time (issue 25; README, "Measured"). The browser clears a tab's badge on a
  // cross-document commit before the worker hears of it, so nothing drawn before is left over.
  // Firefox keeps tabs.onUpdated as before.
  if (import.meta.env.BROWSER === 'firefox') {
    browser.tabs.onUpdated.addListener((tabId, change, tab) => {
      if (change.url || change.status === 'complete') void updateBadge(tabId, tab.url);
    });
  } else {
    const topFrameMoved = ({ tabId, frameId, url }: { tabId: number; frameId: number; url: string }) => {
      if (frameId === 0 && tabId >= 0) void updateBadge(tabId, url);
    };
    browser.webNavigation.onCommitted.addListener(topFrameMoved, WEB_PAGES);
    browser.webNavigation.onHistoryStateUpdated.addListener(topFrameMoved, WEB_PAGES);
    browser.webNavigation.onReferenceFragmentUpdated.addListener(topFrameMoved, WEB_PAGES);
  }
  // Firefox says which tabs capture (media.used from what the browser saw).
  if (import.meta.env.BROWSER === 'firefox') watchSharingState();
  // Who was sent to the guard page, one-time passes spent, and the second line.
  startNavigationWatch();
  // Meeting web clients the meeting-link check finds unsanctioned get the patient-data script.
  startDataWatch();
  browser.tabs.onRemoved.addListener((tabId) => forgetBadge(tabId));
  browser.tabs.onActivated.addListener(({ tabId }) => {
    void browser.tabs.get(tabId).then((tab) => updateBadge(tabId, tab.url));
  });

  // Every start (browser start, install, a worker woken after idling) re-checks that the
  // browser's rules are those of the policy in force, then housekeeping.
  setReporter(report);
  void engine().then(async () => {
    // The install's id and signing key (with its log.key event, first on a new install)
    // are made by the log's one writer, so the options page only ever reads them.
    const state = await engine();
    await (await eventStore()).ensureKey({
      policyVersion: state.resolved.policy.policyVersion,
      policySource: state.resolved.source,
      extensionVersion: browser.runtime.getManifest().version,
    });
    // What a stopped worker was told by the browser but had not yet written.
    await replayPendingRedirects();
    await expireAllowances();
    await browser.alarms.create(RETENTION_ALARM, { periodInMinutes: 24 * 60, delayInMinutes: 1 });
    if (!(await browser.alarms.get(POLICY_ALARM))) await browser.alarms.create(POLICY_ALARM, { periodInMinutes: POLICY_REFRESH_MINUTES });
    await ensureHeartbeatAlarm();
    await prune();
  });
}

async function prune(): Promise<void> {
  const state = await engine();
  const { retentionDays, maxEvents } = state.resolved.policy.logging;
  const store = await eventStore();
  await store.prune({
    retentionDays,
    maxEvents,
    context: { policyVersion: state.resolved.policy.policyVersion, policySource: state.resolved.source, extensionVersion: browser.runtime.getManifest().version },
  });
}

async function report(): Promise<void> {
  const state = await engine();
  const reporting = state.resolved.policy.reporting;
  if (!reporting?.url) return;
  const result = await flushReports(await eventStore(), {
    url: reporting.url,
    format: reporting.format,
    table: reporting.table,
    ...(reporting.token ? { token: reporting.token } : {}),
  });
  // More queued than one call sends: go on soon (a back-off is respected by flushReports).
  if (result.pending > 0 && result.nextAttemptAt === undefined) scheduleReport(100);
}

/** Re-draw the badge of every tab (an allowance ended while its page stayed open). */
async function refreshBadges(): Promise<void> {
  for (const tab of await browser.tabs.query({})) if (tab.id !== undefined) await updateBadge(tab.id, tab.url);
}

