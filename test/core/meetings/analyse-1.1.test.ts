import { describe, expect, it } from 'vitest';
import { analyseLink, type FindingCode } from '../../../src/core/meetings/analyse.ts';
import { decodeProofpointV2, decodeProofpointV3, unwrapOnce } from '../../../src/core/meetings/wrappers.ts';
import { generateManagedSchema } from '../../../src/core/policy/managed-schema.ts';
import { policySchema, type Policy } from '../../../src/core/policy/schema.ts';
import { PUBLIC_1_1 } from './fixtures.ts';

const DEFAULTS: Policy = policySchema.parse({ schemaVersion: 1 });
const codes = (url: string, p: Policy = DEFAULTS): FindingCode[] => analyseLink(url, p).findings.map((f) => f.code);

describe('public 1.1 meeting links (test/fixtures/meeting-links/public-1.1.json)', () => {
  it('has links from sources for every new shape, wrapper and platform', () => {
    expect(PUBLIC_1_1.links.length).toBeGreaterThan(30);
    for (const l of [...PUBLIC_1_1.links, ...PUBLIC_1_1.lookalikes, ...PUBLIC_1_1.decodes]) expect(l.source.length).toBeGreaterThan(10);
  });

  it.each(PUBLIC_1_1.links.map((l) => [l.url, l] as const))('%s', (url, l) => {
    const r = analyseLink(url, DEFAULTS);
    const { codes: want, ...fields } = l.expect;
    expect(r).toMatchObject(fields);
    for (const c of want ?? []) expect(r.findings.map((f) => f.code), c).toContain(c);
  });

  it.each(PUBLIC_1_1.lookalikes.map((l) => [l.url] as const))('look-alike stays platform null: %s', (url) => {
    const r = analyseLink(url, DEFAULTS);
    expect(r.platform).toBeNull();
    expect(r.findings).toEqual([]);
  });
});

describe('wrappers decode as their vendors document', () => {
  it.each(PUBLIC_1_1.decodes.map((d) => [d.wrapped, d] as const))('%s', (wrapped, d) => {
    const step = unwrapOnce(new URL(wrapped));
    expect(step !== null && 'inner' in step ? step.inner.href : step).toBe(d.inner);
  });

  it('a chain of wrappers is followed (Trend Micro around Safe Links)', () => {
    for (const d of PUBLIC_1_1.decodeChains) {
      const one = unwrapOnce(new URL(d.wrapped));
      const two = one !== null && 'inner' in one ? unwrapOnce(one.inner) : null;
      expect(two !== null && 'inner' in two ? two.inner.href : two).toBe(d.inner);
    }
  });

  it('Proofpoint v3 replaces * and **X runs in order from its byte list', () => {
    // "JSM" is base64 of "%#": the first * is "%", the second "#" (a public decoder's example shape).
    expect(decodeProofpointV3('https://urldefense.com/v3/__https://a.example/o/owa*2Findex.html*frag__;JSM!!x$')).toBe('https://a.example/o/owa%2Findex.html#frag');
    // **B is a run of 3 characters.
    expect(decodeProofpointV3(`https://urldefense.com/v3/__https://a.example/**Bz__;${btoa('xyz')}!!x$`)).toBe('https://a.example/xyzz');
    expect(decodeProofpointV3('https://urldefense.com/v3/__https:/a.example/__;!!x$')).toBe('https://a.example/');
    expect(decodeProofpointV3('https://urldefense.com/v3/no-marker')).toBeNull();
    expect(decodeProofpointV2('https-3A__zoom.us_j_81234567890-3Fpwd-3Dabc')).toBe('https://zoom.us/j/81234567890?pwd=abc');
    expect(decodeProofpointV2('-ZZ')).toBeNull();
  });

  it('Mimecast: the destination is not in the link, so wrapped-unresolved (info) and nothing else', () => {
    const r = analyseLink('https://protect-us.mimecast.com/s/0wSdCVON0gczLDq1tGaO_q/', DEFAULTS);
    expect(r).toMatchObject({ platform: null, verdict: 'ok' });
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['wrapped-unresolved', 'info']]);
    expect(r.findings[0]!.message).toContain('Mimecast');
    expect(analyseLink('https://protect-us.mimecast.com/', DEFAULTS).findings).toEqual([]);
  });

  it('names each wrapper of a chain in the unwrapped finding', () => {
    const chain = PUBLIC_1_1.links.find((l) => l.source.startsWith('a chain'))!;
    const msg = analyseLink(chain.url, DEFAULTS).findings.find((f) => f.code === 'unwrapped')!.message;
    expect(msg).toContain('Proofpoint URL Defense, then Outlook Safe Links');
  });
});

