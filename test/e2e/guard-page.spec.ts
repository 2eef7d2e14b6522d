/** The warning page cannot be turned against its user by other sites (default policy). */
import { expect, test } from '@playwright/test';
import { launchWithExtension } from './browser.ts';
import { grantedSessionRules } from './extension.ts';
import { startServer } from './https-server.ts';

test('framed by another site, the warning page offers no way through (no clickjacking a bypass)', async () => {
  const server = await startServer();
  const b = await launchWithExtension({ args: server.resolverArgs() });
  try {
    // A site can frame the page only by its per-session dynamic address (use_dynamic_url;
    // attacks.spec.ts shows the static one is refused): as if that address had leaked.
    const dynamic = await b.worker.evaluate(() => chrome.runtime.getURL('guard.html'));
    server.route((req, res, host) => {
      if (host !== 'evil.example') return false;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><h1 id="site">Win a prize</h1><iframe title="bait" width="800" height="600" src="${dynamic}#https://web.whatsapp.com/"></iframe>`);
      return true;
    });
    const page = await b.context.newPage();
    await page.goto('https://evil.example/');
    const frame = page.frameLocator('iframe[title="bait"]');
    await expect(frame.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
    await expect(frame.getByText('Open the site in its own tab')).toBeVisible();
    await expect(frame.getByRole('button', { name: 'Continue to site' })).toHaveCount(0);
    await expect(frame.getByRole('textbox', { name: 'Reason' })).toHaveCount(0);
    // Nor can a warned site be continued to from a frame of an ordinary page.
    expect(await grantedSessionRules(b.worker)).toEqual([]);
  } finally {
    await b.close();
    await server.close();
  }
});

test('the warning page goes on only to web addresses', async () => {
  const b = await launchWithExtension();
  try {
    const page = await b.context.newPage();
    await page.goto(`chrome-extension://${b.extensionId}/guard.html#javascript:document.title='owned'`);
    await expect(page.getByRole('alert')).toContainText('there is no web address to check');
    expect(page.url()).toContain('/guard.html#javascript:');
    expect(await page.title()).not.toBe('owned');
  } finally {
    await b.close();
  }
});

test('the way out: Go back to the page before; Close tab for a tab opened for the link (Go back there led to a blank page)', async () => {
  const server = await startServer();
  server.route((req, res, host) => {
    if (host !== 'mail.example') return false;
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>Inbox</title>
      <a id="same" href="https://web.whatsapp.com/a">same tab</a>
      <a id="new" href="https://web.whatsapp.com/b" target="_blank">new tab</a>
      <button id="webmail" onclick="const w = window.open('about:blank'); w.location.href = 'https://web.whatsapp.com/c';">webmail</button>`);
    return true;
  });
  const b = await launchWithExtension({ args: server.resolverArgs() });
  try {
    const inbox = await b.context.newPage();
    await inbox.goto('https://mail.example/');
    const leave = (page: import('@playwright/test').Page) => page.locator('.buttons button.primary');

    // In the same tab: back to the inbox.
    await inbox.click('#same');
    await expect(inbox.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
    await expect(leave(inbox)).toHaveText('Go back');
    await inbox.getByRole('button', { name: 'Go back' }).click();
    await expect(inbox).toHaveTitle('Inbox');

    // A link opened in a new tab, and a webmail's blank window sent on to the link: nothing
    // to go back to but a blank page, so Close tab, which closes it.
    for (const how of ['#new', '#webmail']) {
      const [tab] = await Promise.all([b.context.waitForEvent('page'), inbox.click(how)]);
      await expect(tab.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
      await expect(leave(tab), how).toHaveText('Close tab');
      await expect(tab.getByRole('button', { name: 'Go back' })).toHaveCount(0);
      await Promise.all([tab.waitForEvent('close'), tab.getByRole('button', { name: 'Close tab' }).click()]);
    }
    expect(inbox.isClosed()).toBe(false);
  } finally {
    await b.close();
    await server.close();
  }
});
