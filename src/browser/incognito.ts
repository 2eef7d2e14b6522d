/**
 * Whether the extension can see incognito (private) windows, and the one record of the gap
 * when it cannot and IT did not say those windows are off (src/core/side-doors.ts decides).
 * The popup and options page say so (`PolicyStatus.incognitoGap`), and `guard.gap` with
 * `findings: ["incognito-unguarded"]` is recorded once per browser start (docs/event-log.md
 * 1.2) — a place the guard cannot see, not a refused policy.
 */
import { INCOGNITO_GAP_FINDING, incognitoGap } from '../core/side-doors.ts';
import type { EngineState } from './engine.ts';
import { record } from './recorder.ts';
import { incognitoGapReported } from './storage-items.ts';


/**
 * Record the gap once per browser start, however often the service worker wakes. Whether the
 * browser allows the extension there is read with the policy (engine.ts, `incognitoAllowed`:
 * true or false as the browser says; null when it cannot say, and then nothing is claimed).
 */
export async function reportIncognitoGap(state: EngineState): Promise<void> {
  if (!incognitoGap(state.resolved.policy, state.incognitoAllowed)) return;
  if (await incognitoGapReported.getValue()) return;
  // Marked before recording, so two quick wakes of the worker cannot both record it.
  await incognitoGapReported.setValue(true);
  await record({ type: 'guard.gap', findings: [INCOGNITO_GAP_FINDING] }, state);
}
