/**
 * WXT's fakeBrowser completed with what the background needs and it lacks: an in-memory
 * declarativeNetRequest, webRequest and webNavigation events a test can fire, browsingData
 * and tabs.update spies. Installs it as the global `browser`; import the extension's
 * modules after calling this (dynamically), so they see it.
 */
import { vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';

type Listener = (...args: never[]) => unknown;
export function fakeEvent() {
  const listeners: Listener[] = [];
  return {
    addListener: (l: Listener) => void listeners.push(l),
    removeListener: () => undefined,
    hasListener: () => false,
    trigger: async (...args: unknown[]) => Promise.all(listeners.map((l) => (l as (...a: unknown[]) => unknown)(...args))),
  };
}

export function installFakeExtension() {
  const dynamic: {
    dynamicRules: Array<{ id: number }>;
    sessionRules: Array<{ id: number; condition: Record<string, unknown>; priority: number }>;
    /** What getMatchedRules reports: the browser's record of rules that matched. */
    matched: Array<{ rule: { ruleId: number; rulesetId: string }; tabId: number; timeStamp: number }>;
  } = { dynamicRules: [], sessionRules: [], matched: [] };
  const webRequest = { onBeforeRedirect: fakeEvent() };
  const webNavigation = { onCommitted: fakeEvent(), onHistoryStateUpdated: fakeEvent(), onReferenceFragmentUpdated: fakeEvent(), onErrorOccurred: fakeEvent() };
  const browsingDataRemove = vi.fn(async () => undefined);
  const tabsUpdate = vi.fn(async () => undefined);

  const b = fakeBrowser as unknown as Record<string, unknown> & typeof fakeBrowser;
  Object.assign(b, {
    declarativeNetRequest: {
      getDynamicRules: async () => dynamic.dynamicRules,
      updateDynamicRules: async ({ removeRuleIds = [], addRules = [] }: { removeRuleIds?: number[]; addRules?: Array<{ id: number }> }) => {
        dynamic.dynamicRules = [...dynamic.dynamicRules.filter((r) => !removeRuleIds.includes(r.id)), ...addRules];
      },
      getSessionRules: async () => dynamic.sessionRules,
      updateSessionRules: async ({ removeRuleIds = [], addRules = [] }: { removeRuleIds?: number[]; addRules?: typeof dynamic.sessionRules }) => {
        dynamic.sessionRules = [...dynamic.sessionRules.filter((r) => !removeRuleIds.includes(r.id)), ...addRules];
      },
      getEnabledRulesets: async () => [],
      getMatchedRules: async ({ tabId, minTimeStamp = 0 }: { tabId?: number; minTimeStamp?: number }) => ({
        rulesMatchedInfo: dynamic.matched.filter((m) => (tabId === undefined || m.tabId === tabId) && m.timeStamp >= minTimeStamp),
      }),
      updateEnabledRulesets: async () => undefined,
    },
    scripting: { getRegisteredContentScripts: async () => [], registerContentScripts: async () => undefined, unregisterContentScripts: async () => undefined, executeScript: async () => [] },
    webRequest,
    webNavigation,
    browsingData: { remove: browsingDataRemove },
    i18n: { getMessage: (k: string) => k, getUILanguage: () => 'en' },
  });
  b.runtime.getManifest = (() => ({ version: '0.1.0' })) as never;
  b.tabs.update = tabsUpdate as never;
  (globalThis as { browser?: unknown }).browser = fakeBrowser;
  return { dynamic, webRequest, webNavigation, browsingDataRemove, tabsUpdate };
}
