import { describe, expect, it } from 'vitest';
import {
  analyseLink,
  FINDING_CODES,
  MAX_UNWRAP_DEPTH,
  parseError,
  scheduleFindings,
  severityOf,
  verdictOf,
  type Finding,
  type FindingCode,
  type LinkAnalysis,
} from '../../../src/core/meetings/analyse.ts';
import { policySchema, type Policy, type PolicyInput } from '../../../src/core/policy/schema.ts';

/** The example policy of docs/policy-format.md, verbatim. */
const EXAMPLE_INPUT: PolicyInput = {
  schemaVersion: 1,
  policyVersion: '2026-11-a',
  organization: {
    name: 'St Example Health',
    supportContact: 'Service desk x4357',
    supportUrl: 'https://intranet.example.org/telehealth',
  },
  sanctionedPlatforms: [{ name: 'Example Health Zoom', url: 'https://examplehealth.zoom.us/' }],
  categories: { 'consumer-video': 'block', 'consumer-messaging': 'warn' },
  services: { telegram: 'block' },
  rules: [
    { match: 'business.whatsapp.com', action: 'allow' },
    { match: 'chat.example-consumer.com', action: 'block', label: 'Example Chat' },
  ],
  meetings: {
    scanPages: ['outlook.office.com', 'calendar.google.com'],
    sanctioned: {
      zoom: { accounts: ['examplehealth'] },
      teams: { tenantIds: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] },
    },
  },
  logging: { retentionDays: 180 },
};
const EXAMPLE: Policy = policySchema.parse(EXAMPLE_INPUT);
/** Defaults only: no meetings.sanctioned. */
const DEFAULTS: Policy = policySchema.parse({ schemaVersion: 1 });

function policy(meetings: NonNullable<PolicyInput['meetings']>, rest: Partial<PolicyInput> = {}): Policy {
  return policySchema.parse({ schemaVersion: 1, ...rest, meetings });
}

function codes(r: LinkAnalysis): FindingCode[] {
  return r.findings.map((f) => f.code);
}

function finding(r: LinkAnalysis, code: FindingCode): Finding | undefined {
  return r.findings.find((f) => f.code === code);
}

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER_TENANT = '11111111-2222-3333-4444-555555555555';

function teamsJoin(context: unknown, host = 'teams.microsoft.com'): string {
  const ctx = typeof context === 'string' ? context : JSON.stringify(context);
  return `https://${host}/l/meetup-join/19%3ameeting_NjA0YjQ2ZDMtOWQ4ZS00%40thread.v2/0?context=${encodeURIComponent(ctx)}`;
}

describe('examples table of docs/meeting-links.md (example policy)', () => {
  const rows: Array<[string, Partial<LinkAnalysis>, FindingCode[]]> = [
    [
      'https://examplehealth.zoom.us/j/81234567890?pwd=Q2xpbmljLjE',
      { platform: 'zoom', meetingId: '81234567890', personalRoom: false, passcode: 'embedded', tenant: 'examplehealth', sanctioned: true, verdict: 'ok' },
      ['waiting-room-unverified'],
    ],
    [
      'https://us05web.zoom.us/j/6045550199',
      { platform: 'zoom', meetingId: '6045550199', personalRoom: true, passcode: 'unknown', tenant: null, sanctioned: null, verdict: 'warn' },
      ['tenant-unverified', 'personal-room', 'passcode-unverified', 'waiting-room-unverified'],
    ],
    [
      'https://zoom.us/s/81234567890?zak=abc',
      { platform: 'zoom', meetingId: '81234567890', personalRoom: false, passcode: 'unknown', tenant: null, sanctioned: null, verdict: 'block' },
      ['start-link', 'tenant-unverified', 'passcode-unverified', 'waiting-room-unverified'],
    ],
    [
      'https://facetime.apple.com/join#v=1&p=abc&k=def',
      { platform: 'facetime', meetingId: null, personalRoom: false, passcode: 'unknown', tenant: null, sanctioned: null, verdict: 'block' },
      ['consumer-platform', 'passcode-unverified', 'waiting-room-unverified'],
    ],
  ];
  it.each(rows)('%s', (link, expected, expectedCodes) => {
    const r = analyseLink(link, EXAMPLE);
    expect(r).toMatchObject(expected);
    expect(codes(r).sort()).toEqual([...expectedCodes].sort());
  });

  it('returns exactly the fields of the result table, in order', () => {
    const r = analyseLink('https://examplehealth.zoom.us/j/81234567890', EXAMPLE);
    expect(Object.keys(r)).toEqual([
      'platform', 'consumer', 'meetingId', 'personalRoom', 'passcode', 'waitingRoom', 'tenant', 'sanctioned', 'findings', 'verdict',
    ]);
    for (const f of r.findings) expect(Object.keys(f).sort()).toEqual(['code', 'message', 'severity']);
  });

  it('the start link is critical; the consumer FaceTime finding is critical because consumer-video is block', () => {
    expect(finding(analyseLink('https://zoom.us/s/81234567890?zak=abc', EXAMPLE), 'start-link')?.severity).toBe('critical');
    expect(finding(analyseLink('https://facetime.apple.com/join#v=1&p=abc&k=def', EXAMPLE), 'consumer-platform')?.severity).toBe('critical');
  });
});

