/**
 * The log's record of policy loads: `policy.applied` when the policy in force changes,
 * `policy.invalid` once for each distinct broken push (docs/event-log.md).
 */
import { canonicalJson } from '../core/events/canonical.ts';
import { formatProblem } from '../core/policy/parse.ts';
import { appliedFindings } from '../core/policy/applied.ts';
import type { EngineState } from './engine.ts';
import { record } from './recorder.ts';

/** Keys in storage.local. */
const APPLIED_KEY = 'appliedPolicyFingerprint';
const REPORTED_INVALID_KEY = 'reportedInvalidFingerprints';

/** A reaction to a policy load. */
export async function recordPolicyEvents(state: EngineState): Promise<void> {
  const { resolved } = state;
  const stored = await browser.storage.local.get([APPLIED_KEY, REPORTED_INVALID_KEY]);
  const applied = canonicalJson({ source: resolved.source, policy: resolved.policy });
  if (stored[APPLIED_KEY] !== applied) {
    // Codes of what came into force (core/policy/applied.ts): tenant restrictions, an unsealed push.
    const findings = appliedFindings(resolved);
    await record({ type: 'policy.applied', ...(findings.length ? { findings } : {}) }, state);
    await browser.storage.local.set({ [APPLIED_KEY]: applied });
  }
  // Each distinct broken push is reported once, not on every worker restart.
  const reported = (stored[REPORTED_INVALID_KEY] as Record<string, string> | undefined) ?? {};
  const next: Record<string, string> = {};
  for (const source of ['managed', 'local'] as const) {
    const problems = resolved.problems[source];
    if (!problems) continue;
    const lines = problems.map(formatProblem);
    next[source] = canonicalJson(lines);
    if (reported[source] !== next[source]) await record({ type: 'policy.invalid', findings: lines }, state);
  }
  await browser.storage.local.set({ [REPORTED_INVALID_KEY]: next });
}
