import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyUrl, compilePolicy, isError } from '../../src/core/classify.ts';
import { checkLimits, compileDnrRules, countRules, DNR_LIMITS, pathRegex } from '../../src/core/dnr.ts';
import { defaultPolicy } from '../../src/core/policy/default.ts';
import { policySchema, type PolicyInput } from '../../src/core/policy/schema.ts';
import { makeRules } from '../../bench/classify.ts';
import { rng } from '../../bench/util.ts';
import { simulateDnr } from './dnr-simulator.ts';

const GUARD = 'chrome-extension://ifailfbikcpllpillgifgengabkkbala/guard.html';
const rulesFor = (input: Partial<PolicyInput>) => {
  const compiled = compilePolicy(policySchema.parse({ schemaVersion: 1, ...input }));
  return { compiled, rules: compileDnrRules(compiled, { guardPageUrl: GUARD }) };
};

describe('DNR rules from a policy', () => {
  it('the built-in default compiles to a handful of rules that warn on the catalog', () => {
    const compiled = compilePolicy(defaultPolicy());
    const rules = compileDnrRules(compiled, { guardPageUrl: GUARD });
    expect(rules.length).toBeLessThanOrEqual(10);
    expect(simulateDnr(rules, 'https://web.whatsapp.com/')).toEqual({ type: 'redirect', to: `${GUARD}#https://web.whatsapp.com/` });
    expect(simulateDnr(rules, 'https://www.facebook.com/messages/t/1?x=2')).toEqual({ type: 'redirect', to: `${GUARD}#https://www.facebook.com/messages/t/1?x=2` });
    expect(simulateDnr(rules, 'https://www.facebook.com/groups/1').type).toBe('none');
    expect(simulateDnr(rules, 'https://intranet.example.org/').type).toBe('none');
  });

  it('a policy with nothing to warn about or block needs no rules', () => {
    expect(rulesFor({ categories: { 'consumer-video': 'allow', 'consumer-messaging': 'allow' } }).rules).toEqual([]);
  });

  it('a more specific allow rule outranks a catalog warning', () => {
    const { rules } = rulesFor({ rules: [{ match: 'business.whatsapp.com', action: 'allow' }] });
    expect(simulateDnr(rules, 'https://business.whatsapp.com/x').type).toBe('allow');
    expect(simulateDnr(rules, 'https://web.whatsapp.com/x').type).toBe('redirect');
  });

  it('defaultAction block redirects everything no pattern allows', () => {
    const { rules } = rulesFor({ defaultAction: 'block', rules: [{ match: 'intranet.example.org', action: 'allow' }] });
    expect(simulateDnr(rules, 'https://news.example.com/').type).toBe('redirect');
    expect(simulateDnr(rules, 'https://intranet.example.org/a').type).toBe('allow');
  });

  it('path rules match on segment boundaries, case-insensitively', () => {
    const { rules } = rulesFor({ rules: [{ match: 'portal.example/chat', action: 'block' }] });
    expect(simulateDnr(rules, 'https://portal.example/chat').type).toBe('redirect');
    expect(simulateDnr(rules, 'https://portal.example/Chat/42?x').type).toBe('redirect');
    expect(simulateDnr(rules, 'https://portal.example/chatter').type).toBe('none');
    expect(simulateDnr(rules, 'https://a.portal.example:8443/chat?q').type).toBe('redirect');
    expect(new RegExp(pathRegex('/a.b')).test('https://h/aXb')).toBe(false);
  });

  it('sub-frames are guarded as well as main frames', () => {
    const { rules } = rulesFor({ categories: { 'consumer-video': 'block' } });
    expect(simulateDnr(rules, 'https://facetime.apple.com/join', 'sub_frame').type).toBe('redirect');
  });

  it('a 5,000-rule policy stays far inside the browser limits', () => {
    const random = rng(7);
    const big = makeRules(5000, random);
    const { rules } = rulesFor({ rules: big });
    const c = countRules(rules);
    expect(checkLimits(rules)).toEqual([]);
    expect(c.total).toBeLessThan(DNR_LIMITS.dynamicRules);
    expect(c.unsafe).toBeLessThan(DNR_LIMITS.unsafeDynamicRules);
    expect(c.regex).toBeLessThan(DNR_LIMITS.regexRules);
    expect(c.total).toBeLessThan(700);
    // Every rule of the policy is enforced as the classifier says.
    const compiled = compilePolicy(policySchema.parse({ schemaVersion: 1, rules: big }));
    for (const r of big.slice(0, 300)) {
      const url = `https://www.${r.match}${r.match.includes('/') ? '/x' : '/'}`;
      const want = classifyUrl(compiled, url);
      if (isError(want)) throw new Error(url);
      const got = simulateDnr(rules, url).type;
      expect(got === 'redirect' ? 'guard' : 'pass', url).toBe(want.action === 'allow' ? 'pass' : 'guard');
    }
  });
});

describe('the browser engine and the classifier agree', () => {
  const hosts = ['whatsapp.com', 'web.whatsapp.com', 't.me', 'facebook.com', 'facetime.apple.com', 'a.example', 'example', 'b.a.example', '10.0.0.1'];
  const host = fc.constantFrom(...hosts);
  const path = fc.constantFrom('', '', '/chat', '/Chat', '/chat/x', '/chatter', '/messages', '/messages/t', '/x');
  const action = fc.constantFrom('allow' as const, 'warn' as const, 'block' as const);
  const policy = fc.record({
    schemaVersion: fc.constant(1 as const),
    defaultAction: action,
    categories: fc.record({ 'consumer-video': action, 'consumer-messaging': action }, { requiredKeys: [] }),
    services: fc.record({ whatsapp: action, messenger: action }, { requiredKeys: [] }),
    rules: fc.array(fc.record({ match: fc.tuple(host, path).map(([h, p]) => h + p), action }), { maxLength: 20 }),
  });
  const url = fc
    .tuple(fc.constantFrom('https://', 'http://', 'https://u:p@'), fc.constantFrom('', 'www.', 'x.'), host, fc.constantFrom('', ':8443'), path, fc.constantFrom('', '/', '/more', '?q=1', '#frag'))
    .map(([s, sub, h, port, p, rest]) => `${s}${h.startsWith('10.') ? '' : sub}${h}${port}${p}${rest}`);

  it('warn/block become redirects and allow passes, for random policies and URLs', () => {
    fc.assert(
      fc.property(policy, fc.array(url, { minLength: 1, maxLength: 15 }), (input, urls) => {
        const compiled = compilePolicy(policySchema.parse(input));
        const rules = compileDnrRules(compiled, { guardPageUrl: GUARD });
        for (const u of urls) {
          const c = classifyUrl(compiled, u);
          if (isError(c)) continue;
          const got = simulateDnr(rules, u);
          if (c.action === 'allow') expect(got.type, u).not.toBe('redirect');
          else expect(got, u).toEqual({ type: 'redirect', to: `${GUARD}#${new URL(u).href.replace(/#.*$/, '')}` });
        }
      }),
      { numRuns: 300 },
    );
  });
});
