/**
 * Drills and one-minute lessons (docs/awareness.md) in real Chromium with a real managed
 * policy: a drill link leads to its calm lesson page before any request and records
 * `training.drill` once; the first warning of each kind shows its lesson once per person,
 * recorded as `training.lesson`; the options page lists every lesson.
 */
import { expect, test, type Page } from '@playwright/test';
import { extensionPage, loggedEvents } from './extension.ts';
import type { TestServer } from './https-server.ts';
import { useManagedSession, type ManagedSession } from './managed-session.ts';

const POLICY = {
  schemaVersion: 1,
  policyVersion: 'awareness-1',
  organization: { name: 'St Example Health' },
  categories: { 'consumer-messaging': 'warn', 'consumer-video': 'block' },
  meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] } } },
  awareness: { drills: [{ match: 'zoom-us.drill-example.net', name: 'Q1 fake Zoom invite' }, { match: 'intranet.example.org/drills/invite', name: 'Q1 calendar invite' }] },
};

test.describe('drills and lessons', () => {
  const session = useManagedSession(POLICY);
  let server: TestServer;
  let browser: ManagedSession['browser'];
  let admin: Page;
  test.beforeEach(() => ({ server, browser, admin } = session));

  test('a drill link leads to its lesson page before any request, and records once', async () => {
    const page = await browser.context.newPage();
    await page.goto('https://zoom-us.drill-example.net/j/81234567890?pwd=abc');
    await expect(page.getByRole('heading', { name: 'This was a practice link' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'What to check next time' })).toBeVisible();
    await expect(page.getByText('St Example Health sent this meeting invitation as a drill.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Close this page' })).toBeVisible();
    expect(server.hits('zoom-us.drill-example.net')).toEqual([]);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'This was a practice link' })).toBeVisible();
    // A drill by host and path; the path's other pages are not drills.
    await page.goto('https://intranet.example.org/drills/invite/42');
    await expect(page.getByRole('heading', { name: 'This was a practice link' })).toBeVisible();
    await page.goto('https://intranet.example.org/drills/other');
    await expect(page.locator('#site')).toHaveText('Reached intranet.example.org');
    const drills = (await loggedEvents(admin)).filter((e) => e.type === 'training.drill');
    expect(drills.map((e) => [e.name, e.host, e.url])).toEqual([
      ['Q1 fake Zoom invite', 'zoom-us.drill-example.net', undefined],
      ['Q1 calendar invite', 'intranet.example.org', undefined],
    ]);
  });

  test('the first warning of each kind shows its lesson, once per person; the options page lists them all', async () => {
    const page = await browser.context.newPage();
    const lesson = page.getByRole('region', { name: 'Why consumer apps are not for patient work' });
    await page.goto('https://web.whatsapp.com/');
    await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
    await expect(lesson).toBeVisible();
    await expect(lesson.getByRole('listitem')).toHaveCount(3);
    // Another consumer app, and the same one again: the lesson is not repeated.
    await page.goto('https://web.telegram.org/');
    await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
    await page.waitForFunction(() => document.body.innerText.length > 60);
    await expect(page.getByText('One-minute lesson')).toHaveCount(0);
    await page.goto('https://web.whatsapp.com/');
    await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
    await page.waitForFunction(() => document.body.innerText.length > 60);
    await expect(lesson).toHaveCount(0);
    // A new kind: its own lesson.
    await page.goto('https://zооm.us/j/1');
    await expect(page.getByRole('region', { name: 'Why look-alike addresses are stopped' })).toBeVisible();
    await page.goto('https://facetime.apple.com/join');
    await expect(page.getByRole('heading', { name: 'Blocked for patient work' })).toBeVisible();
    await page.waitForFunction(() => document.body.innerText.length > 60);
    await expect(page.getByText('One-minute lesson')).toHaveCount(0);

    const lessons = (await loggedEvents(admin)).filter((e) => e.type === 'training.lesson');
    expect(lessons.map((e) => e.name)).toEqual(['consumer-app', 'lookalike']);

    const options = await extensionPage(browser.context, browser.extensionId);
    const panel = options.getByRole('region', { name: 'One-minute lessons' });
    await expect(panel.getByRole('article')).toHaveCount(5);
    await expect(panel.getByRole('heading', { name: 'Why the camera is guarded' })).toBeVisible();
  });
});
