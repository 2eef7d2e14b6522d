/**
 * Firefox ESR with the built add-on, driven by puppeteer-core over WebDriver BiDi, under
 * a real enterprise policy: `/etc/firefox/policies/policies.json` in exactly the form
 * `telehealth-guard deploy --target firefox` writes (read once, when Firefox starts).
 *
 * Firefox has no `--host-resolver-rules`: every request goes through the test server's
 * forward proxy, which tunnels it into the same loopback server Chromium reaches.
 * BiDi cannot navigate *to* a moz-extension: page, so extension pages are reached as a
 * user's own click would: from a page that sets `location`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, accessSync, constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { firefoxPoliciesJson, type PolicyObject } from '../../../src/cli/deploy/formats.ts';
import { preparePush } from '../../../src/cli/deploy/prepare.ts';
import { GECKO_ID } from '../../../src/core/identity.ts';
import { pageReads } from './page-reads.ts';
import type { Engine, GuardedBrowser, Tab } from './types.ts';

export const FIREFOX_EXTENSION_DIR = resolve(process.env.TG_FIREFOX_EXTENSION_DIR ?? '.output/firefox-mv3');
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));
/**
 * Debian's Firefox reads this one file; there is no per-test name. The tests write it only
 * when there is none or it is theirs (marked), and remove it afterwards.
 */
export const FIREFOX_POLICIES = process.env.FIREFOX_POLICIES_FILE ?? '/etc/firefox/policies/policies.json';
const MARK = 'TelehealthGuardE2E';

function policiesFileIsOurs(): boolean {
  if (!existsSync(FIREFOX_POLICIES)) return true;
  try {
    return MARK in (JSON.parse(readFileSync(FIREFOX_POLICIES, 'utf8')) as Record<string, unknown>);
  } catch {
    return false;
  }
}

/** A policies.json as `deploy --target firefox` wrote it (marked as a test's; Firefox reads only `policies`). */
export function writeFirefoxPoliciesText(text: string): void {
  if (!policiesFileIsOurs()) throw new Error(`${FIREFOX_POLICIES} exists and is not a test's`);
  const marked = JSON.stringify({ [MARK]: true, ...(JSON.parse(text) as object) }, null, 2);
  mkdirSync(dirname(FIREFOX_POLICIES), { recursive: true });
  writeFileSync(FIREFOX_POLICIES + '.tmp', marked);
  renameSync(FIREFOX_POLICIES + '.tmp', FIREFOX_POLICIES);
}

/** Every host through the test server's forward proxy, and none of Firefox's own background traffic. */
export function loopbackPrefs(proxyPort: number): Record<string, unknown> {
  return {
    'network.proxy.type': 1,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': proxyPort,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': proxyPort,
    'network.proxy.no_proxies_on': '',
    'network.proxy.allow_hijacking_localhost': true,
    // Firefox's own background traffic would otherwise go through the proxy too.
    'services.settings.server': 'https://settings.invalid/v1',
    'app.update.disabledForTesting': true,
    'network.http.http3.enable': false,
  };
}

export const firefox: Engine = {
  name: 'firefox',
  unavailable() {
    if (!FIREFOX_PATH) return 'needs Firefox ESR (apt-get install firefox-esr, or FIREFOX_PATH)';
    if (!existsSync(join(FIREFOX_EXTENSION_DIR, 'manifest.json'))) return 'needs the Firefox build: npm run build:firefox';
    try {
      mkdirSync(dirname(FIREFOX_POLICIES), { recursive: true });
      accessSync(dirname(FIREFOX_POLICIES), constants.W_OK);
    } catch {
      return `needs write access to ${dirname(FIREFOX_POLICIES)} (root, as in CI)`;
    }
    if (!policiesFileIsOurs()) return `${FIREFOX_POLICIES} exists and is not a test's: not overwriting the machine's Firefox policy`;
    return null;
  },
  writePolicy(policy, extras = {}) {
    // As deploy --target firefox --no-hardening writes it: sealed (a seal already there is kept).
    const given = policy as PolicyObject;
    const sealed = 'seal' in given ? given : preparePush(given, { incognitoOff: false, seal: true }).policy;
    writeFirefoxPoliciesText(firefoxPoliciesJson(sealed, GECKO_ID, { browserPolicies: extras.firefoxPolicies as never }));
  },
  removePolicy() {
    if (policiesFileIsOurs()) rmSync(FIREFOX_POLICIES, { force: true });
  },
  async launch(server, options = {}) {
    // A fixed UUID per run, so the test knows the add-on's moz-extension: origin.
    const uuid = randomUUID();
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: true,
      acceptInsecureCerts: true,
      extraPrefsFirefox: {
        'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
        ...loopbackPrefs(server.proxyPort),
        ...options.firefoxPrefs,
      },
    });
    const id = await browser.installExtension(FIREFOX_EXTENSION_DIR);
    if (id !== GECKO_ID) throw new Error(`installed add-on has id ${id}, expected ${GECKO_ID}`);
    const origin = `moz-extension://${uuid}`;
    return guarded(browser, origin);
  },
};

function guarded(browser: Browser, origin: string): GuardedBrowser {
  let adminTab: Tab | undefined;
  return {
    engine: 'firefox',
    async newTab() {
      return firefoxTab(await browser.newPage(), origin);
    },
    guardPage: async () => `${origin}/guard.html`,
    async admin() {
      if (adminTab) return adminTab;
      const tab = firefoxTab(await browser.newPage(), origin);
      await tab.open(`${origin}/options.html`);
      return (adminTab = tab);
    },
    close: () => browser.close(),
  };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

function firefoxTab(page: Page, origin: string): Tab {
  const follow = async (url: string) => {
    await page.evaluate((u) => {
      (window as unknown as { tgLeaving: boolean }).tgLeaving = true;
      location.href = u;
    }, url);
    await waitFor(() => page.evaluate(() => !(window as unknown as { tgLeaving?: boolean }).tgLeaving && document.readyState === 'complete'));
    await settle(100);
  };
  const tab: Tab = {
    ...pageReads(page.evaluate.bind(page) as never),
    async open(url) {
      if (!/^(https?|moz-extension):/.test(await tab.url().catch(() => ''))) await page.goto('https://start.test/', { waitUntil: 'load' });
      if (url.startsWith('moz-extension:') && !(await tab.url()).startsWith(origin)) {
        // Only the guard page is web-accessible: reach it from a web page, and any other
        // extension page from there (same origin), as the extension's own links do.
        await follow(`${origin}/guard.html#about:blank`);
      }
      // Started from the page: BiDi does not report a navigation a rule redirects into the
      // extension as done. The old document is marked, so "settled" means a new one loaded.
      await follow(url);
    },
    url: () => page.evaluate(() => location.href),
    async fill(label, value) {
      const field = await page.$(`::-p-aria([name="${label}"][role="textbox"])`);
      if (!field) throw new Error(`no text field named "${label}"`);
      await field.click({ count: 3 });
      await field.type(value);
    },
    async press(name) {
      const button = await page.$(`::-p-aria([name="${name}"][role="button"])`);
      if (!button) throw new Error(`no button named "${name}"`);
      await button.click();
    },
    async keyboard(text, ...keys) {
      if (text) await page.keyboard.type(text);
      for (const k of keys) await page.keyboard.press(k as never);
    },
  };
  return tab;
}

async function waitFor(check: () => Promise<boolean>, timeout = 15_000): Promise<void> {
  const end = Date.now() + timeout;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error('timed out waiting for the page');
    await settle(100);
  }
}
