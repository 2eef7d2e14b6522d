/**
 * The daily heartbeat (src/browser/heartbeat.ts) with WXT's fakeBrowser and the real
 * event store: written at the worker's start, once per UTC day, by the `heartbeat` alarm
 * after that; concurrent checks write one. The real-browser test is in test/e2e/fleet.spec.ts.
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { browserLabel, parseBrowserLabel } from '../../src/core/heartbeat.ts';
import { fakeEvent, installFakeExtension } from './fake-extension.ts';

installFakeExtension();
Object.assign(fakeBrowser, { contextMenus: { create: () => undefined, onClicked: fakeEvent() } });
// What Chromium's worker gives (Node has no navigator.userAgentData).
const nav = (globalThis.navigator ??= {} as Navigator) as unknown as Record<string, unknown>;
Object.defineProperty(nav, 'userAgentData', {
  configurable: true,
  value: { brands: [{ brand: 'Chromium', version: '156' }], getHighEntropyValues: async () => ({ fullVersionList: [{ brand: 'Not)A;Brand', version: '8.0.0.0' }, { brand: 'Chromium', version: '156.0.8078.73' }, { brand: 'Google Chrome', version: '156.0.8078.73' }] }) },
});

type Mod = typeof import('../../src/browser/heartbeat.ts');
let hb: Mod;
let state: () => Promise<import('../../src/browser/engine.ts').EngineState>;
let heartbeats: () => Promise<Array<{ ts: string; browser?: string; policyVersion: string; extensionVersion: string }>>;

beforeAll(async () => {
  const { startBackground } = await import('../../src/browser/background.ts');
  hb = await import('../../src/browser/heartbeat.ts');
  state = (await import('../../src/browser/engine.ts')).engine;
  const { eventStore } = await import('../../src/browser/recorder.ts');
  heartbeats = async () => (await (await eventStore()).readFrom(0, 1000)).filter((e) => e.type === 'install.heartbeat') as never;
  startBackground();
}, 60_000); // importing the whole background on a loaded 2-core machine takes seconds

describe('install.heartbeat', () => {
  it('is written when the worker starts, naming the browser, the extension version and the policy in force', async () => {
    // A new profile's first load waits up to 1.5 s for a managed policy that may still be on
    // its way (engine.ts, FIRST_RUN_WAIT_MS), and the heartbeat follows the load.
    await expect.poll(async () => (await heartbeats()).length, { timeout: 15_000 }).toBe(1);
    const [e] = await heartbeats();
    expect(e).toMatchObject({ browser: 'Chrome 156.0.8078.73', extensionVersion: '0.1.0', policyVersion: expect.any(String) });
    await expect.poll(() => fakeBrowser.alarms.get(hb.HEARTBEAT_ALARM)).toMatchObject({ name: 'heartbeat', periodInMinutes: 60 });
  });

  it('once per UTC day: the alarm on the same day writes nothing, the next day one; concurrent checks write one', async () => {
    const today = new Date();
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'heartbeat', scheduledTime: Date.now(), periodInMinutes: 60 });
    expect(await hb.heartbeatIfDue(await state(), () => today)).toBeNull();
    expect(await heartbeats()).toHaveLength(1);
    const tomorrow = new Date(today.getTime() + 24 * 3600_000);
    const [a, b] = await Promise.all([hb.heartbeatIfDue(await state(), () => tomorrow), hb.heartbeatIfDue(await state(), () => tomorrow)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect((await heartbeats()).map((e) => e.ts.slice(0, 10))).toEqual([today.toISOString().slice(0, 10), tomorrow.toISOString().slice(0, 10)]);
  });
});

describe('browserLabel', () => {
  it('names the branded browser, skipping the GREASE brand; Chromium when it is the only one; Firefox from getBrowserInfo', () => {
    expect(browserLabel({ brands: [{ brand: 'Microsoft Edge', version: '141.0.3537.71' }, { brand: 'Not?A_Brand', version: '99' }, { brand: 'Chromium', version: '141.0.3537.71' }] })).toBe('Edge 141.0.3537.71');
    expect(browserLabel({ brands: [{ brand: 'Chromium', version: '156.0.8078.73' }, { brand: 'Not=A?Brand', version: '24.0.0.0' }] })).toBe('Chromium 156.0.8078.73');
    expect(browserLabel({ info: { name: 'Firefox', version: '153.0' } })).toBe('Firefox 153.0');
    expect(browserLabel({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36' })).toBe('Chromium 156.0.0.0');
    expect(parseBrowserLabel('Chrome 142.0.7444.59')).toEqual({ name: 'Chrome', version: [142, 0, 7444, 59] });
    expect(parseBrowserLabel('unknown browser')).toBeNull();
  });
});