describe('Zoom', () => {
  it.each([
    ['https://zoom.us/j/123456789', '123456789', false],
    ['https://zoom.us/j/6045550199', '6045550199', true],
    ['https://zoom.us/j/81234567890', '81234567890', false],
    ['https://zoom.us/w/81234567890?tk=registrant-token', '81234567890', false],
    ['https://zoom.us/wc/81234567890/join', '81234567890', false],
    ['https://zoom.us/wc/join/81234567890', '81234567890', false],
    ['https://zoom.us/wc/join/6045550199', '6045550199', true],
    ['https://zoom.us/j/81234567890/', '81234567890', false],
  ])('%s → meeting %s, personal %s', (link, id, personal) => {
    const r = analyseLink(link, DEFAULTS);
    expect(r.platform).toBe('zoom');
    expect(r.consumer).toBe(false);
    expect(r.meetingId).toBe(id);
    expect(r.personalRoom).toBe(personal);
  });

  it('ids outside 9–11 digits are no meeting id, but the link is still Zoom', () => {
    for (const bad of ['12345678', '123456789012', '12345abcd']) {
      const r = analyseLink(`https://zoom.us/j/${bad}`, DEFAULTS);
      expect(r.platform).toBe('zoom');
      expect(r.meetingId).toBeNull();
      expect(r.personalRoom).toBe(false);
    }
  });

  it('/my/<name> is a personal link without a numeric id', () => {
    const r = analyseLink('https://examplehealth.zoom.us/my/dr.smith', EXAMPLE);
    expect(r).toMatchObject({ platform: 'zoom', meetingId: null, personalRoom: true, tenant: 'examplehealth', sanctioned: true, verdict: 'warn' });
    expect(finding(r, 'personal-room')?.severity).toBe('warn');
  });

  it('reads the tenant from vanity subdomains of zoom.us and zoomgov.com, lower-cased', () => {
    expect(analyseLink('https://ExampleHealth.zoom.us/j/81234567890', DEFAULTS).tenant).toBe('examplehealth');
    expect(analyseLink('https://agency.zoomgov.com/j/1612345678', DEFAULTS).tenant).toBe('agency');
    expect(analyseLink('https://agency.zoomgov.com/j/1612345678', DEFAULTS).platform).toBe('zoom');
  });

  it.each(['zoom.us', 'www.zoom.us', 'app.zoom.us', 'us02web.zoom.us', 'us05web.zoom.us', 'us123web.zoom.us', 'zoomgov.com', 'www.zoomgov.com'])(
    'cluster host %s has no tenant',
    (host) => {
      const r = analyseLink(`https://${host}/j/81234567890`, DEFAULTS);
      expect(r.platform).toBe('zoom');
      expect(r.tenant).toBeNull();
    },
  );

  it('a deeper subdomain is Zoom but names no tenant', () => {
    const r = analyseLink('https://a.b.zoom.us/j/81234567890', DEFAULTS);
    expect(r).toMatchObject({ platform: 'zoom', tenant: null });
  });

  it('pwd= embeds the passcode; an empty pwd does not; the name is case-insensitive', () => {
    expect(analyseLink('https://zoom.us/j/81234567890?pwd=abc', DEFAULTS).passcode).toBe('embedded');
    expect(analyseLink('https://zoom.us/j/81234567890?PWD=abc', DEFAULTS).passcode).toBe('embedded');
    expect(analyseLink('https://zoom.us/j/81234567890?pwd=', DEFAULTS).passcode).toBe('unknown');
    expect(analyseLink('https://zoom.us/j/81234567890', DEFAULTS).passcode).toBe('unknown');
    // pwd in the fragment is not a query parameter
    expect(analyseLink('https://zoom.us/j/81234567890#pwd=abc', DEFAULTS).passcode).toBe('unknown');
  });

  it('zak= anywhere on Zoom is a start link, and /s/ is a start link without it', () => {
    for (const link of [
      'https://zoom.us/j/81234567890?zak=eyJ0',
      'https://examplehealth.zoom.us/s/81234567890',
      'https://zoom.us/wc/81234567890/start?zak=x',
      'https://zoom.us/some/other/page?zak=x',
    ]) {
      const r = analyseLink(link, DEFAULTS);
      expect(r.platform, link).toBe('zoom');
      expect(codes(r), link).toContain('start-link');
      expect(r.verdict, link).toBe('block');
    }
    expect(codes(analyseLink('https://zoom.us/j/81234567890?tk=abc', DEFAULTS))).not.toContain('start-link');
  });

  it('the registrant token tk= raises no finding of its own', () => {
    const withTk = analyseLink('https://zoom.us/w/81234567890?tk=abc', DEFAULTS);
    const without = analyseLink('https://zoom.us/w/81234567890', DEFAULTS);
    expect(withTk).toEqual(without);
  });

  it('zoommtg:// app links are the same meeting', () => {
    const r = analyseLink('zoommtg://zoom.us/join?action=join&confno=81234567890&pwd=secret', DEFAULTS);
    expect(r).toMatchObject({ platform: 'zoom', meetingId: '81234567890', passcode: 'embedded', tenant: null, personalRoom: false });
    const pmi = analyseLink('zoommtg://ExampleHealth.ZOOM.US/join?action=join&confno=6045550199', EXAMPLE);
    expect(pmi).toMatchObject({ platform: 'zoom', meetingId: '6045550199', personalRoom: true, tenant: 'examplehealth', sanctioned: true });
    const start = analyseLink('zoommtg://zoom.us/start?action=start&confno=81234567890&zak=abc', DEFAULTS);
    expect(codes(start)).toContain('start-link');
  });

  it('zoommtg:// to another host, without a host, or without a meeting is not Zoom', () => {
    expect(analyseLink('zoommtg://evil.example/join?action=join&confno=81234567890', DEFAULTS).platform).toBeNull();
    expect(analyseLink('zoommtg:join?confno=81234567890', DEFAULTS).platform).toBeNull();
    expect(analyseLink('zoommtg://zoom.us/join?action=join', DEFAULTS).platform).toBeNull();
    expect(analyseLink('zoommtg://zoom.us.evil.example/join?confno=81234567890', DEFAULTS).platform).toBeNull();
  });

  it.each(['https://zoom.us/', 'https://zoom.us/meeting/schedule', 'https://examplehealth.zoom.us/signin', 'https://zoom.us/j/', 'https://zoom.us/wc/'])(
    'a Zoom page that is not a meeting (%s) gives platform null',
    (link) => {
      expect(analyseLink(link, EXAMPLE)).toEqual(analyseLink('not a url', EXAMPLE));
    },
  );
});

