/**
 * Firefox hands the extension its managed policy at start and reports no change after
 * (no storage.onChanged for `managed`); Chrome's event can be missed. So the background
 * re-reads managed policy at start and on the `policy-refresh` alarm
 * (src/browser/background.ts). Here the managed value changes with no event at all, and
 * only the alarm brings it into force.
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { fakeEvent, installFakeExtension } from './fake-extension.ts';

installFakeExtension();
// What startBackground wires besides (menus); none of it is exercised here.
Object.assign(fakeBrowser, { contextMenus: { create: () => undefined, onClicked: fakeEvent() } });
const OPTIONS = { id: fakeBrowser.runtime.id, url: `chrome-extension://${fakeBrowser.runtime.id}/options.html` };
const policy = (policyVersion: string) => ({ schemaVersion: 1, policyVersion, categories: { 'consumer-messaging': 'warn' } });

let managed: Record<string, unknown> = policy('refresh-1');
let handleMessage: (m: unknown, s: object) => Promise<unknown>;
const version = async () => ((await handleMessage({ kind: 'status' }, OPTIONS)) as { status: { policyVersion: string; source: string } }).status;

beforeAll(async () => {
  // What Firefox does: the value is whatever it read at start; nothing announces a change.
  (fakeBrowser.storage.managed as { get: unknown }).get = async () => managed;
  const { startBackground, POLICY_ALARM } = await import('../../src/browser/background.ts');
  ({ handleMessage } = (await import('../../src/browser/handlers.ts')) as never);
  startBackground();
  expect(POLICY_ALARM).toBe('policy-refresh');
});

describe('managed policy re-read on a timer', () => {
  it('is read at start, and a change with no event comes into force when the alarm fires', async () => {
    await expect.poll(version).toMatchObject({ source: 'managed', policyVersion: 'refresh-1' });
    await expect.poll(() => fakeBrowser.alarms.get('policy-refresh')).toMatchObject({ name: 'policy-refresh', periodInMinutes: 15 });

    managed = policy('refresh-2');
    // Without the alarm, the old policy stays in force.
    await new Promise((r) => setTimeout(r, 50));
    expect(await version()).toMatchObject({ policyVersion: 'refresh-1' });
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'policy-refresh', scheduledTime: Date.now(), periodInMinutes: 15 });
    await expect.poll(version).toMatchObject({ source: 'managed', policyVersion: 'refresh-2' });
  });
});
