/**
 * WXT's fakeBrowser completed with what the background needs and it lacks: an in-memory
 * declarativeNetRequest, webRequest and webNavigation events a test can fire, browsingData
 * and tabs.update spies. Installs it as the global `browser`; import the extension's
 * modules after calling this (dynamically), so they see it.
 */
import { vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';

type Listener = (...args: never[]) => unknown;
/** The filters the extension gives its listeners, applied as the browser does before waking the worker. */
interface EventFilter {
  /** webNavigation: `{ url: [{ schemes }] }`. */
  url?: Array<{ schemes?: string[] }>;
  /** webRequest: match patterns and request types. */
  urls?: string[];
  types?: string[];
}
function passes(filter: EventFilter | undefined, details: unknown): boolean {
  if (!filter || typeof details !== 'object' || details === null) return true;
  const d = details as { url?: string; type?: string };
  const scheme = d.url ? d.url.slice(0, d.url.indexOf(':')).toLowerCase() : '';
  if (filter.url && !filter.url.some((f) => !f.schemes || f.schemes.includes(scheme))) return false;
  if (filter.urls && !filter.urls.some((p) => p === '<all_urls>' || p.startsWith(`${scheme}://`) || p.startsWith('*://'))) return false;
  if (filter.types && d.type !== undefined && !filter.types.includes(d.type)) return false;
  return true;
}
export function fakeEvent() {
  const listeners: Array<[Listener, EventFilter | undefined]> = [];
  const event = {
    /** How many listener calls the events fired so far reached (a filtered-out event reaches none). */
    delivered: 0,
    addListener: (l: Listener, filter?: EventFilter) => void listeners.push([l, filter]),
    removeListener: () => undefined,
    hasListener: () => false,
    trigger: async (...args: unknown[]) => {
      const reached = listeners.filter(([, f]) => passes(f, args[0]));
      event.delivered += reached.length;
      return Promise.all(reached.map(([l]) => (l as (...a: unknown[]) => unknown)(...args)));
    },
  };
  return event;
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
