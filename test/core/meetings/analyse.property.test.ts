import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { anyUnicodeString, WEB_URL_SETUP_TIMEOUT } from '../unicode-arbitraries.ts';
import { analyseLink, FINDING_CODES, PLATFORMS, type LinkAnalysis, type Platform } from '../../../src/core/meetings/analyse.ts';
import { policySchema, type Policy } from '../../../src/core/policy/schema.ts';

/**
 * The spec's host list for each platform, written out here independently of the
 * implementation's table, so that a platform named for a foreign host fails the test.
 */
const SPEC_DOMAINS: Record<Platform, string[]> = {
  zoom: ['zoom.us', 'zoomgov.com', 'zoom-x.de'],
  teams: ['teams.microsoft.com', 'teams.microsoft.us', 'teams.cloud.microsoft', 'teams.live.com'],
  webex: ['webex.com'],
  meet: ['meet.google.com'],
  jitsi: ['meet.jit.si'],
  doxy: ['doxy.me'],
  vsee: ['vsee.me', 'vsee.com'],
  whereby: ['whereby.com'],
  goto: ['meet.goto.com', 'global.gotomeeting.com', 'app.gotomeeting.com'],
  ringcentral: ['v.ringcentral.com', 'meetings.ringcentral.com'],
  facetime: ['facetime.apple.com'],
  whatsapp: ['chat.whatsapp.com', 'call.whatsapp.com', 'wa.me'],
  skype: ['join.skype.com'],
  telegram: ['t.me', 'telegram.me'],
  signal: ['signal.me', 'signal.group'],
  messenger: ['m.me', 'msngr.com'],
};
/** Hosts whose links are unwrapped (Google's redirect only on google.com and www.google.com). */
function isWrapperHost(host: string): boolean {
  return (
    ['safelinks.protection.outlook.com', 'safelinks.protection.office365.us', 'urldefense.proofpoint.com', 'urldefense.com', 'urldefense.us',
      'linkprotect.cudasvc.com', 'trendmicro.com', 'protection.sophos.com', 'mimecast.com'].some((d) => isUnder(host, d)) ||
    host === 'google.com' ||
    host === 'www.google.com'
  );
}

function isUnder(host: string, base: string): boolean {
  return host === base || host.endsWith(`.${base}`);
}

/** The host as the browser would resolve it: WHATWG-parsed, lower case, no trailing dot. */
function resolvedHost(link: string): string | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  let host = url.hostname;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    try {
      host = new URL(`https://${host}/`).hostname;
    } catch {
      return null;
    }
  }
  return host.replace(/\.$/, '');
}

const POLICIES: Policy[] = [
  policySchema.parse({ schemaVersion: 1 }),
  policySchema.parse({
    schemaVersion: 1,
    categories: { 'consumer-video': 'block' },
    services: { telegram: 'allow' },
    meetings: {
      allowEmbeddedPasscode: false,
      allowPersonalRooms: true,
      unsanctionedAction: 'block',
      sanctioned: {
        zoom: { accounts: ['examplehealth'] },
        teams: { tenantIds: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] },
        webex: { sites: ['examplehealth'] },
        meet: { allowed: true },
        doxy: { allowed: false },
      },
    },
  }),
];

/** Structural invariants every result must satisfy. */
function checkShape(r: LinkAnalysis): void {
  expect(r.platform === null || (PLATFORMS as readonly string[]).includes(r.platform)).toBe(true);
  for (const f of r.findings) {
    expect(FINDING_CODES).toContain(f.code);
    expect(['info', 'warn', 'critical']).toContain(f.severity);
    expect(f.message.length).toBeGreaterThan(0);
  }
  const expected = r.findings.some((f) => f.severity === 'critical')
    ? 'block'
    : r.findings.some((f) => f.severity === 'warn')
      ? 'warn'
      : 'ok';
  expect(r.verdict).toBe(expected);
  if (r.platform === null) {
    // Only a wrapped link the analyser cannot see into has a finding without a platform.
    expect(r.findings.every((f) => f.code === 'wrapped-unresolved')).toBe(true);
    expect(r.sanctioned).toBeNull();
    expect(r.consumer).toBe(false);
  }
  if (r.tenant !== null) expect(r.tenant).toBe(r.tenant.toLowerCase());
}

