/**
 * One decision, every surface (issue 18, item 9): the guard page, the popup, the badge and
 * `classify` are projections of decideNavigation, so for every URL of the meeting corpus and
 * the catalog's tests they give the same verdict — under the built-in default, a strict
 * hospital's policy, and with an allowance in force.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryIO } from '../../src/cli/io.ts';
import { runCommand } from '../../src/cli/main.ts';
import { compilePolicy } from '../../src/core/classify.ts';
import { answerGuardPage, type Allowance, type GuardContext } from '../../src/core/guard.ts';
import { defaultPolicy } from '../../src/core/policy/default.ts';
import { policySchema } from '../../src/core/policy/schema.ts';
import { badgeOf, projectTab } from '../../src/core/verdict.ts';
import { meetingCorpus } from './meetings/fixtures.ts';

const catalogUrls = [...readFileSync(new URL('./catalog-hosts.test.ts', import.meta.url), 'utf8').matchAll(/'(https?:\/\/[^'\s]+)'/g)].map((m) => m[1]!);
const urls = [...new Set([...meetingCorpus(), ...catalogUrls])].filter((u) => /^https?:\/\//i.test(u));
const strictText = readFileSync('policies/examples/strict-hospital.json', 'utf8');
const NOW = Date.parse('2026-12-05T10:00:00Z');
const allowance: Allowance = { origin: 'https://web.whatsapp.com', host: 'web.whatsapp.com', path: '', priority: 20_000, expiresAt: NOW + 60_000 };

const policies = [
  { name: 'the built-in default', policy: defaultPolicy(), text: null as string | null, allowances: [] as Allowance[] },
  { name: 'a strict hospital', policy: policySchema.parse(JSON.parse(strictText)), text: strictText, allowances: [] },
  { name: 'the default with an allowance in force', policy: defaultPolicy(), text: null, allowances: [allowance] },
];

/** What `classify --json` prints for each URL, through the command itself. */
async function classifyActions(list: string[], policyText: string | null): Promise<Map<string, string | null>> {
  const io = memoryIO(policyText ? { 'p.json': policyText } : {});
  await runCommand(['classify', '--json', ...(policyText ? ['--policy', 'p.json'] : []), ...list], io);
  // One line per URL, in order (an error line for one that is not a web address).
  const lines = io.stdout.join('\n').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { action?: string });
  expect(lines).toHaveLength(list.length);
  return new Map(list.map((url, i) => [url, lines[i]!.action ?? null]));
}

describe('guard page, popup, badge and classify agree', () => {
  it('on every URL of the meeting corpus and the catalog tests', { timeout: 60_000 /* a few hundred URLs × 3 policies, once each; slow only on a loaded machine */ }, async () => {
    expect(urls.length).toBeGreaterThan(150);
    for (const p of policies) {
      const ctx: GuardContext = { compiled: compilePolicy(p.policy), allowances: p.allowances, now: NOW };
      const cli = p.allowances.length === 0 ? await classifyActions(urls, p.text) : null;
      for (const url of urls) {
        const page = answerGuardPage({ url, topLevel: true, sent: true }, ctx);
        const guard = page.show === 'go' ? 'allow' : page.show === 'page' ? page.view.mode : null;
        const popup = projectTab(url, ctx);
        const where = `${p.name}: ${url}`;
        expect(popup?.verdict ?? null, where).toBe(guard);
        if (popup?.view) expect(popup.view, where).toEqual(page.show === 'page' ? page.view : null);
        // The badge marks exactly the tabs an allowance keeps open.
        expect(badgeOf(popup).text, where).toBe(popup?.allowanceUntil ? '!' : '');
        if (cli) expect(cli.get(url), where).toBe(guard);
      }
    }
  });

  it('a meeting link the guard page stops is stopped in classify too, with the finding that stopped it', async () => {
    const io = memoryIO();
    await runCommand(['classify', '--json', 'https://zoom.us/s/81234567890?zak=abc'], io);
    expect(JSON.parse(io.stdout[0]!)).toMatchObject({ action: 'block', host: 'zoom.us', meeting: { platform: 'zoom', verdict: 'block', findings: expect.arrayContaining(['start-link']) } });
  });

  it('the allowance shows in the popup and the badge, and nowhere else decides differently', () => {
    const ctx: GuardContext = { compiled: compilePolicy(defaultPolicy()), allowances: [allowance], now: NOW };
    const tab = projectTab('https://web.whatsapp.com/chat', ctx)!;
    expect(tab).toMatchObject({ verdict: 'allow', allowanceUntil: allowance.expiresAt });
    expect(badgeOf(tab)).toEqual({ text: '!', until: allowance.expiresAt });
    expect(projectTab('https://web.whatsapp.com/chat', { ...ctx, now: allowance.expiresAt })).toMatchObject({ verdict: 'warn', allowanceUntil: null });
  });
});
