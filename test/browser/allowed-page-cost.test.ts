/**
 * What an allowed page costs the extension (issue 25; README, "Measured"): navigations that are
 * not to web pages never reach a listener (the browser filters them before waking the worker),
 * and the badge is not redrawn while what it shows stays the default.
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { installFakeExtension } from './fake-extension.ts';

const { webNavigation, webRequest } = installFakeExtension();
const setBadgeText = vi.fn(async () => undefined);
const setTitle = vi.fn(async () => undefined);
Object.assign(fakeBrowser as unknown as Record<string, unknown>, {
  action: { setBadgeText, setTitle, setBadgeBackgroundColor: vi.fn(async () => undefined) },
});

let updateBadge: (tabId: number, url: string | undefined) => Promise<void>;
beforeAll(async () => {
  await fakeBrowser.storage.managed.set({ schemaVersion: 1, policyVersion: 'cost-1' });
  (await import('../../src/browser/navigation-watch.ts')).startNavigationWatch();
  (await import('../../src/browser/data-protection.ts')).startDataWatch();
  ({ updateBadge } = await import('../../src/browser/badge.ts'));
});

describe('navigations that are not to web pages wake nothing', () => {
  const notWeb = ['chrome://newtab/', 'about:blank', 'about:srcdoc', 'data:text/html,hi', 'blob:https://a.example/1', 'file:///tmp/x.html', 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/options.html', 'moz-extension://1234/popup.html'];
  it.each(['onCommitted', 'onHistoryStateUpdated', 'onReferenceFragmentUpdated', 'onErrorOccurred'] as const)('webNavigation.%s', async (name) => {
    const event = webNavigation[name];
    const before = event.delivered;
    for (const url of notWeb) await event.trigger({ tabId: 1, frameId: 0, url, documentId: 'd' });
    expect(event.delivered).toBe(before);
    // …whereas a web page reaches its listeners (the check above can fail).
    await event.trigger({ tabId: 1, frameId: 0, url: 'https://intranet.example.org/', documentId: 'd' });
    expect(event.delivered).toBeGreaterThan(before);
  });

  it('webRequest.onBeforeRedirect', async () => {
    const event = webRequest.onBeforeRedirect;
    const before = event.delivered;
    await event.trigger({ tabId: 1, frameId: 0, requestId: '1', type: 'main_frame', url: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/guard.html', redirectUrl: 'x', timeStamp: 1 });
    expect(event.delivered).toBe(before);
  });
});

describe('the badge is drawn when what it shows changes', () => {
  it('an allowed page after an allowed page draws nothing; a worker that just started draws once', async () => {
    setBadgeText.mockClear();
    await updateBadge(7, 'https://intranet.example.org/a');
    expect(setBadgeText).toHaveBeenCalledTimes(1); // not known to this worker yet
    await updateBadge(7, 'https://intranet.example.org/b');
    await updateBadge(7, 'https://news.example.com/');
    await updateBadge(7, 'chrome://newtab/');
    expect(setBadgeText).toHaveBeenCalledTimes(1);
    // Another tab is its own.
    await updateBadge(8, 'https://intranet.example.org/a');
    expect(setBadgeText).toHaveBeenCalledTimes(2);
  });
});
