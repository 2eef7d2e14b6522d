/**
 * In-page meeting-link annotation and the Zoom scheduling page, with the real extension
 * in real Chromium: fixtures are served as the real hosts by a local HTTPS server.
 */
import { expect, test, type CDPSession, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { loggedEvents } from './extension.ts';
import { useManagedSession, type ManagedSession } from './managed-session.ts';

const INBOX = readFileSync('test/fixtures/webmail/inbox.html', 'utf8');
const SCHEDULE = readFileSync('test/fixtures/zoom/schedule-current.html', 'utf8');
/** The live portal's own widgets (span.zoom-checkbox, role=radio): test/fixtures/zoom/schedule-portal-widgets.html. */
const PORTAL = readFileSync('test/fixtures/zoom/schedule-portal-widgets.html', 'utf8');
const POLICY = {
  schemaVersion: 1,
  policyVersion: 'inpage-1',
  meetings: {
    scanPages: ['outlook.office.com'],
    sanctioned: { zoom: { accounts: ['examplehealth'] }, teams: { tenantIds: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] } },
  },
};

/** The extension's content scripts (file names) that run in a page, as the page's debugger sees them parse. */
async function watchContentScripts(page: Page): Promise<{ cdp: CDPSession; scripts: string[] }> {
  const cdp = await page.context().newCDPSession(page);
  const scripts: string[] = [];
  cdp.on('Debugger.scriptParsed', (e: { url: string }) => {
    const m = /^chrome-extension:\/\/[a-p]{32}\/content-scripts\/([^/?#]+)$/.exec(e.url);
    if (m) scripts.push(m[1]!);
  });
  await cdp.send('Debugger.enable');
  return { cdp, scripts };
}

async function axTexts(cdp: CDPSession): Promise<string[]> {
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: Array<{ role?: { value?: string }; name?: { value?: string } }> };
  return nodes.map((n) => `${n.role?.value ?? ''}: ${n.name?.value ?? ''}`);
}

test.describe('meeting links in pages', () => {
  const session = useManagedSession(POLICY, (server) =>
    server.route((req, res, host) => {
      const body =
        host === 'zoom.us' && req.url === '/meeting/schedule'
          ? SCHEDULE
          : host === 'examplehealth.zoom.us' && req.url === '/meeting/schedule'
            ? PORTAL
            : host.endsWith('outlook.office.com') || host === 'mail.example.net'
              ? INBOX
              : null;
      if (body === null) return false;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(body);
      return true;
    }),
  );
  let browser: ManagedSession['browser'];
  let admin: Page;
  test.beforeEach(() => ({ browser, admin } = session));

  test('webmail on a scanned host gets markers, also for links added later', async () => {
    const page = await browser.context.newPage();
    await page.goto('https://outlook.office.com/mail/inbox');
    const marker = (id: string) => page.locator(`#${id} + tg-link-marker`);
    await expect(marker('l-safe')).toHaveAttribute('data-verdict', 'ok');
    await expect(marker('l-personal')).toHaveAttribute('data-verdict', 'warn');
    await expect(marker('l-start')).toHaveAttribute('data-verdict', 'block');
    await expect(marker('l-teams')).toHaveAttribute('data-verdict', 'ok');
    await expect(marker('l-start')).toHaveAttribute('aria-label', /start link|host/i);
    await expect(marker('l-start')).toHaveAttribute('tabindex', '0');
    // Ordinary links and look-alikes get nothing.
    for (const id of ['o-intranet', 'o-zoom-pricing', 'o-lookalike', 'o-lookalike2', 'o-google']) await expect(marker(id)).toHaveCount(0);
    // Markers sit after the link without moving it.
    const box = await page.locator('#l-start').boundingBox();
    expect(box!.width).toBeGreaterThan(10);

    await page.getByRole('button', { name: 'Load new message' }).click();
    await expect(marker('l2-meet')).toHaveAttribute('data-verdict', /ok|warn/);
    await expect(marker('l2-myroom')).toHaveAttribute('data-verdict', 'warn');
    await expect(marker('l2-jitsi')).toHaveAttribute('data-verdict', 'warn');
    await expect(marker('l2-news')).toHaveCount(0);
    // Findings on focus, by keyboard.
    await marker('l-personal').focus();
    await expect(marker('l-personal')).toBeFocused();
  });

  test('a host not in scanPages gets no link annotator: the page is never read for links', async () => {
    const page = await browser.context.newPage();
    const { scripts } = await watchContentScripts(page);
    await page.goto('https://mail.example.net/mail/inbox');
    await expect(page.locator('#l-start')).toBeVisible();
    await page.waitForTimeout(1000);
    await expect(page.locator('tg-link-marker')).toHaveCount(0);
    // Only the camera guard's small bridge runs in every page (docs/camera-and-microphone.md);
    // nothing that reads the page's links or text.
    expect(scripts).not.toContain('annotate.js');
    expect(scripts.filter((name) => !name.startsWith('media'))).toEqual([]);

    // …whereas the listed host does get it (the check above can fail).
    const listed = await browser.context.newPage();
    const seen = await watchContentScripts(listed);
    await listed.goto('https://outlook.office.com/mail/inbox');
    await expect(listed.locator('tg-link-marker').first()).toBeAttached();
    expect(seen.scripts).toContain('annotate.js');
  });

  test('the Zoom scheduling page warns before saving with the waiting room off, and records it', async () => {
    const page = await browser.context.newPage();
    await page.goto('https://zoom.us/meeting/schedule');
    const cdp = await page.context().newCDPSession(page);
    await page.getByLabel('Waiting Room').uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    // The save was stopped once, and an alert names the setting.
    await expect(page.locator('#save-status')).not.toHaveText('Saved');
    await expect.poll(async () => (await axTexts(cdp)).some((t) => /alert/.test(t)) && (await axTexts(cdp)).join('\n')).toMatch(/Waiting Room/);
    const events = await loggedEvents(admin);
    const checked = events.find((e) => e.type === 'schedule.checked');
    expect(checked).toMatchObject({ host: 'zoom.us', service: 'zoom', action: 'warn' });
    expect(checked!.findings).toContain('waiting-room-off');
  });

  test('the live portal\'s widgets (no <label>): saving on a Personal Meeting ID with the waiting room off is stopped, and recorded by the background', async () => {
    const page = await browser.context.newPage();
    await page.goto('https://examplehealth.zoom.us/meeting/schedule');
    const cdp = await page.context().newCDPSession(page);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.locator('#save-status')).not.toHaveText('Saved');
    await expect.poll(async () => (await axTexts(cdp)).join('\n')).toMatch(/Waiting Room/);
    await expect.poll(async () => (await loggedEvents(admin)).find((e) => e.type === 'schedule.checked')).toMatchObject({ host: 'examplehealth.zoom.us', service: 'zoom', action: 'warn' });
    const checked = (await loggedEvents(admin)).find((e) => e.type === 'schedule.checked')!;
    expect([...(checked.findings as string[])].sort()).toEqual(['personal-room', 'waiting-room-off']);
    // The second click saves (the warning is shown once).
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.locator('#save-status')).toHaveText('Saved');
  });
});
