import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/core/classify.ts';
import { compileDnrRules } from '../../src/core/dnr.ts';
import { EXTENSION_ID, guardPageUrlFor } from '../../src/core/identity.ts';
import { drillRules } from '../../src/core/awareness/drills.ts';
import { lookalikeCandidateRules } from '../../src/core/lookalike/candidates.ts';
import { meetingGateRules } from '../../src/core/meetings/gate.ts';
import { policySchema } from '../../src/core/policy/schema.ts';
import { holdRule, RELEASE_RULE_ID, releaseRule, ruleSet, rulesInForce, startupRuleSet } from '../../src/core/ruleset.ts';
import { simulateDnr } from './dnr-simulator.ts';
import { tenantRestrictionRules } from '../../src/core/tenant-restrictions.ts';

const GUARD = guardPageUrlFor(EXTENSION_ID);
const policy = policySchema.parse({
  schemaVersion: 1,
  categories: { 'consumer-video': 'block' },
  awareness: { drills: [{ name: 'parking-fine', match: 'drill.example.org' }] },
  tenantRestrictions: { microsoft: { tenants: ['examplehealth.onmicrosoft.com'], context: '72f988bf-86f1-41af-91ab-2d7cd011db47' } },
});

describe('one rule set per policy and browser', () => {
  it('is the site rules, then the meeting gates, look-alike candidates and drills, then the tenant headers, then the start-up hold, ids from 1 without gaps', () => {
    const rules = ruleSet(policy, { browser: 'chromium', guardPageUrl: GUARD });
    const compiled = compilePolicy(policy);
    const site = compileDnrRules(compiled, { guardPageUrl: GUARD });
    const gates = meetingGateRules(GUARD, site.length + 1);
    const lookalikes = lookalikeCandidateRules(compiled, GUARD, site.length + gates.length + 1);
    const drills = drillRules(policy, GUARD, site.length + gates.length + lookalikes.length + 1);
    const headers = tenantRestrictionRules(policy.tenantRestrictions, site.length + gates.length + lookalikes.length + drills.length + 1);
    expect(lookalikes.length).toBeGreaterThan(0);
    expect(drills.length).toBeGreaterThan(0);
    expect(rules).toEqual([...site, ...gates, ...lookalikes, ...drills, ...headers, holdRule(GUARD, rules.length)]);
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

  it('the start-up ruleset is the hold alone: a new profile knows no policy yet', () => {
    expect(startupRuleSet({ browser: 'chromium', guardPageUrl: GUARD })).toEqual([holdRule(GUARD, 1)]);
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

describe('the start-up hold (docs/enforcement.md, "In force from the first moment")', () => {
  const options = { browser: 'chromium' as const, guardPageUrl: GUARD };
  const held = (url: string) => `${GUARD}#${url}`;

  it('before the policy in force is read, every navigation the kept rules do not stop goes to the guard page; other requests are not held', () => {
    const kept = ruleSet(policy, options);
    expect(simulateDnr(kept, 'https://intranet.example.org/', 'main_frame')).toEqual({ type: 'redirect', to: held('https://intranet.example.org/') });
    expect(simulateDnr(kept, 'https://intranet.example.org/frame', 'sub_frame')).toEqual({ type: 'redirect', to: held('https://intranet.example.org/frame') });
    expect(simulateDnr(kept, 'https://login.microsoftonline.com/', 'main_frame')).toEqual({ type: 'redirect', to: held('https://login.microsoftonline.com/') });
    expect(simulateDnr(kept, 'https://intranet.example.org/api', 'xmlhttprequest')).toEqual({ type: 'none' });
    // What the kept rules stop, they still stop as before (a blocked site is also cancelled for other requests).
    expect(simulateDnr(kept, 'https://facetime.apple.com/join', 'xmlhttprequest')).toEqual({ type: 'block' });
  });

  it('once read, the release lifts only the hold: what the policy stops stays stopped, its default included', () => {
    const read = rulesInForce(policy, options);
    expect(simulateDnr(read, 'https://intranet.example.org/', 'main_frame')).toEqual({ type: 'allow' });
    expect(simulateDnr(read, 'https://facetime.apple.com/join', 'main_frame')).toEqual({ type: 'redirect', to: held('https://facetime.apple.com/join') });
    const strict = policySchema.parse({ schemaVersion: 1, defaultAction: 'warn' });
    expect(simulateDnr(rulesInForce(strict, options), 'https://intranet.example.org/', 'main_frame')).toEqual({ type: 'redirect', to: held('https://intranet.example.org/') });
  });

  it('the release is a session rule: the hold is back at the next browser start (the start-up ruleset holds a new profile)', () => {
    expect(releaseRule().id).toBe(RELEASE_RULE_ID);
    expect(simulateDnr(startupRuleSet(options), 'https://example.org/', 'main_frame')).toEqual({ type: 'redirect', to: held('https://example.org/') });
    expect(simulateDnr([...startupRuleSet(options), releaseRule()], 'https://example.org/', 'main_frame')).toEqual({ type: 'allow' });
  });
});
