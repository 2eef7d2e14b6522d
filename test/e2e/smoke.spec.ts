import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { EXTENSION_ID, guardPageUrlFor } from '../../src/core/identity.ts';
import { EXTENSION_DIR, launchWithExtension } from './browser.ts';

test('the built extension loads in Chromium with its fixed id and its service worker starts', async () => {
  const manifest = JSON.parse(readFileSync(`${EXTENSION_DIR}/manifest.json`, 'utf8'));
  expect(manifest.key).toBeTruthy();
  expect(manifest.storage.managed_schema).toBe('managed_schema.json');

  const browser = await launchWithExtension();
  try {
    expect(browser.extensionId).toBe(EXTENSION_ID);
    // The worker answers from inside the extension: it really runs, with its manifest.
    const name = await browser.worker.evaluate(() => chrome.runtime.getManifest().name);
    expect(name).toBe('Telehealth Guard');
    // A managed_schema Chromium rejects would stop the extension loading at all;
    // reading managed storage proves the schema was accepted.
    const managed = await browser.worker.evaluate(() => chrome.storage.managed.get(null));
    expect(managed).toEqual({});
  } finally {
    await browser.close();
  }
});

test('the very first navigation of a new profile is already held (start-up ruleset) and answered once the policy is read, then the dynamic rules take over', async () => {
  const { startServer } = await import('./https-server.ts');
  const server = await startServer();
  // No waiting for the extension's worker to load its policy: the page opens as the browser
  // comes up. The start-up ruleset holds it at the guard page, which answers once the policy in
  // force is read (a new profile waits a moment for a managed policy that may not be there
  // yet: src/browser/engine.ts).
  let opened: Promise<import('@playwright/test').Page> | undefined;
  const browser = await launchWithExtension({
    args: server.resolverArgs(),
    atOnce: (context) => {
      opened = context.newPage().then((p) => {
        void p.goto('https://web.whatsapp.com/').catch(() => undefined);
        return p;
      });
    },
  });
  try {
    const page = await opened!;
    await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible({ timeout: 20_000 });
    expect(server.hits('web.whatsapp.com')).toEqual([]);
    // Once the worker has applied the policy in force, the static ruleset is switched off…
    await expect.poll(() => browser.worker.evaluate(() => chrome.declarativeNetRequest.getEnabledRulesets()), { timeout: 15_000 }).toEqual([]);
    // …and protection carries on through the dynamic rules.
    await page.goto('https://t.me/x');
    await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();
    expect(server.hits('t.me')).toEqual([]);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('every regex the rules use fits Chromium’s regex engine (2 KB each), for the default, the examples and a 5,000-rule policy', async () => {
  const { ruleSet } = await import('../../src/core/ruleset.ts');
  const { policySchema } = await import('../../src/core/policy/schema.ts');
  const { makeRules } = await import('../../bench/classify.ts');
  const { rng } = await import('../../bench/util.ts');
  const guard = guardPageUrlFor(EXTENSION_ID);
  const inputs = ['policies/default.json', 'policies/examples/strict-hospital.json', 'policies/examples/small-practice.json'].map((f) => JSON.parse(readFileSync(f, 'utf8')));
  inputs.push({ schemaVersion: 1, rules: makeRules(5000, rng(7)) });
  // Every vendor's tenant-restriction rules (Microsoft's and Webex's narrow hosts by regex).
  const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  inputs.push({
    schemaVersion: 1,
    tenantRestrictions: {
      microsoft: { tenants: [tenant], context: tenant, v2Policy: `${tenant}:${tenant}`, blockConsumerAccounts: true },
      google: { allowedDomains: ['examplehealth.org'] },
      webex: { allowedDomains: ['examplehealth.org'] },
    },
  });
  const regexes = new Map<string, boolean>();
  for (const input of inputs) {
    for (const r of ruleSet(policySchema.parse(input), { browser: 'chromium', guardPageUrl: guard })) {
      if (r.condition.regexFilter) regexes.set(r.condition.regexFilter, r.condition.isUrlFilterCaseSensitive ?? false);
    }
  }
  const browser = await launchWithExtension();
  try {
    const refused = await browser.worker.evaluate(async (list) => {
      const out: string[] = [];
      for (const [regex, isCaseSensitive] of list) {
        const r = await chrome.declarativeNetRequest.isRegexSupported({ regex, isCaseSensitive, requireCapturing: regex.includes('(') });
        if (!r.isSupported) out.push(`${r.reason}: ${regex}`);
      }
      return out;
    }, [...regexes]);
    expect(regexes.size).toBeGreaterThan(20);
    expect(refused).toEqual([]);
  } finally {
    await browser.close();
  }
});

test('npm start opens its demo page: the page is handed over once the extension runs, never left blank', async () => {
  const { openDemoBrowser } = await import('../../scripts/demo-browser.mjs');
  const { createServer } = await import('node:http');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { chromiumPath } = await import('./browser.ts');
  const served: string[] = [];
  const demo = createServer((req, res) => {
    served.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>demo</h1>');
  });
  await new Promise<void>((r) => demo.listen(0, '127.0.0.1', r));
  const profile = mkdtempSync(join(tmpdir(), 'tg-demo-'));
  const child = await openDemoBrowser({ browser: chromiumPath() ?? 'chromium', extensionDir: EXTENSION_DIR, profile, url: `http://127.0.0.1:${(demo.address() as { port: number }).port}/`, extraArgs: ['--headless=new'] });
  try {
    // Passed on the command line instead, this page never reached the server (Chromium 156).
    await expect.poll(() => served, { timeout: 30_000 }).toContain('/');
  } finally {
    child.kill();
    await new Promise((r) => child.once('exit', r));
    rmSync(profile, { recursive: true, force: true });
    demo.close();
  }
});