describe('Microsoft Teams', () => {
  it('reads Tid from the URL-encoded JSON context, lower-cased, and matches the policy case-insensitively', () => {
    const r = analyseLink(teamsJoin({ Tid: TENANT.toUpperCase(), Oid: 'abc' }), EXAMPLE);
    expect(r).toMatchObject({ platform: 'teams', consumer: false, tenant: TENANT, sanctioned: true, meetingId: null, passcode: 'unknown' });
    expect(codes(r)).toEqual(['passcode-unverified', 'waiting-room-unverified']);
    expect(r.verdict).toBe('ok');
  });

  it.each(['tid', 'TID', 'tId'])('reads the key %s case-insensitively', (key) => {
    expect(analyseLink(teamsJoin({ [key]: TENANT, Oid: 'x' }), DEFAULTS).tenant).toBe(TENANT);
  });

  it('another tenant is unsanctioned-tenant with the unsanctionedAction severity', () => {
    const r = analyseLink(teamsJoin({ Tid: OTHER_TENANT }), EXAMPLE);
    expect(r).toMatchObject({ tenant: OTHER_TENANT, sanctioned: false, verdict: 'warn' });
    expect(finding(r, 'unsanctioned-tenant')?.severity).toBe('warn');
    expect(codes(r)).not.toContain('unsanctioned-platform');
    expect(codes(r)).not.toContain('tenant-unverified');
  });

  it('no context, or a broken one, leaves the tenant unknown (tenant-unverified, sanctioned null)', () => {
    for (const link of [
      'https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0',
      teamsJoin('{"Tid": '),
      teamsJoin('[1,2]'),
      teamsJoin({ Tid: 42 }),
      teamsJoin({ Tid: '' }),
      teamsJoin('null'),
    ]) {
      const r = analyseLink(link, EXAMPLE);
      expect(r.platform, link).toBe('teams');
      expect(r.tenant, link).toBeNull();
      expect(r.sanctioned, link).toBeNull();
      expect(finding(r, 'tenant-unverified')?.severity, link).toBe('info');
    }
  });

  it('reads a double-encoded context', () => {
    const ctx = encodeURIComponent(encodeURIComponent(JSON.stringify({ Tid: TENANT })));
    const r = analyseLink(`https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0?context=${ctx}`, DEFAULTS);
    expect(r.tenant).toBe(TENANT);
  });

  it('/meet/<digits>?p= carries the passcode and the meeting id, no tenant', () => {
    const r = analyseLink('https://teams.microsoft.com/meet/2345678901234?p=AbCdEf123', EXAMPLE);
    expect(r).toMatchObject({ platform: 'teams', meetingId: '2345678901234', passcode: 'embedded', tenant: null, sanctioned: null, consumer: false });
    expect(analyseLink('https://teams.microsoft.com/meet/2345678901234', DEFAULTS).passcode).toBe('unknown');
  });

  it('the hash-routed web client link is read like the plain one', () => {
    const plain = teamsJoin({ Tid: TENANT });
    const routed = plain.replace('teams.microsoft.com/', 'teams.microsoft.com/_#/');
    expect(analyseLink(routed, EXAMPLE)).toEqual(analyseLink(plain, EXAMPLE));
    expect(analyseLink(routed, EXAMPLE).tenant).toBe(TENANT);
  });

  it('government clouds (*.teams.microsoft.us) are Teams', () => {
    for (const host of ['gov.teams.microsoft.us', 'dod.teams.microsoft.us']) {
      const r = analyseLink(teamsJoin({ Tid: TENANT }, host), EXAMPLE);
      expect(r).toMatchObject({ platform: 'teams', consumer: false, tenant: TENANT, sanctioned: true });
    }
  });

  it('teams.live.com is consumer Teams, judged by the catalog (teams-consumer)', () => {
    const r = analyseLink('https://teams.live.com/meet/9876543210123?p=xyz', EXAMPLE);
    expect(r).toMatchObject({ platform: 'teams', consumer: true, meetingId: '9876543210123', passcode: 'embedded', sanctioned: null, verdict: 'block' });
    expect(finding(r, 'consumer-platform')?.severity).toBe('critical');
    expect(finding(r, 'consumer-platform')?.message).toContain('Microsoft Teams (free)');
    expect(codes(r).sort()).toEqual(['consumer-platform', 'waiting-room-unverified']);
    // Consumer Teams is judged by the catalog only, even when it names a tenant.
    const withTid = analyseLink(teamsJoin({ Tid: OTHER_TENANT }, 'teams.live.com'), EXAMPLE);
    expect(withTid).toMatchObject({ platform: 'teams', consumer: true, tenant: OTHER_TENANT, sanctioned: null });
    expect(codes(withTid).sort()).toEqual(['consumer-platform', 'passcode-unverified', 'waiting-room-unverified']);
    const allowed = analyseLink('https://teams.live.com/meet/9876543210123', policy({}, { services: { 'teams-consumer': 'allow' } }));
    expect(finding(allowed, 'consumer-platform')?.severity).toBe('info');
  });

  it('calls the waiting room a lobby', () => {
    expect(finding(analyseLink(teamsJoin({ Tid: TENANT }), DEFAULTS), 'waiting-room-unverified')?.message).toContain('lobby');
  });

  it.each(['https://teams.microsoft.com/', 'https://teams.microsoft.com/_#/conversations', 'https://teams.microsoft.com/meet/', 'https://teams.live.com/'])(
    '%s is not a meeting link',
    (link) => expect(analyseLink(link, EXAMPLE).platform).toBeNull(),
  );
});

