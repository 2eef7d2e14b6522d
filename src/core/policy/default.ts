import defaultJson from '../../../policies/default.json' with { type: 'json' };
import { parsePolicy } from './parse.ts';
import type { Policy } from './schema.ts';

/**
 * The built-in default policy (policies/default.json). It ships inside the extension
 * and is what the command line uses without --policy; a test keeps it valid.
 */
export function defaultPolicy(): Policy {
  const r = parsePolicy(defaultJson);
  if (!r.ok) throw new Error(`policies/default.json is invalid: ${r.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return r.policy;
}
