/**
 * Camera and microphone under policy, in real Chromium with a fake camera
 * (`--use-fake-device-for-media-stream`) and a real managed policy, changed live.
 *
 * `--use-fake-ui-for-media-stream`, auto-accept switches and Playwright's grantPermissions all
 * bypass content settings, so none is used: the profile instead starts with the person's own
 * "Allow" for every test site (Default/Preferences), which an extension's content-settings
 * block overrides, as it would a real person's choice.
 *
 * The notice is in a closed shadow root, out of reach of Playwright's locators as of any page
 * script: the test reads it through the accessibility tree (what a screen reader gets) and
 * works it with real key presses, as a person would.
 */
import { expect, test, type BrowserContext, type Frame, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchWithExtension } from './browser.ts';
import { extensionPage, loggedEvents, waitForPolicy } from './extension.ts';
import { startServer, type TestServer } from './https-server.ts';
import { canWriteManagedPolicy, POLICY_DIR, removeManagedPolicy, writeManagedPolicy } from './managed-policy.ts';
import { requireOrSkip } from './require.ts';

const SANCTIONED = 'video.examplehealth.org';
/** Tops of pages with a frame; the frames' own hosts (the person allowed them too). */
const FRAME_TOPS = ['framed.example.net', 'framed-warn.example.net'];
const WIDGET = 'widget.example.org';
/** A site whose page asks for the camera in its very first script. */
const EARLY = 'early.example.net';
const SITES = ['chat.example.net', 'other.example.net', 'third.example.net', SANCTIONED, ...FRAME_TOPS, WIDGET, EARLY];
const policy = (version: string, action: 'allow' | 'warn' | 'block') => ({
  schemaVersion: 1,
  policyVersion: version,
  organization: { name: 'St Example Health' },
  sanctionedPlatforms: [{ name: 'Example Health Video', url: `https://${SANCTIONED}/` }],
  warn: { requireReason: true, bypassMinutes: 30 },
  media: { action },
});

/** A page that records every key its own capture-phase window listener hears (a would-be key logger). */
const PAGE = `<!doctype html><html lang="en"><title>site</title><script>
window.keysSeen = [];
window.addEventListener('keydown', (e) => window.keysSeen.push(e.key), true);
document.addEventListener('input', () => window.keysSeen.push('input'), true);
</script><h1>Video room</h1>`;

/** A page that asks for the camera and microphone in its very first script. */
const EARLY_PAGE = `<!doctype html><html lang="en"><head><script>
window.early = navigator.mediaDevices.getUserMedia({ video: true, audio: true }).then((s) => { s.getTracks().forEach((t) => t.stop()); return 'ok'; }, (e) => e.name);
</script><title>early</title></head><h1>Early</h1>`;

/** A capture in the page; resolves 'ok' or the error's name. */
const capture = (page: Page, constraints = { video: true, audio: true }) =>
  page.evaluate(async (c) => {
    try {
      const s = await navigator.mediaDevices.getUserMedia(c);
      s.getTracks().forEach((t) => t.stop());
      return 'ok';
    } catch (e) {
      return (e as Error).name;
    }
  }, constraints);

/** A page whose frame at `frameUrl` has loaded; the frame's capture and whether a notice is in each document. */
async function framedPage(context: BrowserContext, top: string, frameUrl: string) {
  const page = await context.newPage();
  await page.goto(`https://${top}/with-frame?src=${encodeURIComponent(frameUrl)}`);
  await expect.poll(() => page.frames().some((f) => f.url() === frameUrl)).toBe(true);
  const frame = page.frames().find((f) => f.url() === frameUrl)!;
  await frame.waitForLoadState();
  const noticeIn = (where: Page | Frame) => where.evaluate(() => document.querySelector('telehealth-guard-notice') !== null);
  const captureInFrame = () =>
    frame.evaluate(async () => {
      try {
        const s = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
        s.getTracks().forEach((t) => t.stop());
        return 'ok';
      } catch (e) {
        return (e as Error).name;
      }
    });
  return { page, frame, captureInFrame, noticeInTop: () => noticeIn(page), noticeInFrame: () => noticeIn(frame) };
}

