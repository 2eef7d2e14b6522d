/**
 * Patient data in the background (docs/data-protection.md). The decisions are the core's
 * (src/core/data-protection); here they are carried out:
 * - the content script is registered for the consumer services' hosts the policy leaves
 *   reachable, never for sanctioned ones, and for nothing at all under `action: allow`;
 * - a meeting web client the meeting-link check finds unsanctioned gets the script when its
 *   document commits (webNavigation), and only that document counts as checked;
 * - what a script reports is judged for the page the browser says sent it, the event is
 *   written here (the only writer), and a warning's ticket waits in session storage for the
 *   person's Continue.
 */
import { WEB_PAGES } from './web-filters.ts';
import { lessonParagraphs } from '../core/awareness/lessons.ts';
import { decideDataCheck, decideProceed, RATE_WINDOW_MS, TICKET_LIFETIME_MS, underRateLimit, type DataSender, type DataTicket } from '../core/data-protection/decide.ts';
import { consumerMatchPatterns, consumerServiceAt, dataScopeAt, unsanctionedMeetingAt, type DataScope } from '../core/data-protection/scope.ts';
import { MIN_REASON_LENGTH } from '../core/explain.ts';
import { canonicalHost } from '../core/hosts.ts';
import { PLATFORM_NAMES, type Platform } from '../core/meetings/analyse.ts';
import type { Policy } from '../core/policy/schema.ts';
import type { DataCheckAnswer, DataConfigAnswer, DataContentRequest, DataProceedAnswer } from './data-protocol.ts';
import { takeLesson } from './awareness.ts';
import { engine, type EngineState } from './engine.ts';
import { t } from './i18n.ts';
import type { Sender } from './protocol.ts';
import { record } from './recorder.ts';
import { storage } from 'wxt/utils/storage';
import { dataMeetingDocs, dataRecent, dataTickets } from './storage-items.ts';

const SCRIPT_ID = 'telehealth-guard-data';
const SCRIPT_JS = 'content-scripts/data-guard.js';
type DataSenderInfo = Sender & { documentId?: string; tab?: { id?: number; url?: string } };

/** One change at a time: a paste and its Continue read and write the same keys. */
let queue: Promise<unknown> = Promise.resolve();
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}


/**
 * Register (or update, or remove) the content script for the policy in force. At
 * document_start in every frame of those hosts, so its listeners come before any of the
 * page's own (docs/data-protection.md, "What a page cannot do"). Two registrations: Chrome
 * reaches about:blank and srcdoc frames only for whole-host patterns.
 */
export async function registerDataGuard(policy: Policy): Promise<void> {
  const { hosts, paths, excludeMatches } = consumerMatchPatterns(policy);
  const fallback = import.meta.env.BROWSER === 'firefox' ? {} : { matchOriginAsFallback: true };
  await register(SCRIPT_ID, hosts, excludeMatches, fallback);
  await register(`${SCRIPT_ID}-paths`, paths, excludeMatches, {});
}

async function register(id: string, matches: string[], excludeMatches: string[], extra: { matchOriginAsFallback?: boolean }): Promise<void> {
  const existing = await browser.scripting.getRegisteredContentScripts({ ids: [id] });
  const was = existing[0];
  const same = was !== undefined && JSON.stringify([...(was.matches ?? [])].sort()) === JSON.stringify(matches) && JSON.stringify([...(was.excludeMatches ?? [])].sort()) === JSON.stringify(excludeMatches);
  if (same) return;
  // Replaced, not updated: updateContentScripts keeps an old excludeMatches the new one leaves out.
  if (was !== undefined) await browser.scripting.unregisterContentScripts({ ids: [id] });
  if (matches.length === 0) return;
  await browser.scripting.registerContentScripts([
    { id, js: [SCRIPT_JS], matches, ...(excludeMatches.length > 0 ? { excludeMatches } : {}), runAt: 'document_start', allFrames: true, ...extra, persistAcrossSessions: true },
  ]);
}

/**
 * Meeting web clients: when a frame's document commits (or a single-page app moves to) a URL
 * the meeting-link check finds unsanctioned, the script goes into that document. Listeners
 * are added synchronously at the worker's start.
 */
export function startDataWatch(): void {
  const onNavigation = (d: { tabId: number; frameId: number; url: string; documentId?: string }) => void injectIntoMeeting(d);
  browser.webNavigation.onCommitted.addListener(onNavigation, WEB_PAGES);
  browser.webNavigation.onHistoryStateUpdated.addListener(onNavigation, WEB_PAGES);
  browser.webNavigation.onReferenceFragmentUpdated.addListener(onNavigation, WEB_PAGES);
  browser.tabs.onRemoved.addListener((tabId) => void forgetTab(tabId));
}

async function injectIntoMeeting(d: { tabId: number; frameId: number; url: string; documentId?: string }): Promise<void> {
  if (d.tabId < 0 || !/^https?:/i.test(d.url)) return;
  const { policy } = (await engine()).resolved;
  if (policy.dataProtection.action === 'allow' || consumerServiceAt(d.url, policy)) return;
  const meeting = unsanctionedMeetingAt(d.url, policy);
  if (!meeting) return;
  const key = `${d.tabId}:${d.frameId}`;
  await serial(async () => {
    const docs = await dataMeetingDocs.getValue();
    docs[key] = { documentId: d.documentId ?? '', platform: meeting.platform };
    await dataMeetingDocs.setValue(docs);
  });
  // The script ignores a second injection into the same document.
  await browser.scripting.executeScript({ target: { tabId: d.tabId, frameIds: [d.frameId] }, files: [`/${SCRIPT_JS}` as const], injectImmediately: true }).catch(() => undefined);
}

