/**
 * Password fields on look-alike hosts (docs/lookalikes.md, "Password fields"): which pages
 * get the guard, and what the background records when it disables one. Whatever the
 * action for the page itself: with `detection.lookalikes: allow` the page opens, but a
 * password typed there would still go to an imitation.
 */
import { classifyUrl, isError, type CompiledPolicy } from '../classify.ts';
import type { EventIntentLike } from './types.ts';
import { lookalikeOf } from './decide.ts';
import type { Lookalike } from './detect.ts';

/** A content script's report that it disabled a password field; the background decides again. */
export { LOOKALIKE_PASSWORD, type LookalikePasswordAnswer } from './password-message.ts';

/** The look-alike whose password fields a committed page must not offer, or null. */
export function passwordGuardFor(url: string, compiled: CompiledPolicy): Lookalike | null {
  if (!/^https?:\/\//i.test(url)) return null;
  const c = classifyUrl(compiled, url);
  if (isError(c)) return null;
  return lookalikeOf(c, compiled);
}

/**
 * The record of a disabled password field: `data.blocked` (a credential kept from leaving the
 * page), findings `lookalike` and `password-field`, `name` the imitated name.
 */
export function passwordEvent(url: string, lookalike: Lookalike): EventIntentLike {
  return { type: 'data.blocked', url, service: null, action: 'block', findings: ['lookalike', 'password-field'], name: lookalike.name };
}
