/**
 * Whether the extension can see incognito (private) windows. Chrome, Edge and Firefox run
 * an extension there only when the user or IT allows it, so without that the policy does
 * not apply in those windows (README, "Side doors"). The popup and options page say so,
 * and the gap is recorded once per browser start.
 *
 * It is recorded as `policy.invalid`, with the finding INCOGNITO_FINDING: of the existing
 * event types, that is the one that means "the policy IT set is not fully in force here",
 * which is what an auditor filtering the log for gaps in protection looks for. A new event
 * type would need a change to the event contract that collectors and `logs report` know.
 */
import type { EngineState } from './engine.ts';
import { record } from './recorder.ts';

export const INCOGNITO_FINDING = 'incognito: extension not allowed in incognito windows';
/** In storage.session, which the browser empties when it closes: once per browser start. */
const REPORTED_KEY = 'incognitoGapReported';

/** True or false as the browser says; null when it cannot say (then nothing is claimed). */
export async function incognitoAccess(): Promise<boolean | null> {
  try {
    return await browser.extension.isAllowedIncognitoAccess();
  } catch {
    return null;
  }
}

/** Record the gap once per browser start, however often the service worker wakes. */
export async function reportIncognitoGap(state: EngineState): Promise<void> {
  if (state.incognitoAllowed !== false) return;
  if ((await browser.storage.session.get(REPORTED_KEY))[REPORTED_KEY]) return;
  // Marked before recording, so two quick wakes of the worker cannot both record it.
  await browser.storage.session.set({ [REPORTED_KEY]: true });
  await record({ type: 'policy.invalid', findings: [INCOGNITO_FINDING] }, state);
}
