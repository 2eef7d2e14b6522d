/**
 * Look-alikes in the one guard decision (src/core/guard.ts) and in the rule set
 * (src/core/lookalike/candidates.ts): the policy's action with finding `lookalike` and the
 * imitated name; real hosts untouched; IDN and brand-containing hosts sent to the guard page
 * before any request, innocent ones passed on.
 */
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../../src/core/classify.ts';
import { allowanceRule, compileDnrRules, passRule } from '../../../src/core/dnr.ts';
import { decideNavigation, decideProceed, navigationEvents, secondLine, type Allowance, type GuardContext } from '../../../src/core/guard.ts';
import { coveringWords, lookalikeCandidateRules } from '../../../src/core/lookalike/candidates.ts';
import { LOOKALIKE_PRIORITY } from '../../../src/core/lookalike/decide.ts';
import { meetingGateRules } from '../../../src/core/meetings/gate.ts';
import { policySchema, type PolicyInput } from '../../../src/core/policy/schema.ts';
import { simulateDnr } from '../dnr-simulator.ts';

const GUARD = 'chrome-extension://ifailfbikcpllpillgifgengabkkbala/guard.html';
const NOW = 1_800_000_000_000;
const POLICY: PolicyInput = {
  schemaVersion: 1,
  organization: { name: 'St Example Health' },
  sanctionedPlatforms: [{ name: 'Example Health Zoom', url: 'https://examplehealth.zoom.us/' }],
  meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] } } },
  detection: { protect: ['examplehealth.org'] },
};

function ctx(input: PolicyInput = POLICY, allowances: Allowance[] = []): GuardContext {
  return { compiled: compilePolicy(policySchema.parse(input)), allowances, now: NOW };
}

const LOOKALIKES: Array<[string, string]> = [
  ['https://zооm.us/j/123456789', 'Zoom'],
  ['https://www.whatsаpp.com/', 'WhatsApp'],
  ['https://login.microsoftonIine.com/common/oauth2', 'Microsoft'],
  ['https://rnicrosoft.com/', 'Microsoft'],
  ['https://zoom.us.example.net/j/1', 'Zoom'],
  ['https://zoom-us.meeting-join.com/j/1', 'Zoom'],
  ['https://accounts-google.example/signin', 'Google'],
  ['https://examp1ehealth.org/', 'examplehealth.org'],
];
const REAL = [
  'https://zoom.us/j/123456789?pwd=x',
  'https://examplehealth.zoom.us/j/1',
  'https://login.microsoftonline.com/common/oauth2',
  'https://accounts.google.com/signin',
  'https://examplehealth.webex.com/meet/x',
  'https://intranet.examplehealth.org/',
  'https://zoominfo.com/',
  'https://xn--bcher-kva.example/', // an IDN that imitates nothing
];

describe('decideNavigation', () => {
  it.each(LOOKALIKES)('%s: warned as not %s, with finding lookalike and the name', (url, name) => {
    const d = decideNavigation(url, ctx());
    expect(d).toMatchObject({ kind: 'warn', by: 'lookalike', view: { imitates: name, mode: 'warn', scope: 'site' } });
    const events = navigationEvents(d);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'navigation.warned', action: 'warn', name });
    expect(events[0]!.findings).toContain('lookalike');
  });

  it.each(REAL)('%s: untouched', (url) => {
    const d = decideNavigation(url, ctx());
    expect(d.kind === 'go' || (d.kind !== 'unreadable' && d.by === 'meeting')).toBe(true);
    if (d.kind === 'go') expect(d.lookalike ?? null).toBeNull();
  });

  it('takes the policy’s action, or the site’s if stricter', () => {
    expect(decideNavigation('https://zооm.us/', ctx({ ...POLICY, detection: { lookalikes: 'block' } }))).toMatchObject({ kind: 'block', by: 'lookalike' });
    // A blocked site that is also a look-alike says what it imitates.
    const blocked = ctx({ ...POLICY, rules: [{ match: 'meeting-join.com', action: 'block' }] });
    expect(decideNavigation('https://zoom-us.meeting-join.com/', blocked)).toMatchObject({ kind: 'block', by: 'lookalike', view: { imitates: 'Zoom' } });
  });

  it('with look-alikes allowed, the page goes on but the decision still names it (its password fields are disabled)', () => {
    const d = decideNavigation('https://zооm.us/', ctx({ ...POLICY, detection: { lookalikes: 'allow' } }));
    expect(d).toMatchObject({ kind: 'go', lookalike: { name: 'Zoom', form: 'confusable' } });
    expect(navigationEvents(d)).toEqual([]);
  });

  it('an organisation rule that allows the host is IT’s word (validate warns about it)', () => {
    const d = decideNavigation('https://zoom-us.example.net/', ctx({ ...POLICY, rules: [{ match: 'zoom-us.example.net', action: 'allow' }] }));
    expect(d).toMatchObject({ kind: 'go', lookalike: null });
  });

  it('continuing allows exactly that host, above the look-alike rules; the second line agrees', () => {
    const sender = { url: 'https://zoom-us.meeting-join.com/j/1', topLevel: true, sent: true };
    const answer = decideProceed(sender, 'checked with IT', ctx());
    expect(answer).toMatchObject({ ok: true, allowance: { host: 'zoom-us.meeting-join.com', path: '', priority: LOOKALIKE_PRIORITY }, event: { type: 'navigation.proceeded', name: 'Zoom' } });
    const allowance = { ...(answer as { allowance: Omit<Allowance, 'expiresAt'> }).allowance, expiresAt: NOW + 60_000 };
    const after = ctx(POLICY, [allowance]);
    expect(decideNavigation('https://zoom-us.meeting-join.com/other', after)).toMatchObject({ kind: 'go', lookalike: { name: 'Zoom' } });
    expect(secondLine('https://zoom-us.meeting-join.com/other', true, null, after)).toBeNull();
    // The allowance rule beats the candidate rule in the browser too.
    const rules = [...rulesFor(POLICY), allowanceRule(9000, allowance)];
    expect(simulateDnr(rules, 'https://zoom-us.meeting-join.com/other')).toEqual({ type: 'allow' });
    // A look-alike block cannot be continued.
    expect(decideProceed(sender, 'checked with IT', ctx({ ...POLICY, detection: { lookalikes: 'block' } }))).toMatchObject({ ok: false });
  });

  it('the second line catches what commits on a look-alike, in frames too', () => {
    expect(secondLine('https://microsoftoniine.com/', true, null, ctx())).toMatchObject({ by: 'lookalike' });
    expect(secondLine('https://microsoftoniine.com/', false, null, ctx())).toMatchObject({ by: 'lookalike' });
  });
});

