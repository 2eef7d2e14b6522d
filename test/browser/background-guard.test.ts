/**
 * The background's guard glue without a browser (WXT's fakeBrowser, fake IndexedDB, an
 * in-memory declarativeNetRequest): who may send what, that only a page the extension
 * sent may continue, what the grants and events are, the second line, and allowance
 * expiry removing a site's service workers. The same flows run in real Chromium in
 * test/e2e/attacks.spec.ts; these run in milliseconds and reach every branch.
 */
import 'fake-indexeddb/auto';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import type { Sender } from '../../src/browser/protocol.ts';
import { RELEASE_RULE_ID } from '../../src/core/ruleset.ts';
import { installFakeExtension } from './fake-extension.ts';

const { dynamic, webRequest, webNavigation, browsingDataRemove, tabsUpdate } = installFakeExtension();
const ID = fakeBrowser.runtime.id;
const ORIGIN = `chrome-extension://${ID}`;

const policy = {
  schemaVersion: 1,
  policyVersion: 'fake-1',
  categories: { 'consumer-video': 'block', 'consumer-messaging': 'warn' },
  rules: [{ match: 'call.whatsapp.com', action: 'block' }],
  warn: { bypassMinutes: 10 },
};

let handleMessage: (m: unknown, s: Sender) => Promise<unknown>;
let events: () => Promise<Array<Record<string, unknown>>>;

beforeAll(async () => {
  await fakeBrowser.storage.managed.set(policy);
  // The background's reactions to a policy load (its rules applied, events written), as it wires them.
  const { POLICY_REACTIONS } = await import('../../src/browser/background.ts');
  (await import('../../src/browser/engine.ts')).onPolicyLoaded(POLICY_REACTIONS);
  ({ handleMessage } = await import('../../src/browser/handlers.ts'));
  const { startNavigationWatch } = await import('../../src/browser/navigation-watch.ts');
  const { eventStore } = await import('../../src/browser/recorder.ts');
  startNavigationWatch();
  events = async () => {
    const out: string[] = [];
    for await (const chunk of (await eventStore()).export('ndjson')) out.push(chunk);
    return out.join('').split('\n').filter((l) => l.startsWith('{"') && l.includes('"seq"')).map((l) => JSON.parse(l));
  };
});
beforeEach(() => {
  tabsUpdate.mockClear();
  browsingDataRemove.mockClear();
});

/** Session rules the guard granted (allowances, passes): all but the start-up hold's release. */
const grants = () => dynamic.sessionRules.filter((r) => r.id !== RELEASE_RULE_ID);
const guardSender = (url: string, tabId: number, frameId: number) => ({ id: ID, url: `${ORIGIN}/guard.html#${url}`, origin: ORIGIN, tab: { id: tabId }, frameId });
const redirected = (url: string, tabId: number, type = 'main_frame') =>
  webRequest.onBeforeRedirect.trigger({ url, redirectUrl: `${ORIGIN}/guard.html#${url}`, tabId, frameId: type === 'main_frame' ? 0 : 4, type });
const navigationEvents = async (host: string) => (await events()).filter((e) => String(e.type).startsWith('navigation.') && e.host === host);

describe('who may send what (one check, before any handler)', () => {
  it('web pages, other extensions and the wrong extension page are refused', async () => {
    expect(await handleMessage({ kind: 'status' }, { url: 'https://evil.example/', tab: { id: 1 } })).toEqual({ error: 'not allowed' });
    expect(await handleMessage({ kind: 'status' }, { id: 'other', url: 'chrome-extension://other/options.html' })).toEqual({ error: 'not allowed' });
    expect(await handleMessage({ kind: 'guard.proceed', reason: 'xxxx' }, { id: ID, url: `${ORIGIN}/popup.html` })).toEqual({ error: 'not allowed' });
    expect(await handleMessage({ kind: 'policy.import', text: '{}' }, { id: ID, url: `${ORIGIN}/popup.html` })).toEqual({ error: 'not allowed' });
    expect(await handleMessage({ kind: 'status' }, { id: ID, url: 'https://calendar.example/', tab: { id: 2 } })).toEqual({ error: 'not allowed' });
    expect(await handleMessage({ kind: 'status' }, { id: ID, url: `${ORIGIN}/options.html`, origin: 'https://evil.example' })).toEqual({ error: 'not allowed' });
    expect(await handleMessage({ kind: 'status' }, { id: ID, url: `${ORIGIN}/options.html`, origin: ORIGIN })).toMatchObject({ status: { source: 'managed', policyVersion: 'fake-1' } });
  });
});

