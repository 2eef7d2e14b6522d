/**
 * What content scripts may ask the background: the policy in force, without what a
 * page's process has no business holding (the collector token).
 */
import type { Policy } from '../../core/policy/schema.ts';

export const CONTENT_POLICY_REQUEST = 'telehealth-guard/content-policy' as const;

export type ContentPolicy = Omit<Policy, 'reporting'>;

export function contentPolicy(policy: Policy): ContentPolicy {
  const { reporting: _omitted, ...rest } = policy;
  return rest;
}

export async function fetchContentPolicy(): Promise<ContentPolicy> {
  const r = (await browser.runtime.sendMessage({ kind: CONTENT_POLICY_REQUEST })) as { policy?: ContentPolicy; error?: string };
  if (!r?.policy) throw new Error(r?.error ?? 'no policy');
  return r.policy;
}
