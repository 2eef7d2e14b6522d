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
 *
 * Sealed pushes (docs/policy-format.md 1.2): a managed policy that does not match its `seal` is
 * what the browser trimmed (a value of the wrong JSON type dropped), not what IT wrote; it is
 * refused like any invalid push, with the problem `seal: SEAL_MISMATCH`. The digest is async
 * (WebCrypto), so `resolvePolicyChecked` computes it and hands the verdict to `resolvePolicy`.
 */
import { defaultPolicy } from './default.ts';
import { parsePolicy, parsePolicyText, type PolicyProblem } from './parse.ts';
import { checkSeal, SEAL_MISMATCH, type SealCheck } from './seal.ts';
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
  /**
   * Whether `managed` matches the seal it carries (checkSeal). Left out, a managed policy
   * that carries a seal counts as not matching it: a seal nobody checked is not trusted.
   */
  managedSeal?: SealCheck;
}

export interface ResolvedPolicy {
  policy: Policy;
  source: PolicySource;
  /** True when the source's current content is invalid and its last valid policy is used. */
  fromLastValid: boolean;
  managedPresent: boolean;
  /** True when a managed policy was in force and storage.managed is now empty or unreadable. */
  managedMissing: boolean;
  /** The policy in force is a managed one without a seal (applied, and marked so). */
  unsealed: boolean;
  /** Problems of each source's current content (empty arrays are left out). */
  problems: Partial<Record<'managed' | 'local', PolicyProblem[]>>;
  /** The last valid policies to keep, updated with any source that is valid now. */
  lastValid: { managed?: unknown; local?: unknown };
}

export function resolvePolicy(inputs: PolicyInputs): ResolvedPolicy {
  const lastValid = { ...inputs.lastValid };
  const problems: ResolvedPolicy['problems'] = {};
  const managedPresent = inputs.managed !== null && Object.keys(inputs.managed).length > 0;
  const result = (policy: Policy, source: PolicySource, fromLastValid: boolean, managedMissing = false): ResolvedPolicy => ({
    policy,
    source,
    fromLastValid,
    managedPresent,
    managedMissing,
    unsealed: source === 'managed' && policy.seal === undefined,
    problems,
    lastValid,
  });

  const tryLastValid = (source: 'managed' | 'local'): Policy | null => {
    const previous = lastValid[source];
    if (previous === undefined) return null;
    const r = parsePolicy(previous);
    return r.ok ? r.policy : null;
  };

  if (managedPresent) {
    const managed = inputs.managed!;
    const seal = inputs.managedSeal ?? (Object.hasOwn(managed, 'seal') ? 'mismatch' : 'unsealed');
    const r = parsePolicy(managed);
    if (r.ok && seal !== 'mismatch') {
      lastValid.managed = managed;
      return result(r.policy, 'managed', false);
    }
    // A trimmed push may well look valid: the seal's problem first, then any others.
    problems.managed = [...(seal === 'mismatch' ? [{ path: 'seal', message: SEAL_MISMATCH }] : []), ...(r.ok ? [] : r.problems)];
    const previous = tryLastValid('managed');
    if (previous) return result(previous, 'managed', true);
  } else {
    const previous = tryLastValid('managed');
    if (previous) {
      problems.managed = [{ path: '', message: MANAGED_MISSING }];
      return result(previous, 'managed', true, true);
    }
  }
  // A managed policy that never had a valid version falls to the next source down, as
  // the spec says. Users cannot use that as a way around IT: the options page refuses
  // imports while any managed policy is present.
  if (inputs.localText !== null) {
    const r = parsePolicyText(inputs.localText);
    if (r.ok) {
      lastValid.local = JSON.parse(inputs.localText);
      return result(r.policy, 'local', false);
    }
    problems.local = r.problems;
    const previous = tryLastValid('local');
    if (previous) return result(previous, 'local', true);
  }
  return result(defaultPolicy(), 'default', false);
}

/** resolvePolicy with the managed policy's seal checked first (what the extension calls). */
export async function resolvePolicyChecked(inputs: Omit<PolicyInputs, 'managedSeal'>): Promise<ResolvedPolicy> {
  const managed = inputs.managed;
  const managedSeal = managed !== null && Object.keys(managed).length > 0 ? await checkSeal(managed) : 'unsealed';
  return resolvePolicy({ ...inputs, managedSeal });
}