describe('the guard page', () => {
  // Each unproven question waits the 1.5 s a redirect report may take (sentFor): seconds, more on a loaded machine.
  it('framed, it informs and nothing else: no continue, no pass, no event', { timeout: 30_000 }, async () => {
    const url = 'https://web.whatsapp.com/framed';
    expect(await handleMessage({ kind: 'guard.view' }, guardSender(url, 3, 2))).toMatchObject({ show: 'page', mayContinue: false });
    expect(await handleMessage({ kind: 'guard.proceed', reason: 'let me in please' }, guardSender(url, 3, 2))).toMatchObject({ ok: false });
    // A site framing the guard page for an allowed URL gets nothing either: the frame says the content cannot be shown.
    expect(await handleMessage({ kind: 'guard.view' }, guardSender('https://apple.com/', 3, 2))).toEqual({ show: 'go', navigate: false });
    expect(grants()).toEqual([]);
    expect(await navigationEvents('web.whatsapp.com')).toEqual([]);
  });

  // Each unproven question waits the 1.5 s a redirect report may take (sentFor): seconds, more on a loaded machine.
  it('a frame the rules sent there for a URL that is let through goes on, with a pass for exactly that URL as a frame of that tab', { timeout: 30_000 }, async () => {
    const url = 'https://examplehealth.zoom.us/j/81234567890?pwd=abc';
    await webRequest.onBeforeRedirect.trigger({ url, redirectUrl: `${ORIGIN}/guard.html#${url}`, tabId: 12, frameId: 7, type: 'sub_frame' });
    expect(await handleMessage({ kind: 'guard.view' }, guardSender(url, 12, 7))).toEqual({ show: 'go', navigate: true });
    expect(grants()).toMatchObject([{ priority: 15_000_000, condition: { tabIds: [12], urlFilter: `|${url}|`, resourceTypes: ['sub_frame', 'object'] } }]);
    // Another frame of the tab has no such proof.
    expect(await handleMessage({ kind: 'guard.view' }, guardSender(url, 12, 8))).toEqual({ show: 'go', navigate: false });
    // The frame's commit spends the pass; a decision made for a frame is recorded as such.
    await webNavigation.onCommitted.trigger({ tabId: 12, frameId: 7, url });
    expect(grants()).toEqual([]);
    expect((await events()).filter((e) => e.type === 'link.checked' && e.host === 'examplehealth.zoom.us').map((e) => e.frame)).toEqual([true]);
  });

  // Each unproven question waits the 1.5 s a redirect report may take (sentFor): seconds, more on a loaded machine.
  it('opened by a site itself (top level, no redirect by the extension), it informs too', { timeout: 30_000 }, async () => {
    const url = 'https://web.whatsapp.com/opened';
    expect(await handleMessage({ kind: 'guard.view' }, guardSender(url, 4, 0))).toMatchObject({ show: 'page', mayContinue: false });
    expect(await handleMessage({ kind: 'guard.proceed', reason: 'let me in please' }, guardSender(url, 4, 0))).toMatchObject({ ok: false });
    expect(await handleMessage({ kind: 'guard.view' }, guardSender('https://apple.com/', 4, 0))).toEqual({ show: 'go', navigate: true });
    expect(grants()).toEqual([]);
  });

  it('sent there by the extension: the event is written by the background, the page shows its reference, continuing grants an allowance for exactly that host and a pass for that URL', async () => {
    const url = 'https://web.whatsapp.com/chat?x=1';
    await redirected(url, 5);
    const warned = await navigationEvents('web.whatsapp.com');
    expect(warned.map((e) => [e.type, e.service, e.action])).toEqual([['navigation.warned', 'whatsapp', 'warn']]);
    const view = (await handleMessage({ kind: 'guard.view' }, guardSender(url, 5, 0))) as { show: string; mayContinue: boolean; view: { reference?: { seq: number } } };
    expect(view).toMatchObject({ show: 'page', mayContinue: true });
    expect(view.view.reference?.seq).toBe(warned[0]!.seq);
    // The sent URL is bound to its tab: another tab's page for the same URL may not act.
    expect(await handleMessage({ kind: 'guard.view' }, guardSender(url, 6, 0))).toMatchObject({ mayContinue: false });

    expect(await handleMessage({ kind: 'guard.proceed', reason: 'Patient\nsent a photo' }, guardSender(url, 5, 0))).toEqual({ ok: true });
    const allowance = grants().find((r) => r.condition.regexFilter);
    // The rule that warned is the catalog's whatsapp.com (two labels): the allowance sits at its priority.
    expect(allowance).toMatchObject({ priority: 20_000, condition: { requestDomains: ['web.whatsapp.com'], resourceTypes: ['main_frame', 'sub_frame', 'object'] } });
    // Exactly the warned origin: not a subdomain, not http, not another port.
    const allows = (u: string) => new RegExp(String(allowance!.condition.regexFilter), 'i').test(u);
    expect([allows('https://web.whatsapp.com/x'), allows('https://call.web.whatsapp.com/'), allows('http://web.whatsapp.com/'), allows('https://web.whatsapp.com:8443/')]).toEqual([true, false, false, false]);
    expect(grants().find((r) => r.condition.tabIds)).toMatchObject({ condition: { tabIds: [5], urlFilter: `|${url}|`, resourceTypes: ['main_frame'] } });
    expect((await events()).find((e) => e.type === 'navigation.proceeded')).toMatchObject({ host: 'web.whatsapp.com', reason: 'Patient sent a photo' });

    // The pass is spent when that navigation commits; the allowance lets it stay.
    await webNavigation.onCommitted.trigger({ tabId: 5, frameId: 0, url });
    expect(grants().find((r) => r.condition.tabIds)).toBeUndefined();
    expect(tabsUpdate).not.toHaveBeenCalled();
  });

  it('a block is never continued, even from a page the extension sent', async () => {
    const url = 'https://call.whatsapp.com/video/1';
    await redirected(url, 7);
    expect(await handleMessage({ kind: 'guard.view' }, guardSender(url, 7, 0))).toMatchObject({ show: 'page', mayContinue: false, view: { mode: 'block' } });
    expect(await handleMessage({ kind: 'guard.proceed', reason: 'let me in please' }, guardSender(url, 7, 0))).toMatchObject({ ok: false });
  });

  it('frames a page makes by the hundred write one event per host and tab a minute', async () => {
    for (let i = 0; i < 30; i++) await redirected(`https://facetime.apple.com/f${i}`, 8, 'sub_frame');
    expect(await navigationEvents('facetime.apple.com')).toHaveLength(1);
  });
});

