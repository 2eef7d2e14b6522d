/**
 * Sealed pushes (docs/policy-format.md 1.2, "Sealed pushes"). Chromium drops a managed value
 * whose JSON type differs from the managed schema (`"action": 5` in a rule, `"services":
 * ["telegram"]`) and hands the extension the rest, which can still look valid: a weaker
 * policy nobody wrote. The seal is a digest of the whole policy as IT wrote it, so the
 * extension can tell that what the browser delivered is not what was sealed.
 *
 *   seal = "sha256:" + lower-case hex SHA-256 of UTF-8( canonical(policy without "seal") )
 *
 * with canonical JSON as for the event log (docs/event-log.md: keys sorted by UTF-16 code
 * unit at every level, no whitespace, strings and numbers as JSON.stringify writes them).
 * The canonical form is what makes the seal survive every way a policy travels: key order
 * (a plist, the registry, Chrome's own dictionaries), whitespace, `\u00e9` versus `é`,
 * `30.0` versus `30` (JSON has one number type; JSON.parse gives the same value). What it
 * does not survive is a value that was dropped, added or changed — which is the point.
 */
import { canonicalJson } from '../events/canonical.ts';
import { sha256Hex } from '../events/chain.ts';

export const SEAL_PREFIX = 'sha256:';

/** The problem recorded when a managed push does not match its seal (the spec's exact words). */
export const SEAL_MISMATCH = 'the browser delivered a different policy than was sealed';
/** The problem `validate` and a local import report for a file edited after it was sealed. */
export const SEAL_CHANGED = 'does not match the policy: it was changed after it was sealed (seal it again: telehealth-guard validate --seal, or deploy, which seals)';
/** The finding on `policy.applied` for a managed policy that carries no seal. */
export const POLICY_UNSEALED_FINDING = 'policy-unsealed';

/** The exact text that is hashed: the policy without its `seal`, in canonical JSON. */
export function sealInput(policy: Readonly<Record<string, unknown>>): string {
  const { seal: _ignored, ...rest } = policy;
  return canonicalJson(rest);
}

/** The seal of a policy (any `seal` it carries is left out of the digest). */
export async function computeSeal(policy: Readonly<Record<string, unknown>>): Promise<string> {
  return SEAL_PREFIX + (await sha256Hex(sealInput(policy)));
}

export type SealCheck = 'unsealed' | 'valid' | 'mismatch';

/**
 * Whether a policy object matches the seal it carries. A `seal` that is not a string (or not
 * well formed) cannot match anything: `mismatch`, never `unsealed` — a broken seal must not
 * quietly turn into "no seal". A policy that cannot be written as canonical JSON (a value
 * JSON has no form for) cannot have been sealed either.
 */
export async function checkSeal(policy: Readonly<Record<string, unknown>>): Promise<SealCheck> {
  if (!Object.hasOwn(policy, 'seal')) return 'unsealed';
  const given = policy.seal;
  if (typeof given !== 'string') return 'mismatch';
  try {
    return given === (await computeSeal(policy)) ? 'valid' : 'mismatch';
  } catch {
    return 'mismatch';
  }
}
