/**
 * Report an incident (docs/command-line-and-pages.md 1.1, docs/event-log.md 1.1): from the popup, keyboard only,
 * recorded as `incident.reported` by the background, at a loopback collector within 2 s
 * (sent at once, not with the next batch), shown in the log viewer that was open all
 * along, and answered with the policy's incidentResponse.
 */
import { expect, test } from '@playwright/test';
import { launchWithExtension } from './browser.ts';
import { extensionPage, loggedEvents, waitForPolicy } from './extension.ts';
import { startServer } from './https-server.ts';

const POLICY = {
  schemaVersion: 1,
  policyVersion: 'incident-1',
  organization: { name: 'St Example Health', supportContact: 'Service desk x4357' },
  reporting: { url: 'https://collector.example.org/ingest', format: 'ndjson' },
  incidentResponse: { contact: 'Privacy office, 0800 555 0100', url: 'https://intranet.example.org/incidents', steps: ['End the call.', 'Note the time and who joined.'] },
};

test('an incident reported from the popup reaches the log, the open viewer and the collector within 2 s', async () => {
  const server = await startServer();
  const received: Array<{ at: number; event: Record<string, unknown> }> = [];
  server.route((req, res, host) => {
    if (host !== 'collector.example.org') return false;
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      for (const line of body.split('\n').filter(Boolean)) received.push({ at: Date.now(), event: JSON.parse(line) });
      res.writeHead(200).end();
    });
    return true;
  });
  const b = await launchWithExtension({ args: server.resolverArgs() });
  try {
    const admin = await extensionPage(b.context, b.extensionId);
    expect(await admin.evaluate(async (text) => chrome.runtime.sendMessage({ kind: 'policy.import', text }), JSON.stringify(POLICY))).toEqual({ ok: true });
    await waitForPolicy(admin, (s) => s.policyVersion === 'incident-1');
    // Let the batch for the policy event go first, so the report's own send is measured.
    await expect.poll(() => received.length, { timeout: 10_000 }).toBeGreaterThan(0);

    const popup = await extensionPage(b.context, b.extensionId, 'popup.html');
    // Keyboard only: the button, the first choice, the note, send.
    const report = popup.getByRole('button', { name: 'Report an incident' });
    await report.focus();
    await popup.keyboard.press('Enter');
    await expect(popup.getByRole('group', { name: 'What happened?' })).toBeVisible();
    await expect(popup.getByRole('radio', { name: 'Someone uninvited joined a visit' })).toBeFocused();
    await popup.keyboard.press('Space');
    await popup.keyboard.press('Tab');
    await expect(popup.getByRole('textbox', { name: 'Note (optional)' })).toBeFocused();
    await popup.keyboard.type('Stranger joined at 10:02');
    await popup.keyboard.press('Tab');
    await expect(popup.getByRole('button', { name: 'Send report' })).toBeFocused();
    const sentAt = Date.now();
    await popup.keyboard.press('Enter');

    const receipt = popup.getByTestId('incident-receipt');
    await expect(receipt).toBeFocused();
    await expect(receipt).toHaveAttribute('role', 'status');
    await expect(receipt).toContainText('Privacy office, 0800 555 0100');
    await expect(receipt.getByRole('list', { name: 'What to do now' }).getByRole('listitem')).toHaveText(['End the call.', 'Note the time and who joined.']);
    await expect(receipt.getByRole('link', { name: 'Incident guidance' })).toHaveAttribute('href', 'https://intranet.example.org/incidents');

    await expect.poll(() => received.find((r) => r.event.type === 'incident.reported'), { timeout: 2_000 }).toBeTruthy();
    const atCollector = received.find((r) => r.event.type === 'incident.reported')!;
    const delay = atCollector.at - sentAt;
    console.log(`incident at the collector ${delay} ms after Send`);
    expect(delay).toBeLessThan(2_000);
    expect(atCollector.event).toMatchObject({ type: 'incident.reported', incident: 'uninvited-guest', note: 'Stranger joined at 10:02' });

    const logged = (await loggedEvents(admin)).filter((e) => e.type === 'incident.reported');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.hash).toBe(atCollector.event.hash);
    // The viewer, open since before the report, shows it without a reload.
    await expect(admin.locator('table.events tbody tr').filter({ hasText: 'Incident reported' })).toContainText('Someone uninvited joined a visit: Stranger joined at 10:02');
  } finally {
    await b.close();
    await server.close();
  }
});

