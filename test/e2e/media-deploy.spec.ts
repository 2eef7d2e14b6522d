/**
 * The hard floor for capture that `deploy` writes (src/cli/deploy/capture.ts, README "Camera and
 * microphone"), enforced by the browsers themselves with no extension at all: a plain Chromium
 * under deploy's chromium-linux file in the managed-policy folder, and a plain Firefox ESR under
 * deploy's policies.json. Each site asks for the camera, microphone (and in Chromium the screen).
 *
 * What a test can see (tried on this machine, docs/camera-and-microphone.md "Testing"):
 * - Chromium: `--use-fake-ui-for-media-stream` grants everything, policy or not, so it is not
 *   used; the unlisted site instead starts with the person's own "Allow" (Default/Preferences),
 *   which VideoCaptureAllowed=false must override, and the listed site with no decision at all,
 *   which headless Chromium would deny — so it captures only by VideoCaptureAllowedUrls.
 *   `--auto-accept-this-tab-capture` (getDisplayMedia with preferCurrentTab) still obeys
 *   ScreenCaptureAllowed and ScreenCaptureAllowedByOrigins.
 * - Firefox: `media.navigator.permission.disabled` grants everything whatever `Permissions` says,
 *   so only `media.navigator.streams.fake` is set. Without the policy a capture waits on a prompt
 *   nobody answers; under it an unlisted site is refused at once and a listed one captures with
 *   no prompt. Firefox's policy validator prints what about:policies would list as errors to the
 *   browser's stdout (devtools.console.stdout.chrome); BiDi may not open about:policies itself.
 */