describe('meetings.findingActions', () => {
  const strict = policySchema.parse({
    schemaVersion: 1,
    meetings: {
      findingActions: { 'tenant-unverified': 'block', 'personal-room': 'block', 'wrapped-unresolved': 'warn' },
      sanctioned: { zoom: { accounts: ['examplehealth'] } },
    },
  });

  it('sets the severity of the listed codes, and with it the verdict', () => {
    const r = analyseLink('https://us05web.zoom.us/j/6045550199', strict);
    expect(r.verdict).toBe('block');
    expect(r.findings.find((f) => f.code === 'personal-room')!.severity).toBe('critical');
    expect(r.findings.find((f) => f.code === 'tenant-unverified')!.severity).toBe('critical');
    expect(analyseLink('https://us05web.zoom.us/j/6045550199', DEFAULTS).verdict).toBe('warn');
    expect(analyseLink('https://protect-us.mimecast.com/s/0wSdCVON0gczLDq1tGaO_q/', strict).verdict).toBe('warn');
  });

  it('leaves the organisation\'s own scheduled meeting alone', () => {
    expect(analyseLink('https://examplehealth.zoom.us/j/81234567890?pwd=abc', strict).verdict).toBe('ok');
  });

  it('can also lower a finding (allow → info)', () => {
    const lenient = policySchema.parse({ schemaVersion: 1, meetings: { findingActions: { 'personal-room': 'allow' } } });
    expect(analyseLink('https://zoom.us/j/6045550199', lenient).verdict).toBe('ok');
    expect(codes('https://zoom.us/j/6045550199', lenient)).toContain('personal-room');
  });

  it('is in the managed schema (types only: a misspelt code reaches the validator instead of being dropped)', () => {
    const m = generateManagedSchema().properties!.meetings!.properties!;
    expect(Object.keys(m.findingActions!.properties!)).toEqual(['personal-room', 'embedded-passcode', 'passcode-unverified', 'waiting-room-unverified', 'tenant-unverified', 'public-room', 'waiting-room-off', 'passcode-off', 'wrapped-unresolved']);
    expect(m.findingActions!.additionalProperties).toEqual({ type: 'string' });
    expect(Object.keys(m.sanctioned!.properties!)).toEqual(expect.arrayContaining(['whereby', 'goto', 'ringcentral']));
  });

  it('refuses codes it cannot set, naming the code', () => {
    const r = policySchema.safeParse({ schemaVersion: 1, meetings: { findingActions: { 'start-link': 'allow' } } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('start-link');
    expect(policySchema.safeParse({ schemaVersion: 1, meetings: { findingActions: { 'personal-room': 'deny' } } }).success).toBe(false);
  });
});

describe('new platforms are sanctioned with allowed: true', () => {
  it.each([
    ['whereby', 'https://whereby.com/team-room'],
    ['goto', 'https://meet.goto.com/123456789'],
    ['ringcentral', 'https://v.ringcentral.com/join/999888'],
  ] as const)('%s', (key, url) => {
    const yes = policySchema.parse({ schemaVersion: 1, meetings: { sanctioned: { [key]: { allowed: true } } } });
    const no = policySchema.parse({ schemaVersion: 1, meetings: { sanctioned: { zoom: { accounts: [] } } } });
    expect(analyseLink(url, yes).sanctioned).toBe(true);
    expect(analyseLink(url, no)).toMatchObject({ sanctioned: false });
    expect(codes(url, no)).toContain('unsanctioned-platform');
  });
});
