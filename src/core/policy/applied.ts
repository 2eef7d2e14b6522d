/**
 * The findings a `policy.applied` event carries (docs/event-log.md): codes only, never the
 * policy's lists, so an auditor sees from the log alone what came into force and how —
 * the tenant restrictions it sets (`tenant-restrictions:<vendor>`), and `policy-unsealed`
 * for a managed policy that carries no seal (docs/policy-format.md 1.2: applied, but the
 * extension could not tell whether the browser dropped a value on the way).
 */
import { restrictionFindings } from '../tenant-restrictions.ts';
import type { ResolvedPolicy } from './resolve.ts';
import { POLICY_UNSEALED_FINDING } from './seal.ts';

export function appliedFindings(resolved: Pick<ResolvedPolicy, 'policy' | 'unsealed'>): string[] {
  return [...restrictionFindings(resolved.policy.tenantRestrictions), ...(resolved.unsealed ? [POLICY_UNSEALED_FINDING] : [])];
}
