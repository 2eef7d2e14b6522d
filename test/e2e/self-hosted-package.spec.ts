/**
 * Self-hosting end to end (docs/admin-guide.md, "Self-hosting"): `telehealth-guard package`
 * signs the build with a new key, a loopback HTTPS server serves its update manifest and
 * CRX, and a real managed policy force-installs it through ExtensionInstallForcelist —
 * no --load-extension. The extension must run under the id the key gives, with its
 * managed policy, and guard the very first navigation.
 */
import { chromium, expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromeManagedJson } from '../../src/cli/deploy/formats.ts';
import { extensionIdFromPublicKey } from '../../src/cli/package/signing-key.ts';
import { EXTENSION_ID } from '../../src/core/identity.ts';
import { chromiumPath, EXTENSION_DIR } from './browser.ts';
import { cli } from './cli.ts';
import { startServer } from './https-server.ts';
import { canWriteManagedPolicy, POLICY_DIR } from './managed-policy.ts';

const FORCELIST_FILE = join(POLICY_DIR, 'telehealth-guard-e2e-forcelist.json');

test('a packed CRX force-installed from a loopback update URL runs with the id its key gives', async () => {
  test.skip(!canWriteManagedPolicy() && !process.env.CI, 'needs write access to the managed policy folder (root, as in CI)');
  test.setTimeout(120_000);
  const work = mkdtempSync(join(tmpdir(), 'tg-package-'));
  const server = await startServer();
  try {
    const updateUrl = `https://127.0.0.1:${server.port}/tg/update.xml`;
    const packed = cli('package', '--out', join(work, 'out'), '--key-out', join(work, 'signing-key.pem'), '--update-url', updateUrl, '--extension', EXTENSION_DIR);
    expect(packed.code, packed.stderr).toBe(0);
    const id = /signed for extension id ([a-p]{32})/.exec(packed.stdout)?.[1];
    expect(id, packed.stdout).toBeTruthy();
    expect(id).not.toBe(EXTENSION_ID);
    const crxName = readdirCrx(join(work, 'out'));
    server.route((req, res) => {
      const path = req.url ?? '';
      // Chromium appends the update check's parameters (?os=…&x=id%3D…) to the update URL.
      if (path.startsWith('/tg/update.xml?')) {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(readFileSync(join(work, 'out', 'update.xml')));
        return true;
      }
      if (path === `/tg/${crxName}`) {
        res.writeHead(200, { 'content-type': 'application/x-chrome-extension' });
        res.end(readFileSync(join(work, 'out', crxName)));
        return true;
      }
      return false;
    });

    // The policy file exactly as `deploy --target chromium-linux --update-url` writes it.
    mkdirSync(POLICY_DIR, { recursive: true });
    // Plus DeveloperToolsAvailability 1: by default Chromium keeps DevTools (and so this
    // test's driver) out of the pages and workers of policy-installed extensions.
    const policyFile = JSON.parse(chromeManagedJson({ schemaVersion: 1, policyVersion: 'self-hosted-e2e' }, id!, { updateUrl }));
    writeFileSync(FORCELIST_FILE, JSON.stringify({ ...policyFile, DeveloperToolsAvailability: 1 }));

    const profile = join(work, 'profile');
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      ignoreHTTPSErrors: true,
      // Playwright turns extensions and the extension updater (background networking) off by default.
      ignoreDefaultArgs: ['--disable-extensions', '--disable-background-networking'],
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ...server.resolverArgs(), '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      // Installed by policy on start-up: its pages open under the id the key gives.
      const admin = await context.newPage();
      await expect
        .poll(async () => (await admin.goto(`chrome-extension://${id}/options.html`).then(() => admin.evaluate(() => chrome.runtime.id)).catch(() => null)), { timeout: 60_000, intervals: [1000] })
        .toBe(id);
      expect(server.pages('127.0.0.1').map((p) => p.replace(/\?.*/, ''))).toEqual(expect.arrayContaining(['/tg/update.xml', `/tg/${crxName}`]));
      const self = await admin.evaluate(() => chrome.management.getSelf());
      expect(self.installType).toBe('admin');
      // The package's manifest carries the signing key's public half, not this project's key.
      const key = await admin.evaluate(() => (chrome.runtime.getManifest() as { key?: string }).key);
      expect(extensionIdFromPublicKey(Buffer.from(key!, 'base64'))).toBe(id);
      // The managed policy for that id reaches it…
      await expect.poll(() => admin.evaluate(() => chrome.storage.managed.get('policyVersion')), { timeout: 20_000 }).toEqual({ policyVersion: 'self-hosted-e2e' });
      // …and it guards: a warned site opens the warning page of this id, before any request.
      const page = await context.newPage();
      await page.goto('https://web.whatsapp.com/');
      await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
      expect(new URL(page.url()).host).toBe(id);
      expect(server.hits('web.whatsapp.com')).toEqual([]);
    } finally {
      await context.close();
    }
  } finally {
    rmSync(FORCELIST_FILE, { force: true });
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
});

function readdirCrx(dir: string): string {
  const crx = readdirSync(dir).filter((f) => f.endsWith('.crx'));
  if (crx.length !== 1) throw new Error(`expected one .crx in ${dir}, found ${crx.join(', ')}`);
  return crx[0]!;
}