describe('Webex', () => {
  const webexPolicy = policy({ sanctioned: { webex: { sites: ['ExampleHealth'] } } });
  it('/meet/<name> is a personal room; the site is the tenant', () => {
    const r = analyseLink('https://examplehealth.webex.com/meet/dr.smith', webexPolicy);
    expect(r).toMatchObject({ platform: 'webex', personalRoom: true, tenant: 'examplehealth', sanctioned: true, meetingId: null, verdict: 'warn' });
    expect(codes(r)).toContain('personal-room');
  });
  it('/<site>/j.php?MTID= is a scheduled meeting', () => {
    const r = analyseLink('https://examplehealth.webex.com/examplehealth/j.php?MTID=m0123456789abcdef', webexPolicy);
    expect(r).toMatchObject({ platform: 'webex', personalRoom: false, tenant: 'examplehealth', sanctioned: true, verdict: 'ok' });
  });
  it('another site is unsanctioned-tenant', () => {
    const r = analyseLink('https://otherclinic.webex.com/meet/dr.smith', webexPolicy);
    expect(r).toMatchObject({ tenant: 'otherclinic', sanctioned: false });
    expect(finding(r, 'unsanctioned-tenant')?.message).toContain('otherclinic');
  });
  it('Webex not listed at all is unsanctioned-platform', () => {
    const r = analyseLink('https://examplehealth.webex.com/meet/dr.smith', EXAMPLE);
    expect(r.sanctioned).toBe(false);
    expect(finding(r, 'unsanctioned-platform')?.severity).toBe('warn');
    expect(codes(r)).not.toContain('unsanctioned-tenant');
  });
  it('www.webex.com and non-meeting pages', () => {
    expect(analyseLink('https://www.webex.com/', DEFAULTS).platform).toBeNull();
    expect(analyseLink('https://examplehealth.webex.com/webappng/sites/examplehealth/dashboard', DEFAULTS).platform).toBeNull();
    expect(analyseLink('https://www.webex.com/meet/x', DEFAULTS).tenant).toBeNull();
  });
});

describe('Google Meet', () => {
  it('meet.google.com/<code> gives the code, lower-cased', () => {
    expect(analyseLink('https://meet.google.com/abc-defg-hij', DEFAULTS)).toMatchObject({ platform: 'meet', meetingId: 'abc-defg-hij', tenant: null, personalRoom: false });
    expect(analyseLink('https://meet.google.com/ABC-DEFG-HIJ?authuser=1', DEFAULTS).meetingId).toBe('abc-defg-hij');
  });
  it('meet.google.com/lookup/<name> is a Meet link without a code', () => {
    expect(analyseLink('https://meet.google.com/lookup/cardiology', DEFAULTS)).toMatchObject({ platform: 'meet', meetingId: null });
  });
  it.each(['https://meet.google.com/', 'https://meet.google.com/landing', 'https://meet.google.com/abc-defg-hijk', 'https://meet.google.com/lookup'])(
    '%s is not a meeting link',
    (link) => expect(analyseLink(link, DEFAULTS).platform).toBeNull(),
  );
  it('is sanctioned only with allowed: true', () => {
    const link = 'https://meet.google.com/abc-defg-hij';
    expect(analyseLink(link, policy({ sanctioned: { meet: { allowed: true } } }))).toMatchObject({ sanctioned: true });
    expect(codes(analyseLink(link, policy({ sanctioned: { meet: { allowed: true } } })))).not.toContain('tenant-unverified');
    const off = analyseLink(link, policy({ sanctioned: { meet: { allowed: false } } }));
    expect(off.sanctioned).toBe(false);
    expect(codes(off)).toContain('unsanctioned-platform');
    const absent = analyseLink(link, EXAMPLE);
    expect(absent.sanctioned).toBe(false);
    expect(finding(absent, 'unsanctioned-platform')?.message).toContain('Google Meet');
  });
});