function rulesFor(input: PolicyInput) {
  const compiled = compilePolicy(policySchema.parse(input));
  return compileDnrRules(compiled, {
    guardPageUrl: GUARD,
    extra: (id) => {
      const gates = meetingGateRules(GUARD, id);
      return [...gates, ...lookalikeCandidateRules(compiled, GUARD, id + gates.length)];
    },
  });
}

describe('before any request: the candidate rules', () => {
  const rules = rulesFor(POLICY);
  const toGuard = (url: string) => ({ type: 'redirect', to: `${GUARD}#${new URL(url).href}` });

  it.each([
    'https://zооm.us/j/123456789', // IDN
    'https://www.whatsаpp.com/',
    'https://zoom.us.example.net/j/1', // brand
    'https://zoom-us.meeting-join.com/j/1',
    'https://accounts-google.example/signin',
    'https://ZOOMUS.COM/',
    'https://examplehealth-login.example/',
  ])('%s goes to the guard page before any request', (url) => {
    expect(simulateDnr(rules, url)).toEqual(toGuard(url));
  });

  it.each(['https://zoom.us/', 'https://us02web.zoom.us/', 'https://login.microsoftonline.com/', 'https://accounts.google.com/', 'https://intranet.examplehealth.org/', 'https://example.com/'])(
    '%s takes no detour',
    (url) => {
      expect(simulateDnr(rules, url).type).not.toBe('redirect');
    },
  );

  it('innocent candidates go on at once through the one-time pass', () => {
    const url = 'https://zoominfo.com/';
    expect(simulateDnr(rules, url)).toEqual(toGuard(url));
    expect(decideNavigation(url, ctx()).kind).toBe('go');
    expect(simulateDnr([...rules, passRule(9001, 7, url)], url, 'main_frame', 'drop', 7)).toEqual({ type: 'allow' });
  });

  it('sits above every policy rule (a parent domain allowed) and below the meeting gate', () => {
    const allowParent = rulesFor({ ...POLICY, defaultAction: 'warn', rules: [{ match: 'example.net', action: 'allow' }] });
    expect(simulateDnr(allowParent, 'https://zoom.us.example.net/')).toEqual(toGuard('https://zoom.us.example.net/'));
    const gate = meetingGateRules(GUARD, 1)[0]!;
    expect(LOOKALIKE_PRIORITY).toBeLessThan(gate.priority);
  });

  it('none when the policy allows look-alikes; otherwise one for IDN hosts and one per covering brand word', () => {
    const compiled = (input: PolicyInput) => compilePolicy(policySchema.parse(input));
    expect(lookalikeCandidateRules(compiled({ ...POLICY, detection: { lookalikes: 'allow' } }), GUARD, 1)).toEqual([]);
    const rules = lookalikeCandidateRules(compiled(POLICY), GUARD, 1);
    expect(rules.map((r) => r.id)).toEqual(rules.map((_, i) => 1 + i));
    expect(rules.map((r) => r.condition.regexFilter)).toEqual([
      '^(https?://[^/?#]*xn--.*)$',
      ...['examplehealth', 'gmail', 'google', 'microsoft', 'office365', 'webex', 'zoom'].map((w) => `^(https?://[^/?#]*${w}.*)$`),
    ]);
    expect(coveringWords(['microsoftonline', 'microsoft', 'zoomgov', 'zoom', 'gmail'])).toEqual(['gmail', 'microsoft', 'zoom']);
  });
});
