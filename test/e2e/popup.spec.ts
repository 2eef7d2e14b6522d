/** The popup and the context menu's check page, on the built-in default policy. */
import { expect, test } from '@playwright/test';
import { launchWithExtension } from './browser.ts';
import { extensionPage, loggedEvents, waitForPolicy } from './extension.ts';

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
    await expect(popup.getByText('Host start link (lets anyone start the meeting as host)')).toBeVisible();
    // What to do instead, with the organisation's name (the built-in default's, worded).
    await expect(popup.getByTestId('link-next-step')).toContainText("If someone sent it to you, tell them. Ask the meeting's host for the join link of a scheduled meeting on your organisation's own account");
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

test('the check page (context menu) shows a link analysis: warnings before notes, then what to do', async () => {
  const b = await launchWithExtension();
  try {
    const admin = await extensionPage(b.context, b.extensionId);
    // With a sanctioned Zoom account the analyser's first finding is a note (whose account
    // it is cannot be told), the warning after it.
    const policy = { schemaVersion: 1, policyVersion: 'check-1', organization: { name: 'St Example Health' }, meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] } } } };
    expect(await admin.evaluate(async (text) => chrome.runtime.sendMessage({ kind: 'policy.import', text }), JSON.stringify(policy))).toEqual({ ok: true });
    await waitForPolicy(admin, (s) => s.policyVersion === 'check-1');
    const page = await extensionPage(b.context, b.extensionId, 'check.html#https://us05web.zoom.us/j/6045550199?pwd=abc');
    await expect(page.getByRole('heading', { name: 'Meeting link check' })).toBeVisible();
    await expect(page.getByTestId('link-verdict')).toContainText('Check before using');
    const findings = page.locator('ul.findings > li');
    await expect(findings.first()).toHaveText('Warning: Personal room reused for every meeting');
    expect(await findings.evaluateAll((li) => li.map((l) => l.className))).toEqual(['warn', 'info', 'info']);
    await expect(findings.nth(1)).toHaveText('Note: Account could not be checked');
    await expect(page.getByTestId('link-next-step')).toContainText("Ask the meeting's host for a scheduled meeting on St Example Health's own account");
  } finally {
    await b.close();
  }
});
