/**
 * The annotator's prefilter (src/core/meetings/prefilter.ts): it may let a non-meeting link
 * through (one wasted check), never skip one the analyser would judge.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseLink, PLATFORM_DOMAINS } from '../../../src/core/meetings/analyse.ts';
import { mightBeMeetingLink } from '../../../src/core/meetings/prefilter.ts';
import { policySchema } from '../../../src/core/policy/schema.ts';
import { meetingCorpus } from './fixtures.ts';

const policy = policySchema.parse({ schemaVersion: 1 });
/** A policy under which a link the analyser cannot see into still gets a verdict (and a marker). */
const strictPolicy = policySchema.parse({ schemaVersion: 1, meetings: { findingActions: { 'wrapped-unresolved': 'warn' } } });

describe('mightBeMeetingLink (prefilter)', () => {
  it.each([
    'https://zoom.us/j/123456789',
    'https://examplehealth.zoom.us/j/81234567890?pwd=x',
    'https://US05WEB.ZOOM.US/j/6045550199',
    'https://zoom.us./j/123456789',
    'https://user:pw@zoom.us:443/j/123456789',
    'zoommtg://zoom.us/join?action=join&confno=123456789',
    'https://teams.microsoft.com/l/meetup-join/x',
    'https://gcc.teams.microsoft.us/l/meetup-join/x',
    'https://site.webex.com/meet/dr',
    'https://meet.google.com/abc-defg-hij',
    'https://doxy.me/drlee',
    'https://clinic.vsee.me/',
    'https://facetime.apple.com/join#v=1',
    'https://wa.me/15555550100',
    'https://t.me/x',
    'https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fzoom.us%2Fj%2F123456789&data=x',
    'https://nam12.safelinks.protection.outlook.com/?URL=https%253A%252F%252Fzoom.us%252Fj%252F123456789',
    'https://www.google.com/url?q=https%3A%2F%2Fzoom.us%2Fj%2F123456789',
    'https://www.google.com/url?q=https%3A%2F%2Fnam12.safelinks.protection.outlook.com%2F%3Furl%3Dhttps%253A%252F%252Fzoom.us%252Fs%252F1%26data%3Dx',
    '  https://zoom.us/j/123456789  ',
    '//zoom.us/j/123456789',
    // hosts only the URL parser can read count as candidates (the analyser decides)
    'https://ｚｏｏｍ.us/s/81234567890',
    'https://zoom%2Eus/j/123456789',
    'https://zo\tom.us/j/123456789',
    // wrapped links are candidates whatever they hold: the analyser unwraps them (one table, one depth)
    'https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.org%2F&data=x',
    'https://nam12.safelinks.protection.outlook.com/?data=x',
    'https://www.google.com/url?q=https%3A%2F%2Fexample.org%2F',
    'https://urldefense.com/v3/__https://zoom.us/s/1__;!!x$',
    'https://eu-central-1.protection.sophos.com/?d=zoom.us&u=aHR0cHM6Ly96b29tLnVzL3MvMQ==',
    'msteams:/l/meetup-join/19%3aabc%40thread.v2/0',
  ])('candidate: %s', (href) => {
    expect(mightBeMeetingLink(href)).toBe(true);
  });

  it.each([
    'https://evilzoom.us/j/123456789',
    'https://zoom.us.evil.example/j/123456789',
    'https://example.org/?u=https://zoom.us/j/123456789',
    'https://www.google.com/search?q=zoom.us',
    'https://maps.google.com/url?q=https%3A%2F%2Fzoom.us%2Fj%2F123456789',
    'https://mail.google.com/mail/u/0/',
    'mailto:someone@zoom.us',
    'javascript:void(0)',
    '/relative/zoom.us',
    '',
    'https://',
    'https://192.168.1.1/j/1',
    'https://[::1]/j/1',
    'tel:+15555550100',
  ])('skipped: %s', (href) => {
    expect(mightBeMeetingLink(href)).toBe(false);
  });

  it('never skips a link the analyser gives a platform or a verdict, on the shared corpus (test/core/meetings/fixtures.ts)', () => {
    let checked = 0;
    for (const href of meetingCorpus()) {
      const a = analyseLink(href, strictPolicy);
      if (a.platform === null && a.verdict === 'ok') continue;
      checked++;
      expect(mightBeMeetingLink(href), href).toBe(true);
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('never skips a link the analyser would give a platform (sample of the spec examples)', () => {
    for (const href of [
      'https://examplehealth.zoom.us/j/81234567890?pwd=Q2xpbmljLjE',
      'https://us05web.zoom.us/j/6045550199',
      'https://zoom.us/s/81234567890?zak=abc',
      'https://facetime.apple.com/join#v=1&p=abc&k=def',
      'https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fzoom.us%2Fj%2F123456789',
      'https://teams.microsoft.com/dl/launcher/launcher.html?url=%2F_%23%2Fl%2Fmeetup-join%2F19%3Ameeting',
    ]) {
      expect(analyseLink(href, policy).platform).not.toBeNull();
      expect(mightBeMeetingLink(href)).toBe(true);
    }
  });
});

describe('mightBeMeetingLink never skips a meeting link (property)', () => {
  const domains = Object.values(PLATFORM_DOMAINS).flat();
  const host = fc.oneof(
    fc.constantFrom(...domains),
    fc.tuple(fc.constantFrom('www', 'us05web', 'examplehealth', 'gcc', 'site', 'EXAMPLE'), fc.constantFrom(...domains)).map(([a, b]) => `${a}.${b}`),
    fc.constantFrom('example.org', 'evilzoom.us', 'zoom.us.evil.example', 'google.com'),
  );
  const path = fc.constantFrom(
    '/j/81234567890', '/j/6045550199?pwd=abc', '/s/81234567890?zak=x', '/my/drlee', '/wc/join/81234567890',
    '/l/meetup-join/19%3ameeting/0', '/meet/123456789?p=x', '/meet/drlee', '/site/j.php?MTID=m1', '/abc-defg-hij',
    '/lookup/x', '/join#v=1', '/video/tok', '/AbCd', '/u/dr', '/', '/room42', '/dl/launcher/launcher.html?url=%2F_%23%2Fl%2Fmeetup-join%2F19%3Ameeting',
  );
  const direct = fc.tuple(fc.constantFrom('https://', 'http://', 'HTTPS://', '//'), host, fc.constantFrom('', '.', ':443'), path).map(
    ([scheme, h, suffix, p]) => `${scheme}${h}${suffix}${p}`,
  );
  const wrapped = fc.tuple(
    direct.filter((u) => !u.startsWith('//')),
    fc.constantFrom(
      (u: string) => `https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent(u)}&data=x`,
      (u: string) => `https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent(encodeURIComponent(u))}`,
      (u: string) => `https://www.google.com/url?q=${encodeURIComponent(u)}&sa=D`,
      (u: string) => `https://www.google.com/url?sa=D&url=${encodeURIComponent(u)}`,
    ),
  ).map(([u, wrap]) => wrap(u));
  const appScheme = fc.constantFrom('zoommtg://zoom.us/join?action=join&confno=81234567890', 'zoomus://x/join?confno=1');

  it('analyseLink(u).platform !== null ⇒ mightBeMeetingLink(u)', () => {
    fc.assert(
      fc.property(fc.oneof(direct, wrapped, appScheme), (u) => {
        const absolute = u.startsWith('//') ? `https:${u}` : u;
        if (analyseLink(absolute, policy).platform !== null) expect(mightBeMeetingLink(u)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
