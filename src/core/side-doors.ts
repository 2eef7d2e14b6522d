/**
 * The places the guard cannot see, and when to say so (README, "Side doors"; docs/event-log.md
 * 1.2, `guard.gap`). Pure: the background asks the browser what it allows and passes it in.
 *
 * Incognito (private) windows: Chrome, Edge and Firefox run an extension there only when the
 * person or IT allows it. Where it does not run, the policy does not apply there — a gap,
 * unless IT switched those windows off. `sideDoors.incognito` is what IT says it did
 * (`deploy` writes `disabled` when it writes the browser policy that turns them off), so the
 * notice appears only when nobody said and the extension really cannot run there.
 */
import type { Policy } from './policy/schema.ts';

/** The finding of the `guard.gap` event recorded once per browser start. */
export const INCOGNITO_GAP_FINDING = 'incognito-unguarded';

/**
 * True when incognito windows escape the guard and nobody said they are off or accepted:
 * the extension is not allowed there (`incognitoAllowed === false`; null when the browser
 * cannot say, and then nothing is claimed) and the policy's `sideDoors.incognito` is
 * `unknown`. `disabled` (turned off by IT) and `allowed` (IT knows and accepts) say nothing.
 */
export function incognitoGap(policy: Pick<Policy, 'sideDoors'>, incognitoAllowed: boolean | null): boolean {
  return incognitoAllowed === false && policy.sideDoors.incognito === 'unknown';
}
