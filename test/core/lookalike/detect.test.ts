/** The look-alike detector (src/core/lookalike/detect.ts): every form, and what it must leave alone. */
import { describe, expect, it } from 'vitest';
import { compileLookalikes, detectLookalike, oneSlip, type LookalikeIndex } from '../../../src/core/lookalike/detect.ts';
import table from 'unhomoglyph/data.json' with { type: 'json' };
import { ASCII_PROTOTYPES, labelSkeleton, skeleton } from '../../../src/core/lookalike/skeleton.ts';
import { policySchema, type PolicyInput } from '../../../src/core/policy/schema.ts';
import { GOOGLE_DOMAIN, MICROSOFT_CONSUMER_LOGIN_HOST, MICROSOFT_LOGIN_HOSTS, WEBEX_IDENTITY_HOSTS } from '../../../src/core/tenant-restrictions.ts';

const POLICY: PolicyInput = {
  schemaVersion: 1,
  sanctionedPlatforms: [
    { name: 'Example Health Zoom', url: 'https://examplehealth.zoom.us/' },
    { name: 'CareConnect Video', url: 'https://video.careconnect-health.net/start' },
  ],
  meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] }, doxy: { allowed: true } } },
  detection: { protect: ['examplehealth.org'] },
};

function index(input: PolicyInput = POLICY): LookalikeIndex {
  return compileLookalikes(policySchema.parse(input));
}
/** The host as the browser's URL parser gives it (lower case, punycode). */
const host = (spelt: string) => new URL(`https://${spelt}/`).hostname;
const judge = (spelt: string, idx = index()) => detectLookalike(idx, host(spelt));

describe('confusable spellings (Unicode skeletons)', () => {
  it.each([
    ['zооm.us', 'Zoom'], // Cyrillic о
    ['zoοm.us', 'Zoom'], // Greek ο
    ['www.whatsаpp.com', 'WhatsApp'], // Cyrillic а, a catalog service
    ['gооgle.com', 'Google'],
    ['microsоft.com', 'Microsoft'],
    ['login.microsоftonline.com', 'Microsoft'],
    ['rnicrosoft.com', 'Microsoft'], // rn for m
    ['g00gle.com', 'Google'], // zeros
    ['wеbex.com', 'Webex'],
    ['examp1ehealth.org', 'examplehealth.org'], // a protected domain
    ['dоxy.me', 'Doxy.me'], // a sanctioned meeting platform
    ['careconnect-heаlth.net', 'CareConnect Video'], // a sanctioned platform's own domain
    ['zoom.uѕ', 'Zoom'], // Cyrillic ѕ in the suffix
  ])('%s is not %s', (spelt, name) => {
    expect(judge(spelt)).toMatchObject({ name, form: 'confusable' });
  });
});

describe('one typing slip from the registrable label', () => {
  it.each([
    ['microsoftonIine.com', 'Microsoft'], // capital I for l, which the URL parser lower-cases to i
    ['micorsoftonline.com', 'Microsoft'], // swapped
    ['gooogle.com', 'Google'], // doubled
    ['gogle.com', 'Google'], // missed
    ['microsfot.com', 'Microsoft'],
    ['webxe.com', 'Webex'], // swapped, short label, Webex's own suffix
    ['zooom.us', 'Zoom'], // doubled, short label under Zoom's suffix
    ['zom.us', 'Zoom'],
    ['examplehealht.org', 'examplehealth.org'],
  ])('%s is not %s', (spelt, name) => {
    expect(judge(spelt)).toMatchObject({ name, form: 'typo' });
  });

  it('a short name is judged only by near slips, under its own suffixes, first letter kept', () => {
    for (const real of ['loom.com', 'room.com', 'boom.com', 'xoom.com', 'mail.com', 'weber.com', 'webfx.com', 'zoom.earth', 'zoon.io']) {
      expect(judge(real), real).toBeNull();
    }
  });

  it('oneSlip: exactly one edit', () => {
    expect(oneSlip('zoom', 'zoom')).toBe(false);
    expect(oneSlip('zoom', 'zom')).toBe(true);
    expect(oneSlip('zoom', 'zooom')).toBe(true);
    expect(oneSlip('zoom', 'ozom')).toBe(true);
    expect(oneSlip('zoom', 'zomo')).toBe(true);
    expect(oneSlip('zoom', 'zxom')).toBe(true);
    expect(oneSlip('zoom', 'zoxm', true)).toBe(false); // o→x is not a near key
    expect(oneSlip('zoom', 'zpom', true)).toBe(true); // o→p is
    expect(oneSlip('zoom', 'xoom', true)).toBe(false); // first letter
    expect(oneSlip('zoom', 'oozm')).toBe(false);
    expect(oneSlip('microsoft', 'mcirosoft')).toBe(true);
    expect(oneSlip('microsoft', 'mcirosotf')).toBe(false);
  });
});