async function forgetTab(tabId: number): Promise<void> {
  await serial(async () => {
    const docs = await dataMeetingDocs.getValue();
    const tickets = await dataTickets.getValue();
    const recent = await dataRecent.getValue();
    for (const k of Object.keys(docs)) if (k.startsWith(`${tabId}:`)) delete docs[k];
    for (const [id, t] of Object.entries(tickets)) if (t.sender.tabId === tabId) delete tickets[id];
    delete recent[tabId];
    // One write, so the three never disagree.
    await storage.setItems([{ item: dataMeetingDocs, value: docs }, { item: dataTickets, value: tickets }, { item: dataRecent, value: recent }]);
  });
}

/** The page the browser says sent a message: its URL, or its origin for about:blank and srcdoc frames. */
function senderPage(sender: DataSenderInfo): string | null {
  if (sender.url && /^https?:/i.test(sender.url)) return sender.url;
  if (sender.origin && /^https?:/i.test(sender.origin)) return sender.origin + '/';
  return null;
}

async function senderScope(sender: DataSenderInfo, policy: Policy): Promise<DataScope | null> {
  const page = senderPage(sender);
  if (page === null || policy.dataProtection.action === 'allow') return null;
  const scope = dataScopeAt(page, policy);
  if (scope?.kind === 'consumer') return scope;
  // A meeting client counts for the document the script was put into, even after its app
  // moved on to an address that no longer names the meeting.
  if (sender.tab?.id === undefined || sender.frameId === undefined) return null;
  const docs = await dataMeetingDocs.getValue();
  const doc = docs[`${sender.tab.id}:${sender.frameId}`];
  if (doc === undefined || doc.documentId !== (sender.documentId ?? '')) return null;
  return { kind: 'meeting', platform: doc.platform, host: canonicalHost(new URL(page).hostname) };
}

function dataSender(sender: DataSenderInfo): DataSender | null {
  if (sender.tab?.id === undefined || sender.frameId === undefined) return null;
  return { tabId: sender.tab.id, frameId: sender.frameId, ...(sender.documentId ? { documentId: sender.documentId } : {}) };
}

export function handleDataMessage(request: DataContentRequest, sender: DataSenderInfo): Promise<unknown> {
  return serial(async () => {
    const state = await engine();
    switch (request.kind) {
      case 'data.config':
        return config(sender, state);
      case 'data.check':
        return check(request, sender, state);
      case 'data.proceed':
        return proceed(request, sender, state);
    }
  });
}

async function config(sender: DataSenderInfo, state: EngineState): Promise<DataConfigAnswer> {
  const { policy } = state.resolved;
  const scope = await senderScope(sender, policy);
  const dp = policy.dataProtection;
  const action = dp.action;
  if (scope === null || action === 'allow') return { inScope: false };
  return {
    inScope: true,
    config: {
      action,
      identifiers: [...dp.identifiers],
      patterns: dp.patterns.map((p) => ({ ...p })),
      site: scope.kind === 'consumer' ? scope.name : (PLATFORM_NAMES[scope.platform] ?? scope.host),
      organization: policy.organization.name,
      platforms: policy.sanctionedPlatforms.map((p) => ({ name: p.name, url: p.url })),
      minReason: MIN_REASON_LENGTH,
    },
  };
}

async function check(request: Extract<DataContentRequest, { kind: 'data.check' }>, sender: DataSenderInfo, state: EngineState): Promise<DataCheckAnswer> {
  const { policy } = state.resolved;
  const who = dataSender(sender);
  const scope = who ? await senderScope(sender, policy) : null;
  // Not (or no longer) a checked page, or the policy now allows: the background has the last word.
  if (scope === null || policy.dataProtection.action === 'allow') return { action: 'allow' };
  const decided = decideDataCheck(request, scope, policy);
  if ('error' in decided) return decided;
  const now = Date.now();
  // A page that fires synthetic pastes in a loop is held every time but fills no log.
  const recent = await dataRecent.getValue();
  const mine = (recent[who!.tabId] ?? []).filter((t) => now - t < RATE_WINDOW_MS);
  if (underRateLimit(mine, now)) {
    await record({ ...decided.event }, state);
    recent[who!.tabId] = [...mine, now];
    await dataRecent.setValue(recent);
  }
  // The first data warning a person meets carries the one-minute lesson (docs/awareness.md).
  const lesson = lessonParagraphs(await takeLesson('patient-data', state), t);
  const withLesson = lesson.length > 0 ? { lesson } : {};
  if (decided.action === 'block') return { action: 'block', ...withLesson };
  const tickets = await dataTickets.getValue();
  for (const [id, t] of Object.entries(tickets)) if (now - t.issuedAt > TICKET_LIFETIME_MS) delete tickets[id];
  const id = crypto.randomUUID();
  tickets[id] = { id, sender: who!, channel: decided.channel, counts: decided.counts, host: decided.event.host, service: decided.event.service, issuedAt: now };
  await dataTickets.setValue(tickets);
  return { action: 'warn', ticket: id, ...withLesson };
}

async function proceed(request: Extract<DataContentRequest, { kind: 'data.proceed' }>, sender: DataSenderInfo, state: EngineState): Promise<DataProceedAnswer> {
  const who = dataSender(sender);
  if (who === null || typeof request.ticket !== 'string') return { ok: false, error: 'not allowed' };
  const tickets = await dataTickets.getValue();
  const answer = decideProceed(tickets[request.ticket], who, request.reason, Date.now());
  if (!answer.ok) return answer;
  // One use: the same Continue cannot let a second action through.
  delete tickets[request.ticket];
  await dataTickets.setValue(tickets);
  await record({ ...answer.event }, state);
  return { ok: true };
}
