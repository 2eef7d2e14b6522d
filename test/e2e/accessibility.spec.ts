/**
 * WCAG checks (axe-core) on every page the extension shows people: the warning and
 * block pages, the popup (with the incident form open), the options page with its log
 * viewer, and the check page, in light and dark.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { launchWithExtension } from './browser.ts';
import { extensionPage, importLocalPolicy } from './extension.ts';

async function violations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

// Both colour schemes (prefers-color-scheme); other languages: languages.spec.ts.
for (const colorScheme of ['light', 'dark'] as const) test(`the extension’s pages pass automated WCAG 2.1 AA checks (${colorScheme})`, async () => {
  // Eight pages, each analysed by axe, and a policy import: past the default minute on a loaded 2-core machine.
  test.setTimeout(120_000);
  const b = await launchWithExtension({ colorScheme, args: ['--host-resolver-rules=MAP * 127.0.0.1:1'] });
  try {
    const page = await b.context.newPage();
    await page.goto('https://web.whatsapp.com/');
    await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
    expect(await violations(page), 'warning page').toEqual([]);

    await page.goto('https://zoom.us/s/81234567890?zak=abc');
    await expect(page.getByRole('heading', { name: 'Blocked for patient work' })).toBeVisible();
    expect(await violations(page), 'block page').toEqual([]);

    const popup = await extensionPage(b.context, b.extensionId, 'popup.html');
    await popup.getByRole('textbox', { name: 'Meeting link' }).fill('https://us05web.zoom.us/j/6045550199');
    await popup.getByRole('button', { name: 'Check link' }).click();
    await expect(popup.getByTestId('link-verdict')).toBeVisible();
    await popup.getByRole('button', { name: 'Report an incident' }).click();
    expect(await violations(popup), 'popup').toEqual([]);

    const options = await extensionPage(b.context, b.extensionId, 'options.html');
    await expect(options.locator('table.events tbody tr').first()).toBeVisible();
    expect(await violations(options), 'options page').toEqual([]);

    const check = await extensionPage(b.context, b.extensionId, 'check.html#https://meet.jit.si/Room');
    await expect(check.getByTestId('link-verdict')).toBeVisible();
    expect(await violations(check), 'check page').toEqual([]);

    // A meeting stopped inside a frame: the short notice with Open in a tab (docs/meeting-links.md).
    await page.goto('about:blank');
    await page.setContent('<!doctype html><html lang="en"><title>Portal</title><main><h1>Portal</h1><iframe title="Meeting" src="https://zoom.us/s/81234567890?zak=abc"></iframe></main></html>');
    await expect(page.frameLocator('iframe[title="Meeting"]').getByRole('link', { name: 'Open in a tab' })).toBeVisible();
    expect(await violations(page), 'frame notice').toEqual([]);

    // A look-alike's warning with its one-minute lesson, and a drill's lesson page (docs/awareness.md).
    await page.goto('https://zооm.us/j/1');
    await expect(page.getByRole('region', { name: 'Why look-alike addresses are stopped' })).toBeVisible();
    expect(await violations(page), 'look-alike warning with its lesson').toEqual([]);
    await importLocalPolicy(options, { schemaVersion: 1, awareness: { drills: [{ match: 'zoom-us.drill-example.net', name: 'drill' }] } });
    await page.goto('https://zoom-us.drill-example.net/j/1');
    await expect(page.getByRole('heading', { name: 'This was a practice link' })).toBeVisible();
    expect(await violations(page), 'drill lesson page').toEqual([]);
  } finally {
    await b.close();
  }
});

