/** Drills and one-minute lessons in the core (src/core/awareness/, src/core/guard.ts). */
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../../src/core/classify.ts';
import { drillFor, drillRules, DRILL_PRIORITY } from '../../../src/core/awareness/drills.ts';
import { LESSON_IDS, lessonDue, lessonForStop, lessonKeys, lessonText } from '../../../src/core/awareness/lessons.ts';
import { BYPASS_PRIORITY, passRule } from '../../../src/core/dnr.ts';
import { answerGuardPage, decideNavigation, decideProceed, navigationEvents, secondLine, type GuardContext } from '../../../src/core/guard.ts';
import { LANGUAGES, translator } from '../../../src/core/i18n/format.ts';
import { meetingGateRules } from '../../../src/core/meetings/gate.ts';
import { policySchema, type PolicyInput } from '../../../src/core/policy/schema.ts';
import { simulateDnr } from '../dnr-simulator.ts';

const GUARD = 'chrome-extension://ifailfbikcpllpillgifgengabkkbala/guard.html';
const POLICY: PolicyInput = {
  schemaVersion: 1,
  organization: { name: 'St Example Health' },
  meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] } } },
  awareness: {
    drills: [
      { match: 'zoom-us.drill-example.net', name: 'Q1 fake Zoom invite' },
      { match: 'training.example.org/invite', name: 'Q1 calendar invite' },
      { match: 'training.example.org/invite/teams', name: 'Q1 Teams invite' },
    ],
  },
};
const policy = policySchema.parse(POLICY);
const ctx = (input: PolicyInput = POLICY): GuardContext => ({ compiled: compilePolicy(policySchema.parse(input)), allowances: [], now: 0 });

describe('drills', () => {
  it('a drill link is recognised by host and path, the most specific pattern first', () => {
    expect(drillFor('https://zoom-us.drill-example.net/j/123?pwd=x', policy)).toMatchObject({ name: 'Q1 fake Zoom invite' });
    expect(drillFor('https://a.zoom-us.drill-example.net/', policy)).toMatchObject({ name: 'Q1 fake Zoom invite' });
    expect(drillFor('https://training.example.org/invite/abc', policy)).toMatchObject({ name: 'Q1 calendar invite' });
    expect(drillFor('https://training.example.org/Invite/teams/1', policy)).toMatchObject({ name: 'Q1 Teams invite' });
    expect(drillFor('https://training.example.org/%69nvite', policy)).toMatchObject({ name: 'Q1 calendar invite' }); // as a server reads it
    expect(drillFor('https://training.example.org/invitee', policy)).toBeNull();
    expect(drillFor('https://example.org/invite', policy)).toBeNull();
    expect(drillFor('ftp://zoom-us.drill-example.net/', policy)).toBeNull();
  });

  it('a drill link is recognised in every spelling the URL parser and canonicalHost agree on', () => {
    const labInput: PolicyInput = { ...POLICY, awareness: { drills: [...POLICY.awareness!.drills!, { match: '10.1.2.3/invite', name: 'Lab drill' }] } };
    const lab = policySchema.parse(labInput);
    // An IPv4 host written as an IPv4-mapped IPv6 address reaches the same machine.
    expect(drillFor('http://[::ffff:10.1.2.3]/invite/1', lab)).toMatchObject({ name: 'Lab drill' });
    expect(drillFor('http://[::FFFF:a01:203]/Invite', lab)).toMatchObject({ name: 'Lab drill' });
    expect(drillFor('http://0x0a010203/invite', lab)).toMatchObject({ name: 'Lab drill' });
    expect(drillFor('http://10.1.2.3.4/invite', lab)).toBeNull();
    // Case, a trailing dot and the compiled policy instead of the policy: the same answer.
    expect(drillFor('https://ZOOM-US.Drill-Example.NET./j/1', lab)).toMatchObject({ name: 'Q1 fake Zoom invite' });
    expect(drillFor('https://zoom-us.drill-example.net../j/1', lab)).toBeNull();
    expect(drillFor('https://training.example.org./Invite/Teams', compilePolicy(lab))).toMatchObject({ name: 'Q1 Teams invite' });
    // The navigation decision reads the drills compiled with the policy.
    expect(decideNavigation('http://[::ffff:10.1.2.3]/invite/1', ctx(labInput))).toMatchObject({ kind: 'block', by: 'drill', drill: { name: 'Lab drill' } });
    expect(decideNavigation('http://[::ffff:10.1.2.3]/other', ctx(labInput))).toMatchObject({ kind: 'go' });
  });

  it('opening one is the drill’s lesson page and one training.drill event with its name, host only', () => {
    const d = decideNavigation('https://zoom-us.drill-example.net/j/123?pwd=secret', ctx());
    expect(d).toMatchObject({ kind: 'block', by: 'drill', view: { drill: 'Q1 fake Zoom invite' } });
    expect(navigationEvents(d)).toEqual([{ type: 'training.drill', url: 'https://zoom-us.drill-example.net/j/123?pwd=secret', service: null, action: null, name: 'Q1 fake Zoom invite' }]);
    // Nothing to continue to, and not the look-alike warning it would otherwise be.
    expect(decideProceed({ url: 'https://zoom-us.drill-example.net/j/1', topLevel: true, sent: true }, 'reason', ctx())).toMatchObject({ ok: false });
    expect(decideNavigation('https://zoom-us.other-example.net/', ctx())).toMatchObject({ by: 'lookalike' });
  });

  it('judged in the top frame only (a page framing a drill link records nothing)', () => {
    expect(secondLine('https://training.example.org/invite/1', true, null, ctx())).toMatchObject({ by: 'drill' });
    expect(secondLine('https://training.example.org/invite/1', false, null, ctx())).toBeNull();
  });

  it('the browser sends drill links to the guard page first, above the meeting gate and any pass', () => {
    const rules = [...meetingGateRules(GUARD, 1), ...drillRules(policy, GUARD, 100)];
    const url = 'https://zoom-us.drill-example.net/j/123';
    expect(simulateDnr([...rules, passRule(500, 3, url)], url, 'main_frame', 'drop', 3)).toEqual({ type: 'redirect', to: `${GUARD}#${url}` });
    expect(simulateDnr(rules, 'https://training.example.org/invite/x')).toEqual({ type: 'redirect', to: `${GUARD}#https://training.example.org/invite/x` });
    expect(simulateDnr(rules, 'https://training.example.org/other')).toEqual({ type: 'none' });
    expect(simulateDnr(rules, 'https://zoom-us.drill-example.net/x', 'sub_frame')).toEqual({ type: 'none' });
    expect(DRILL_PRIORITY).toBeGreaterThan(BYPASS_PRIORITY);
    expect(DRILL_PRIORITY).toBeLessThan(2 ** 24); // Chromium ranks priority × 256 in 32 bits
  });
});