describe('Jitsi, Doxy.me, VSee', () => {
  it('public Jitsi is consumer and a public room', () => {
    const r = analyseLink('https://meet.jit.si/CardiologyFollowUp', EXAMPLE);
    expect(r).toMatchObject({ platform: 'jitsi', consumer: true, sanctioned: null, meetingId: null, verdict: 'block' });
    expect(finding(r, 'public-room')?.severity).toBe('warn');
    expect(finding(r, 'consumer-platform')?.severity).toBe('critical');
    expect(analyseLink('https://meet.jit.si/', EXAMPLE).platform).toBeNull();
    const warnOnly = analyseLink('https://meet.jit.si/Room', DEFAULTS);
    expect(warnOnly.verdict).toBe('warn');
    expect(finding(warnOnly, 'consumer-platform')?.severity).toBe('warn');
  });

  it('Doxy.me rooms are personal rooms that always have a waiting room', () => {
    const r = analyseLink('https://doxy.me/drsmith', DEFAULTS);
    expect(r).toMatchObject({ platform: 'doxy', consumer: false, personalRoom: true, waitingRoom: 'on', meetingId: null, verdict: 'ok' });
    expect(codes(r)).not.toContain('personal-room');
    expect(codes(r)).not.toContain('waiting-room-unverified');
    expect(codes(r)).toEqual(['passcode-unverified']);
    expect(analyseLink('https://clinic.doxy.me/drsmith', DEFAULTS).platform).toBe('doxy');
    expect(analyseLink('https://doxy.me/', DEFAULTS).platform).toBeNull();
    expect(analyseLink('https://doxy.me/sign-in', DEFAULTS).platform).toBeNull();
  });

  it('VSee clinics and rooms always have a waiting room', () => {
    for (const link of ['https://exampleclinic.vsee.me/', 'https://exampleclinic.vsee.me/u/drsmith', 'https://vsee.com/u/drsmith', 'https://vsee.com/c/exampleclinic']) {
      const r = analyseLink(link, DEFAULTS);
      expect(r, link).toMatchObject({ platform: 'vsee', personalRoom: true, waitingRoom: 'on', verdict: 'ok' });
    }
    expect(analyseLink('https://vsee.com/', DEFAULTS).platform).toBeNull();
    expect(analyseLink('https://vsee.com/pricing', DEFAULTS).platform).toBeNull();
  });

  it('doxy and vsee are sanctioned by allowed: true only', () => {
    const p = policy({ sanctioned: { doxy: { allowed: true }, vsee: { allowed: false } } });
    expect(analyseLink('https://doxy.me/drsmith', p).sanctioned).toBe(true);
    const v = analyseLink('https://exampleclinic.vsee.me/', p);
    expect(v.sanctioned).toBe(false);
    expect(codes(v)).toContain('unsanctioned-platform');
  });
});

describe('consumer services', () => {
  const cases: Array<[string, string, string]> = [
    ['https://facetime.apple.com/join#v=1&p=abc', 'facetime', 'critical'],
    ['https://chat.whatsapp.com/AbCdEfGhIjK', 'whatsapp', 'warn'],
    ['https://call.whatsapp.com/video/AbCdEf', 'whatsapp', 'warn'],
    ['https://call.whatsapp.com/voice/AbCdEf', 'whatsapp', 'warn'],
    ['https://wa.me/15555550123', 'whatsapp', 'warn'],
    ['https://join.skype.com/AbCdEf123', 'skype', 'critical'],
    ['https://t.me/somechannel', 'telegram', 'critical'],
    ['https://telegram.me/somechannel', 'telegram', 'critical'],
    ['https://signal.me/#p/+15555550123', 'signal', 'warn'],
    ['https://signal.group/#CjQKIA', 'signal', 'warn'],
    ['https://m.me/someone', 'messenger', 'warn'],
    ['https://msngr.com/abc', 'messenger', 'warn'],
  ];
  it.each(cases)('%s → %s, consumer-platform %s under the example policy', (link, platform, severity) => {
    const r = analyseLink(link, EXAMPLE);
    expect(r).toMatchObject({ platform, consumer: true, sanctioned: null, tenant: null, meetingId: null });
    expect(finding(r, 'consumer-platform')?.severity).toBe(severity);
    expect(r.verdict).toBe(severity === 'critical' ? 'block' : 'warn');
    expect(codes(r)).not.toContain('unsanctioned-platform');
  });

  it('services[id] beats categories[category]; allow gives info and verdict ok', () => {
    const p = policy({}, { categories: { 'consumer-messaging': 'block' }, services: { whatsapp: 'allow' } });
    const r = analyseLink('https://wa.me/15555550123', p);
    expect(finding(r, 'consumer-platform')?.severity).toBe('info');
    expect(r.verdict).toBe('ok');
    expect(finding(analyseLink('https://t.me/x', p), 'consumer-platform')?.severity).toBe('critical');
  });

  it.each([
    'https://facetime.apple.com/',
    'https://chat.whatsapp.com/',
    'https://call.whatsapp.com/text/x',
    'https://www.whatsapp.com/',
    'https://wa.me/',
    'https://join.skype.com/',
    'https://www.skype.com/en/',
    'https://t.me/',
    'https://signal.me/',
    'https://m.me/',
  ])('%s is not a call link', (link) => expect(analyseLink(link, EXAMPLE).platform).toBeNull());
});

