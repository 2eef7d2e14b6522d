import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyUrl, compilePolicy, isError } from '../../src/core/classify.ts';
import { ANOMALOUS_PATH, checkLimits, compileDnrRules, countRules, DNR_LIMITS, pathRegex, type ResourceType } from '../../src/core/dnr.ts';
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
  // What a server reads as the same path, spelt differently (issue: path evasion).
  const variant = fc.constantFrom(
    (p: string) => p,
    (p: string) => p.replace('/', '//'),
    (p: string) => p.replace(/[a-z]/, (c) => '%' + c.charCodeAt(0).toString(16)),
    (p: string) => p.replace(/[a-z]/, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()),
    (p: string) => (p ? p + ';x' : p),
    (p: string) => p.replace(/\/(?=[^/]*$)/, '%2F'),
    (p: string) => p.replace(/\/(?=[^/]*$)/, '%2f%2f'),
  );
  const action = fc.constantFrom('allow' as const, 'warn' as const, 'block' as const);
  const policy = fc.record({
    schemaVersion: fc.constant(1 as const),
    defaultAction: action,
    categories: fc.record({ 'consumer-video': action, 'consumer-messaging': action }, { requiredKeys: [] }),
    services: fc.record({ whatsapp: action, messenger: action }, { requiredKeys: [] }),
    rules: fc.array(fc.record({ match: fc.tuple(host, path).map(([h, p]) => h + p), action }), { maxLength: 20 }),
  });
  const url = fc
    .tuple(fc.constantFrom('https://', 'http://', 'https://u:p@'), fc.constantFrom('', 'www.', 'x.'), host, fc.constantFrom('', ':8443'), path, variant, fc.constantFrom('', '/', '/more', '?q=1', '#frag'), fc.boolean())
    .map(([s, sub, h, port, p, spell, rest, mapped]) => {
      const ip = h.startsWith('10.');
      return `${s}${ip ? (mapped ? `[::ffff:${h}]` : h) : sub + h}${port}${spell(p)}${rest}`;
    });
  const NAVIGATIONS: ResourceType[] = ['main_frame', 'sub_frame', 'object'];
  const OTHERS: ResourceType[] = ['xmlhttprequest', 'script', 'image', 'websocket', 'ping', 'media'];

  /** Forms the rules send to the guard page (or cancel) for the core to decide on. */
  const caughtForTheCore = (href: string) => new RegExp(ANOMALOUS_PATH, 'i').test(href) || href.includes('[::ffff:');

  it('every request type: navigations to warn/block go to the guard page, other requests to block are cancelled, nothing allowed is stopped', () => {
    fc.assert(
      fc.property(policy, fc.array(url, { minLength: 1, maxLength: 15 }), fc.constantFrom(...NAVIGATIONS), fc.constantFrom(...OTHERS), (input, urls, nav, other) => {
        const compiled = compilePolicy(policySchema.parse(input));
        const rules = compileDnrRules(compiled, { guardPageUrl: GUARD });
        for (const u of urls) {
          const c = classifyUrl(compiled, u);
          if (isError(c)) continue;
          // Chromium matches and captures a main-frame navigation with its fragment, other requests without.
          const href = nav === 'main_frame' ? new URL(u).href : new URL(u).href.replace(/#.*$/, '');
          const onNavigation = simulateDnr(rules, u, nav, 'keep');
          const onOther = simulateDnr(rules, u, other);
          if (c.action !== 'allow') expect(onNavigation, `${nav} ${u}`).toEqual({ type: 'redirect', to: `${GUARD}#${href}` });
          // Caught forms go to the guard page, where the core lets an allowed one through.
          else if (!caughtForTheCore(href)) expect(onNavigation.type, `${nav} ${u}`).not.toBe('redirect');
          else if (onNavigation.type === 'redirect') expect(onNavigation.to).toBe(`${GUARD}#${href}`);
          if (c.action === 'block') expect(onOther.type, `${other} ${u}`).toBe('block');
          else if (!caughtForTheCore(href)) expect(onOther.type, `${other} ${u}`).not.toBe('block');
        }
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
