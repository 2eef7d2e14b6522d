import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { WEB_URL_SETUP_TIMEOUT } from '../unicode-arbitraries.ts';
import { REDACTED, isSecretParam, normaliseHost, redactUrl } from '../../../src/core/events/redact.ts';

const hostile = [
  'https://jane.doe:s3cret@Zoom.US./j/85551234567?pwd=Abc123xyz&uname=Jane%20Doe#success',
  'https://teams.microsoft.com/meet/2345678901234?p=PassWord99&patient=John+Smith',
  'https://portal.clinic.example/patients/Maria-Garcia/records/diagnosis-hiv?dob=1980-02-03#notes',
  'https://facetime.apple.com/join#v=1&p=SECRETKEYMATERIAL&k=abcdef',
  'http://user@doxy.me/dr-jones/waiting?name=Bob%20Patient',
  'zoommtg://zoom.us/join?confno=85551234567&pwd=Abc123xyz&uname=Jane',
];
const secrets = ['jane', 'doe', 's3cret', 'Abc123xyz', 'Jane', 'PassWord99', 'John', 'Smith', 'Maria', 'Garcia', 'diagnosis', '1980', 'notes', 'SECRETKEYMATERIAL', 'abcdef', 'user', 'Bob', 'success', '85551234567', '2345678901234', 'dr-jones'];