describe('policy switches', () => {
  it('sanctioned absent: sanctioned null and no unsanctioned-* or tenant-unverified finding', () => {
    for (const link of [
      'https://otherclinic.zoom.us/j/81234567890',
      'https://zoom.us/j/81234567890',
      'https://meet.google.com/abc-defg-hij',
      teamsJoin({ Tid: OTHER_TENANT }),
      'https://site.webex.com/meet/x',
    ]) {
      const r = analyseLink(link, DEFAULTS);
      expect(r.sanctioned, link).toBeNull();
      expect(codes(r).filter((c) => c.startsWith('unsanctioned') || c === 'tenant-unverified'), link).toEqual([]);
    }
  });

  it('an unlisted Zoom account is unsanctioned-tenant; Zoom missing from sanctioned is unsanctioned-platform', () => {
    const r = analyseLink('https://otherclinic.zoom.us/j/81234567890', EXAMPLE);
    expect(r).toMatchObject({ tenant: 'otherclinic', sanctioned: false, verdict: 'warn' });
    expect(finding(r, 'unsanctioned-tenant')?.message).toContain('otherclinic');
    const teamsOnly = policy({ sanctioned: { teams: { tenantIds: [TENANT] } } });
    const z = analyseLink('https://examplehealth.zoom.us/j/81234567890', teamsOnly);
    expect(z.sanctioned).toBe(false);
    expect(codes(z)).toContain('unsanctioned-platform');
    expect(codes(z)).not.toContain('tenant-unverified');
    // Platform not listed, tenant unknown: still unsanctioned-platform (not tenant-unverified).
    expect(codes(analyseLink('https://zoom.us/j/81234567890', teamsOnly))).toContain('unsanctioned-platform');
  });

  it('an empty account list: known tenant is unsanctioned, unknown tenant is unverified', () => {
    const p = policy({ sanctioned: { zoom: { accounts: [] } } });
    expect(analyseLink('https://examplehealth.zoom.us/j/81234567890', p).sanctioned).toBe(false);
    expect(analyseLink('https://zoom.us/j/81234567890', p).sanctioned).toBeNull();
  });

  it('accounts compare case-insensitively', () => {
    const p = policy({ sanctioned: { zoom: { accounts: ['ExampleHealth'] } } });
    expect(analyseLink('https://EXAMPLEHEALTH.zoom.us/j/81234567890', p).sanctioned).toBe(true);
  });

  it('unsanctionedAction sets the severity of unsanctioned findings', () => {
    const base = { sanctioned: { zoom: { accounts: ['examplehealth'] } } };
    const link = 'https://otherclinic.zoom.us/j/81234567890?pwd=x';
    const block = analyseLink(link, policy({ ...base, unsanctionedAction: 'block' }));
    expect(finding(block, 'unsanctioned-tenant')?.severity).toBe('critical');
    expect(block.verdict).toBe('block');
    const allow = analyseLink(link, policy({ ...base, unsanctionedAction: 'allow' }));
    expect(finding(allow, 'unsanctioned-tenant')?.severity).toBe('info');
    expect(allow.verdict).toBe('ok');
    expect(allow.sanctioned).toBe(false);
  });

  it('allowPersonalRooms true removes personal-room', () => {
    const link = 'https://us05web.zoom.us/j/6045550199';
    expect(codes(analyseLink(link, policy({ allowPersonalRooms: true })))).not.toContain('personal-room');
    expect(analyseLink(link, policy({ allowPersonalRooms: true })).personalRoom).toBe(true);
  });

  it('allowEmbeddedPasscode false gives embedded-passcode (warn), for Zoom pwd and Teams p', () => {
    const p = policy({ allowEmbeddedPasscode: false });
    for (const link of ['https://zoom.us/j/81234567890?pwd=secret', 'https://teams.microsoft.com/meet/2345678901234?p=secret']) {
      const r = analyseLink(link, p);
      expect(finding(r, 'embedded-passcode')?.severity, link).toBe('warn');
      expect(r.verdict, link).toBe('warn');
      expect(codes(r), link).not.toContain('passcode-unverified');
    }
    expect(codes(analyseLink('https://zoom.us/j/81234567890?pwd=secret', DEFAULTS))).not.toContain('embedded-passcode');
  });

  it('requirePasscode / requireWaitingRoom false remove the unverified findings', () => {
    const r = analyseLink('https://zoom.us/j/81234567890', policy({ requirePasscode: false, requireWaitingRoom: false }));
    expect(r.findings).toEqual([]);
    expect(r.verdict).toBe('ok');
    const both = analyseLink('https://zoom.us/j/81234567890', DEFAULTS);
    expect(finding(both, 'passcode-unverified')?.severity).toBe('info');
    expect(finding(both, 'waiting-room-unverified')?.severity).toBe('info');
  });
});

