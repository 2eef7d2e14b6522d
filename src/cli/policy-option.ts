import { parsePolicyText, formatProblem } from '../core/policy/parse.ts';
import { defaultPolicy } from '../core/policy/default.ts';
import type { Policy } from '../core/policy/schema.ts';
import type { CliIO } from './io.ts';

/** The policy named by --policy, or the built-in default. Null (after printing why) when unusable. */
export async function loadPolicyOption(io: CliIO, path: string | undefined): Promise<Policy | null> {
  if (path === undefined) return defaultPolicy();
  let text: string;
  try {
    text = await io.readFile(path);
  } catch (e) {
    io.err(`${path}: cannot read the policy file (${(e as Error).message})`);
    return null;
  }
  const r = parsePolicyText(text);
  if (r.ok) return r.policy;
  io.err(`${path}: the policy is invalid; run "telehealth-guard validate ${path}" for details:`);
  for (const p of r.problems) io.err(`  ${formatProblem(p)}`);
  return null;
}
