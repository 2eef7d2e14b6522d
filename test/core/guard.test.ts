/** The guard decision (src/core/guard.ts): every branch, and the review's attacks at the level of the core. */
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/core/classify.ts';
import { allowanceRule, compileDnrRules, passRule } from '../../src/core/dnr.ts';
import { answerGuardPage, decideNavigation, decideProceed, navigationEvents, secondLine, type Allowance, type GuardContext, type GuardSender } from '../../src/core/guard.ts';
import { policySchema, type PolicyInput } from '../../src/core/policy/schema.ts';
import { simulateDnr } from './dnr-simulator.ts';

const GUARD = 'chrome-extension://ifailfbikcpllpillgifgengabkkbala/guard.html';
const POLICY: PolicyInput = {
  schemaVersion: 1,
  organization: { name: 'St Example Health' },
  categories: { 'consumer-video': 'block', 'consumer-messaging': 'warn' },
  rules: [
    { match: 'call.whatsapp.com', action: 'block' },
    { match: 'portal.example.org/chat', action: 'warn', label: 'Portal chat' },
    { match: 'portal.example.org/chat/secure', action: 'block' },
  ],
  warn: { requireReason: true, bypassMinutes: 30 },
  meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] } } },
};
const NOW = 1_800_000_000_000;

function ctx(allowances: Allowance[] = [], input: PolicyInput = POLICY): GuardContext {
  return { compiled: compilePolicy(policySchema.parse(input)), allowances, now: NOW };
}
const acting = (url: string): GuardSender => ({ url, topLevel: true, sent: true });
const framed = (url: string): GuardSender => ({ url, topLevel: false, sent: false });
const siteOpened = (url: string): GuardSender => ({ url, topLevel: true, sent: false });

describe('decideNavigation', () => {
  it('blocks and warns as the policy says', () => {
    expect(decideNavigation('https://facetime.apple.com/join', ctx())).toMatchObject({ kind: 'block', by: 'site' });
    expect(decideNavigation('https://web.whatsapp.com/', ctx())).toMatchObject({ kind: 'warn', by: 'site' });
    expect(decideNavigation('https://intranet.example.org/', ctx())).toMatchObject({ kind: 'go', meeting: null });
  });

  it('an allowance covers exactly its origin (scheme, host, port), and only its path scope', () => {
    const whatsapp: Allowance = { origin: 'https://whatsapp.com', host: 'whatsapp.com', path: '', priority: 20_000, expiresAt: NOW + 1 };
    expect(decideNavigation('https://whatsapp.com/x', ctx([whatsapp])).kind).toBe('go');
    expect(decideNavigation('https://WhatsApp.com:443/x', ctx([whatsapp])).kind).toBe('go');
    expect(decideNavigation('http://whatsapp.com/x', ctx([whatsapp])).kind).toBe('warn');
    expect(decideNavigation('https://whatsapp.com:8443/x', ctx([whatsapp])).kind).toBe('warn');
    expect(decideNavigation('https://web.whatsapp.com/', ctx([whatsapp])).kind).toBe('warn');
    expect(decideNavigation('https://call.whatsapp.com/', ctx([whatsapp])).kind).toBe('block');
    const chat: Allowance = { origin: 'https://portal.example.org', host: 'portal.example.org', path: '/chat', priority: 30_006, expiresAt: NOW + 1 };
    expect(decideNavigation('https://portal.example.org/chat/1', ctx([chat])).kind).toBe('go');
    expect(decideNavigation('https://portal.example.org//chat;x', ctx([chat])).kind).toBe('go');
    expect(decideNavigation('https://portal.example.org/chat/secure', ctx([chat])).kind).toBe('block');
  });

  it('an expired allowance covers nothing', () => {
    expect(decideNavigation('https://whatsapp.com/', ctx([{ origin: 'https://whatsapp.com', host: 'whatsapp.com', path: '', priority: 20_000, expiresAt: NOW }])).kind).toBe('warn');
  });

  it('meeting links: ok goes on with its analysis; warn and block stop', () => {
    expect(decideNavigation('https://examplehealth.zoom.us/j/81234567890?pwd=x', ctx())).toMatchObject({ kind: 'go', meeting: { platform: 'zoom', verdict: 'ok' } });
    expect(decideNavigation('https://us05web.zoom.us/j/6045550199', ctx())).toMatchObject({ kind: 'warn', by: 'meeting' });
    expect(decideNavigation('https://zoom.us/s/81234567890?zak=abc', ctx())).toMatchObject({ kind: 'block', by: 'meeting' });
  });

  it('what is not a web address is unreadable', () => {
    for (const u of ['javascript:alert(1)', 'not a url', 'https://', 'data:text/html,x']) expect(decideNavigation(u, ctx()).kind, u).toBe('unreadable');
  });
});

