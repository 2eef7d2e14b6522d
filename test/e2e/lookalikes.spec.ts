/**
 * Look-alike hosts (docs/lookalikes.md) in real Chromium with a real managed policy: every
 * form gets the warning with the imitated name ("This is not Zoom"), IDN and brand forms
 * before any request reaches them, typos and ASCII confusables as soon as they commit; the
 * real hosts and their subdomains are untouched, and an innocent host that takes the detour
 * goes straight on. Password fields on a look-alike that opens are disabled and recorded.
 */
import { expect, test, type Page } from '@playwright/test';
import { loggedEvents, policyStatus } from './extension.ts';
import type { TestServer } from './https-server.ts';
import { useManagedSession, type ManagedSession } from './managed-session.ts';

const POLICY = {
  schemaVersion: 1,
  policyVersion: 'lookalike-1',
  organization: { name: 'St Example Health' },
  sanctionedPlatforms: [{ name: 'Example Health Zoom', url: 'https://examplehealth.zoom.us/' }],
  meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] } } },
  detection: { lookalikes: 'warn', protect: ['examplehealth.org'] },
  warn: { requireReason: true, bypassMinutes: 30 },
};

const SIGN_IN = `<!doctype html><title>Sign in</title><h1 id="site">Sign in</h1>
<form><input name="user" aria-label="User"><input type="password" id="pw" aria-label="Password"></form>
<script>setTimeout(() => { const late = document.createElement('input'); late.type = 'text'; late.id = 'late'; document.forms[0].append(late); late.type = 'password'; }, 200);</script>`;

/** [url, the name it imitates, reached before being stopped (caught on commit)] */
const FORMS: Array<[string, string, boolean]> = [
  ['https://zооm.us/j/123456789', 'Zoom', false], // Cyrillic о: IDN
  ['https://www.whatsаpp.com/', 'WhatsApp', false], // Cyrillic а, a catalog service
  ['https://zoom.us.example.net/j/1', 'Zoom', false], // brand in a subdomain
  ['https://zoom-us.meeting-join.com/j/1', 'Zoom', false], // brand joined by a hyphen
  ['https://zoomus.com/', 'Zoom', false], // brand joined to a lure word
  ['https://microsoftonIine.com/common/oauth2/authorize', 'Microsoft', true], // one slip (I for l)
  ['https://rnicrosoft.com/', 'Microsoft', true], // rn for m
  ['https://examp1ehealth.org/', 'examplehealth.org', true], // a protected domain
];
const REAL = ['https://examplehealth.zoom.us/', 'https://zoom.us/', 'https://login.microsoftonline.com/', 'https://accounts.google.com/', 'https://intranet.examplehealth.org/'];

async function guardText(page: Page): Promise<string> {
  await page.waitForFunction(() => document.body.innerText.length > 60);
  return page.evaluate(() => document.body.innerText);
}

test.describe('look-alike hosts', () => {
  const session = useManagedSession(POLICY, (server) =>
    server.route((req, res, host) => {
      if (!/login|oauth2|sign/.test(req.url ?? '') && host !== 'zoom-us.meeting-join.com' && host !== 'login.microsoftonline.com') return false;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(SIGN_IN);
      return true;
    }),
  );
  let server: TestServer;
  let browser: ManagedSession['browser'];
  let admin: Page;
  test.beforeEach(() => ({ server, browser, admin } = session));

  test('every form gets the warning that names what it imitates; the real hosts and an innocent detour are untouched', async () => {
    // The browser took every rule (a refused regex would leave the rule set of before in force).
    expect((await policyStatus(admin)).limitProblems).toEqual([]);
    const page = await browser.context.newPage();
    for (const [url, name, reached] of FORMS) {
      const host = new URL(url).hostname;
      await page.goto(url);
      await expect(page.getByRole('heading', { name: 'Check before you continue' }), url).toBeVisible();
      const text = await guardText(page);
      expect(text, url).toContain(`This is not ${name}.`);
      expect(text, url).toContain(`The address ${host} imitates ${name}.`);
      if (!reached) expect(server.hits(host), `${url} must not be reached`).toEqual([]);
    }
    for (const url of [...REAL, 'https://zoominfo.com/']) {
      await page.goto(url);
      await expect(page.locator('#site'), url).toHaveText(/Reached|Sign in/);
      expect(page.url(), url).toBe(url);
    }
    const warned = (await loggedEvents(admin)).filter((e) => e.type === 'navigation.warned');
    expect(warned.map((e) => [e.host, e.name])).toEqual(FORMS.map(([url, name]) => [new URL(url).hostname, name]));
    for (const e of warned) expect(e.findings).toContain('lookalike');
  });

  test('a password field on a look-alike is disabled with a note and recorded once; on the real host it is not', async () => {
    const page = await browser.context.newPage();
    await page.goto('https://zoom-us.meeting-join.com/signin');
    await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
    await page.getByRole('textbox', { name: 'Reason' }).fill('Testing the partner clinic page');
    await page.getByRole('button', { name: 'Continue to site' }).click();
    await expect(page.locator('#site')).toHaveText('Sign in');
    await expect(page.locator('#pw')).toBeDisabled();
    await expect(page.locator('#late')).toBeDisabled(); // added later, made a password field after
    await expect(page.getByRole('note').first()).toHaveText(/this site is not Zoom/);
    // The page cannot switch it back on.
    await page.evaluate(() => ((document.getElementById('pw') as HTMLInputElement).disabled = false));
    await expect(page.locator('#pw')).toBeDisabled();
    await page.reload();
    await expect(page.locator('#pw')).toBeDisabled();
    await expect.poll(async () => (await loggedEvents(admin)).filter((e) => e.type === 'data.blocked').length).toBe(1);
    const recorded = (await loggedEvents(admin)).find((e) => e.type === 'data.blocked');
    expect(recorded).toMatchObject({ host: 'zoom-us.meeting-join.com', action: 'block', name: 'Zoom', findings: ['lookalike', 'password-field'] });

    await page.goto('https://login.microsoftonline.com/common/oauth2/authorize');
    await expect(page.locator('#site')).toHaveText('Sign in');
    await expect(page.locator('#late')).toHaveAttribute('type', 'password');
    await expect(page.locator('#pw')).toBeEnabled();
    await expect(page.locator('#late')).toBeEnabled();
  });
});
