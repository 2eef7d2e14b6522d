import { describe, expect, it } from 'vitest';
import { consumerMatchPatterns, consumerServiceAt, dataScopeAt, unsanctionedMeetingAt } from '../../../src/core/data-protection/scope.ts';
import { parsePolicy } from '../../../src/core/policy/parse.ts';

const policy = (extra: object = {}) => {
  const r = parsePolicy({ schemaVersion: 1, ...extra });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.policy;
};
const org = policy({
  sanctionedPlatforms: [{ name: 'Video', url: 'https://video.examplehealth.org/' }],
  meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] }, whereby: { allowed: true } } },
  // A rule that allows WhatsApp still lets patient data land in WhatsApp: still checked.
  rules: [{ match: 'web.whatsapp.com', action: 'allow' }],
});

describe('where patient data is checked', () => {
  it('consumer services by the catalog, host on label boundaries and path on segments', () => {
    expect(consumerServiceAt('https://web.whatsapp.com/', org)).toMatchObject({ service: 'whatsapp', name: 'WhatsApp', host: 'web.whatsapp.com' });
    expect(consumerServiceAt('https://WEB.WhatsApp.com./x', org)?.service).toBe('whatsapp');
    expect(consumerServiceAt('https://www.facebook.com/messages/t/1', org)?.service).toBe('messenger');
    expect(consumerServiceAt('https://www.facebook.com/messagesx', org)).toBeNull();
    expect(consumerServiceAt('https://www.facebook.com/', org)).toBeNull();
    expect(consumerServiceAt('https://notwhatsapp.com/', org)).toBeNull();
    expect(consumerServiceAt('https://whatsapp.com.evil.example/', org)).toBeNull();
    expect(consumerServiceAt('file:///whatsapp.com', org)).toBeNull();
  });
  it('never the organisation’s sanctioned platforms, never the EHR or an unlisted site', () => {
    expect(consumerServiceAt('https://whereby.com/', org)).toBeNull();
    expect(consumerServiceAt('https://whereby.com/', policy())?.service).toBe('whereby');
    expect(dataScopeAt('https://video.examplehealth.org/', org)).toBeNull();
    expect(dataScopeAt('https://ehr.examplehealth.org/chart', org)).toBeNull();
    expect(dataScopeAt('https://examplehealth.zoom.us/wc/123456789/join', org)).toBeNull();
  });
  it('the web clients of meetings the meeting-link check finds unsanctioned', () => {
    expect(unsanctionedMeetingAt('https://other.zoom.us/wc/123456789/join', org)).toEqual({ platform: 'zoom', host: 'other.zoom.us' });
    expect(dataScopeAt('https://meet.google.com/abc-defg-hij', org)).toEqual({ kind: 'meeting', platform: 'meet', host: 'meet.google.com' });
    // Whose account a plain zoom.us link is on cannot be told: not inspected.
    expect(dataScopeAt('https://zoom.us/wc/123456789/join', org)).toBeNull();
    // Meeting platforms not judged at all when the policy configures none.
    expect(dataScopeAt('https://meet.google.com/abc-defg-hij', policy())).toBeNull();
  });
  it('nothing anywhere under action allow', () => {
    const allow = policy({ dataProtection: { action: 'allow' } });
    expect(dataScopeAt('https://web.whatsapp.com/', allow)).toBeNull();
    expect(consumerMatchPatterns(allow)).toEqual({ hosts: [], paths: [], excludeMatches: [] });
  });
  it('match patterns: whole hosts apart from path-scoped services; sanctioned hosts left out', () => {
    const m = consumerMatchPatterns(org);
    expect(m.hosts).toContain('*://*.whatsapp.com/*');
    expect(m.hosts).toContain('*://whatsapp.com/*');
    expect(m.paths).toContain('*://*.facebook.com/messages*');
    expect(m.hosts.every((p) => p.endsWith('/*'))).toBe(true);
    expect([...m.hosts, ...m.paths].some((p) => p.includes('whereby.com'))).toBe(false);
    expect(consumerMatchPatterns(policy()).hosts).toContain('*://*.whereby.com/*');
    // A sanctioned platform under a consumer host is kept out of the script's reach.
    const under = consumerMatchPatterns(policy({ sanctionedPlatforms: [{ name: 'Ours', url: 'https://clinic.whereby.com/' }] }));
    expect(under.hosts).toContain('*://*.whereby.com/*');
    expect(under.excludeMatches).toEqual(['*://*.clinic.whereby.com/*', '*://clinic.whereby.com/*']);
  });
});