// ---- arbitraries ----------------------------------------------------------------------

const platformBase = fc.constantFrom(...Object.values(SPEC_DOMAINS).flat());
const lookAlike = fc.constantFrom(
  'evilzoom.us', 'zoom.us.evil.example', 'zoom.usa', 'zoomgov.co', 'xn--zom-sed.us', 'teams.microsoft.co',
  'teams.microsoft.com.evil.example', 'eviltmeet.google.com.example', 'webex.co', 'doxy.mee', 'vsee.co',
  'apple.com', 'whatsapp.com', 'skype.com', 'jit.si', 'me', 'live.com', 'microsoft.us', 'example.org', '127.0.0.1',
  'zoom-x.com', 'evilwhereby.com', 'goto.com', 'gotomeeting.com', 'ringcentral.com', 'meetzoom.us', 'whereby.co',
);
const prefix = fc.constantFrom('', '', 'www.', 'app.', 'us05web.', 'examplehealth.', 'gov.', 'a.b.', 'evil', 'x-');
const suffix = fc.constantFrom('', '', '', '.', '.evil.example', 'x', ':8443', '.:443');
const hostArb = fc
  .tuple(prefix, fc.oneof(platformBase, lookAlike, fc.domain()), suffix)
  .map(([p, b, s]) => p + b + s);
const hostMixedCase = hostArb.chain((h) => fc.mixedCase(fc.constant(h)));

const segment = fc.oneof(
  fc.constantFrom('j', 'w', 's', 'my', 'wc', 'join', 'meet', 'l', 'meetup-join', 'lookup', 'u', 'c', 'video', 'voice', 'dl', '_', 'j.php', 'start', '_meet', 'v2'),
  fc.constantFrom('81234567890', '6045550199', '123456789', '2345678901234', 'abc-defg-hij', 'drsmith', '19%3ameeting_x%40thread.v2', '0'),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const realPath = fc.constantFrom(
  '/j/81234567890', '/w/81234567890', '/s/81234567890', '/my/drsmith', '/wc/join/6045550199', '/wc/81234567890/join',
  '/l/meetup-join/19%3ameeting_x%40thread.v2/0', '/meet/2345678901234', '/meet/drsmith', '/site/j.php', '/abc-defg-hij',
  '/lookup/cardiology', '/drsmith', '/u/drsmith', '/c/clinic', '/join', '/video/AbCdEf', '/15555550123', '/',
  '/wc/81234567890/start', '/start', '/_meet/abc-defg-hij', '/join/321819862', '/123456789', '/j/1480439922', '/s/1499552188',
  '/v2/', '/e24f501b-0d97-4f72-b36c-f471e7cbfa85',
);
const pathArb = fc.oneof(realPath, fc.array(segment, { maxLength: 5 }).map((segs) => '/' + segs.join('/')));
const queryPart = fc.oneof(
  fc.constantFrom('pwd=abc', 'zak=abc', 'tk=abc', 'p=xyz', 'confno=81234567890', 'action=join', 'action=start', 'MTID=m123', 'pwd=', 'meetingId=799597533', 'pw=abc', 'meetingjoin=true'),
  fc.constant(`context=${encodeURIComponent('{"Tid":"72f988bf-86f1-41af-91ab-2d7cd011db47"}')}`),
  fc.constant(`context=${encodeURIComponent('{"tid":"11111111-2222-3333-4444-555555555555"}')}`),
  fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 12 })).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
);
const queryArb = fc.array(queryPart, { maxLength: 4 }).map((ps) => (ps.length ? '?' + ps.join('&') : ''));
const hashArb = fc.oneof(fc.constant(''), fc.constantFrom('#v=1&p=abc', '#/l/meetup-join/x/0', '#p/+1555', '#/meet/1234567890123?p=x'), fc.string({ maxLength: 10 }).map((s) => '#' + s));
const schemeArb = fc.constantFrom('https://', 'https://', 'http://', 'zoommtg://', 'zoomus://', 'msteams://', 'ftp://', 'https://user@', 'https://zoom.us@');