import { chromium, expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { memoryIO } from '../../src/cli/io.ts';
import { runCommand } from '../../src/cli/main.ts';
import { chromiumPath } from './browser.ts';
import { FIREFOX_PATH, firefox, loopbackPrefs, writeFirefoxPoliciesText } from './engines/firefox.ts';
import { startServer, type TestServer } from './https-server.ts';
import { canWriteManagedPolicy, POLICY_DIR, removeManagedPolicy, writeManagedFileText } from './managed-policy.ts';
import { requireOrSkip } from './require.ts';

const LISTED = 'video.examplehealth.org';
const POLICY = {
  schemaVersion: 1,
  policyVersion: 'floor',
  sanctionedPlatforms: [{ name: 'Example Health Video', url: `https://${LISTED}/` }],
  media: { action: 'block' },
};
const URLS = [`https://[*.]${LISTED}`];

/** The file `deploy` writes for a target, as the command writes it. */
async function deployed(target: string, file: string): Promise<string> {
  const io = memoryIO({ 'p.json': JSON.stringify(POLICY) });
  expect(await runCommand(['deploy', 'p.json', '--target', target, '--out', 'out'], io), io.stderr.join('\n')).toBe(0);
  return io.files[`out/${file}`]!;
}

/** Each capture in the page: 'ok', the error's name, or 'waiting' (a prompt nobody answers). */
const CAPTURES = `(async () => {
  const one = async (get) => {
    try {
      const s = await Promise.race([get(), new Promise((_, no) => setTimeout(() => no(new Error('waiting')), 3000))]);
      s.getTracks().forEach((t) => t.stop());
      return 'ok';
    } catch (e) {
      return e.message === 'waiting' ? 'waiting' : e.name;
    }
  };
  const md = navigator.mediaDevices;
  return {
    camera: await one(() => md.getUserMedia({ video: true })),
    microphone: await one(() => md.getUserMedia({ audio: true })),
    ...(CHROMIUM ? { screen: await one(() => md.getDisplayMedia({ video: true, preferCurrentTab: true })) } : {}),
  };
})()`;

test.describe('the capture floor deploy writes, enforced by the browsers alone', () => {
  let server: TestServer;
  test.beforeAll(async () => {
    server = await startServer();
  });
  test.afterAll(async () => server?.close());

  test.describe('Chromium', () => {
    requireOrSkip(canWriteManagedPolicy(), `needs write access to the managed policy folder ${POLICY_DIR} (root, as in CI)`);
    test.afterEach(() => removeManagedPolicy());

    test('chrome://policy shows each value with status OK; an unlisted site is refused over the person\'s own Allow, a listed one captures with no prompt', async () => {
      writeManagedFileText(await deployed('chromium-linux', 'telehealth-guard-chromium.json'));
      const profile = mkdtempSync(join(tmpdir(), 'tg-floor-'));
      mkdirSync(join(profile, 'Default'));
      // The person once allowed the unlisted site; the listed one was never answered.
      const allow = { 'https://chat.example.net:443,*': { setting: 1 } };
      writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { content_settings: { exceptions: { media_stream_camera: allow, media_stream_mic: allow } } } }));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: chromiumPath(),
        headless: true,
        ignoreHTTPSErrors: true,
        args: [
          ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
          '--disable-background-networking',
          '--no-first-run',
          '--use-fake-device-for-media-stream',
          '--auto-accept-this-tab-capture',
          ...server.resolverArgs(),
        ],
      });
      try {
        const page = await context.newPage();
        const policies = await chromePolicies(page);
        expect(policies).toMatchObject({
          VideoCaptureAllowed: { value: 'false', status: 'OK' },
          AudioCaptureAllowed: { value: 'false', status: 'OK' },
          ScreenCaptureAllowed: { value: 'false', status: 'OK' },
          VideoCaptureAllowedUrls: { value: JSON.stringify(URLS), status: 'OK' },
          AudioCaptureAllowedUrls: { value: JSON.stringify(URLS), status: 'OK' },
          ScreenCaptureAllowedByOrigins: { value: JSON.stringify(URLS), status: 'OK' },
        });
        const capture = (url: string) => page.goto(url).then(() => page.evaluate(CAPTURES.replace('CHROMIUM', 'true')));
        expect(await capture('https://chat.example.net/room')).toEqual({ camera: 'NotAllowedError', microphone: 'NotAllowedError', screen: 'NotAllowedError' });
        // A subdomain, by the [*.] pattern.
        expect(await capture(`https://visit.${LISTED}/room`)).toEqual({ camera: 'ok', microphone: 'ok', screen: 'ok' });
      } finally {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      }
    });
  });

  test.describe('Firefox ESR', () => {
    const why = firefox.unavailable();
    requireOrSkip(why === null, why ?? '');
    test.afterEach(() => firefox.removePolicy());

    test('policies.json is read without a validator error; an unlisted site is refused at once, a listed one captures with no prompt', async () => {
      writeFirefoxPoliciesText(await deployed('firefox', 'policies.json'));
      const browser = await puppeteer.launch({
        browser: 'firefox',
        executablePath: FIREFOX_PATH,
        headless: true,
        acceptInsecureCerts: true,
        extraPrefsFirefox: { ...loopbackPrefs(server.proxyPort), 'media.navigator.streams.fake': true, 'devtools.console.stdout.chrome': true },
      });
      const output: string[] = [];
      for (const stream of [browser.process()?.stdout, browser.process()?.stderr]) stream?.on('data', (d: Buffer) => output.push(d.toString()));
      try {
        const page = await browser.newPage();
        const capture = async (url: string) => {
          await page.goto(url);
          return page.evaluate(CAPTURES.replace('CHROMIUM', 'false'));
        };
        expect(await capture('https://chat.example.net/room')).toEqual({ camera: 'NotAllowedError', microphone: 'NotAllowedError' });
        expect(await capture(`https://${LISTED}/room`)).toEqual({ camera: 'ok', microphone: 'ok' });
        // Exact origins: Firefox's permissions do not cover subdomains (capture.ts lists each host).
        expect(await capture(`https://visit.${LISTED}/room`)).toEqual({ camera: 'NotAllowedError', microphone: 'NotAllowedError' });
        // What about:policies would show under Errors (a bad entry is printed as "PolicySchemaValidator: … The entry was ignored").
        expect(output.join('').match(/^console\.(error|warn): (PolicySchemaValidator|Enterprise Policies).*\n.*$/gm) ?? []).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  });
});

/** The policies chrome://policy lists as set: name → the value and status it shows ("OK", or "Error" for a value Chromium refused). */
async function chromePolicies(page: Page): Promise<Record<string, { value: string; status: string }>> {
  await page.goto('chrome://policy');
  const rows = page.locator('policy-row.policy-data');
  await rows.first().waitFor();
  return rows.evaluateAll((els) => {
    const out: Record<string, { value: string; status: string }> = {};
    for (const row of els) {
      const root = row.shadowRoot ?? row;
      const text = (selector: string) => root.querySelector(selector)?.textContent?.trim() ?? '';
      const status = text('div.messages');
      if (status !== 'Not set.') out[text('#name')] = { value: text('div.value'), status };
    }
    return out;
  });
}
