/**
 * Meeting links checked when opened (issue: meeting links), in real Chromium with a
 * real managed policy; every host resolves to one local HTTPS server.
 */
import { expect, test, type Page } from '@playwright/test';
import { loggedEvents } from './extension.ts';
import type { TestServer } from './https-server.ts';
import { useManagedSession, type ManagedSession } from './managed-session.ts';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const POLICY = {
  schemaVersion: 1,
  policyVersion: 'meet-1',
  organization: { name: 'St Example Health' },
  sanctionedPlatforms: [{ name: 'Example Health Zoom', url: 'https://examplehealth.zoom.us/' }],
  meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] }, teams: { tenantIds: [TENANT] } } },
};

test.describe('meeting links checked on open', () => {
  const session = useManagedSession(POLICY);
  let server: TestServer;
  let browser: ManagedSession['browser'];
  let admin: Page;
  test.beforeEach(() => ({ server, browser, admin } = session));

  // A Zoom start link blocked on open, in Chromium and Firefox alike: shared.spec.ts.
  test('a meeting on another Teams tenant shows the warning page (this link, once); continuing lets that link through once', async () => {
    const other = '11111111-2222-3333-4444-555555555555';
    const link = `https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0?context=${encodeURIComponent(JSON.stringify({ Tid: other, Oid: 'o' }))}`;
    const page = await browser.context.newPage();
    await page.goto(link);
    await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
    await expect(page.getByText(/not one your organisation|not your organisation|another organisation|account/i).first()).toBeVisible();
    expect(server.hits('teams.microsoft.com')).toEqual([]);
    await expect(page.getByText('Continuing opens this link once', { exact: false })).toBeVisible();
    await expect(page.getByText(/Ask the meeting's host for a scheduled meeting on St Example Health's own account/)).toBeVisible();
    await page.getByRole('textbox', { name: 'Reason' }).fill('Visit hosted by the partner clinic');
    await page.getByRole('button', { name: 'Open this link once' }).click();
    await expect(page.locator('#site')).toHaveText('Reached teams.microsoft.com');
    expect(server.pages('teams.microsoft.com')).toHaveLength(1);
    // Once: the next open is checked again.
    await page.goto(link);
    await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
    const proceeded = (await loggedEvents(admin)).find((e) => e.type === 'navigation.proceeded');
    expect(proceeded).toMatchObject({ host: 'teams.microsoft.com', service: 'teams', action: 'warn', reason: 'Visit hosted by the partner clinic' });
  });

  test('a sanctioned meeting link goes straight through', async () => {
    const page = await browser.context.newPage();
    const link = `https://teams.microsoft.com/l/meetup-join/19%3ameeting_y%40thread.v2/0?context=${encodeURIComponent(JSON.stringify({ Tid: TENANT }))}`;
    await page.goto(link);
    await expect(page.locator('#site')).toHaveText('Reached teams.microsoft.com');
    expect(server.pages('teams.microsoft.com')).toEqual([new URL(link).pathname + new URL(link).search]);
    const checked = (await loggedEvents(admin)).filter((e) => e.type === 'link.checked');
    expect(checked.map((e) => [e.service, e.action])).toEqual([['teams', 'allow']]);
  });

  test('a Teams web-client link (/v2/?meetingjoin=true#/l/meetup-join/…) is judged by its fragment before Teams is asked', async () => {
    const other = '11111111-2222-3333-4444-555555555555';
    const link = `https://teams.microsoft.com/v2/?meetingjoin=true#/l/meetup-join/19:meeting_NzI4MDc4@thread.v2/0?context=${encodeURIComponent(JSON.stringify({ Tid: other, Oid: 'o' }))}&anon=true`;
    const page = await browser.context.newPage();
    await page.goto(link);
    await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
    expect(server.hits('teams.microsoft.com')).toEqual([]);
  });
});
