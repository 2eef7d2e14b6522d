/**
 * In force from the first moment (issue 18, item 1; docs/enforcement.md): browser starts with
 * pages loading at once — as a home page or restored tabs do — under a real managed policy
 * that changed while the browser was closed. At each start: the policy's block page for a
 * host only the new policy blocks and for Telegram (the built-in default only warns), the
 * tenant header on sign-in, no Continue offered before, and nothing reaches a blocked host.
 * The first start is a new profile (the start-up ruleset holds); the others reuse it (the kept
 * rules and the start-up hold). `TG_STARTS` sets how many (20 for the proof; fewer in CI).
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchWithExtension } from './browser.ts';
import { startServer } from './https-server.ts';
import { canWriteManagedPolicy, POLICY_DIR, removeManagedPolicy, writeManagedPolicy } from './managed-policy.ts';
import { requireOrSkip } from './require.ts';

const STARTS = Number(process.env.TG_STARTS ?? 3);
/**
 * The issue asks for 5 s on a quiet machine: run with TG_START_LIMIT_MS=5000 (and TG_STARTS=20)
 * for that proof. In `npm test` the bound is wider, since a loaded CI machine starts a browser
 * slower (measured here at load 15–20: 4.8–7.2 s); what must hold at any load is the rest —
 * the new policy's block pages, the header, no Continue before, nothing reaching a blocked host.
 */
const LIMIT_MS = Number(process.env.TG_START_LIMIT_MS ?? 15_000);
const BLOCKED = 'Blocked for patient work';
const TENANTS = 'examplehealth.onmicrosoft.com';

const policyFor = (start: number) => ({
  schemaVersion: 1,
  policyVersion: `start-${start}`,
  organization: { name: 'St Example Health' },
  services: { telegram: 'block' },
  // A host the policy of the previous start did not name: the kept rules cannot already stop it.
  rules: [{ match: `clinic-chat-${start}.example`, action: 'block' }],
  tenantRestrictions: { microsoft: { tenants: [TENANTS], context: '72f988bf-86f1-41af-91ab-2d7cd011db47' } },
});

/** Follows a page: when (ms after `started`, the browser's start) the block heading showed, and whether Continue was ever offered. */
function watch(page: Page, started: number) {
  const seen = { blockedAt: 0, continueOffered: false };
  const done = (async () => {
    while (!seen.blockedAt && Date.now() - started < 60_000) {
      const state = await page
        .evaluate(() => ({ h: document.querySelector('h1')?.textContent ?? '', c: [...document.querySelectorAll('button')].some((b) => b.textContent === 'Continue to site') }))
        .catch(() => ({ h: '', c: false }));
      if (state.c) seen.continueOffered = true;
      if (state.h === 'Blocked for patient work') seen.blockedAt = Date.now() - started;
      else await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return { seen, done };
}

test.describe('browser start', () => {
  requireOrSkip(canWriteManagedPolicy(), `needs write access to the managed policy folder ${POLICY_DIR} (root, as in CI)`);

  test(`${STARTS} starts with pages loading at once: the policy's block page and tenant header within ${LIMIT_MS / 1000} s, no Continue before`, async () => {
    test.setTimeout(STARTS * 60_000 + 30_000);
    const server = await startServer();
    const headers: Array<{ at: number; value: string | undefined }> = [];
    server.route((req, _res, host) => {
      if (host === 'login.microsoftonline.com') headers.push({ at: Date.now(), value: req.headers['restrict-access-to-tenants'] as string | undefined });
      return false;
    });
    const profileDir = mkdtempSync(join(tmpdir(), 'tg-startup-'));
    const timings: string[] = [];
    try {
      for (let start = 0; start < STARTS; start++) {
        writeManagedPolicy(policyFor(start));
        headers.length = 0;
        let t0 = 0;
        const pages: { chat?: Page; telegram?: Page; signIn?: Page } = {};
        const atOnce = (context: BrowserContext) => {
          t0 = Date.now();
          const open = async (url: string) => {
            const page = context.pages().find((p) => p.url() === 'about:blank' && !Object.values(pages).includes(p)) ?? (await context.newPage());
            void page.goto(url).catch(() => undefined);
            return page;
          };
          void (async () => {
            pages.chat = await open(`https://clinic-chat-${start}.example/room`);
            pages.telegram = await open('https://t.me/clinic');
            pages.signIn = await open('https://login.microsoftonline.com/');
          })();
        };
        const b = await launchWithExtension({ args: server.resolverArgs(), profileDir, atOnce });
        try {
          await expect.poll(() => Object.keys(pages).length).toBe(3);
          const chat = watch(pages.chat!, t0);
          const telegram = watch(pages.telegram!, t0);
          await Promise.all([chat.done, telegram.done]);
          await expect.poll(() => headers.length, { timeout: 30_000 }).toBeGreaterThan(0);
          const headerAt = headers[0]!.at - t0;
          timings.push(`start ${start}: block pages at ${chat.seen.blockedAt} ms and ${telegram.seen.blockedAt} ms, tenant header at ${headerAt} ms`);
          expect(chat.seen.blockedAt, `start ${start}: the new policy's block page`).toBeGreaterThan(0);
          expect(telegram.seen.blockedAt, `start ${start}: Telegram's block page`).toBeGreaterThan(0);
          expect(chat.seen.continueOffered || telegram.seen.continueOffered, `start ${start}: Continue offered`).toBe(false);
          expect(Math.max(chat.seen.blockedAt, telegram.seen.blockedAt, headerAt), `start ${start}`).toBeLessThanOrEqual(LIMIT_MS);
          // Every request that reached sign-in carried the organisation's header.
          expect(headers.map((h) => h.value)).toEqual(headers.map(() => TENANTS));
          expect(server.hits(`clinic-chat-${start}.example`)).toEqual([]);
          expect(server.hits('t.me')).toEqual([]);
        } finally {
          await b.close(true);
        }
      }
    } finally {
      test.info().annotations.push({ type: 'start-up timings', description: timings.join('; ') });
      console.log(timings.join('\n'));
      rmSync(profileDir, { recursive: true, force: true });
      removeManagedPolicy();
      await server.close();
    }
  });
});
