/**
 * The look-alike check's place in the one guard decision (src/core/guard.ts) and the rule
 * set (docs/lookalikes.md, "Before any request"). Kept here so the decision's hook is one
 * call.
 */
import type { Classification, CompiledPolicy } from '../classify.ts';
import { BYPASS_PRIORITY } from '../dnr.ts';
import { detectLookalike, type Lookalike } from './detect.ts';

/**
 * The look-alike a classified URL's host is, or null. An organisation rule that allows the
 * host is IT's word that it is theirs (`validate` warns when such a rule's host looks like a
 * platform or sign-in host).
 */
export function lookalikeOf(c: Classification, compiled: CompiledPolicy): Lookalike | null {
  if (c.source === 'rule' && c.action === 'allow') return null;
  if (!/^https?:/i.test(c.url)) return null;
  return detectLookalike(compiled.lookalikes, c.host);
}

/** The event's findings: `lookalike` and the form (`lookalike-confusable`, `-typo`, `-brand`). */
export function lookalikeFindings(l: Lookalike): string[] {
  return ['lookalike', `lookalike-${l.form}`];
}

/**
 * The look-alike candidate rules: above every policy rule (a policy allowing a parent domain
 * must not let `zoom.us.example.net` past), below the meeting-link gate and the one-time pass.
 * A "continue" allowance on a look-alike sits here too, and wins (allow beats redirect at
 * equal priority).
 */
export const LOOKALIKE_PRIORITY = BYPASS_PRIORITY - 2;