describe('navigationEvents', () => {
  it('a warning, a block, and a meeting link checked first', () => {
    expect(navigationEvents(decideNavigation('https://web.whatsapp.com/?q=secret', ctx()))).toEqual([
      { type: 'navigation.warned', url: 'https://web.whatsapp.com/?q=secret', service: 'whatsapp', action: 'warn' },
    ]);
    const start = navigationEvents(decideNavigation('https://zoom.us/s/81234567890?zak=abc', ctx()));
    expect(start.map((e) => [e.type, e.service, e.action])).toEqual([
      ['link.checked', 'zoom', 'block'],
      ['navigation.blocked', 'zoom', 'block'],
    ]);
    expect(navigationEvents(decideNavigation('https://examplehealth.zoom.us/j/81234567890?pwd=x', ctx())).map((e) => e.type)).toEqual(['link.checked']);
    expect(navigationEvents(decideNavigation('https://intranet.example.org/', ctx()))).toEqual([]);
    expect(navigationEvents({ kind: 'unreadable' })).toEqual([]);
  });
});

describe('answerGuardPage: only a top-level page the extension sent there may act', () => {
  it('a warning offers a way through only to an acting page', () => {
    expect(answerGuardPage(acting('https://web.whatsapp.com/'), ctx())).toMatchObject({ show: 'page', mayContinue: true });
    expect(answerGuardPage(framed('https://web.whatsapp.com/'), ctx())).toMatchObject({ show: 'page', mayContinue: false });
    expect(answerGuardPage(siteOpened('https://web.whatsapp.com/'), ctx())).toMatchObject({ show: 'page', mayContinue: false });
  });
  it('a block never offers one', () => {
    expect(answerGuardPage(acting('https://facetime.apple.com/'), ctx())).toMatchObject({ show: 'page', mayContinue: false });
  });
  it('an allowed URL: a pass only for an acting page; a framed page does not go on (the same rule would send it back)', () => {
    expect(answerGuardPage(acting('https://apple.com/'), ctx())).toEqual({ show: 'go', pass: true, navigate: true });
    // A frame the extension sent goes on with a frame's pass (an ok meeting the gate sent here must not come back)…
    expect(answerGuardPage({ ...framed('https://apple.com/'), sent: true }, ctx())).toEqual({ show: 'go', pass: true, navigate: true });
    // …one a site framed itself gets nothing.
    expect(answerGuardPage(framed('https://apple.com/'), ctx())).toEqual({ show: 'go', pass: false, navigate: false });
    expect(answerGuardPage(siteOpened('https://apple.com/'), ctx())).toEqual({ show: 'go', pass: false, navigate: true });
  });
  it('nothing to continue to when the URL is not a web address', () => {
    expect(answerGuardPage(acting("javascript:document.title='owned'"), ctx())).toEqual({ show: 'nothing', reason: 'unreadable' });
  });
});

describe('decideProceed', () => {
  it('refuses pages that may not act, blocks, and short reasons', () => {
    expect(decideProceed(framed('https://web.whatsapp.com/'), 'a long enough reason', ctx())).toMatchObject({ ok: false });
    expect(decideProceed(siteOpened('https://web.whatsapp.com/'), 'a long enough reason', ctx())).toMatchObject({ ok: false });
    expect(decideProceed(acting('https://facetime.apple.com/'), 'a long enough reason', ctx())).toMatchObject({ ok: false, error: 'St Example Health blocks this; it cannot be opened.' });
    expect(decideProceed(acting('https://zoom.us/s/81234567890?zak=abc'), 'a long enough reason', ctx())).toMatchObject({ ok: false });
    expect(decideProceed(acting('https://web.whatsapp.com/'), '  ok ', ctx())).toMatchObject({ ok: false });
  });

  it('a warned site: an allowance for exactly its origin at the warning rule priority, and the event', () => {
    const r = decideProceed(acting('https://web.whatsapp.com/chat?x=1'), 'Patient sent a photo', ctx());
    expect(r).toEqual({
      ok: true,
      allowance: { origin: 'https://web.whatsapp.com', host: 'web.whatsapp.com', path: '', priority: 20_000, minutes: 30 },
      pass: true,
      event: { type: 'navigation.proceeded', url: 'https://web.whatsapp.com/chat?x=1', service: 'whatsapp', action: 'warn', reason: 'Patient sent a photo' },
    });
  });

  it('a path rule warned: the allowance is for that path only', () => {
    const r = decideProceed(acting('https://portal.example.org/chat/42'), 'Reply to a patient', ctx());
    expect(r).toMatchObject({ ok: true, allowance: { host: 'portal.example.org', path: '/chat' } });
  });

  it('a warned meeting link: no allowance, a pass for that link once', () => {
    const r = decideProceed(acting('https://us05web.zoom.us/j/6045550199'), 'Patient only has this link', ctx());
    expect(r).toMatchObject({ ok: true, allowance: null, pass: true, event: { service: 'zoom' } });
  });

  it('reasons are one line', () => {
    const r = decideProceed(acting('https://web.whatsapp.com/'), 'a\nb\nc', ctx());
    expect(r).toMatchObject({ ok: true, event: { reason: 'a b c' } });
  });
});

