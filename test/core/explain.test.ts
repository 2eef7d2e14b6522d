import { describe, expect, it } from 'vitest';
import { classifyUrl, compilePolicy, isError, type Classification } from '../../src/core/classify.ts';
import { formatReference, meetingView, navigationView, reasonAccepted, viewText, type GuardView } from '../../src/core/explain.ts';
import { translator } from '../../src/core/i18n/format.ts';
import { analyseLink } from '../../src/core/meetings/analyse.ts';
import { policySchema } from '../../src/core/policy/schema.ts';

const en = translator('en');
/** The view's texts as an English reader sees them. */
const words = (v: GuardView) => ({ why: viewText(v.why, v, en), instead: viewText(v.instead, v, en) });

const decide = (policyInput: object, url: string): Classification => {
  const r = classifyUrl(compilePolicy(policySchema.parse({ schemaVersion: 1, ...policyInput })), url);
  if (isError(r)) throw new Error(url);
  return r;
};

describe('what the warning and block pages say', () => {
  it('says a host’s start link is dangerous once: as the reason, not again as a finding', () => {
    const p = policySchema.parse({ schemaVersion: 1 });
    const a = analyseLink('https://zoom.us/s/81234567890?zak=abc', p);
    expect(a.findings.map((f) => f.code)).toContain('start-link');
    const v = meetingView('block', 'zoom.us', 'Zoom', a.findings, p);
    expect(words(v).why).toMatch(/^This is the host's start link for a Zoom meeting\. It lets anyone who opens it join as the host/);
    expect(v.findings.map((f) => f.code)).not.toContain('start-link');
    expect(v.askHost).toEqual({ key: 'ask_host_start_link' });
  });

  it('names the service and host, and says why in plain words, with the organisation', () => {
    const p = policySchema.parse({ schemaVersion: 1, organization: { name: 'St Example Health', supportContact: 'x4357' }, sanctionedPlatforms: [{ name: 'EH Zoom', url: 'https://eh.zoom.us/' }] });
    const v = navigationView(decide(p, 'https://web.whatsapp.com/chat?x=1'), 'web.whatsapp.com', p);
    expect(v).toMatchObject({ mode: 'warn', host: 'web.whatsapp.com', name: 'WhatsApp', requireReason: true, bypassMinutes: 60 });
    expect(words(v).why).toBe("WhatsApp is a consumer messaging service. Messages, photos and files sent there leave St Example Health's systems and are not covered by its patient-privacy agreements.");
    expect(words(v).instead).toBe('For patient calls and messages, use the approved platform below.');
    expect(JSON.stringify(v)).not.toContain('chat?x');
  });

  it('reads well with the built-in default organisation name', () => {
    const p = policySchema.parse({ schemaVersion: 1, categories: { 'consumer-video': 'block' } });
    const v = navigationView(decide(p, 'https://facetime.apple.com/join'), 'facetime.apple.com', p);
    expect(v.mode).toBe('block');
    expect(words(v).why).toMatch(/^FaceTime is a consumer video service\. Your organisation has no agreement/);
    expect(words(v).instead).toContain('the platform your organisation has approved');
  });

  it('uses the rule label for organisation rules, and a plain sentence for the default action', () => {
    const p = policySchema.parse({ schemaVersion: 1, defaultAction: 'block', rules: [{ match: 'chat.example.com', action: 'warn', label: 'Example Chat' }] });
    expect(words(navigationView(decide(p, 'https://chat.example.com/'), 'chat.example.com', p)).why).toBe('Your organisation does not allow Example Chat for work with patients.');
    expect(words(navigationView(decide(p, 'https://other.example/'), 'other.example', p)).why).toBe("Your organisation's policy does not allow sites it has not approved for work with patients.");
  });

  it('shows a meeting link’s warn and critical findings, most serious first, not the notes', () => {
    const p = policySchema.parse({ schemaVersion: 1 });
    const personal = analyseLink('https://us05web.zoom.us/j/6045550199?pwd=abc', p);
    expect(personal.findings.map((f) => f.severity)).toContain('info');
    expect(meetingView('warn', 'us05web.zoom.us', 'Zoom', personal.findings, p).findings.map((f) => f.code)).toEqual(['personal-room']);
    const mixed = [
      { code: 'personal-room', severity: 'warn', message: '' },
      { code: 'unsanctioned-tenant', severity: 'critical', message: '' },
    ] as const;
    expect(meetingView('block', 'x.zoom.us', 'Zoom', mixed, p).findings.map((f) => f.severity)).toEqual(['critical', 'warn']);
    const strict = policySchema.parse({ schemaVersion: 1, meetings: { sanctioned: { zoom: { accounts: ['y'] } }, unsanctionedAction: 'block' } });
    const other = meetingView('block', 'x.zoom.us', 'Zoom', analyseLink('https://x.zoom.us/j/81234567890', strict).findings, p);
    expect(words(other).why).toBe('This Zoom link is not safe to use for a patient visit.');
  });

  it('for a meeting link: continuing opens this link once, and it says what to ask the host for', () => {
    const p = policySchema.parse({ schemaVersion: 1, organization: { name: 'St Example Health' } });
    const a = analyseLink('https://us05web.zoom.us/j/6045550199', p);
    const v = meetingView('warn', 'us05web.zoom.us', 'Zoom', a.findings, p);
    expect(v.scope).toBe('link-once');
    expect(viewText(v.askHost!, v, en)).toBe("Ask the meeting's host for a scheduled meeting on St Example Health's own account, with a waiting room and a passcode, and use that link instead.");
    expect(v.findings.map((f) => f.message)).toEqual([a.findings.find((f) => f.code === 'personal-room')!.message]);
    expect(navigationView(decide({}, 'https://web.whatsapp.com/'), 'web.whatsapp.com', p)).toMatchObject({ scope: 'site', askHost: null });
  });

  it('for a start link: it lets anyone join as the host and must never be forwarded', () => {
    const p = policySchema.parse({ schemaVersion: 1 });
    const a = analyseLink('https://urldefense.com/v3/__https://zoom.us/s/9988776655?zak=secret-token__;!!x$', p);
    const v = meetingView('block', 'urldefense.com', 'Zoom', a.findings, p);
    expect(words(v).why).toBe("This is the host's start link for a Zoom meeting. It lets anyone who opens it join as the host, so it should never be forwarded to anyone.");
    expect(viewText(v.askHost!, v, en)).toContain("your organisation's own account, with a waiting room and a passcode");
    expect(viewText(v.askHost!, v, translator('de'))).toContain('Warteraum und Kenncode');
    expect(JSON.stringify(v)).not.toContain('secret-token');
  });

  it('accepts a reason of at least three characters when one is required', () => {
    const required = policySchema.parse({ schemaVersion: 1 });
    expect(reasonAccepted('ok', required)).toBe(false);
    expect(reasonAccepted('  ok  ', required)).toBe(false);
    expect(reasonAccepted('why', required)).toBe(true);
    expect(reasonAccepted('', policySchema.parse({ schemaVersion: 1, warn: { requireReason: false } }))).toBe(true);
  });
});

describe('the pages in other languages, the reference and Request access', () => {
  it('words the same view in German, with the organisation’s own name as written', () => {
    const p = policySchema.parse({ schemaVersion: 1, organization: { name: 'St Example Health' } });
    const v = navigationView(decide(p, 'https://web.whatsapp.com/'), 'web.whatsapp.com', p);
    expect(viewText(v.why, v, translator('de'))).toBe(
      'WhatsApp ist ein Nachrichtendienst für Privatanwender. Dort gesendete Nachrichten, Fotos und Dateien verlassen die Systeme von St Example Health und sind nicht durch deren Datenschutzvereinbarungen für Patienten abgedeckt.',
    );
    const d = policySchema.parse({ schemaVersion: 1, defaultAction: 'block' });
    const dv = navigationView(decide(d, 'https://other.example/'), 'other.example', d);
    expect(viewText(dv.why, dv, translator('es'))).toBe('La política de su organización no permite sitios que no haya aprobado para el trabajo con pacientes.');
  });

  it('gives a short reference from the install and the event’s seq', () => {
    expect(formatReference({ seq: 42, installId: '3f2a9c1e-77aa-4bcd-9e00-1234567890ab' })).toBe('3F2A9C1E-42');
  });
});