describe('the brand inside another domain', () => {
  it.each([
    ['zoom.us.example.net', 'Zoom'],
    ['zoom-us.example', 'Zoom'],
    ['zoom-us.meeting-join.com', 'Zoom'],
    ['login-microsoftonline.com', 'Microsoft'],
    ['microsoft.com-signin.example', 'Microsoft'],
    ['secure.webex.example.org', 'Webex'],
    ['accounts-google.example', 'Google'],
    ['zoomus.com', 'Zoom'], // joined to a lure word
    ['microsoftlogin.com', 'Microsoft'],
    ['securewebex.net', 'Webex'],
    ['examplehealth-login.example', 'examplehealth.org'],
    ['zоom-us.meeting-join.com', 'Zoom'], // the brand spelt confusably (Cyrillic о)
    ['z0om-us.example', 'Zoom'],
    ['zoorn-us.example', 'Zoom'],
    ['login.rnicrosoftonline.example.net', 'Microsoft'],
  ])('%s is not %s', (spelt, name) => {
    expect(judge(spelt)).toMatchObject({ name, form: 'brand' });
  });

  it('a brand as part of a longer word, or its exact label under another suffix, is left alone', () => {
    for (const real of ['zoominfo.com', 'zoomcar.com', 'googletagservices.com', 'zoom.earth', 'google.de', 'google.co.uk', 'webexample.org']) {
      expect(judge(real), real).toBeNull();
    }
  });
});

describe('the real hosts and their subdomains are untouched', () => {
  it.each([
    'zoom.us', 'examplehealth.zoom.us', 'us02web.zoom.us', 'zoom.com', 'zoomgov.com',
    'login.microsoftonline.com', 'microsoft.com', 'teams.microsoft.com', 'outlook.office.com', 'login.live.com', 'contoso.sharepoint.com',
    'accounts.google.com', 'meet.google.com', 'mail.google.com', 'fonts.gstatic.com',
    'examplehealth.webex.com', 'idbroker.webex.com',
    'doxy.me', 'clinic.doxy.me', 'examplehealth.org', 'intranet.examplehealth.org', 'video.careconnect-health.net',
    'whatsapp.com', 'web.whatsapp.com',
  ])('%s', (real) => {
    expect(judge(real)).toBeNull();
  });

  // The hosts the tenant-restriction headers go to, national clouds included (a Microsoft
  // brand word in microsoftonline.us once read as 'not Microsoft', and the sign-in was warned).
  it.each([...MICROSOFT_LOGIN_HOSTS, MICROSOFT_CONSUMER_LOGIN_HOST, GOOGLE_DOMAIN, ...WEBEX_IDENTITY_HOSTS])('sign-in host %s', (real) => {
    expect(judge(real)).toBeNull();
  });

  it('IP addresses, single labels and bare suffixes are not judged', () => {
    for (const h of ['127.0.0.1', '[::1]', 'localhost', 'com', 'co.uk']) expect(detectLookalike(index(), h), h).toBeNull();
  });
});

describe('compiled per policy', () => {
  it('sanctioned platforms, meeting platforms and protected domains are targets only when the policy names them', () => {
    const bare = index({ schemaVersion: 1 });
    expect(judge('examp1ehealth.org', bare)).toBeNull();
    expect(judge('dоxy.me', bare)).toBeNull();
    expect(judge('careconnect-heаlth.net', bare)).toBeNull();
    // The vendors' sign-in hosts are always protected.
    expect(judge('rnicrosoft.com', bare)).toMatchObject({ name: 'Microsoft' });
  });

  it('a sanctioned platform on a vendor domain keeps the vendor’s name', () => {
    expect(judge('zооm.us')).toMatchObject({ id: 'zoom', name: 'Zoom' });
  });

  it('answers repeat from a bounded cache', () => {
    const idx = index();
    expect(judge('zооm.us', idx)).toEqual(judge('zооm.us', idx));
    for (let i = 0; i < 5000; i++) detectLookalike(idx, `host${i}.example`);
    expect(idx.cache.size + idx.older.size).toBeLessThanOrEqual(2 * 4096);
    // A host in use survives a generation change.
    const zoom = host('zооm.us');
    for (let i = 0; i < 20_000; i++) {
      detectLookalike(idx, `other${i}.example`);
      if (i % 1000 === 0) expect(detectLookalike(idx, zoom)).toMatchObject({ name: 'Zoom' });
    }
    expect(idx.cache.has(zoom) || idx.older.has(zoom)).toBe(true);
  });
});

describe('skeletons', () => {
  it('follow Unicode’s confusables table, lower-cased', () => {
    expect(labelSkeleton('zoom')).toBe(labelSkeleton(host('zооm.us').split('.')[0]!));
    expect(labelSkeleton('microsoft')).toBe('rnicrosoft');
    expect(labelSkeleton('g00gle')).toBe('google');
  });

  it('the shortcut for plain labels is the table’s own entries for what a host label can hold', () => {
    const hostChars = 'abcdefghijklmnopqrstuvwxyz0123456789-';
    const fromTable = Object.fromEntries(Object.entries(table as Record<string, string>).filter(([k]) => hostChars.includes(k)).map(([k, v]) => [k, v.toLowerCase()]));
    expect(ASCII_PROTOTYPES).toEqual(fromTable);
    for (const label of ['microsoft', 'g00gle', 'l1m1t', 'plain']) expect(labelSkeleton(label)).toBe(skeleton(label));
  });
});
