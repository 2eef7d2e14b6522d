/** The popup and the context menu's check page, on the built-in default policy. */
import { expect, test } from '@playwright/test';
import { launchWithExtension } from './browser.ts';
import { extensionPage, loggedEvents } from './extension.ts';

test('the popup shows the policy in force and checks a pasted meeting link', async () => {
  const b = await launchWithExtension();
  try {
    const popup = await extensionPage(b.context, b.extensionId, 'popup.html');
    await expect(popup.getByTestId('policy-source')).toHaveText('built-in default');
    await expect(popup.getByTestId('policy-version')).toHaveText('built-in-default');
    const box = popup.getByRole('textbox', { name: 'Meeting link' });
    const button = popup.getByRole('button', { name: 'Check link' });
    await expect(button).toBeDisabled();
    // Pasted without a scheme, as people do.
    await box.fill('zoom.us/s/81234567890?zak=abc');
    await button.click();
    await expect(popup.getByTestId('link-verdict')).toContainText('Do not use');
    await expect(popup.getByText(/joins as the host/)).toBeVisible();
    await box.fill('https://us05web.zoom.us/j/6045550199');
    await box.press('Enter');
    await expect(popup.getByTestId('link-verdict')).toContainText('Check before using');
    await box.fill('https://example.org/news');
    await button.click();
    await expect(popup.getByTestId('link-verdict')).toContainText('not a meeting link');

    const checked = (await loggedEvents(await extensionPage(b.context, b.extensionId))).filter((e) => e.type === 'link.checked');
    expect(checked.map((e) => [e.host, e.action])).toEqual([
      ['zoom.us', 'block'],
      ['us05web.zoom.us', 'warn'],
    ]);
  } finally {
    await b.close();
  }
});

test('the check page (context menu) shows a link analysis', async () => {
  const b = await launchWithExtension();
  try {
    const page = await extensionPage(b.context, b.extensionId, 'check.html#https://meet.jit.si/OurClinicRoom');
    await expect(page.getByRole('heading', { name: 'Meeting link check' })).toBeVisible();
    await expect(page.getByTestId('link-verdict')).toContainText('Check before using');
    await expect(page.getByText(/anyone who knows or guesses the room name/i)).toBeVisible();
  } finally {
    await b.close();
  }
});
