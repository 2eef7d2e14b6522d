/**
 * Which policy is in force (docs/policy-format.md, "Where a policy comes from"): managed storage,
 * else a local policy imported on the options page, else the built-in default. An
 * invalid policy never lowers protection: it is refused whole, the last valid policy of
 * the same source stays in force (or, if there never was one, the next source down),
 * and its problems are reported.
 *
 * Fail closed (docs/policy-format.md 1.1): once a managed policy has been in force, an empty,
 * unreadable or missing managed policy keeps that last managed policy in force and is
 * reported as MANAGED_MISSING. Only a valid managed policy replaces it; README.md, "Ending
 * management", says how IT hands a profile back. Pure, so the rules are tested without
 * a browser.
 */
import { defaultPolicy } from './default.ts';
import { parsePolicy, parsePolicyText, type PolicyProblem } from './parse.ts';
import type { Policy, PolicySource } from './schema.ts';

/** The one problem recorded when a managed policy that was in force is gone. */
export const MANAGED_MISSING = 'managed policy missing or unreadable';

export interface PolicyInputs {
  /** What storage.managed holds: {} when no managed policy is pushed, null when it cannot be read. */
  managed: Record<string, unknown> | null;
  /** The local policy's JSON text as imported, or null. */
  localText: string | null;
  /** The last valid policy each source delivered, as it was written (not defaults-filled). */
  lastValid: { managed?: unknown; local?: unknown };
}

export interface ResolvedPolicy {
  policy: Policy;
  source: PolicySource;
  /** True when the source's current content is invalid and its last valid policy is used. */
  fromLastValid: boolean;
  managedPresent: boolean;
  /** True when a managed policy was in force and storage.managed is now empty or unreadable. */
  managedMissing: boolean;
  /** Problems of each source's current content (empty arrays are left out). */
  problems: Partial<Record<'managed' | 'local', PolicyProblem[]>>;
  /** The last valid policies to keep, updated with any source that is valid now. */
  lastValid: { managed?: unknown; local?: unknown };
}

export function resolvePolicy(inputs: PolicyInputs): ResolvedPolicy {
  const lastValid = { ...inputs.lastValid };
  const problems: ResolvedPolicy['problems'] = {};
  const managedPresent = inputs.managed !== null && Object.keys(inputs.managed).length > 0;

  const tryLastValid = (source: 'managed' | 'local'): Policy | null => {
    const previous = lastValid[source];
    if (previous === undefined) return null;
    const r = parsePolicy(previous);
    return r.ok ? r.policy : null;
  };

  let fromLastValid = false;
  const managedMissing = false;
  if (managedPresent) {
    const r = parsePolicy(inputs.managed);
    if (r.ok) {
      lastValid.managed = inputs.managed;
      return { policy: r.policy, source: 'managed', fromLastValid, managedPresent, managedMissing, problems, lastValid };
    }
    problems.managed = r.problems;
    const previous = tryLastValid('managed');
    if (previous) return { policy: previous, source: 'managed', fromLastValid: true, managedPresent, managedMissing, problems, lastValid };
  } else {
    const previous = tryLastValid('managed');
    if (previous) {
      problems.managed = [{ path: '', message: MANAGED_MISSING }];
      return { policy: previous, source: 'managed', fromLastValid: true, managedPresent, managedMissing: true, problems, lastValid };
    }
  }
  // A managed policy that never had a valid version falls to the next source down, as
  // the spec says. Users cannot use that as a way around IT: the options page refuses
  // imports while any managed policy is present.
  if (inputs.localText !== null) {
    const r = parsePolicyText(inputs.localText);
    if (r.ok) {
      lastValid.local = JSON.parse(inputs.localText);
      return { policy: r.policy, source: 'local', fromLastValid, managedPresent, managedMissing, problems, lastValid };
    }
    problems.local = r.problems;
    const previous = tryLastValid('local');
    if (previous) {
      fromLastValid = true;
      return { policy: previous, source: 'local', fromLastValid, managedPresent, managedMissing, problems, lastValid };
    }
  }
  return { policy: defaultPolicy(), source: 'default', fromLastValid, managedPresent, managedMissing, problems, lastValid };
}
