/** Talking to the running extension from a test, the way its own pages do. */
import { expect, type BrowserContext, type Page, type Worker } from '@playwright/test';
import type { BrowserRule } from '../../src/browser/dnr-types.ts';
import { RELEASE_RULE_ID } from '../../src/core/ruleset.ts';
import type { PolicyStatus } from '../../src/browser/protocol.ts';

export async function extensionPage(context: BrowserContext, extensionId: string, path = 'options.html'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/${path}`);
  return page;
}

export async function policyStatus(page: Page): Promise<PolicyStatus> {
  const r = await page.evaluate(() => chrome.runtime.sendMessage({ kind: 'status' }));
  return (r as { status: PolicyStatus }).status;
}

/** Wait until the extension has a given policy in force (managed pushes arrive ~5 s after writing). */
export async function waitForPolicy(page: Page, check: (s: PolicyStatus) => boolean, timeout = 20_000): Promise<PolicyStatus> {
  let last: PolicyStatus | undefined;
  await expect
    .poll(
      async () => {
        last = await policyStatus(page);
        return check(last);
      },
      { timeout, intervals: [250] },
    )
    .toBe(true);
  return last!;
}

/** Events in the log, oldest first, read through the store's own export path. */
export async function loggedEvents(page: Page): Promise<Array<Record<string, unknown>>> {
  const text = await page.evaluate(async () => {
    const r = (await chrome.runtime.sendMessage({ kind: 'log.export', format: 'ndjson' })) as { text?: string; error?: string };
    if (r.text === undefined) throw new Error(r.error ?? 'no export');
    return r.text;
  });
  return exportedEvents(text);
}

/** The events of an NDJSON export: its last line is its signature (README, "Signed exports"), not an event. */
export function exportedEvents(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((e) => e.type !== 'log.signature');
}

/** Import a local policy on the options page (the import form is collapsed until opened). */
export async function importLocalPolicy(admin: Page, policy: object): Promise<void> {
  const details = admin.locator('details.import-details');
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').click();
  await admin.getByRole('textbox', { name: 'Policy JSON' }).fill(JSON.stringify(policy, null, 2));
  await admin.getByRole('button', { name: 'Import policy' }).click();
  await expect(admin.getByRole('status')).toHaveText('Policy imported and in force.');
}

/**
 * The session rules the guard granted (allowances and one-time passes): every session rule but
 * the release of the start-up hold, which is there from the moment the policy is read
 * (src/core/ruleset.ts).
 */
export async function grantedSessionRules(worker: Worker): Promise<BrowserRule[]> {
  const rules: BrowserRule[] = await worker.evaluate(() => chrome.declarativeNetRequest.getSessionRules());
  return rules.filter((r) => r.id !== RELEASE_RULE_ID);
}
