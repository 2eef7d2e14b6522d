/**
 * Meeting links behind mail gateways, and the strict example policy, in real Chromium with a
 * real managed policy; every host resolves to one local HTTPS server, whose Proofpoint stand-in
 * redirects to the wrapped link as the real gateway does.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { decodeProofpointV3 } from '../../src/core/meetings/wrappers.ts';
import { loggedEvents } from './extension.ts';
import type { TestServer } from './https-server.ts';
import { useManagedSession, type ManagedSession } from './managed-session.ts';

/** A Zoom start link (from a public test suite) wrapped by Proofpoint URL Defense v3: test/fixtures/meeting-links/public-1.1.json. */
const FIXTURES = JSON.parse(readFileSync('test/fixtures/meeting-links/public-1.1.json', 'utf8')) as { links: Array<{ url: string }> };
const WRAPPED_START = FIXTURES.links.find((l) => l.url.startsWith('https://urldefense.com/v3/__https://zoom.us/s/'))!.url;

/** The mail page the link is clicked from, and the gateway's redirect. */
function mailAndGateway(server: TestServer): void {
  server.route((req, res, host) => {
    if (host === 'mail.example.net') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>Inbox</title><p>Your visit: <a id="visit" href="${WRAPPED_START.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">join the visit</a></p>`);
      return true;
    }
    if (host === 'urldefense.com') {
      const inner = decodeProofpointV3(`https://urldefense.com${req.url ?? '/'}`);
      res.writeHead(inner ? 302 : 404, inner ? { location: inner } : {});
      res.end();
      return true;
    }
    return false;
  });
}

test.describe('meeting links behind a mail gateway', () => {
  const session = useManagedSession(
    {
      schemaVersion: 1,
      policyVersion: 'wrapped-1',
      organization: { name: 'St Example Health' },
      meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] } } },
    },
    mailAndGateway,
  );
  let server: TestServer;
  let browser: ManagedSession['browser'];
  let admin: Page;
  test.beforeEach(() => ({ server, browser, admin } = session));

  test('a Proofpoint-wrapped Zoom start link clicked in a page is blocked before the gateway or Zoom is asked', async () => {
    const page = await browser.context.newPage();
    await page.goto('https://mail.example.net/');
    await page.click('#visit');
    await expect(page.getByRole('heading', { name: 'Blocked for patient work' })).toBeVisible();
    await expect(page.getByText(/lets anyone who opens it join as the host, so it should never be forwarded/)).toBeVisible();
    await expect(page.getByText(/join link of a scheduled meeting on St Example Health's own account/)).toBeVisible();
    await expect(page.getByRole('button', { name: /Continue|Open this link/ })).toHaveCount(0);
    expect(server.hits('zoom.us')).toEqual([]);
    expect(server.hits('urldefense.com')).toEqual([]);
    const checked = (await loggedEvents(admin)).find((e) => e.type === 'link.checked');
    expect(checked).toMatchObject({ host: 'urldefense.com', service: 'zoom', action: 'block' });
    expect(checked!.findings).toEqual(expect.arrayContaining(['start-link', 'unwrapped']));
    expect(JSON.stringify(await loggedEvents(admin))).not.toContain('secret-token');
  });
});

test.describe('the strict example policy (policies/examples/strict-hospital.json), managed', () => {
  const strict = JSON.parse(readFileSync('policies/examples/strict-hospital.json', 'utf8')) as { policyVersion: string } & Record<string, unknown>;
  const session = useManagedSession(strict);
  let server: TestServer;
  let browser: ManagedSession['browser'];
  test.beforeEach(() => ({ server, browser } = session));

  test('a personal-room link on a generic Zoom host is blocked, with no way to continue', async () => {
    const page = await browser.context.newPage();
    await page.goto('https://us05web.zoom.us/j/6045550199');
    await expect(page.getByRole('heading', { name: 'Blocked for patient work' })).toBeVisible();
    await expect(page.getByText('Personal room reused for every meeting')).toBeVisible();
    await expect(page.getByRole('button', { name: /Continue|Open this link/ })).toHaveCount(0);
    expect(server.hits('us05web.zoom.us')).toEqual([]);
  });

  test("the organisation's own scheduled meeting still opens", async () => {
    const page = await browser.context.newPage();
    await page.goto('https://examplehealth.zoom.us/j/81234567890');
    await expect(page.locator('#site')).toHaveText('Reached examplehealth.zoom.us');
  });
});