describe('no event lost to a stopped worker', () => {
  const notes = async () => Object.keys(await fakeBrowser.storage.session.get(null)).filter((k) => k.startsWith('pendingRedirect:'));

  it('a redirect handled to the end leaves no note behind', async () => {
    await redirected('https://web.whatsapp.com/noted', 21);
    expect(await notes()).toEqual([]);
  });

  // Each unproven question waits the 1.5 s a redirect report may take (sentFor): seconds, more on a loaded machine.
  it('a redirect whose report never came (the first navigation as the browser starts) is proven by the browser\'s record of matched rules', { timeout: 30_000 }, async () => {
    const url = 'https://line.me/at-start';
    const redirectRule = (dynamic.dynamicRules as Array<{ id: number; action: { type: string } }>).find((r) => r.action.type === 'redirect')!;
    // No report, and no matched rule in this tab: nothing (as for a page a site opened).
    expect(await handleMessage({ kind: 'guard.view' }, guardSender(url, 31, 0))).toMatchObject({ show: 'page', mayContinue: false });
    // The browser's record says one of the extension's redirect rules matched in the tab.
    const before = (await events()).length;
    // This worker started a moment ago, and the rule matched just before its listener was in place.
    const started = vi.spyOn(performance, 'timeOrigin', 'get').mockReturnValue(Date.now() - 1000);
    const matchedAt = Date.now() - 2000;
    dynamic.matched.push({ rule: { ruleId: redirectRule.id, rulesetId: '_dynamic' }, tabId: 32, timeStamp: matchedAt });
    expect(await handleMessage({ kind: 'guard.view' }, guardSender(url, 32, 0))).toMatchObject({ show: 'page', mayContinue: true });
    expect((await events()).slice(before).map((e) => [e.type, e.host])).toEqual([['navigation.warned', 'line.me']]);
    // The report arriving late after all is the same redirect: not written twice.
    await webRequest.onBeforeRedirect.trigger({ url, redirectUrl: `${ORIGIN}/guard.html#${url}`, tabId: 32, frameId: 0, type: 'main_frame', timeStamp: matchedAt });
    expect(await events()).toHaveLength(before + 1);
    // A rule that is not a redirect to the guard page proves nothing; nor does a frame.
    const other = (dynamic.dynamicRules as Array<{ id: number; action: { type: string } }>).find((r) => r.action.type !== 'redirect')!;
    dynamic.matched.push({ rule: { ruleId: other.id, rulesetId: '_dynamic' }, tabId: 33, timeStamp: Date.now() });
    expect(await handleMessage({ kind: 'guard.view' }, guardSender(url, 33, 0))).toMatchObject({ mayContinue: false });
    expect(await handleMessage({ kind: 'guard.view' }, guardSender(url, 32, 3))).toMatchObject({ mayContinue: false });
    expect(await events()).toHaveLength(before + 1);
    started.mockRestore();
  });

  // Each unproven question waits the 1.5 s a redirect report may take (sentFor): seconds, more on a loaded machine.
  it('a site cannot borrow the stand-in proof: a framed warned site matches a redirect rule in its tab, yet a guard page it then opens at the top gets nothing', { timeout: 30_000 }, async () => {
    const url = 'https://viber.com/borrowed';
    const redirectRule = (dynamic.dynamicRules as Array<{ id: number; action: { type: string } }>).find((r) => r.action.type === 'redirect')!;
    // The frame's redirect: matched by the rules now (long after this worker started), and reported.
    dynamic.matched.push({ rule: { ruleId: redirectRule.id, rulesetId: '_dynamic' }, tabId: 34, timeStamp: Date.now() });
    await redirected('https://viber.com/framed', 34, 'sub_frame');
    const before = (await events()).length;
    expect(await handleMessage({ kind: 'guard.view' }, guardSender(url, 34, 0))).toMatchObject({ show: 'page', mayContinue: false });
    // Nor without the frame's report: a match after this worker's listener was in place had its report.
    dynamic.matched.push({ rule: { ruleId: redirectRule.id, rulesetId: '_dynamic' }, tabId: 35, timeStamp: Date.now() });
    expect(await handleMessage({ kind: 'guard.view' }, guardSender(url, 35, 0))).toMatchObject({ show: 'page', mayContinue: false });
    expect(await events()).toHaveLength(before);
  });

  it('a redirect a stopped worker noted but never wrote is written by the next worker, at the time it happened, once', async () => {
    const at = Date.parse('2026-11-30T08:00:00.000Z');
    const url = 'https://facetime.apple.com/left-behind';
    await fakeBrowser.storage.session.set({ [`pendingRedirect:${at}:x`]: { url, redirectUrl: `${ORIGIN}/guard.html#${url}`, tabId: 22, frameId: 0, type: 'main_frame', at } });
    const { replayPendingRedirects } = await import('../../src/browser/navigation-watch.ts');
    const before = (await events()).length;
    expect(await replayPendingRedirects()).toBe(1);
    const written = (await events()).slice(before);
    expect(written.map((e) => [e.type, e.host, e.ts])).toEqual([['navigation.blocked', 'facetime.apple.com', '2026-11-30T08:00:00.000Z']]);
    expect(await notes()).toEqual([]);
    expect(await replayPendingRedirects()).toBe(0);
    expect(await events()).toHaveLength(before + 1);
  });
});