describe('secondLine: a commit the rules should have stopped', () => {
  it('sends a warned or blocked commit to the guard page unless an allowance or the pass covers it', () => {
    expect(secondLine('https://web.whatsapp.com/', true, null, ctx())).toMatchObject({ kind: 'warn' });
    expect(secondLine('https://web.whatsapp.com/', true, null, ctx([{ origin: 'https://web.whatsapp.com', host: 'web.whatsapp.com', path: '', priority: 20_000, expiresAt: NOW + 1 }]))).toBeNull();
    expect(secondLine('https://us05web.zoom.us/j/6045550199#x', true, 'https://us05web.zoom.us/j/6045550199', ctx())).toBeNull();
    expect(secondLine('https://facetime.apple.com/', true, null, ctx())).toMatchObject({ kind: 'block' });
    expect(secondLine('https://intranet.example.org/', true, null, ctx())).toBeNull();
  });
  it('meeting links are judged in frames too: an unsafe meeting is not loaded in a frame', () => {
    expect(secondLine('https://us05web.zoom.us/j/6045550199', false, null, ctx())).toMatchObject({ kind: 'warn', by: 'meeting' });
  });
  it('the pass of one URL does not cover another', () => {
    expect(secondLine('https://zoom.us/s/81234567890?zak=abc', true, 'https://us05web.zoom.us/j/6045550199', ctx())).toMatchObject({ kind: 'block' });
  });
});

describe('in the browser engine: the allowance and the pass never lift more than they should', () => {
  const c = ctx();
  const rules = compileDnrRules(c.compiled, { guardPageUrl: GUARD });
  it('continuing on whatsapp.com does not open call.whatsapp.com (blocked) or web.whatsapp.com (warned)', () => {
    const r = decideProceed(acting('https://whatsapp.com/'), 'Reply to a patient', c);
    if (!r.ok || !r.allowance) throw new Error('expected an allowance');
    const all = [...rules, allowanceRule(9000, r.allowance)];
    expect(simulateDnr(all, 'https://whatsapp.com/x').type).toBe('allow');
    // The warned origin only: not another scheme or port of the same host.
    expect(simulateDnr(all, 'http://whatsapp.com/x').type).toBe('redirect');
    expect(simulateDnr(all, 'https://whatsapp.com:8443/x').type).toBe('redirect');
    expect(simulateDnr(all, 'https://call.whatsapp.com/video/1').type).toBe('redirect');
    expect(simulateDnr(all, 'https://web.whatsapp.com/').type).toBe('redirect');
    expect(simulateDnr(all, 'https://whatsapp.com.evil.example/').type).toBe('none');
  });
  it('a path allowance does not open a more specific blocked path', () => {
    const r = decideProceed(acting('https://portal.example.org/chat/1'), 'Reply to a patient', c);
    if (!r.ok || !r.allowance) throw new Error('expected an allowance');
    const all = [...rules, allowanceRule(9000, r.allowance)];
    expect(simulateDnr(all, 'https://portal.example.org/chat/2').type).toBe('allow');
    expect(simulateDnr(all, 'https://portal.example.org/chat/secure/1').type).toBe('redirect');
    expect(simulateDnr(all, 'https://portal.example.org/chatter').type).toBe('none');
  });
  it('a pass is for one URL in one tab', () => {
    const pass = passRule(9001, 7, 'https://us05web.zoom.us/j/6045550199');
    const all = [...rules, pass];
    expect(simulateDnr(all, 'https://us05web.zoom.us/j/6045550199', 'main_frame', 'keep', 7).type).toBe('allow');
    expect(simulateDnr([pass], 'https://us05web.zoom.us/j/6045550199', 'main_frame', 'keep', 8).type).toBe('none');
    expect(simulateDnr([pass], 'https://us05web.zoom.us/j/6045550199?zak=x', 'main_frame', 'keep', 7).type).toBe('none');
    expect(simulateDnr([pass], 'https://us05web.zoom.us/j/6045550199', 'sub_frame', 'keep', 7).type).toBe('none');
    // Wildcard characters of urlFilter are never wildcards in a pass.
    const star = passRule(9002, 7, 'https://zoom.us/j/1*');
    expect(star.condition.urlFilter).toBeUndefined();
    expect(simulateDnr([star], 'https://zoom.us/j/1*', 'main_frame', 'keep', 7).type).toBe('allow');
    expect(simulateDnr([star], 'https://zoom.us/j/1?zak=abc', 'main_frame', 'keep', 7).type).toBe('none');
  });
});
