/**
 * The log's record of policy loads: `policy.applied` when the policy in force changes,
 * `policy.invalid` once for each distinct broken push (docs/event-log.md).
 */
import { canonicalJson } from '../core/events/canonical.ts';
import { formatProblem } from '../core/policy/parse.ts';
import { appliedFindings } from '../core/policy/applied.ts';
import type { EngineState } from './engine.ts';
import { record } from './recorder.ts';
import { appliedPolicy, reportedInvalid } from './storage-items.ts';


/** A reaction to a policy load. */
export async function recordPolicyEvents(state: EngineState): Promise<void> {
  const { resolved } = state;
  const applied = canonicalJson({ source: resolved.source, policy: resolved.policy });
  if ((await appliedPolicy.getValue()) !== applied) {
    // Codes of what came into force (core/policy/applied.ts): tenant restrictions, an unsealed push.
    const findings = appliedFindings(resolved);
    await record({ type: 'policy.applied', ...(findings.length ? { findings } : {}) }, state);
    await appliedPolicy.setValue(applied);
  }
  // Each distinct broken push is reported once, not on every worker restart.
  const reported = await reportedInvalid.getValue();
  const next: Record<string, string> = {};
  for (const source of ['managed', 'local'] as const) {
    const problems = resolved.problems[source];
    if (!problems) continue;
    const lines = problems.map(formatProblem);
    next[source] = canonicalJson(lines);
    if (reported[source] !== next[source]) await record({ type: 'policy.invalid', findings: lines }, state);
  }
  await reportedInvalid.setValue(next);
}
