import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, normaliseHost, redactUrl } from '../../src/core/events/redact.ts';

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
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (u) => {
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
    expect(redactUrl(hostile[0]!, true)).toEqual({ host: 'zoom.us', url: `https://zoom.us./j/85551234567?pwd=${REDACTED}&uname=Jane+Doe` });
    expect(redactUrl(hostile[1]!, true)).toEqual({ host: 'teams.microsoft.com', url: `https://teams.microsoft.com/meet/2345678901234?p=${REDACTED}&patient=John+Smith` });
    expect(redactUrl(hostile[3]!, true)).toEqual({ host: 'facetime.apple.com', url: 'https://facetime.apple.com/join' });
    expect(redactUrl(hostile[4]!, true)).toEqual({ host: 'doxy.me', url: 'http://doxy.me/dr-jones/waiting?name=Bob%20Patient' });
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
