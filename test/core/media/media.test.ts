/**
 * Camera, microphone and screen capture (src/core/media): where it is sanctioned, what the
 * background does with a request, who may continue, how often the log takes an event, and the
 * browser content settings that enforce it on Chrome and Edge.
 */
import { describe, expect, it } from 'vitest';
import { captureSettings, settingChanges, sitePattern, ALL_URLS } from '../../../src/core/media/content-settings.ts';
import {
  admitEvent,
  decideCapture,
  decideMediaProceed,
  emptyLedger,
  judgedSite,
  MEDIA_EVENTS_PER_HOUR,
  parseKinds,
  recordsSeenCapture,
  siteOf,
  type MediaContext,
  type MediaTicket,
} from '../../../src/core/media/decide.ts';
import { captureSanctioned, sanctionedCaptureSites } from '../../../src/core/media/sites.ts';
import { parsePolicy } from '../../../src/core/policy/parse.ts';
import { policySchema, type Policy, type PolicyInput } from '../../../src/core/policy/schema.ts';

const NOW = Date.parse('2026-12-05T10:00:00Z');
function policy(extra: Partial<PolicyInput> = {}): Policy {
  return policySchema.parse({
    schemaVersion: 1,
    sanctionedPlatforms: [{ name: 'Example Health Video', url: 'https://video.examplehealth.org/start' }],
    meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] }, teams: { tenantIds: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] }, meet: { allowed: false } } },
    media: { action: 'warn', allowedSites: ['photos.ehr.example'] },
    ...extra,
  });
}
function ctx(p: Policy = policy(), allowances: MediaContext['allowances'] = []): MediaContext {
  return { policy: p, sites: sanctionedCaptureSites(p), allowances, now: NOW };
}
const site = (url: string) => siteOf(url)!;

