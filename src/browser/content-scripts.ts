/**
 * The annotating content script is registered from the policy: only pages in
 * meetings.scanPages get it, and a changed policy changes the registration.
 */
import { scanPageMatchPatterns } from '../core/meetings/scan-pages.ts';
import type { Policy } from '../core/policy/schema.ts';

const ANNOTATE_ID = 'telehealth-guard-annotate';
const ANNOTATE_JS = 'content-scripts/annotate.js';

export async function registerAnnotator(policy: Policy): Promise<string[]> {
  const matches = scanPageMatchPatterns(policy.meetings.scanPages);
  const existing = await browser.scripting.getRegisteredContentScripts({ ids: [ANNOTATE_ID] });
  if (matches.length === 0) {
    if (existing.length > 0) await browser.scripting.unregisterContentScripts({ ids: [ANNOTATE_ID] });
    return matches;
  }
  const script = { id: ANNOTATE_ID, js: [ANNOTATE_JS], matches, runAt: 'document_idle' as const, allFrames: false, persistAcrossSessions: true };
  if (existing.length > 0) {
    const same = JSON.stringify([...(existing[0]!.matches ?? [])].sort()) === JSON.stringify(matches);
    if (!same) await browser.scripting.updateContentScripts([script]);
  } else {
    await browser.scripting.registerContentScripts([script]);
  }
  return matches;
}