describe('wrappers', () => {
  const inner = 'https://examplehealth.zoom.us/j/81234567890?pwd=Q2xpbmljLjE';
  const safe = (u: string, host = 'nam12.safelinks.protection.outlook.com') =>
    `https://${host}/?url=${encodeURIComponent(u)}&data=05%7C02%7C&sdata=abc&reserved=0`;
  const google = (u: string, key = 'q') => `https://www.google.com/url?${key}=${encodeURIComponent(u)}&sa=D&source=calendar&usg=x`;

  function withoutUnwrapped(r: LinkAnalysis): LinkAnalysis {
    const findings = r.findings.filter((f) => f.code !== 'unwrapped');
    return { ...r, findings };
  }

  it.each([
    ['Outlook Safe Links', safe(inner)],
    ['Outlook Safe Links (/ap/ path)', `https://eur03.safelinks.protection.outlook.com/ap/t-59584e83/?url=${encodeURIComponent(inner)}&data=x`],
    ['GCC Safe Links', safe(inner, 'gcc02.safelinks.protection.office365.us')],
    ['Google q=', google(inner)],
    ['Google url=', google(inner, 'url')],
    ['Google without www', `https://google.com/url?q=${encodeURIComponent(inner)}`],
    ['nested Google in Safe Links', safe(google(inner))],
  ])('%s: analyses the inner link and adds unwrapped (info)', (_name, link) => {
    const r = analyseLink(link, EXAMPLE);
    const direct = analyseLink(inner, EXAMPLE);
    expect(withoutUnwrapped(r)).toEqual(direct);
    const u = finding(r, 'unwrapped');
    expect(u?.severity).toBe('info');
    expect(r.findings.filter((f) => f.code === 'unwrapped')).toHaveLength(1);
  });

  it('names every wrapper once, in order', () => {
    const r = analyseLink(safe(google(safe(inner))), EXAMPLE);
    expect(finding(r, 'unwrapped')?.message).toBe(
      'This link was wrapped by Outlook Safe Links, then a Google redirect; the meeting link inside it was checked.',
    );
  });

  it('Teams launcher with a relative url= is resolved on the Teams host', () => {
    const join = teamsJoin({ Tid: TENANT });
    const path = join.replace('https://teams.microsoft.com', '');
    const link = `https://teams.microsoft.com/dl/launcher/launcher.html?url=${encodeURIComponent('/_#' + path)}&type=meetup-join&deeplinkId=abc&directDl=true&msLaunch=true`;
    const r = analyseLink(link, EXAMPLE);
    expect(r).toMatchObject({ platform: 'teams', tenant: TENANT, sanctioned: true });
    expect(codes(r)).toContain('unwrapped');
    expect(finding(r, 'unwrapped')?.message).toContain('Teams launcher');
  });

  it('Teams launcher with an absolute url= to elsewhere is judged on that host', () => {
    const link = `https://teams.microsoft.com/dl/launcher/launcher.html?url=${encodeURIComponent('https://evil.example/l/meetup-join/x')}`;
    expect(analyseLink(link, EXAMPLE).platform).toBeNull();
  });

  it('a double-encoded inner link is still unwrapped', () => {
    const link = `https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent(encodeURIComponent(inner))}`;
    expect(analyseLink(link, EXAMPLE)).toMatchObject({ platform: 'zoom', tenant: 'examplehealth' });
  });

  it('a wrapped start link is still critical', () => {
    expect(analyseLink(safe('https://zoom.us/s/81234567890?zak=abc'), EXAMPLE).verdict).toBe('block');
  });

  it(`stops after ${MAX_UNWRAP_DEPTH} wrappers`, () => {
    let deep = inner;
    for (let i = 0; i < MAX_UNWRAP_DEPTH; i++) deep = google(deep);
    expect(analyseLink(deep, EXAMPLE).platform).toBe('zoom');
    expect(analyseLink(google(deep), EXAMPLE).platform).toBeNull();
  });

  it('a wrapped non-meeting link, a missing or broken inner link give platform null and no findings', () => {
    for (const link of [
      safe('https://example.org/newsletter'),
      'https://nam12.safelinks.protection.outlook.com/?data=x',
      'https://nam12.safelinks.protection.outlook.com/?url=not%20a%20url',
      'https://www.google.com/url?q=/search%3Fq%3Dzoom',
      'https://www.google.com/search?q=https%3A%2F%2Fzoom.us%2Fj%2F81234567890',
    ]) {
      const r = analyseLink(link, EXAMPLE);
      expect(r.platform, link).toBeNull();
      expect(r.findings, link).toEqual([]);
    }
  });

  it('look-alike wrapper hosts are not unwrapped', () => {
    for (const link of [
      safe(inner, 'safelinks.protection.outlook.com.evil.example'),
      safe(inner, 'evilsafelinks.protection.outlook.com'),
      `https://www.google.com.evil.example/url?q=${encodeURIComponent(inner)}`,
      `https://evil.example/dl/launcher/launcher.html?url=${encodeURIComponent(inner)}`,
    ]) {
      expect(analyseLink(link, EXAMPLE).platform, link).toBeNull();
    }
  });
});

describe('tricky hosts', () => {
  it.each([
    ['https://evilzoom.us/j/123456789'],
    ['https://zoom.us.evil.example/j/123456789'],
    ['https://zoom.usa/j/123456789'],
    ['https://zoom.us@evil.example/j/123456789'],
    ['https://user:pass@evil.example/j/123456789?zoom.us'],
    ['https://evil.example/zoom.us/j/123456789'],
    ['https://evil.example/?u=https://zoom.us/j/123456789'],
    ['https://xn--zom-sed.us/j/123456789'], // Cyrillic о: a different host
    ['https://zоom.us/j/123456789'],
    ['https://meet.google.com.evil.example/abc-defg-hij'],
    ['https://notdoxy.me/drsmith'],
    ['https://facetime.apple.com.evil.example/join#x'],
    ['https://teams.microsoft.com.evil.example/meet/123456789?p=x'],
    ['https://teams.microsoft.co/meet/123456789'],
    ['https://xwebex.com/meet/x'],
    ['https://1.2.3.4/j/123456789'],
    ['https://[::1]/j/123456789'],
  ])('%s is not a meeting platform', (link) => {
    expect(analyseLink(link, EXAMPLE).platform).toBeNull();
  });

  it('upper case, one trailing dot, a port and percent-escapes in the host do not change the answer', () => {
    const plain = analyseLink('https://examplehealth.zoom.us/j/81234567890', EXAMPLE);
    for (const link of [
      'https://EXAMPLEHEALTH.ZOOM.US/j/81234567890',
      'https://examplehealth.zoom.us./j/81234567890',
      'https://examplehealth.zoom.us:443/j/81234567890',
      'https://examplehealth.zoom.us:8443/j/81234567890',
      'https://examplehealth%2ezoom.us/j/81234567890',
      'http://examplehealth.zoom.us/j/81234567890',
      '  https://examplehealth.zoom.us/j/81234567890  ',
    ]) {
      expect(analyseLink(link, EXAMPLE), link).toEqual(plain);
    }
  });

  it('full-width letters map to the same ASCII host in the WHATWG parser, so it is that host', () => {
    // The browser navigates https://ｚｏｏｍ.us/ to zoom.us, so it is judged as Zoom.
    expect(analyseLink('https://ｚｏｏｍ.us/j/81234567890', DEFAULTS).platform).toBe('zoom');
  });

  it('user info in front of a real Zoom host does not hide it', () => {
    expect(analyseLink('https://evil.example@zoom.us/j/81234567890', DEFAULTS).platform).toBe('zoom');
  });

  it('only http, https and the Zoom app schemes are read', () => {
    for (const link of ['ftp://zoom.us/j/81234567890', 'javascript:alert("zoom.us/j/81234567890")', 'data:text/html,zoom.us', 'mailto:a@zoom.us', 'file:///zoom.us/j/81234567890']) {
      expect(analyseLink(link, DEFAULTS).platform, link).toBeNull();
    }
  });
});