describe('one-minute lessons', () => {
  it('each stop teaches its kind', () => {
    expect(lessonForStop('site', 'consumer-messaging')).toBe('consumer-app');
    expect(lessonForStop('site', 'consumer-video')).toBe('consumer-app');
    expect(lessonForStop('site', null)).toBeNull();
    expect(lessonForStop('meeting', null)).toBe('meeting-link');
    expect(lessonForStop('lookalike', null)).toBe('lookalike');
    expect(lessonForStop('drill', null)).toBeNull();
  });

  it('a guard page that may act is told its lesson; a framed or site-opened one is not', () => {
    const c = ctx({ ...POLICY, categories: { 'consumer-messaging': 'warn' } });
    expect(answerGuardPage({ url: 'https://web.whatsapp.com/', topLevel: true, sent: true }, c)).toMatchObject({ show: 'page', lesson: 'consumer-app' });
    expect(answerGuardPage({ url: 'https://web.whatsapp.com/', topLevel: false, sent: false }, c)).toMatchObject({ show: 'page', lesson: null });
    expect(answerGuardPage({ url: 'https://web.whatsapp.com/', topLevel: true, sent: false }, c)).toMatchObject({ show: 'page', lesson: null });
    expect(answerGuardPage({ url: 'https://zооm.us/', topLevel: true, sent: true }, c)).toMatchObject({ lesson: 'lookalike' });
  });

  it('due once per kind, and never when the policy turns lessons off', () => {
    expect(lessonDue('camera', new Set(), policy)).toBe(true);
    expect(lessonDue('camera', new Set(['camera']), policy)).toBe(false);
    expect(lessonDue('camera', new Set(), policySchema.parse({ ...POLICY, awareness: { lessons: false } }))).toBe(false);
    expect(lessonDue(null, new Set(), policy)).toBe(false);
  });

  it('three lines in each language, the organisation named', () => {
    for (const lang of Object.keys(LANGUAGES) as Array<keyof typeof LANGUAGES>) {
      const t = translator(lang);
      for (const id of LESSON_IDS) {
        const l = lessonText(id, t, { org: 'St Example Health', Org: 'St Example Health' });
        expect(l.lines).toHaveLength(3);
        for (const text of [l.title, ...l.lines]) expect(text, `${lang} ${id}`).not.toMatch(/^lesson_|\{/);
      }
    }
    expect(lessonKeys()).toHaveLength(LESSON_IDS.length * 4);
  });
});
