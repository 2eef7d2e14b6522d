import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyseLink } from '../../src/core/meetings/analyse.ts';
import { meetingGateRules } from '../../src/core/meetings/gate.ts';
import { policySchema } from '../../src/core/policy/schema.ts';
import { simulateDnr } from './dnr-simulator.ts';

const GUARD = 'chrome-extension://ifailfbikcpllpillgifgengabkkbala/guard.html';
const rules = meetingGateRules(GUARD, 100);
const gated = (url: string) => simulateDnr(rules, url).type === 'redirect';
const policy = policySchema.parse({ schemaVersion: 1 });
/** Platforms judged per meeting link (consumer messaging is the catalog's job). */
const GATED_PLATFORMS = new Set(['zoom', 'teams', 'webex', 'meet', 'doxy', 'vsee', 'jitsi']);

/** Every web link the analyser's own tests use, plus the spec's examples. */
const corpus = [
  ...new Set(
    [...readFileSync('test/core/meetings.test.ts', 'utf8').matchAll(/'(https?:\/\/[^'\s]+)'/g)].map((m) => m[1]!).concat([
      'https://examplehealth.zoom.us/j/81234567890?pwd=Q2xpbmljLjE',
      'https://us05web.zoom.us/j/6045550199',
      'https://zoom.us/s/81234567890?zak=abc',
    ]),
  ),
];

describe('the meeting-link gate', () => {
  it('has a corpus to check', () => {
    expect(corpus.length).toBeGreaterThan(60);
  });

  it('catches every meeting link the analyser recognises on a judged platform (unwrapped links included)', () => {
    let checked = 0;
    for (const url of corpus) {
      const a = analyseLink(url, policy);
      if (a.platform === null || !GATED_PLATFORMS.has(a.platform)) continue;
      // A wrapped link is caught when the browser follows the wrapper to the inner link.
      if (a.findings.some((f) => f.code === 'unwrapped')) continue;
      checked++;
      expect(gated(url), url).toBe(true);
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('redirects to the guard page with the whole link after #', () => {
    expect(simulateDnr(rules, 'https://zoom.us/s/81234567890?zak=abc')).toEqual({ type: 'redirect', to: `${GUARD}#https://zoom.us/s/81234567890?zak=abc` });
    expect(gated('https://ZOOM.US/J/123456789')).toBe(true);
    expect(gated('https://examplehealth.zoom.us/profile?zak=x')).toBe(true);
  });

  it('leaves the platforms’ other pages alone, and look-alike hosts', () => {
    for (const url of [
      'https://zoom.us/',
      'https://zoom.us/pricing',
      'https://zoom.us/meeting/schedule',
      'https://examplehealth.zoom.us/meeting/81234567890/edit',
      'https://teams.microsoft.com/',
      'https://teams.microsoft.com/v2/',
      'https://examplehealth.webex.com/',
      'https://meet.google.com/',
      'https://meet.google.com/landing',
      'https://doxy.me/',
      'https://doxy.me/sign-in.html',
      'https://vsee.com/pricing',
      'https://evilzoom.us/j/123456789',
      'https://zoom.us.evil.example/j/123456789',
    ]) {
      expect(gated(url), url).toBe(false);
    }
  });

  it('applies to main frames only (an embedded meeting in a portal keeps working)', () => {
    expect(simulateDnr(rules, 'https://zoom.us/j/123456789', 'sub_frame').type).toBe('none');
  });
});