describe('redactUrl, host only (recordFullUrls false)', () => {
  let webUrls: fc.Arbitrary<string>;
  beforeAll(() => {
    webUrls = fc.webUrl({ withQueryParameters: true, withFragments: true });
  }, WEB_URL_SETUP_TIMEOUT);

  it('gives the lower-case host and nothing else', () => {
    expect(redactUrl(hostile[0]!, false)).toEqual({ host: 'zoom.us' });
    expect(redactUrl(hostile[1]!, false)).toEqual({ host: 'teams.microsoft.com' });
    expect(redactUrl(hostile[2]!, false)).toEqual({ host: 'portal.clinic.example' });
    expect(redactUrl(hostile[3]!, false)).toEqual({ host: 'facetime.apple.com' });
    expect(redactUrl(hostile[4]!, false)).toEqual({ host: 'doxy.me' });
    expect(redactUrl(hostile[5]!, false)).toEqual({ host: 'zoom.us' });
  });

  it('never contains any patient-like part of the URL', () => {
    for (const u of hostile) {
      const r = JSON.stringify(redactUrl(u, false));
      for (const s of secrets) expect(r.toLowerCase()).not.toContain(s.toLowerCase());
    }
  });

  it('drops port, one trailing dot, handles IDN and IPs', () => {
    expect(redactUrl('https://Example.COM.:8443/x', false)).toEqual({ host: 'example.com' });
    expect(redactUrl('https://bücher.example/x', false)).toEqual({ host: 'xn--bcher-kva.example' });
    expect(redactUrl('https://[::1]:8080/x', false)).toEqual({ host: '[::1]' });
    expect(redactUrl('http://0x7f.1/', false)).toEqual({ host: '127.0.0.1' });
  });

  it('unparseable or host-less input gives host null and never echoes the input', () => {
    for (const u of ['not a url', 'zoom.us/j/123?pwd=Abc', '', 'mailto:jane.doe@example.com', 'data:text/plain,Jane Doe', 'https://']) {
      expect(redactUrl(u, false)).toEqual({ host: null });
      expect(redactUrl(u, true)).toEqual({ host: null });
    }
  });

  it('property: the result only ever has a host, which is a suffix-free hostname', () => {
    fc.assert(
      fc.property(webUrls, (u) => {
        const r = redactUrl(u, false);
        expect(Object.keys(r)).toEqual(['host']);
        if (r.host !== null) {
          expect(r.host).not.toMatch(/[/?#@]/);
          expect(r.host).toBe(r.host.toLowerCase());
          expect(r.host.endsWith('.')).toBe(false);
        }
      }),
    );
  });
});

describe('redactUrl, full URLs (recordFullUrls true)', () => {
  it('keeps path and query but removes user info, fragment and passcodes', () => {
    expect(redactUrl(hostile[0]!, true)).toEqual({ host: 'zoom.us', url: `https://zoom.us./j/85551234567?pwd=${REDACTED}&uname=${REDACTED}` });
    expect(redactUrl(hostile[1]!, true)).toEqual({ host: 'teams.microsoft.com', url: `https://teams.microsoft.com/meet/2345678901234?p=${REDACTED}&patient=${REDACTED}` });
    expect(redactUrl(hostile[3]!, true)).toEqual({ host: 'facetime.apple.com', url: 'https://facetime.apple.com/join' });
    expect(redactUrl(hostile[4]!, true)).toEqual({ host: 'doxy.me', url: `http://doxy.me/dr-jones/waiting?name=${REDACTED}` });
    const z = redactUrl(hostile[5]!, true);
    expect(z.host).toBe('zoom.us');
    expect(z.url).not.toContain('Abc123xyz');
  });

  it('never contains user info, passcodes or the fragment', () => {
    for (const u of hostile) {
      const r = redactUrl(u, true).url ?? '';
      for (const s of ['s3cret', 'jane.doe:', 'Abc123xyz', 'PassWord99', 'SECRETKEYMATERIAL', '#', 'user@']) expect(r).not.toContain(s);
    }
  });
});

describe('normaliseHost', () => {
  it('lower-cases and removes one trailing dot', () => {
    expect(normaliseHost('A.B..')).toBe('a.b.');
    expect(normaliseHost('.')).toBeNull();
    expect(normaliseHost('')).toBeNull();
  });
});

describe('redactUrl, full URLs: host tokens and passcodes of every platform, wrapped or not', () => {
  const enc = encodeURIComponent;
  const full = (u: string) => redactUrl(u, true).url ?? '';

  it('removes each platform\'s tokens and passcodes, keeping the rest', () => {
    const cases: Array<[string, string]> = [
      ['https://zoom.us/s/81234567890?zak=eyJHOSTTOKEN&tk=REGTOKEN&uname=Dr+Who', `https://zoom.us/s/81234567890?zak=${REDACTED}&tk=${REDACTED}&uname=${REDACTED}`],
      ['https://examplehealth.zoom.us/j/81234567890?pwd=Q2xpbmljLjE', `https://examplehealth.zoom.us/j/81234567890?pwd=${REDACTED}`],
      ['https://zoom.us/wc/81234567890/start?zpk=OLDSTART', `https://zoom.us/wc/81234567890/start?zpk=${REDACTED}`],
      ['https://teams.microsoft.com/meet/2345678901234?p=PassWord99', `https://teams.microsoft.com/meet/2345678901234?p=${REDACTED}`],
      ['https://site.webex.com/site/j.php?MTID=m123abc&PW=NjY3ODk&TK=HOSTTICKET', `https://site.webex.com/site/j.php?MTID=m123abc&PW=${REDACTED}&TK=${REDACTED}`],
      ['https://whereby.com/clinic-room?roomKey=HOSTKEY123', `https://whereby.com/clinic-room?roomKey=${REDACTED}`],
      ['https://meet.goto.com/123456789?password=GOTOPASS', `https://meet.goto.com/123456789?password=${REDACTED}`],
      ['https://v.ringcentral.com/join/123456?pw=RCPASS', `https://v.ringcentral.com/join/123456?pw=${REDACTED}`],
      ['https://8x8.vc/clinic/room?jwt=eyJJITSI.TOKEN', `https://8x8.vc/clinic/room?jwt=${REDACTED}`],
      ['https://doxy.me/sign-in?token=DOXYTOKEN&next=%2Fdr-jones', `https://doxy.me/sign-in?token=${REDACTED}&next=%2Fdr-jones`],
      ['https://meet.google.com/abc-defg-hij?authuser=1&code=OAUTHCODE', `https://meet.google.com/abc-defg-hij?authuser=1&code=${REDACTED}`],
      ['https://portal.example/j/123;pwd=PATHSECRET/join', `https://portal.example/j/123;pwd=${REDACTED}/join`],
    ];
    for (const [input, expected] of cases) expect(full(input), input).toBe(expected);
  });

  it('names secrets by platform and by shape, not anything that merely looks alike', () => {
    for (const n of ['zak', 'ZAK', 'tk', 'pwd', 'PW', 'p', 'roomKey', 'hostKey', 'api_key', 'access_token', 'X-Amz-Signature', 'X-Amz-Security-Token', 'SAMLResponse', 'meetingPwd', 'jwt', 'client_secret']) {
      expect(isSecretParam(n), n).toBe(true);
    }
    for (const n of ['uname', 'patient', 'context', 'MTID', 'url', 'q', 'authuser', 'next', 'type', 'key_id']) {
      expect(isSecretParam(n), n).toBe(false);
    }
  });

  it('inside wrapped links: Safe Links, Google, the Teams launcher (relative, with a fragment), Proofpoint, Sophos', () => {
    const zoomStart = 'https://zoom.us/s/81234567890?zak=HOSTTOKEN1';
    const safe = full(`https://nam02.safelinks.protection.outlook.com/?url=${enc(zoomStart)}&data=05%7C02&reserved=0`);
    expect(safe).toBe(`https://nam02.safelinks.protection.outlook.com/?url=${enc(`https://zoom.us/s/81234567890?zak=${REDACTED}`)}&data=05%7C02&reserved=0`);
    const google = full(`https://www.google.com/url?q=${enc('https://teams.microsoft.com/meet/234?p=TEAMSPASS')}&sa=D`);
    expect(google).toContain(enc('https://teams.microsoft.com/meet/234'));
    expect(google).not.toContain('TEAMSPASS');
    const launcher = full(`https://teams.microsoft.com/dl/launcher/launcher.html?url=${enc('/_#/l/meetup-join/19:meeting_x@thread.v2/0?context=%7B%7D&p=LAUNCHERPASS')}&type=meetup-join`);
    expect(launcher).toContain('meetup-join');
    expect(launcher).not.toContain('LAUNCHERPASS');
    const twice = full(`https://x.safelinks.protection.outlook.com/?url=${enc(enc('https://zoom.us/s/1?zak=DOUBLEENCODED'))}`);
    expect(twice).not.toContain('DOUBLEENCODED');
    const ppv2 = full('https://urldefense.proofpoint.com/v2/url?u=https-3A__zoom.us_s_123-3Fzak-3DPROOFPOINT2&d=DwMF&c=x');
    expect(ppv2).toBe(`https://urldefense.proofpoint.com/v2/url?u=${REDACTED}&d=DwMF&c=x`);
    expect(full('https://urldefense.com/v3/__https://zoom.us/s/123*zak=PROOFPOINT3__;Pw!!ABC$')).toBe(`https://urldefense.com/${REDACTED}`);
    const sophos = full(`https://eu.protection.sophos.com/?d=zoom.us&u=${btoa('https://zoom.us/s/1?zak=SOPHOSHIDDEN')}&i=1`);
    expect(sophos).toBe(`https://eu.protection.sophos.com/?d=zoom.us&u=${REDACTED}&i=1`);
    // Base64 that happens to read as a secret pair itself ("…QTJWTEE…=": "jwt"): the whole value still goes.
    const lookalike = full(`https://eu-central-1.protection.sophos.com/?d=example.org&u=${btoa('https://zoom.us/s/81234567890?PW=A0aAa0A2VLA&uname=x')}&i=1`);
    expect(lookalike).toBe(`https://eu-central-1.protection.sophos.com/?d=example.org&u=${REDACTED}&i=1`);
    // A fragment never survives, top level or inner.
    const v2 = full(`https://x.safelinks.protection.outlook.com/?url=${enc('https://teams.microsoft.com/v2/?meetingjoin=true#/l/meetup-join/x?p=FRAGMENTPASS')}`);
    expect(v2).not.toContain('FRAGMENTPASS');
    expect(v2).not.toContain(enc('#'));
  });

  // Wrappers as mail gateways write them; any chain of them, around any platform's secret.
  const wrappers: Record<string, (u: string) => string> = {
    safelinks: (u) => `https://eur01.safelinks.protection.outlook.com/?url=${enc(u)}&data=05%7C01&reserved=0`,
    google: (u) => `https://www.google.com/url?q=${enc(u)}&sa=D&source=calendar`,
    barracuda: (u) => `https://linkprotect.cudasvc.com/url?a=${enc(u)}&c=E,1,abc&typo=1`,
    trend: (u) => `https://imsva91-ctp.trendmicro.com:443/wis/clicktime/v1/query?url=${enc(u)}&umid=abc`,
    proofpointV2: (u) => `https://urldefense.proofpoint.com/v2/url?u=${enc(u).replace(/-/g, '%2D').replace(/_/g, '%5F').replace(/%/g, '-')}&d=DwMF&c=x`,
    sophos: (u) => `https://eu-central-1.protection.sophos.com/?d=example.org&u=${btoa(u)}&i=1`,
    doubleEncoded: (u) => `https://eur01.safelinks.protection.outlook.com/?url=${enc(enc(u))}`,
  };
  const inner: Record<string, (name: string, secret: string) => string> = {
    query: (n, s) => `https://zoom.us/s/81234567890?${n}=${s}&uname=x`,
    fragment: (n, s) => `https://teams.microsoft.com/v2/?meetingjoin=true#/l/meetup-join/19:m@thread.v2/0?${n}=${s}`,
    path: (n, s) => `https://webex.example/j/123;${n}=${s}/join`,
  };

  it('property: no secret survives any chain of up to three wrappers, in any encoding the output is read with', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('zak', 'tk', 'pwd', 'p', 'PW', 'TK', 'roomKey', 'jwt', 'token', 'passcode', 'access_token'),
        fc.stringMatching(/^[A-Za-z0-9]{10,24}$/),
        fc.constantFrom(...Object.keys(inner)),
        fc.array(fc.constantFrom(...Object.keys(wrappers)), { maxLength: 3 }),
        (name, secret, shape, chain) => {
          let url = inner[shape]!(name, secret);
          for (const w of chain) url = wrappers[w]!(url);
          const r = redactUrl(url, true);
          expect(r.host).not.toBeNull();
          let view = r.url ?? '';
          for (let i = 0; i < 4; i++) {
            expect(view).not.toContain(secret);
            try {
              view = decodeURIComponent(view);
            } catch {
              break;
            }
          }
          for (const w of chain.filter((c) => c === 'sophos')) expect(r.url).not.toContain(btoa(inner[shape]!(name, secret)).slice(0, 12));
        },
      ),
      { numRuns: 500 },
    );
  });
});
describe('identifiers in full URLs (recordFullUrls): e-mail addresses and identifier parameters', () => {
  it('redacts e-mail addresses anywhere, plain or percent-encoded, and the values of MRN, SSN, name, date-of-birth … parameters', () => {
    const cases: Array<[string, string]> = [
      ['https://portal.clinic.example/patients/jane.doe@example.org/chart?tab=notes', `https://portal.clinic.example/patients/${REDACTED}/chart?tab=notes`],
      ['https://portal.clinic.example/invite?to=jane.doe%40example.org&lang=en', `https://portal.clinic.example/invite?to=${REDACTED}&lang=en`],
      ['https://portal.clinic.example/visit?mrn=00123456&ssn=123-45-6789&dob=1961-04-02&room=7', `https://portal.clinic.example/visit?mrn=${REDACTED}&ssn=${REDACTED}&dob=${REDACTED}&room=7`],
      ['https://ehr.example/launch?PatientName=Smith%2C+John&patient_id=991&Date-Of-Birth=02%2F04%2F1961&encounter=5', `https://ehr.example/launch?PatientName=${REDACTED}&patient_id=${REDACTED}&Date-Of-Birth=${REDACTED}&encounter=5`],
      ['https://ehr.example/launch?ptMrn=1&first_name=John&lastName=Smith&email=j%40x.org', `https://ehr.example/launch?ptMrn=${REDACTED}&first_name=${REDACTED}&lastName=${REDACTED}&email=${REDACTED}`],
      ['https://ehr.example/a;mrn=00123456/b', `https://ehr.example/a;mrn=${REDACTED}/b`],
    ];
    for (const [input, want] of cases) expect(redactUrl(input, true).url, input).toBe(want);
  });

  it('the policy adds parameter names (logging.redactParams), compared as the built-in ones', () => {
    const url = 'https://portal.clinic.example/visit?visitorRef=A-77&ward=3&Bed_No=12';
    expect(redactUrl(url, true).url).toBe(url);
    expect(redactUrl(url, true, { params: ['visitor-ref', 'BED.NO'] }).url).toBe(`https://portal.clinic.example/visit?visitorRef=${REDACTED}&ward=3&Bed_No=${REDACTED}`);
  });

  it('host only (the default) never holds them anyway', () => {
    expect(redactUrl('https://portal.clinic.example/p/jane@example.org?mrn=1', false)).toEqual({ host: 'portal.clinic.example' });
  });

  it('property: no identifier value or e-mail address survives a chain of wrappers, in any encoding', () => {
    const wrap = (u: string) => `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent(u)}&data=05`;
    fc.assert(
      fc.property(
        fc.constantFrom('mrn', 'MRN', 'ssn', 'dob', 'patientName', 'first_name', 'email', 'visitRef'),
        fc.stringMatching(/^[A-Za-z0-9]{10,20}$/),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        (name, value, asEmail, depth) => {
          const secret = asEmail ? `${value}@clinic.example` : value;
          let url = `https://portal.clinic.example/p?${asEmail ? 'to' : name}=${encodeURIComponent(secret)}&x=1`;
          for (let i = 0; i < depth; i++) url = wrap(url);
          let view = redactUrl(url, true, { params: ['visitRef'] }).url ?? '';
          for (let i = 0; i < 5; i++) {
            expect(view).not.toContain(value);
            try {
              view = decodeURIComponent(view);
            } catch {
              break;
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
