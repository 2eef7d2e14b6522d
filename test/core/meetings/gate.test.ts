import { describe, expect, it } from 'vitest';
import { analyseLink, PLATFORM_DOMAINS } from '../../../src/core/meetings/analyse.ts';
import { INNER_HINTS, meetingGateRules } from '../../../src/core/meetings/gate.ts';
import { policySchema } from '../../../src/core/policy/schema.ts';
import { simulateDnr } from '../dnr-simulator.ts';
import { meetingCorpus, PUBLIC_1_1 } from './fixtures.ts';

const GUARD = 'chrome-extension://ifailfbikcpllpillgifgengabkkbala/guard.html';
const rules = meetingGateRules(GUARD, 100);
/** Main-frame navigations are matched with their fragment (the Teams web clients route in it). */
const gated = (url: string) => simulateDnr(rules, url, 'main_frame', 'keep').type === 'redirect';
const policy = policySchema.parse({ schemaVersion: 1 });
/** Platforms judged per meeting link (consumer messaging is the catalog's job). */
const GATED_PLATFORMS = new Set(['zoom', 'teams', 'webex', 'meet', 'doxy', 'vsee', 'jitsi', 'whereby', 'goto', 'ringcentral']);

/** Every link the analyser's own tests use, the public 1.1 corpus and the spec's examples. */
const corpus = meetingCorpus();

describe('the meeting-link gate', () => {
  it('has a corpus to check', () => {
    expect(corpus.length).toBeGreaterThan(100);
  });

  it('catches every web meeting link the analyser recognises on a judged platform, wrapped ones included', () => {
    let checked = 0;
    let wrapped = 0;
    for (const url of corpus) {
      const a = analyseLink(url, policy);
      if (a.platform === null || !GATED_PLATFORMS.has(a.platform)) continue;
      if (!/^https?:/i.test(url)) continue; // app schemes never reach the network (nor the gate)
      checked++;
      if (a.findings.some((f) => f.code === 'unwrapped')) wrapped++;
      expect(gated(url), url).toBe(true);
    }
    expect(checked).toBeGreaterThan(70);
    expect(wrapped).toBeGreaterThan(6);
  });

  it('stops a wrapped start link at the gateway, before the gateway is asked (Proofpoint v3, v2 chain)', () => {
    for (const l of PUBLIC_1_1.links.filter((x) => x.expect.codes?.includes('start-link') && x.expect.codes.includes('unwrapped'))) {
      expect(simulateDnr(rules, l.url, 'main_frame', 'keep')).toEqual({ type: 'redirect', to: `${GUARD}#${l.url}` });
    }
  });

  it('lets a wrapped link that names no meeting platform go its way; a hidden one (base64) is always stopped', () => {
    const notMeeting = PUBLIC_1_1.decodes.find((d) => d.wrapped.includes('media.mnn.com'))!;
    expect(gated(notMeeting.wrapped)).toBe(false);
    expect(gated(PUBLIC_1_1.decodes.find((d) => d.wrapped.includes('sophos'))!.wrapped)).toBe(true);
    // Mimecast's destination is not in the link: its redirect meets the platform's own gate.
    expect(gated('https://protect-us.mimecast.com/s/0wSdCVON0gczLDq1tGaO_q/')).toBe(false);
  });

  it('every gated platform domain carries one of the hints the wrapper gates look for', () => {
    const domains = [...GATED_PLATFORMS].flatMap((p) => PLATFORM_DOMAINS[p as keyof typeof PLATFORM_DOMAINS]);
    for (const d of domains) expect(INNER_HINTS.some((h) => d.includes(h)), d).toBe(true);
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

  it('applies to frames too: an embedded meeting is judged before it loads (an ok one then goes on with a pass)', () => {
    for (const type of ['sub_frame', 'object'] as const) {
      expect(simulateDnr(rules, 'https://zoom.us/j/123456789', type)).toEqual({ type: 'redirect', to: `${GUARD}#https://zoom.us/j/123456789` });
    }
  });

  it('a host token never leaves by any request type; other requests to meeting links are left alone (web clients keep working)', () => {
    const others = ['xmlhttprequest', 'image', 'media', 'ping', 'websocket', 'script', 'stylesheet', 'font', 'csp_report', 'other'] as const;
    for (const url of [
      'https://zoom.us/s/81234567890?zak=abc',
      'https://zoom.us/rec/share?z%61k=abc',
      'https://zoom.us/launch?action=start&%7Aak=abc',
      'https://us02web.zoom.us/wc/81234567890/start',
      'https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fzoom.us%2Fj%2F1%3Fzak%3Dabc&data=x',
    ]) {
      for (const type of others) expect(simulateDnr(rules, url, type), `${type} ${url}`).toEqual({ type: 'block' });
      for (const type of ['main_frame', 'sub_frame', 'object'] as const) expect(simulateDnr(rules, url, type).type, `${type} ${url}`).toBe('redirect');
    }
    // A WebSocket carries its query to the server too.
    expect(simulateDnr(rules, 'wss://zoom.us/ws?zak=abc', 'websocket')).toEqual({ type: 'block' });
    expect(simulateDnr(rules, 'wss://zoom.us/ws?x=1;z%61k=abc', 'websocket')).toEqual({ type: 'block' });
    expect(simulateDnr(rules, 'https://zoom.us/j/123456789', 'xmlhttprequest')).toEqual({ type: 'none' });
    expect(simulateDnr(rules, 'https://us02web.zoom.us/wc/81234567890/join', 'xmlhttprequest')).toEqual({ type: 'none' });
  });
});