describe('input that is not a URL', () => {
  it.each(['', '   ', 'not a url', 'zoom.us/j/81234567890', '//zoom.us/j/81234567890', 'https://', 'http://exa mple.com/', '\u0000', 'https://[::1'])(
    '%j: platform null, verdict ok, no findings, and parseError explains',
    (input) => {
      const r = analyseLink(input, EXAMPLE);
      expect(r).toEqual({
        platform: null,
        consumer: false,
        meetingId: null,
        personalRoom: false,
        passcode: 'unknown',
        waitingRoom: 'unknown',
        tenant: null,
        sanctioned: null,
        findings: [],
        verdict: 'ok',
      });
      expect(parseError(input)).toMatch(/\S/);
    },
  );

  it('parseError is null for URLs that parse, meeting links or not', () => {
    expect(parseError('https://zoom.us/j/81234567890')).toBeNull();
    expect(parseError('https://example.org/')).toBeNull();
    expect(parseError('zoommtg://zoom.us/join?confno=1')).toBeNull();
  });

  it('non-string input does not throw', () => {
    expect(analyseLink(undefined as unknown as string, EXAMPLE).platform).toBeNull();
    expect(analyseLink(42 as unknown as string, EXAMPLE).platform).toBeNull();
    expect(parseError(null)).toBe('not a string');
  });
});

describe('findings and verdict', () => {
  it('severityOf and verdictOf follow the spec', () => {
    expect(severityOf('block')).toBe('critical');
    expect(severityOf('warn')).toBe('warn');
    expect(severityOf('allow')).toBe('info');
    const f = (severity: Finding['severity']): Finding => ({ code: 'unwrapped', severity, message: 'x' });
    expect(verdictOf([])).toBe('ok');
    expect(verdictOf([f('info')])).toBe('ok');
    expect(verdictOf([f('info'), f('warn')])).toBe('warn');
    expect(verdictOf([f('warn'), f('critical'), f('info')])).toBe('block');
  });

  it('every finding code is produced somewhere', () => {
    const seen = new Set<FindingCode>();
    const add = (r: LinkAnalysis | Finding[]) => (Array.isArray(r) ? r : r.findings).forEach((x) => seen.add(x.code));
    const strict = policy(
      { allowEmbeddedPasscode: false, sanctioned: { zoom: { accounts: ['examplehealth'] } } },
    );
    add(analyseLink('https://zoom.us/s/81234567890', strict)); // start-link, tenant-unverified
    add(analyseLink('https://otherclinic.zoom.us/j/6045550199?pwd=x', strict)); // unsanctioned-tenant, personal-room, embedded-passcode
    add(analyseLink('https://meet.google.com/abc-defg-hij', strict)); // unsanctioned-platform, passcode/waiting-room unverified
    add(analyseLink('https://meet.jit.si/room', strict)); // consumer-platform, public-room
    add(analyseLink(`https://www.google.com/url?q=${encodeURIComponent('https://zoom.us/j/81234567890')}`, strict)); // unwrapped
    add(scheduleFindings({ passcode: 'off', waitingRoom: 'off' }, strict)); // passcode-off, waiting-room-off
    add(analyseLink('https://protect-us.mimecast.com/s/0wSdCVON0gczLDq1tGaO_q/', strict)); // wrapped-unresolved
    expect([...seen].sort()).toEqual([...FINDING_CODES].sort());
  });

  it('messages are single plain sentences that never carry the URL or the passcode', () => {
    const strict = policy({ allowEmbeddedPasscode: false, sanctioned: { zoom: { accounts: ['examplehealth'] } } });
    const links = [
      'https://otherclinic.zoom.us/j/6045550199?pwd=S3cr3tPassc0de',
      'https://teams.microsoft.com/meet/2345678901234?p=S3cr3tPassc0de',
      'zoommtg://zoom.us/join?action=join&confno=81234567890&pwd=S3cr3tPassc0de',
      `https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent('https://zoom.us/s/81234567890?zak=S3cr3tPassc0de')}`,
      'https://meet.jit.si/S3cr3tPassc0de',
      'https://doxy.me/S3cr3tPassc0de',
    ];
    for (const link of links) {
      const r = analyseLink(link, strict);
      expect(r.findings.length, link).toBeGreaterThan(0);
      for (const f of r.findings) {
        expect(f.message, link).not.toContain('S3cr3tPassc0de');
        expect(f.message, link).not.toContain('http');
        expect(f.message, link).not.toContain('6045550199');
        expect(f.message).toMatch(/^[A-Z].*\.$/);
        expect(f.message).not.toMatch(/\n/);
      }
    }
  });
});

describe('scheduleFindings', () => {
  it('warns on required settings that are off, and says nothing about unknown or on', () => {
    const off = scheduleFindings({ passcode: 'off', waitingRoom: 'off' }, DEFAULTS);
    expect(off.map((f) => [f.code, f.severity])).toEqual([
      ['passcode-off', 'warn'],
      ['waiting-room-off', 'warn'],
    ]);
    expect(off[1]?.message).toContain('Waiting Room');
    expect(scheduleFindings({ passcode: 'unknown', waitingRoom: 'on' }, DEFAULTS)).toEqual([]);
    expect(scheduleFindings({ passcode: 'off', waitingRoom: 'off' }, policy({ requirePasscode: false, requireWaitingRoom: false }))).toEqual([]);
  });
});