describe('sanctioned capture sites', () => {
  const sites = sanctionedCaptureSites(policy());
  it.each([
    ['video.examplehealth.org', true, 'host of a sanctioned platform'],
    ['eu.video.examplehealth.org', true, 'its subdomain'],
    ['app.zoom.us', true, 'Zoom listed: its web client, whatever the account'],
    ['teams.microsoft.com', true, 'Teams listed'],
    ['photos.ehr.example', true, 'media.allowedSites'],
    ['teams.live.com', false, 'consumer Teams is never a sanctioned tenant'],
    ['meet.google.com', false, 'meet: allowed false'],
    ['examplehealth.org', false, 'the parent of a sanctioned host'],
    ['evilzoom.us', false, 'a neighbour, not a subdomain'],
    ['zoom.us.evil.example', false, 'a sanctioned name inside another domain'],
    ['whereby.com', false, 'a platform not listed'],
  ])('%s → %s (%s)', (host, expected) => {
    expect(captureSanctioned(sites, host)).toBe(expected);
  });

  it('refuses a path in media.allowedSites: capture is granted per site', () => {
    const r = parsePolicy({ schemaVersion: 1, media: { allowedSites: ['ehr.example/photos'] } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.path).toBe('media.allowedSites[0]');
  });
});

describe('which site a request is judged for (what the browser says, never the message)', () => {
  it('the top frame: its own origin, with the port always written', () => {
    expect(judgedSite({ frameId: 0, origin: 'https://Chat.Example.NET', url: 'https://chat.example.net/room', tabUrl: 'https://x.example/' })).toEqual({ origin: 'https://chat.example.net:443', host: 'chat.example.net' });
  });
  it('another frame: the tab’s top-level site, which Chrome asks the permission for', () => {
    expect(judgedSite({ frameId: 7, origin: 'https://widget.example', url: 'https://widget.example/x', tabUrl: 'https://clinic.example:8443/visit' })!.origin).toBe('https://clinic.example:8443');
  });
  it('an opaque or non-web sender is not judged', () => {
    expect(judgedSite({ frameId: 0, origin: 'null', url: 'data:text/html,x', tabUrl: undefined })).toBeNull();
    expect(judgedSite({ frameId: 0, origin: undefined, url: 'chrome-extension://abc/x.html', tabUrl: undefined })).toBeNull();
  });
  it('kinds: known names only, each once', () => {
    expect(parseKinds(['microphone', 'camera'])).toEqual(['camera', 'microphone']);
    expect(parseKinds(['camera', 'camera'])).toBeNull();
    expect(parseKinds(['camera', 'geolocation'])).toBeNull();
    expect(parseKinds([])).toBeNull();
    expect(parseKinds('camera')).toBeNull();
  });
});

describe('decideCapture', () => {
  it.each([
    ['allow', 'https://chat.example.net', { kind: 'allow', sanctioned: false, recordUse: true }],
    ['warn', 'https://chat.example.net', { kind: 'ask' }],
    ['block', 'https://chat.example.net', { kind: 'refuse' }],
    ['block', 'https://app.zoom.us', { kind: 'allow', sanctioned: true, recordUse: false }],
    ['warn', 'https://photos.ehr.example', { kind: 'allow', sanctioned: true, recordUse: false }],
  ] as const)('%s, %s', (action, url, expected) => {
    expect(decideCapture(site(url), ctx(policy({ media: { action, allowedSites: ['photos.ehr.example'] } })))).toEqual(expected);
  });

  it('warn: an allowance covers exactly its origin, until it ends', () => {
    const allowances = [{ origin: 'https://chat.example.net:443', expiresAt: NOW + 1000 }];
    expect(decideCapture(site('https://chat.example.net/x'), ctx(policy(), allowances)).kind).toBe('allow');
    expect(decideCapture(site('http://chat.example.net/x'), ctx(policy(), allowances)).kind).toBe('ask');
    expect(decideCapture(site('https://chat.example.net:8443/x'), ctx(policy(), allowances)).kind).toBe('ask');
    expect(decideCapture(site('https://a.chat.example.net/x'), ctx(policy(), allowances)).kind).toBe('ask');
    expect(decideCapture(site('https://chat.example.net/x'), { ...ctx(policy(), allowances), now: NOW + 1000 }).kind).toBe('ask');
  });

  it('media.recordUse false: nothing to record', () => {
    expect(decideCapture(site('https://chat.example.net'), ctx(policy({ media: { action: 'allow', recordUse: false } })))).toEqual({ kind: 'allow', sanctioned: false, recordUse: false });
  });
});

describe('a capture the browser reports (Firefox sharingState)', () => {
  it.each(['allow', 'warn', 'block'] as const)('%s: recorded on an unsanctioned site (under block or warn it got round the wrapper), never on a sanctioned one', (action) => {
    const c = ctx(policy({ media: { action, allowedSites: ['photos.ehr.example'] } }));
    expect(recordsSeenCapture(site('https://chat.example.net/room'), c)).toBe(true);
    expect(recordsSeenCapture(site('https://video.examplehealth.org/'), c)).toBe(false);
    expect(recordsSeenCapture(site('https://a.photos.ehr.example/'), c)).toBe(false);
    expect(recordsSeenCapture(site('https://chat.example.net/room'), ctx(policy({ media: { action, recordUse: false } })))).toBe(false);
  });
});

describe('Continue on the notice', () => {
  const s = site('https://chat.example.net');
  const ticket: MediaTicket = { id: 't1', tabId: 4, origin: s.origin, kinds: ['camera', 'microphone'], expiresAt: NOW + 60_000 };
  it('grants exactly that origin for warn.bypassMinutes, with the reason as kept', () => {
    const r = decideMediaProceed(ticket, 4, s, '  patient\nhas no other device ', ctx());
    expect(r).toEqual({ ok: true, allowance: { origin: 'https://chat.example.net:443', expiresAt: NOW + 60 * 60_000 }, reason: 'patient has no other device', kinds: ['camera', 'microphone'] });
  });
  it.each([
    ['no ticket', undefined, 4, s, 'a reason'],
    ['another tab', ticket, 5, s, 'a reason'],
    ['another origin', ticket, 4, site('https://other.example.net'), 'a reason'],
    ['an expired ticket', { ...ticket, expiresAt: NOW }, 4, s, 'a reason'],
    ['a reason too short', ticket, 4, s, ' a '],
    ['a reason that is not text', ticket, 4, s, 42],
  ] as const)('refused: %s', (_what, t, tab, where, reason) => {
    expect(decideMediaProceed(t as MediaTicket | undefined, tab, where, reason, ctx()).ok).toBe(false);
  });
  it('refused when the site is now blocked', () => {
    expect(decideMediaProceed(ticket, 4, s, 'a reason', ctx(policy({ media: { action: 'block' } }))).ok).toBe(false);
  });
});

describe('how often the log takes a media event', () => {
  const p = policy();
  it('media.used: once per host per UTC day', () => {
    let l = emptyLedger();
    const take = (host: string, at: number) => {
      const r = admitEvent(l, 'media.used', host, at, p);
      l = r.ledger;
      return r.record;
    };
    expect(take('chat.example.net', NOW)).toBe(true);
    expect(take('chat.example.net', NOW + 3_600_000)).toBe(false);
    expect(take('other.example.net', NOW + 3_600_000)).toBe(true);
    expect(take('chat.example.net', Date.parse('2026-12-06T00:00:01Z'))).toBe(true);
  });
  it('media.warned: once per host per warn.bypassMinutes; media.blocked: once per host per hour', () => {
    let l = emptyLedger();
    const take = (type: 'media.warned' | 'media.blocked', at: number) => {
      const r = admitEvent(l, type, 'chat.example.net', at, p);
      l = r.ledger;
      return r.record;
    };
    expect(take('media.warned', NOW)).toBe(true);
    expect(take('media.warned', NOW + 59 * 60_000)).toBe(false);
    expect(take('media.warned', NOW + 60 * 60_000)).toBe(true);
    expect(take('media.blocked', NOW)).toBe(true);
    expect(take('media.blocked', NOW + 30 * 60_000)).toBe(false);
  });
  it(`a site with endless subdomains sets off at most ${MEDIA_EVENTS_PER_HOUR} events an hour`, () => {
    let l = emptyLedger();
    let written = 0;
    for (let i = 0; i < 1000; i++) {
      const r = admitEvent(l, i % 2 ? 'media.blocked' : 'media.used', `x${i}.evil.example`, NOW + i, p);
      l = r.ledger;
      if (r.record) written++;
    }
    expect(written).toBe(MEDIA_EVENTS_PER_HOUR);
    expect(admitEvent(l, 'media.used', 'fresh.example', NOW + 3_600_000, p).record).toBe(true);
  });
  it('media.proceeded (a person’s act on a ticket) is always written', () => {
    let l = emptyLedger();
    l.budget = { start: NOW, count: MEDIA_EVENTS_PER_HOUR };
    expect(admitEvent(l, 'media.proceeded', 'chat.example.net', NOW, p).record).toBe(true);
  });
});

describe('the browser content settings (Chrome, Edge)', () => {
  it('block everywhere, allow the sanctioned sites and, under warn, each continued origin', () => {
    const p = policy();
    const rules = captureSettings(p, sanctionedCaptureSites(p), [{ origin: 'https://chat.example.net:443', expiresAt: NOW + 1 }, { origin: 'https://old.example:443', expiresAt: NOW }], NOW);
    expect(rules[0]).toEqual({ primaryPattern: ALL_URLS, setting: 'block' });
    expect(rules).toContainEqual({ primaryPattern: '*://*.zoom.us/*', setting: 'allow' });
    expect(rules).toContainEqual({ primaryPattern: 'https://chat.example.net:443/*', setting: 'allow' });
    expect(rules.some((r) => r.primaryPattern.includes('old.example'))).toBe(false);
    expect(rules.every((r) => r.setting === 'allow' || r.primaryPattern === ALL_URLS)).toBe(true);
  });
  it('block: no per-origin allowance; allow: nothing at all', () => {
    const p = policy({ media: { action: 'block' } });
    expect(captureSettings(p, [], [{ origin: 'https://chat.example.net:443', expiresAt: NOW + 1 }], NOW)).toEqual([{ primaryPattern: ALL_URLS, setting: 'block' }]);
    expect(captureSettings(policy({ media: { action: 'allow' } }), [], [], NOW)).toEqual([]);
  });
  it('an IP address is itself only', () => {
    expect(sitePattern('127.0.0.1')).toBe('*://127.0.0.1/*');
    expect(sitePattern('doxy.me')).toBe('*://*.doxy.me/*');
  });
  it('changes never lift the block on the way: a rule no longer wanted becomes a block, and only relaxing clears', () => {
    const before = { [ALL_URLS]: 'block', 'https://chat.example.net:443/*': 'allow', '*://*.zoom.us/*': 'allow' } as const;
    const c = settingChanges(before, [{ primaryPattern: ALL_URLS, setting: 'block' }, { primaryPattern: '*://*.zoom.us/*', setting: 'allow' }]);
    expect(c.clear).toBe(false);
    expect(c.set).toEqual([{ primaryPattern: 'https://chat.example.net:443/*', setting: 'block' }]);
    expect(settingChanges({}, [{ primaryPattern: 'x', setting: 'allow' }, { primaryPattern: ALL_URLS, setting: 'block' }]).set[0]!.primaryPattern).toBe(ALL_URLS);
    expect(settingChanges(before, [])).toEqual({ clear: true, set: [], next: {} });
    expect(settingChanges({}, [])).toEqual({ clear: false, set: [], next: {} });
  });
});