test('a web page or content script cannot report an incident; only the popup can', async () => {
  const b = await launchWithExtension({ args: ['--host-resolver-rules=MAP * 127.0.0.1:1'] });
  try {
    const admin = await extensionPage(b.context, b.extensionId);
    // The options page is the extension's own, but not the popup: refused.
    const r = await admin.evaluate(() => chrome.runtime.sendMessage({ kind: 'incident.report', incident: 'other', note: 'x' }));
    expect(r).toHaveProperty('error');
    const popup = await extensionPage(b.context, b.extensionId, 'popup.html');
    const bad = await popup.evaluate(() => chrome.runtime.sendMessage({ kind: 'incident.report', incident: 'made-up', note: 'x' }));
    expect(bad).toHaveProperty('error');
    expect((await loggedEvents(admin)).filter((e) => e.type === 'incident.reported')).toHaveLength(0);
  } finally {
    await b.close();
  }
});

test('without a collector the receipt says the report stayed on this computer; contacts are links; the form opens in view after a link check', async () => {
  const b = await launchWithExtension({ args: ['--host-resolver-rules=MAP * 127.0.0.1:1'] });
  try {
    const admin = await extensionPage(b.context, b.extensionId);
    const policy = { ...POLICY, policyVersion: 'incident-local', organization: { name: 'St Example Health', supportContact: 'it-help@example.org' } } as Record<string, unknown>;
    delete policy.reporting;
    expect(await admin.evaluate(async (text) => chrome.runtime.sendMessage({ kind: 'policy.import', text }), JSON.stringify(policy))).toEqual({ ok: true });
    await waitForPolicy(admin, (s) => s.policyVersion === 'incident-local');

    const popup = await extensionPage(b.context, b.extensionId, 'popup.html');
    await popup.setViewportSize({ width: 380, height: 600 }); // Chromium's popup: at most 600 px high
    await popup.getByRole('textbox', { name: 'Meeting link' }).fill('https://zoom.us/s/81234567890?zak=abc');
    await popup.getByRole('button', { name: 'Check link' }).click();
    await expect(popup.getByTestId('link-verdict')).toContainText('Do not use');
    await popup.getByRole('button', { name: 'Report an incident' }).click();
    // The whole form is in view, heading to Send, not below the fold.
    await expect(popup.getByRole('radio', { name: 'Someone uninvited joined a visit' })).toBeFocused();
    await expect(popup.getByRole('heading', { name: 'Report an incident' })).toBeInViewport({ ratio: 1 });
    await expect(popup.getByRole('radio', { name: 'Something else' })).toBeInViewport({ ratio: 1 });
    await expect(popup.getByRole('button', { name: 'Send report' })).toBeInViewport({ ratio: 1 });
    await popup.keyboard.press('Space');
    await popup.getByRole('button', { name: 'Send report' }).click();

    const receipt = popup.getByTestId('incident-receipt');
    await expect(receipt).toContainText('Report saved on this computer only');
    await expect(receipt).not.toContainText('Report sent');
    await expect(receipt.getByRole('link', { name: '0800 555 0100' })).toHaveAttribute('href', 'tel:08005550100');
    const reference = receipt.locator('.reference');
    await expect(reference).toHaveText(/^[0-9A-F]{8}-\d+$/);
    expect(await reference.evaluate((el) => [getComputedStyle(el).whiteSpace, el.getClientRects().length])).toEqual(['nowrap', 1]);
  } finally {
    await b.close();
  }
});

test('the receipt says "sent" only with a collector, and the guard page links the support contact', async () => {
  const b = await launchWithExtension({ args: ['--host-resolver-rules=MAP * 127.0.0.1:1'] });
  try {
    const admin = await extensionPage(b.context, b.extensionId);
    const policy = { ...POLICY, policyVersion: 'incident-sent', organization: { name: 'St Example Health', supportContact: 'Service desk it-help@example.org or +44 (0)20 7946 0958' } };
    expect(await admin.evaluate(async (text) => chrome.runtime.sendMessage({ kind: 'policy.import', text }), JSON.stringify(policy))).toEqual({ ok: true });
    await waitForPolicy(admin, (s) => s.policyVersion === 'incident-sent');
    const popup = await extensionPage(b.context, b.extensionId, 'popup.html');
    await popup.getByRole('button', { name: 'Report an incident' }).click();
    await popup.getByRole('radio', { name: 'Something else' }).check();
    await popup.getByRole('button', { name: 'Send report' }).click();
    await expect(popup.getByTestId('incident-receipt')).toContainText('Report sent to your organisation.');

    const page = await b.context.newPage();
    await page.goto('https://web.whatsapp.com/');
    await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'it-help@example.org' })).toHaveAttribute('href', 'mailto:it-help@example.org');
    await expect(page.getByRole('link', { name: '+44 (0)20 7946 0958' })).toHaveAttribute('href', 'tel:+442079460958');
    expect(await page.locator('.reference').evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('nowrap');
  } finally {
    await b.close();
  }
});