describe('the second line', () => {
  it('a commit on a warned URL without an allowance (e.g. served by a service worker) is sent to the guard page and recorded', async () => {
    await webNavigation.onCommitted.trigger({ tabId: 9, frameId: 0, url: 'https://t.me/channel' });
    expect(tabsUpdate).toHaveBeenCalledWith(9, { url: `chrome-extension://${ID}/guard.html#https://t.me/channel` });
    expect((await navigationEvents('t.me')).map((e) => e.type)).toEqual(['navigation.warned']);
    // …and that page may act: the extension sent it.
    expect(await handleMessage({ kind: 'guard.view' }, guardSender('https://t.me/channel', 9, 0))).toMatchObject({ mayContinue: true });
  });
  it('a same-document route change to a blocked URL is caught too; an allowed one is left alone', async () => {
    await webNavigation.onHistoryStateUpdated.trigger({ tabId: 10, frameId: 0, url: 'https://facetime.apple.com/join' });
    expect(tabsUpdate).toHaveBeenCalledTimes(1);
    await webNavigation.onCommitted.trigger({ tabId: 10, frameId: 0, url: 'https://intranet.example.org/' });
    await webNavigation.onCommitted.trigger({ tabId: 10, frameId: 0, url: 'https://web.whatsapp.com/chat' });
    expect(tabsUpdate).toHaveBeenCalledTimes(1);
  });
});

describe('allowance expiry', () => {
  it('removes the rule and the site’s service workers and caches', async () => {
    const { expireAllowances } = await import('../../src/browser/allowances.ts');
    expect(await expireAllowances(Date.now() + 11 * 60_000)).toEqual(['https://web.whatsapp.com']);
    expect(grants()).toEqual([]);
    expect(browsingDataRemove).toHaveBeenCalledWith({ origins: ['https://web.whatsapp.com'] }, { serviceWorkers: true, cacheStorage: true });
  });
});