/** The notice as the accessibility tree shows it (closed shadow roots included). */
async function noticeTree(page: Page): Promise<{ dialog: string | null; continueDisabled: boolean | null; reason: boolean }> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: Array<{ role?: { value: string }; name?: { value: string }; properties?: Array<{ name: string; value: { value: unknown } }>; ignored?: boolean }> };
  await cdp.detach();
  const live = nodes.filter((n) => !n.ignored);
  const dialog = live.find((n) => n.role?.value === 'dialog');
  const go = live.find((n) => n.role?.value === 'button' && n.name?.value === 'Use the camera here');
  return {
    dialog: dialog?.name?.value ?? null,
    continueDisabled: go ? go.properties?.some((p) => p.name === 'disabled' && p.value.value === true) === true : null,
    reason: live.some((n) => n.role?.value === 'textbox' && n.name?.value === 'Reason'),
  };
}

test.describe('camera and microphone', () => {
  requireOrSkip(canWriteManagedPolicy(), `needs write access to the managed policy folder ${POLICY_DIR} (root, as in CI)`);
  test.describe.configure({ mode: 'serial' });
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchWithExtension>>;
  let admin: Page;
  let profileDir: string;

  test.beforeAll(async () => {
    server = await startServer();
    server.route((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      if (req.url?.startsWith('/early')) {
        res.end(EARLY_PAGE);
        return true;
      }
      // /with-frame?src=<url>: the page embeds <url>, delegating the camera and microphone to it.
      const src = new URL(req.url ?? '/', 'https://x').searchParams.get('src');
      res.end(src ? `${PAGE}<iframe title="widget" allow="camera; microphone" src="${src.replace(/"/g, '')}"></iframe>` : PAGE);
      return true;
    });
    // The person's own "Allow" for every test site, as if they had answered the prompt.
    profileDir = mkdtempSync(join(tmpdir(), 'tg-media-'));
    mkdirSync(join(profileDir, 'Default'), { recursive: true });
    const allow = Object.fromEntries(SITES.map((h) => [`https://${h}:443,*`, { setting: 1 }]));
    writeFileSync(join(profileDir, 'Default', 'Preferences'), JSON.stringify({ profile: { content_settings: { exceptions: { media_stream_camera: allow, media_stream_mic: allow } } } }));
    writeManagedPolicy(policy('media-block', 'block'));
    browser = await launchWithExtension({ profileDir, args: [...server.resolverArgs(), '--use-fake-device-for-media-stream'] });
    admin = await extensionPage(browser.context, browser.extensionId);
    await waitForPolicy(admin, (s) => s.policyVersion === 'media-block');
  });
  test.afterAll(async () => {
    await browser?.close();
    rmSync(profileDir, { recursive: true, force: true });
    removeManagedPolicy();
    await server?.close();
  });

  const mediaEvents = async () => (await loggedEvents(admin)).filter((e) => String(e.type).startsWith('media.'));

  test('block: refused on an unsanctioned site by the browser itself, recorded; a sanctioned site captures', async () => {
    const page = await browser.context.newPage();
    await page.goto('https://chat.example.net/room');
    expect(await capture(page)).toBe('NotAllowedError');
    // The browser's own setting, not only the wrapper: the permission reads denied, and a
    // fresh frame's untouched getUserMedia (round the wrapper) is refused all the same.
    expect(await page.evaluate(async () => (await navigator.permissions.query({ name: 'camera' as PermissionName })).state)).toBe('denied');
    const roundTheWrapper = await page.evaluate(async () => {
      const f = document.createElement('iframe');
      f.setAttribute('allow', 'camera; microphone');
      document.body.append(f);
      try {
        const s = await f.contentWindow!.navigator.mediaDevices.getUserMedia({ video: true });
        s.getTracks().forEach((t) => t.stop());
        return 'ok';
      } catch (e) {
        return (e as Error).name;
      }
    });
    expect(roundTheWrapper).toBe('NotAllowedError');
    await expect.poll(mediaEvents).toContainEqual(expect.objectContaining({ type: 'media.blocked', host: 'chat.example.net', action: 'block', findings: ['camera', 'microphone'] }));

    const ok = await browser.context.newPage();
    await ok.goto(`https://${SANCTIONED}/visit`);
    expect(await capture(ok)).toBe('ok');
    // Nothing recorded for a sanctioned site, and the blocked site once (per hour), however often it asks.
    expect(await capture(page)).toBe('NotAllowedError');
    const events = await mediaEvents();
    expect(events.filter((e) => e.host === SANCTIONED)).toEqual([]);
    expect(events.filter((e) => e.type === 'media.blocked')).toHaveLength(1);
    await page.close();
    await ok.close();
  });

  test('block: a same-site and a cross-site frame are refused, judged and recorded for the top site, never the frame\'s own', async () => {
    const top = FRAME_TOPS[0]!;
    for (const frameUrl of [`https://${top}/panel`, `https://${WIDGET}/call`, `https://${SANCTIONED}/embed`]) {
      const f = await framedPage(browser.context, top, frameUrl);
      // Even the sanctioned platform, framed by a site that is not: the browser asks for the top site.
      expect(await f.captureInFrame(), frameUrl).toBe('NotAllowedError');
      expect(await f.noticeInTop()).toBe(false);
      await f.page.close();
    }
    await expect.poll(async () => (await mediaEvents()).filter((e) => e.type === 'media.blocked' && e.host === top)).toHaveLength(1);
    const hosts = (await mediaEvents()).map((e) => e.host);
    expect(hosts).not.toContain(WIDGET);
    expect(hosts.filter((h) => h === SANCTIONED)).toEqual([]);
  });

  test('allow: relaxing the policy restores capture without a restart; media.used once per host per day', async () => {
    writeManagedPolicy(policy('media-allow', 'allow'));
    await waitForPolicy(admin, (s) => s.policyVersion === 'media-allow');
    const page = await browser.context.newPage();
    await page.goto('https://chat.example.net/room');
    expect(await capture(page)).toBe('ok');
    expect(await capture(page, { video: true, audio: false })).toBe('ok');
    await expect.poll(async () => (await mediaEvents()).filter((e) => e.type === 'media.used')).toEqual([expect.objectContaining({ host: 'chat.example.net', action: 'allow', findings: ['camera', 'microphone'] })]);
    // Host only: no path, no URL.
    expect((await mediaEvents()).every((e) => e.url === undefined)).toBe(true);
    await page.close();
  });

  test('warn: a page cannot press, read or remove the notice; removing it never grants', async () => {
    writeManagedPolicy(policy('media-warn', 'warn'));
    await waitForPolicy(admin, (s) => s.policyVersion === 'media-warn');
    const page = await browser.context.newPage();
    await page.goto('https://third.example.net/room');
    const result = capture(page);
    await expect.poll(async () => (await noticeTree(page)).dialog).toBe('Camera and microphone: not an approved platform');
    // Closed: the page holds no reference inside, and its own clicks and keys do nothing.
    expect(await page.evaluate(() => document.querySelector('telehealth-guard-notice')!.shadowRoot)).toBeNull();
    await page.evaluate(() => {
      const host = document.querySelector('telehealth-guard-notice')!;
      host.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
      (host as HTMLElement).click();
    });
    await page.keyboard.type('secret reason');
    expect(await page.evaluate(() => (window as unknown as { keysSeen: string[] }).keysSeen)).toEqual([]);
    // Removed, it comes back; removed again and again, the capture is refused.
    for (let i = 0; i < 4; i++) await page.evaluate(() => document.querySelector('telehealth-guard-notice')?.remove());
    expect(await result).toBe('NotAllowedError');
    await page.close();
  });

  test('warn: Continue needs a reason; then the site captures, and the warning and the reason are recorded', async () => {
    const page = await browser.context.newPage();
    await page.goto('https://other.example.net/room');
    const result = capture(page);
    await expect.poll(async () => (await noticeTree(page)).dialog).toBe('Camera and microphone: not an approved platform');
    const before = await noticeTree(page);
    expect(before.reason).toBe(true);
    expect(before.continueDisabled).toBe(true);
    // Still held: the browser has not been asked.
    expect(await page.evaluate(async () => (await navigator.permissions.query({ name: 'camera' as PermissionName })).state)).toBe('denied');
    // Focus is in the reason box: type, then Tab past "Not on this site" to Continue.
    await page.keyboard.type('Patient has no other device today');
    expect((await noticeTree(page)).continueDisabled).toBe(false);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await result).toBe('ok');
    expect((await noticeTree(page)).dialog).toBeNull();
    // Allowed for this exact origin now; the next capture goes straight through.
    expect(await capture(page)).toBe('ok');
    const events = await mediaEvents();
    expect(events).toContainEqual(expect.objectContaining({ type: 'media.warned', host: 'other.example.net', action: 'warn', findings: ['camera', 'microphone'] }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'media.proceeded', host: 'other.example.net', action: 'warn', reason: 'Patient has no other device today' }));
    // Another unsanctioned site is still held.
    const other = await browser.context.newPage();
    await other.goto('https://chat.example.net/room');
    const held = capture(other);
    await expect.poll(async () => (await noticeTree(other)).dialog).not.toBeNull();
    await other.keyboard.press('Escape');
    expect(await held).toBe('NotAllowedError');
    await page.close();
    await other.close();
  });

  test('warn: a frame\'s request is refused and the notice asks in the top frame; Continue there lets the frame capture', async () => {
    writeManagedPolicy(policy('media-warn', 'warn'));
    await waitForPolicy(admin, (s) => s.policyVersion === 'media-warn');
    const top = FRAME_TOPS[1]!;
    // Same-site first: refused, the notice in the top document only.
    const same = await framedPage(browser.context, top, `https://${top}/panel`);
    expect(await same.captureInFrame()).toBe('NotAllowedError');
    await expect.poll(async () => (await noticeTree(same.page)).dialog).toBe('Camera and microphone: not an approved platform');
    expect(await same.noticeInTop()).toBe(true);
    expect(await same.noticeInFrame()).toBe(false);
    await same.page.keyboard.press('Escape');
    await expect.poll(same.noticeInTop).toBe(false);
    await same.page.close();

    // The sanctioned platform framed by a site that is not: held all the same (judged for the top
    // site, whose page decides what the frame is for), and the frame's platform is not recorded.
    const platform = await framedPage(browser.context, top, `https://${SANCTIONED}/embed`);
    expect(await platform.captureInFrame()).toBe('NotAllowedError');
    await expect.poll(async () => (await noticeTree(platform.page)).dialog).toBe('Camera and microphone: not an approved platform');
    expect(await platform.noticeInFrame()).toBe(false);
    await platform.page.keyboard.press('Escape');
    await expect.poll(platform.noticeInTop).toBe(false);
    await platform.page.close();

    // Cross-site: the same, then the person continues in the top frame and the frame's next request goes through.
    const cross = await framedPage(browser.context, top, `https://${WIDGET}/call`);
    expect(await cross.captureInFrame()).toBe('NotAllowedError');
    await expect.poll(async () => (await noticeTree(cross.page)).dialog).toBe('Camera and microphone: not an approved platform');
    expect(await cross.noticeInFrame()).toBe(false);
    await cross.page.keyboard.type('Specialist joins from the clinic widget');
    await cross.page.keyboard.press('Tab');
    await cross.page.keyboard.press('Tab');
    await cross.page.keyboard.press('Enter');
    await expect.poll(cross.noticeInTop).toBe(false);
    expect(await cross.captureInFrame()).toBe('ok');
    const events = await mediaEvents();
    expect(events).toContainEqual(expect.objectContaining({ type: 'media.warned', host: top }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'media.proceeded', host: top, reason: 'Specialist joins from the clinic widget' }));
    expect(events.map((e) => e.host)).not.toContain(WIDGET);
    expect(events.map((e) => e.host)).not.toContain(SANCTIONED);
    await cross.page.close();
  });

  // The capture scripts must be there before a page's first script, in the top frame and in a
  // frame (a bridge moved later, or a wrapper that loses what came first, would let it through
  // to the browser alone, without a notice).
  test('warn: a capture asked for in the page\'s very first script is held and asked, in the top frame and in a frame', async () => {
    writeManagedPolicy(policy('media-warn', 'warn'));
    await waitForPolicy(admin, (s) => s.policyVersion === 'media-warn');
    const page = await browser.context.newPage();
    await page.goto(`https://${EARLY}/early`);
    await expect.poll(async () => (await noticeTree(page)).dialog).toBe('Camera and microphone: not an approved platform');
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => (window as unknown as { early: Promise<string> }).early)).toBe('NotAllowedError');
    expect(await mediaEvents()).toContainEqual(expect.objectContaining({ type: 'media.warned', host: EARLY }));
    await page.close();

    // A frame's first script: refused, and the notice asks in the top frame.
    const framed = await browser.context.newPage();
    await framed.goto(`https://${FRAME_TOPS[0]}/with-frame?src=${encodeURIComponent(`https://${WIDGET}/early`)}`);
    await expect.poll(async () => (await noticeTree(framed)).dialog).toBe('Camera and microphone: not an approved platform');
    const frame = framed.frames().find((f) => f.url().endsWith('/early'))!;
    expect(await frame.evaluate(() => (window as unknown as { early: Promise<string> }).early)).toBe('NotAllowedError');
    await framed.keyboard.press('Escape');
    await framed.close();
  });
});
