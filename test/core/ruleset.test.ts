import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/core/classify.ts';
import { compileDnrRules } from '../../src/core/dnr.ts';
import { EXTENSION_ID, guardPageUrlFor } from '../../src/core/identity.ts';
import { drillRules } from '../../src/core/awareness/drills.ts';
import { lookalikeCandidateRules } from '../../src/core/lookalike/candidates.ts';
import { meetingGateRules } from '../../src/core/meetings/gate.ts';
import { defaultPolicy } from '../../src/core/policy/default.ts';
import { policySchema } from '../../src/core/policy/schema.ts';
import { ruleSet, startupRuleSet } from '../../src/core/ruleset.ts';
import { tenantRestrictionRules } from '../../src/core/tenant-restrictions.ts';

const GUARD = guardPageUrlFor(EXTENSION_ID);
const policy = policySchema.parse({
  schemaVersion: 1,
  categories: { 'consumer-video': 'block' },
  awareness: { drills: [{ name: 'parking-fine', match: 'drill.example.org' }] },
  tenantRestrictions: { microsoft: { tenants: ['examplehealth.onmicrosoft.com'], context: '72f988bf-86f1-41af-91ab-2d7cd011db47' } },
});

describe('one rule set per policy and browser', () => {
  it('is the site rules, then the meeting gates, look-alike candidates and drills, then the tenant headers, ids from 1 without gaps', () => {
    const rules = ruleSet(policy, { browser: 'chromium', guardPageUrl: GUARD });
    const compiled = compilePolicy(policy);
    const site = compileDnrRules(compiled, { guardPageUrl: GUARD });
    const gates = meetingGateRules(GUARD, site.length + 1);
    const lookalikes = lookalikeCandidateRules(compiled, GUARD, site.length + gates.length + 1);
    const drills = drillRules(policy, GUARD, site.length + gates.length + lookalikes.length + 1);
    const headers = tenantRestrictionRules(policy.tenantRestrictions, site.length + gates.length + lookalikes.length + drills.length + 1);
    expect(lookalikes.length).toBeGreaterThan(0);
    expect(drills.length).toBeGreaterThan(0);
    expect(rules).toEqual([...site, ...gates, ...lookalikes, ...drills, ...headers]);
    expect(rules.map((r) => r.id)).toEqual(rules.map((_, i) => i + 1));
  });

  it('leaves out the meeting gates when the policy does not check links on open', () => {
    const off = policySchema.parse({ schemaVersion: 1, meetings: { checkNavigation: false } });
    expect(ruleSet(off, { browser: 'chromium', guardPageUrl: GUARD }).some((r) => r.priority === meetingGateRules(GUARD, 1)[0]!.priority)).toBe(false);
  });

  it('lists only request types the browser knows: no webtransport or webbundle on Firefox', () => {
    const types = (browser: 'chromium' | 'firefox') =>
      ruleSet(policy, { browser, guardPageUrl: GUARD })
        .filter((r) => r.action.type === 'modifyHeaders')
        .flatMap((r) => r.condition.resourceTypes ?? []);
    expect(types('chromium')).toContain('webtransport');
    expect(types('firefox')).not.toContain('webtransport');
    expect(types('firefox')).not.toContain('webbundle');
  });

  it('the start-up ruleset is built by the same function', () => {
    expect(startupRuleSet({ browser: 'chromium', guardPageUrl: GUARD })).toEqual(ruleSet(defaultPolicy(), { browser: 'chromium', guardPageUrl: GUARD }));
  });

  it('nothing else assembles rules: the parts are called only from src/core/ruleset.ts', () => {
    const files = ['wxt.config.ts', ...walk('src'), ...walk('entrypoints')];
    const callers = files.filter((f) => /\b(compileDnrRules|meetingGateRules|lookalikeCandidateRules|drillRules|tenantRestrictionRules)\(/.test(readFileSync(f, 'utf8')));
    // Each part is defined in its own module; only the rule-set function calls them.
    expect(callers.sort()).toEqual(['src/core/awareness/drills.ts', 'src/core/dnr.ts', 'src/core/lookalike/candidates.ts', 'src/core/meetings/gate.ts', 'src/core/ruleset.ts', 'src/core/tenant-restrictions.ts']);
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}
