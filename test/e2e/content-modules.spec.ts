/**
 * The content-script DOM modules (src/browser/content) in real headless Chromium, without the
 * extension: the modules are bundled with esbuild into an IIFE and added to the fixture pages
 * with addScriptTag, so this tests exactly the DOM behaviour (shadow DOM, layout, hover and
 * focus, MutationObserver, capture-phase save guard), not the extension glue.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { examplePolicy, fixturePath } from '../browser/content-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const policy = examplePolicy();
let bundle = '';
let browser: Browser;

test.beforeAll(async () => {
  const out = await build({
    stdin: {
      contents: `
        import { startAnnotating, MARKER_TAG } from './src/browser/content/annotate.ts';
        import { guardZoomSchedule, readZoomSchedule } from './src/browser/content/zoom-schedule.ts';
        import { analyseLink } from './src/core/meetings/analyse.ts';
        import { translator } from './src/core/i18n/format.ts';
        globalThis.TG = { startAnnotating, guardZoomSchedule, readZoomSchedule, analyseLink, MARKER_TAG, t: translator('en') };
      `,
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
  });
  bundle = out.outputFiles[0]!.text;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
});

test.afterAll(async () => {
  await browser?.close();
});

declare global {
  interface Window {
    TG: any;
    __ann: any;
    __results: any[];
  }
}

async function open(fixture: string, query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(pathToFileURL(fixturePath(fixture)).href + query);
  await page.addScriptTag({ content: bundle });
  return page;
}

async function annotate(page: Page, shadowMode: 'open' | 'closed' = 'open'): Promise<void> {
  await page.evaluate(
    ([p, mode]) => {
      window.__ann = window.TG.startAnnotating(document, (href: string) => window.TG.analyseLink(href, p), { t: window.TG.t, shadowMode: mode });
    },
    [policy, shadowMode] as const,
  );
}

const marker = (page: Page, linkId: string) => page.locator(`#${linkId} + tg-link-marker`);

const COLOURS = { ok: 'rgb(26, 127, 55)', warn: 'rgb(245, 180, 0)', block: 'rgb(198, 40, 40)' };
const SYMBOLS = { ok: '✓', warn: '!', block: '✕' };
const EXPECTED = {
  'l-safe': 'ok',
  'l-personal': 'warn',
  'l-start': 'block',
  'l-wrapped': 'ok',
  'l-facetime': 'block',
  'l-whatsapp': 'warn',
  'l-teams': 'ok',
} as const;

test.describe('meeting-link annotation on the webmail fixture', () => {
  test('markers with the right colours, symbols and accessible names; layout of links unchanged', async () => {
    const page = await open('webmail/inbox.html');
    const boxes = () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll('a'), (a) => {
          const r = a.getBoundingClientRect();
          return { id: a.id, x: r.x, y: r.y, w: r.width, h: r.height };
        }),
      );
    const before = await boxes();
    const bodyHeight = await page.evaluate(() => document.body.scrollHeight);
    await annotate(page);
    const after = await boxes();

    expect(await page.locator('tg-link-marker').count()).toBe(Object.keys(EXPECTED).length);
    for (const [id, verdict] of Object.entries(EXPECTED)) {
      const m = marker(page, id);
      await expect(m, id).toHaveAttribute('data-verdict', verdict);
      await expect(m).toHaveAttribute('tabindex', '0');
      const badge = m.locator('span.badge');
      await expect(badge).toHaveText(SYMBOLS[verdict]);
      await expect(badge).toHaveCSS('background-color', COLOURS[verdict]);
    }
    await expect(page.getByRole('img', { name: /^Meeting link check \(Zoom\): Check before using — Personal room reused for every meeting/ })).toHaveCount(1);
    await expect(page.getByRole('img', { name: /^Meeting link check \(Zoom\): Do not use — Host start link/ })).toHaveCount(1);
    await expect(page.getByRole('img', { name: /^Meeting link check \(FaceTime\): Do not use/ })).toHaveCount(1);
    // no marker on ordinary links or in the compose box
    for (const id of ['o-intranet', 'o-zoom-pricing', 'o-lookalike', 'o-lookalike2', 'o-mail', 'o-relative', 'o-google', 'l-compose']) {
      await expect(marker(page, id), id).toHaveCount(0);
    }

    // Layout: every annotated link keeps its box; no link moves vertically (no line grows or wraps).
    for (const b of before) {
      const a = after.find((x) => x.id === b.id)!;
      expect(a.y, b.id).toBeCloseTo(b.y, 1);
      expect(a.h, b.id).toBeCloseTo(b.h, 1);
      if (b.id in EXPECTED) {
        expect(a.x, b.id).toBeCloseTo(b.x, 1);
        expect(a.w, b.id).toBeCloseTo(b.w, 1);
      }
    }
    expect(await page.evaluate(() => document.body.scrollHeight)).toBe(bodyHeight);
    // The marker is small and inline despite the page's hostile rules (li > a + * { margin: 30px; display: block; … }).
    const m = marker(page, 'l-personal');
    await expect(m).toHaveCSS('display', 'inline-block');
    await expect(m).toHaveCSS('border-top-width', '0px');
    const box = (await m.boundingBox())!;
    expect(box.width).toBeLessThan(20);
    expect(box.height).toBeLessThan(20);
    await page.close();
  });

  test('hovering and focusing a marker show its findings; Escape and leaving hide them', async () => {
    const page = await open('webmail/inbox.html');
    await annotate(page);
    const m = marker(page, 'l-personal');
    const tip = m.locator('.tip');
    await expect(tip).toBeHidden();

    await m.hover();
    await expect(tip).toBeVisible();
    await expect(tip).toContainText('Check before using: Zoom meeting link');
    await expect(tip).toContainText('Warning: Personal room reused for every meeting');
    await page.mouse.move(1000, 850);
    await expect(tip).toBeHidden();

    // Keyboard: Tab from the link lands on its marker.
    await page.locator('#l-personal').focus();
    await page.keyboard.press('Tab');
    await expect(m).toBeFocused();
    await expect(tip).toBeVisible();
    // The tooltip is in the top layer, inside the viewport, not clipped by overflow: hidden.
    const tb = (await tip.boundingBox())!;
    expect(tb.width).toBeGreaterThan(50);
    expect(tb.x).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Escape');
    await expect(tip).toBeHidden();
    await page.keyboard.press('Tab');
    await expect(tip).toBeHidden();

    // A start link's tooltip says it is critical, and why.
    await marker(page, 'l-start').focus();
    await expect(marker(page, 'l-start').locator('.tip')).toContainText('Critical: Host start link');
    await page.close();
  });

  test('links added after load and changed hrefs are annotated (MutationObserver, batched)', async () => {
    const page = await open('webmail/inbox.html');
    await annotate(page);
    await page.click('#load-more');
    await expect(marker(page, 'l2-meet')).toHaveAttribute('data-verdict', 'warn');
    await expect(marker(page, 'l2-myroom')).toHaveAttribute('data-verdict', 'warn');
    await expect(marker(page, 'l2-jitsi')).toHaveAttribute('data-verdict', 'block');
    await expect(marker(page, 'l2-safe-dup')).toHaveAttribute('data-verdict', 'ok');
    await expect(marker(page, 'l2-news')).toHaveCount(0);
    await expect(page.locator('tg-link-marker')).toHaveCount(11);

    await page.click('#change-link');
    await expect(marker(page, 'l-safe')).toHaveAttribute('data-verdict', 'block');
    await expect(marker(page, 'o-intranet')).toHaveAttribute('data-verdict', 'warn');
    await expect(page.locator('tg-link-marker')).toHaveCount(12);
    const stats = await page.evaluate(() => window.__ann.stats());
    expect(stats.markers).toBe(12);
    // One check per distinct href: the repeated link came from the cache.
    expect(stats.checks).toBeLessThan(stats.candidates);
    await page.close();
  });

  test('messages added by the page itself after load (autoload) get markers', async () => {
    const page = await open('webmail/inbox.html', '?autoload');
    await annotate(page);
    await expect(marker(page, 'l2-meet')).toHaveAttribute('data-verdict', 'warn', { timeout: 5000 });
    await page.close();
  });

  test('default closed shadow root: page scripts cannot reach inside, marker still drawn', async () => {
    const page = await open('webmail/inbox.html');
    await annotate(page, 'closed');
    const m = marker(page, 'l-start');
    await expect(m).toHaveAttribute('data-verdict', 'block');
    expect(await m.evaluate((el) => el.shadowRoot)).toBeNull();
    const box = (await m.boundingBox())!;
    expect(box.width).toBeGreaterThan(8);
    // stop() removes every marker
    await page.evaluate(() => window.__ann.stop());
    await expect(page.locator('tg-link-marker')).toHaveCount(0);
    await page.close();
  });
});

test.describe('Zoom scheduling page guard', () => {
  async function guard(page: Page): Promise<void> {
    await page.evaluate((p) => {
      window.__results = [];
      window.TG.guardZoomSchedule(document, p, (r: unknown) => window.__results.push(r), { t: window.TG.t, shadowMode: 'open' });
    }, policy);
  }

  test('current page: the first save with the waiting room off is stopped and names the setting; the second saves', async () => {
    const page = await open('zoom/schedule-current.html');
    await guard(page);
    expect(await page.evaluate(() => window.TG.readZoomSchedule(document))).toEqual({
      generation: 'current', passcode: 'on', waitingRoom: 'on', usePersonalMeetingId: 'off', joinBeforeHost: 'off',
    });
    await page.getByLabel('Waiting Room').uncheck();
    const save = page.getByRole('button', { name: 'Save', exact: true });
    await save.click();
    const alert = page.getByRole('alert');
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('Waiting Room');
    await expect(alert).toContainText('tick "Waiting Room"');
    await expect(page.locator('#save-status')).toHaveText('');
    let results = await page.evaluate(() => window.__results);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ prevented: true, reading: { waitingRoom: 'off' } });
    expect(results[0].findings.map((f: { code: string }) => f.code)).toEqual(['waiting-room-off']);

    await save.click();
    await expect(page.locator('#save-status')).toHaveText('Saved');
    await expect(alert).toHaveCount(0);
    results = await page.evaluate(() => window.__results);
    expect(results.map((r: { prevented: boolean }) => r.prevented)).toEqual([true, false]);
    await page.close();
  });

  test('a compliant save goes straight through', async () => {
    const page = await open('zoom/schedule-current.html');
    await guard(page);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.locator('#save-status')).toHaveText('Saved');
    await expect(page.getByRole('alert')).toHaveCount(0);
    await page.close();
  });

  test('edit page: the page\'s own click handler on Save does not run on the stopped save; "Save anyway" saves', async () => {
    const page = await open('zoom/edit-current.html');
    await guard(page);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Waiting Room');
    await expect(alert).toContainText('Personal Meeting ID');
    await expect(page.locator('#save-status')).toHaveText('');
    await alert.getByRole('button', { name: 'Save anyway' }).click();
    await expect(page.locator('#save-status')).toHaveText('Saved');
    await page.close();
  });

  test('edit page: turning the waiting room switch on and choosing a generated id clears the problem', async () => {
    const page = await open('zoom/edit-current.html');
    await guard(page);
    await page.getByRole('switch', { name: 'Waiting Room' }).click();
    await page.getByRole('radio', { name: 'Generate Automatically' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.locator('#save-status')).toHaveText('Saved');
    await page.close();
  });

  test('legacy page: Enter in a field (implicit submission) is stopped too', async () => {
    const page = await open('zoom/schedule-legacy.html');
    await guard(page);
    await page.locator('#option_waiting_room').uncheck();
    await page.locator('#topic').press('Enter');
    await expect(page.getByRole('alert')).toContainText('Waiting Room');
    await expect(page.locator('#save-status')).toHaveText('');
    expect((await page.evaluate(() => window.__results))[0].reading.generation).toBe('legacy');
    await page.locator('#meetingSaveButton').click();
    await expect(page.locator('#save-status')).toHaveText('Saved');
    await page.close();
  });

  test('unrelated Zoom page: reads unknown and never interferes', async () => {
    const page = await open('zoom/unrelated.html');
    await guard(page);
    expect((await page.evaluate(() => window.TG.readZoomSchedule(document))).generation).toBe('unknown');
    await page.locator('#save').click();
    await expect(page.getByRole('alert')).toHaveCount(0);
    expect(await page.evaluate(() => window.__results)).toEqual([]);
    await page.close();
  });
});