/** Meeting-ish URLs that are not wrappers: hosts from the platform lists, look-alikes and random domains. */
const meetingishUrl = fc
  .tuple(schemeArb, hostMixedCase, pathArb, queryArb, hashArb)
  .map(([s, h, p, q, f]) => s + h + p + q + f)
  .filter((link) => {
    const host = resolvedHost(link);
    return host === null || !isWrapperHost(host);
  });

const anyPolicy = fc.constantFrom(...POLICIES);

// ---- properties -----------------------------------------------------------------------

/** Proofpoint URL Defense v2's encoding: percent-encode, then "%" → "-" and "/" → "_". */
function proofpointV2(u: string): string {
  return encodeURIComponent(u)
    .replace(/%2F/gi, '/')
    .replace(/[-_!'()*~.]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'))
    .replace(/%/g, '-')
    .replace(/\//g, '_');
}

/** Links under each wrapper's host with arbitrary payloads, for the new parsers' never-throw property. */
const wrapperNoise = fc
  .tuple(
    fc.constantFrom(
      'https://urldefense.com/v3/__', 'https://urldefense.us/v3/__', 'https://urldefense.proofpoint.com/v2/url?u=',
      'https://urldefense.proofpoint.com/v1/url?u=', 'https://x.linkprotect.cudasvc.com/?a=', 'https://ctp.trendmicro.com/wis/clicktime/v2/clickthrough?url=',
      'https://eu-west-1.protection.sophos.com/?d=x&u=', 'https://protect-us.mimecast.com/s/', 'msteams:/l/meetup-join/', 'msteams://', 'zoommtg://zoom.us/start?confno=',
    ),
    fc.oneof(fc.string(), anyUnicodeString(), fc.base64String(), fc.constantFrom('__;!!x$', '*__;Kw!!x$', '**Z__;QQ!!x$', '**__;!x$')),
    fc.oneof(fc.constant(''), fc.string()),
  )
  .map(([a, b, c]) => a + b + c);

describe('meeting-link analyser properties', () => {
  let webUrls: fc.Arbitrary<string>;
  beforeAll(() => {
    webUrls = fc.webUrl({ withQueryParameters: true, withFragments: true, validSchemes: ['http', 'https', 'zoommtg', 'ftp'] });
  }, WEB_URL_SETUP_TIMEOUT);

  it('never throws on arbitrary payloads inside every wrapper and app scheme, and the result is well-formed', () => {
    fc.assert(
      fc.property(wrapperNoise, anyPolicy, (u, p) => checkShape(analyseLink(u, p))),
      { numRuns: 3000 },
    );
  });

  it('never throws on arbitrary strings, and the result is well-formed', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), anyUnicodeString(), fc.string({ unit: 'grapheme' })), anyPolicy, (s, p) => {
        checkShape(analyseLink(s, p));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary web URLs, and the result is well-formed', () => {
    fc.assert(
      fc.property(
        webUrls,
        anyPolicy,
        (u, p) => checkShape(analyseLink(u, p)),
      ),
      { numRuns: 2000 },
    );
  });

  it('never names a platform for a host outside that platform\'s domains', () => {
    fc.assert(
      fc.property(meetingishUrl, anyPolicy, (link, p) => {
        const r = analyseLink(link, p);
        checkShape(r);
        if (r.platform !== null) {
          const host = resolvedHost(link);
          expect(host, link).not.toBeNull();
          expect(SPEC_DOMAINS[r.platform].some((d) => isUnder(host!, d)), `${link} → ${r.platform}`).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('the generator does reach every platform (so the property above is not vacuous)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(meetingishUrl, (link) => {
        const platform = analyseLink(link, POLICIES[0]!).platform;
        if (platform !== null) seen.add(platform);
      }),
      { numRuns: 20000, seed: 42 },
    );
    // Not every platform is reachable by random combination; the common enterprise ones must be.
    for (const p of ['zoom', 'teams', 'webex', 'meet', 'doxy', 'vsee', 'whatsapp', 'telegram', 'messenger']) {
      expect(seen, p).toContain(p);
    }
  });

  it('host case and one trailing dot never change the result', () => {
    const link = fc.tuple(fc.constantFrom('https://', 'http://'), hostArb.filter((h) => !h.includes(':') && !h.endsWith('.')), pathArb, queryArb, hashArb);
    fc.assert(
      fc.property(link, anyPolicy, ([s, h, p, q, f], pol) => {
        const base = analyseLink(s + h + p + q + f, pol);
        expect(analyseLink(s + h.toUpperCase() + p + q + f, pol)).toEqual(base);
        expect(analyseLink(s + h + '.' + p + q + f, pol)).toEqual(base);
      }),
      { numRuns: 2000 },
    );
  });

  it('a wrapped link is analysed as its inner link, plus one unwrapped finding when it is a meeting', () => {
    const wrap = fc.constantFrom(
      (u: string) => `https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent(u)}&data=x&reserved=0`,
      (u: string) => `https://www.google.com/url?q=${encodeURIComponent(u)}&sa=D`,
      (u: string) => `https://www.google.com/url?url=${encodeURIComponent(u)}`,
      (u: string) => `https://teams.microsoft.com/dl/launcher/launcher.html?url=${encodeURIComponent(u)}&type=meetup-join`,
      (u: string) => `https://urldefense.proofpoint.com/v2/url?u=${proofpointV2(u)}&d=DwMFaQ&c=x&e=`,
      (u: string) => `https://x.linkprotect.cudasvc.com/url?a=${encodeURIComponent(u)}&c=E,1`,
      (u: string) => `https://imsva91.ctp.trendmicro.com/wis/clicktime/v1/query?url=${encodeURIComponent(u)}&umid=1`,
      (u: string) => `https://eu-central-1.protection.sophos.com/?d=x.example&u=${encodeURIComponent(btoa(unescape(encodeURIComponent(u))))}&i=1`,
    );
    fc.assert(
      fc.property(meetingishUrl.filter((u) => resolvedHost(u) !== null), wrap, anyPolicy, (inner, w, p) => {
        const direct = analyseLink(inner, p);
        const wrapped = analyseLink(w(inner), p);
        if (direct.platform === null) {
          expect(wrapped.platform).toBeNull();
          expect(wrapped.findings.filter((f) => f.code !== 'wrapped-unresolved')).toEqual([]);
          return;
        }
        const unwrapped = wrapped.findings.filter((f) => f.code === 'unwrapped');
        expect(unwrapped).toHaveLength(1);
        expect(unwrapped[0]!.severity).toBe('info');
        expect({ ...wrapped, findings: wrapped.findings.filter((f) => f.code !== 'unwrapped') }).toEqual(direct);
      }),
      { numRuns: 2000 },
    );
  });

  it('a passcode in the link never appears in a message', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{12,20}$/);
    fc.assert(
      fc.property(secret, fc.constantFrom('pwd', 'p', 'zak'), hostArb, pathArb, anyPolicy, (pw, key, h, path, p) => {
        const r = analyseLink(`https://${h}${path}?${key}=${pw}`, p);
        for (const f of r.findings) expect(f.message).not.toContain(pw);
      }),
      { numRuns: 1000 },
    );
  });
});
