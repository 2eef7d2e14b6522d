/**
 * Camera and microphone in Firefox ESR with the built add-on under a real policies.json
 * (docs/camera-and-microphone.md). Firefox has no content-settings API: there the add-on's
 * document-start check (the page-world wrapper and its bridge) is detection and a best effort,
 * and deploy's `Permissions` policy is the enforcement (test/e2e/media-deploy.spec.ts).
 *
 * What this file shows, with fake devices and every test site already allowed by the person
 * (Firefox's `Permissions` → `Allow`, standing in for a saved "Allow", as the Chromium tests seed
 * Default/Preferences), so that whatever is refused, the add-on refused:
 * - block: the add-on refuses and records media.blocked; a page that gets round the wrapper (a
 *   fresh frame's own getUserMedia) captures all the same — the best effort's limit, which only
 *   deploy's Permissions policy closes;
 * - warn: the notice holds the capture until Continue with a reason;
 * - allow: media.used once for the host (the bridge passes the wrapper's "started" on because
 *   the Permissions API says the site holds the permission).
 * Headless Firefox ESR 153 with fake devices never reports `tabs.Tab.sharingState` as capturing
 * (camera stays false while a track is live), so the background's sharingState path — the one
 * that would also hear of a capture round the wrapper — cannot be shown here; its rule is
 * unit-tested (recordsSeenCapture). `media.navigator.permission.disabled` would grant capture
 * too, but the Permissions API then reads "prompt", so it is not used.
 */
import { expect, test } from '@playwright/test';
import { firefox } from './engines/firefox.ts';
import { events, useEngineSession } from './engines/session.ts';
import type { LaunchExtras, Tab } from './engines/types.ts';

const SANCTIONED = 'video.examplehealth.org';
const SITES = ['chat.example.net', 'other.example.net', SANCTIONED];
const policy = (action: string) => ({
  schemaVersion: 1,
  policyVersion: `firefox-media-${action}`,
  organization: { name: 'St Example Health' },
  sanctionedPlatforms: [{ name: 'Example Health Video', url: `https://${SANCTIONED}/` }],
  warn: { requireReason: true, bypassMinutes: 30 },
  media: { action },
});
const personAllowed = { Allow: SITES.map((h) => `https://${h}`) };
const GRANTED: LaunchExtras = {
  firefoxPrefs: { 'media.navigator.streams.fake': true },
  firefoxPolicies: { Permissions: { Camera: personAllowed, Microphone: personAllowed } },
};

/** A capture in the page: 'ok' or the error's name. `hold`: keep the stream running (window.held) for Firefox to report. */
const capture = (tab: Tab, hold = false) =>
  tab.run(async (keep) => {
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      if (keep) (window as unknown as { held: MediaStream }).held = s;
      else s.getTracks().forEach((t) => t.stop());
      return 'ok';
    } catch (e) {
      return (e as Error).name;
    }
  }, hold);

const mediaEvents = async (admin: Tab) => (await events(admin)).filter((e) => String(e.type).startsWith('media.'));

test.describe('firefox: the add-on\'s capture check (detection, best effort)', () => {
  test.describe('block', () => {
    const session = useEngineSession(firefox, policy('block'), GRANTED);

    test('an unsanctioned site is refused by the add-on and media.blocked recorded; a sanctioned site captures', async () => {
      const tab = await session.browser.newTab();
      await tab.open('https://chat.example.net/room');
      expect(await capture(tab)).toBe('NotAllowedError');
      await expect.poll(() => mediaEvents(session.admin)).toContainEqual(expect.objectContaining({ type: 'media.blocked', host: 'chat.example.net', action: 'block' }));
      await tab.open(`https://${SANCTIONED}/visit`);
      expect(await capture(tab)).toBe('ok');
      expect((await mediaEvents(session.admin)).filter((e) => e.host === SANCTIONED)).toEqual([]);
      // Round the wrapper: a fresh frame's own getUserMedia, called at once. Whether Firefox has
      // put the page-world wrapper into the new about:blank frame by then is a race: when it has,
      // the frame's wrapper asks the top frame's bridge (media-channel.ts) and the add-on refuses;
      // when not, Firefox grants it (the person allowed the site) — the best effort's limit, seen
      // both ways in CI. deploy's Permissions policy is what refuses it every time
      // (media-deploy.spec.ts); docs/camera-and-microphone.md says so.
      await tab.open('https://chat.example.net/room');
      const round = await tab.run(async () => {
        const f = document.createElement('iframe');
        f.setAttribute('allow', 'camera; microphone');
        document.body.append(f);
        try {
          const stream = await f.contentWindow!.navigator.mediaDevices.getUserMedia({ video: true });
          stream.getTracks().forEach((t) => t.stop());
          return 'ok';
        } catch (e) {
          return (e as Error).name;
        }
      }, null);
      expect(['ok', 'NotAllowedError']).toContain(round);
    });
  });

  test.describe('warn', () => {
    const session = useEngineSession(firefox, policy('warn'), GRANTED);

    test('the notice holds the capture; Continue with a reason lets it go on; media.warned and media.proceeded recorded', async () => {
      const tab = await session.browser.newTab();
      await tab.open('https://other.example.net/room');
      const result = capture(tab);
      await expect.poll(() => tab.run(() => document.querySelector('telehealth-guard-notice') !== null, null)).toBe(true);
      // Focus is in the reason box: type, then Tab past "Not on this site" to Continue.
      await tab.keyboard('Patient has no other device today', 'Tab', 'Tab', 'Enter');
      expect(await result).toBe('ok');
      expect(await tab.run(() => document.querySelector('telehealth-guard-notice') !== null, null)).toBe(false);
      const recorded = await mediaEvents(session.admin);
      expect(recorded).toContainEqual(expect.objectContaining({ type: 'media.warned', host: 'other.example.net', action: 'warn' }));
      expect(recorded).toContainEqual(expect.objectContaining({ type: 'media.proceeded', host: 'other.example.net', reason: 'Patient has no other device today' }));
    });
  });

  test.describe('allow', () => {
    const session = useEngineSession(firefox, policy('allow'), GRANTED);

    test('capture goes on; media.used recorded once for the host', async () => {
      const tab = await session.browser.newTab();
      await tab.open('https://chat.example.net/room');
      expect(await capture(tab, true)).toBe('ok');
      await expect.poll(async () => (await mediaEvents(session.admin)).filter((e) => e.type === 'media.used'), { timeout: 10_000 }).toEqual([expect.objectContaining({ host: 'chat.example.net', action: 'allow' })]);
      expect(await capture(tab)).toBe('ok');
      await tab.open(`https://${SANCTIONED}/visit`);
      expect(await capture(tab, true)).toBe('ok');
      // Then another site: the background takes these one at a time, so once it is recorded, the
      // sanctioned platform's capture has been judged too. Once per host per day; nothing for the platform.
      await tab.open('https://other.example.net/room');
      expect(await capture(tab, true)).toBe('ok');
      await expect
        .poll(async () => (await mediaEvents(session.admin)).filter((e) => e.type === 'media.used').map((e) => e.host), { timeout: 10_000 })
        .toEqual(['chat.example.net', 'other.example.net']);
    });
  });
});
