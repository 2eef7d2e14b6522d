import { describe, expect, it } from 'vitest';
import {
  acceptRecordRequest,
  RECORD_EVENT_MESSAGE,
  REASON_MAX_LENGTH,
  recordEventRequest,
  type RecordContext,
  type RecordEventRequest,
  type RecordSender,
} from '../../src/browser/events/messages.ts';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const ORIGIN = `chrome-extension://${ID}`;
const CTX: RecordContext = {
  policyVersion: '2025-03-01',
  policySource: 'managed',
  extensionVersion: '0.1.0',
  recordFullUrls: false,
  now: new Date('2025-03-01T09:30:00.000Z'),
};

const warningPage: RecordSender = { id: ID, url: `${ORIGIN}/warning.html?u=https%3A%2F%2Fweb.whatsapp.com%2F`, origin: ORIGIN, tab: { id: 7 } };
const contentScript: RecordSender = { id: ID, url: 'https://calendar.example/week?patient=Jane+Doe', origin: 'https://calendar.example', tab: { id: 9 } };
const webPage: RecordSender = { url: 'https://evil.example/', origin: 'https://evil.example', tab: { id: 3 } };
const otherExtension: RecordSender = { id: 'ponmlkjihgfedcbaponmlkjihgfedcba', url: 'chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba/bg.js' };

const proceed: RecordEventRequest = recordEventRequest({
  type: 'navigation.proceeded',
  url: 'https://web.whatsapp.com/send?phone=15551234567&text=Jane%20Doe#frag',
  service: 'whatsapp',
  action: 'warn',
  reason: '  Patient has no other app  ',
});

const linkChecked: RecordEventRequest = recordEventRequest({
  type: 'link.checked',
  url: 'https://us02web.zoom.us/j/123456789?pwd=SECRET',
  service: 'zoom',
  action: 'warn',
  findings: ['embedded-passcode', 'personal-room'],
});

function accept(message: unknown, sender: RecordSender, ctx: RecordContext = CTX): ReturnType<typeof acceptRecordRequest> {
  return acceptRecordRequest(message, sender, ID, ORIGIN, ctx);
}

describe('acceptRecordRequest', () => {
  it("accepts the warning page's proceed and builds the draft (host only, stamped by the background)", () => {
    expect(accept(proceed, warningPage)).toEqual({
      ts: '2025-03-01T09:30:00.000Z',
      type: 'navigation.proceeded',
      host: 'web.whatsapp.com',
      service: 'whatsapp',
      action: 'warn',
      reason: 'Patient has no other app',
      policyVersion: '2025-03-01',
      policySource: 'managed',
      extensionVersion: '0.1.0',
    });
    // an origin given with a trailing slash works the same
    expect(acceptRecordRequest(proceed, warningPage, ID, ORIGIN + '/', CTX)).not.toHaveProperty('error');
  });

  it('keeps a redacted url only when recordFullUrls', () => {
    const d = accept(linkChecked, contentScript, { ...CTX, recordFullUrls: true });
    expect(d).toMatchObject({ host: 'us02web.zoom.us', url: 'https://us02web.zoom.us/j/123456789?pwd=REDACTED' });
    const d2 = accept(linkChecked, contentScript);
    expect(d2).toMatchObject({ host: 'us02web.zoom.us', findings: ['embedded-passcode', 'personal-room'] });
    expect(d2).not.toHaveProperty('url');
    expect(JSON.stringify(d2)).not.toContain('SECRET');
  });

  it('refuses a web page and another extension, whatever they send', () => {
    expect(accept(proceed, webPage)).toEqual({ error: 'sender is not this extension' });
    expect(accept(linkChecked, webPage)).toHaveProperty('error');
    expect(accept(proceed, otherExtension)).toHaveProperty('error');
    expect(accept(proceed, { ...webPage, id: undefined })).toHaveProperty('error');
    expect(acceptRecordRequest(proceed, { url: warningPage.url }, '', ORIGIN, CTX)).toHaveProperty('error');
  });

  it('a content script may record link/schedule checks only', () => {
    expect(accept(linkChecked, contentScript)).not.toHaveProperty('error');
    expect(
      accept(recordEventRequest({ type: 'schedule.checked', host: 'zoom.us', service: 'zoom', action: null, findings: [] }), contentScript),
    ).toMatchObject({ type: 'schedule.checked', host: 'zoom.us', findings: [] });
    expect(accept(proceed, contentScript)).toEqual({ error: 'a content-script may not record navigation.proceeded' });
    for (const type of ['navigation.warned', 'navigation.blocked', 'navigation.redirected', 'log.exported'] as const) {
      expect(accept(recordEventRequest({ type, host: 'zoom.us' }), contentScript)).toHaveProperty('error');
    }
  });

  it('a page inside the extension origin must really be there', () => {
    expect(accept(proceed, { ...warningPage, url: `chrome-extension://${ID}x/warning.html` })).toHaveProperty('error');
    expect(accept(proceed, { ...warningPage, origin: 'https://evil.example' })).toHaveProperty('error');
    // a frame of a web page claiming an extension-like path is a content script at most
    expect(accept(proceed, { ...contentScript, url: `https://evil.example/${ORIGIN}/warning.html` })).toHaveProperty('error');
    // no tab and not an extension page: neither kind
    expect(accept(linkChecked, { id: ID, url: 'https://calendar.example/' })).toHaveProperty('error');
    expect(accept(linkChecked, { id: ID })).toHaveProperty('error');
  });

  it('background-only types are never accepted from messages', () => {
    for (const type of ['policy.applied', 'policy.invalid', 'log.pruned']) {
      expect(accept({ kind: RECORD_EVENT_MESSAGE, event: { type } }, warningPage)).toHaveProperty('error');
    }
  });

  it('rejects malformed requests', () => {
    const bad: unknown[] = [
      null,
      'navigation.proceeded',
      { kind: 'something-else', event: proceed.event },
      { kind: RECORD_EVENT_MESSAGE },
      { ...proceed, extra: 1 },
      { kind: RECORD_EVENT_MESSAGE, event: { ...proceed.event, seq: 1 } },
      { kind: RECORD_EVENT_MESSAGE, event: { ...proceed.event, hash: 'a'.repeat(64) } },
      { kind: RECORD_EVENT_MESSAGE, event: { ...proceed.event, ts: '2020-01-01T00:00:00.000Z' } },
      { kind: RECORD_EVENT_MESSAGE, event: { ...proceed.event, policySource: 'default' } },
      { kind: RECORD_EVENT_MESSAGE, event: { ...proceed.event, reason: 'x'.repeat(REASON_MAX_LENGTH + 1) } },
      { kind: RECORD_EVENT_MESSAGE, event: { ...proceed.event, reason: 'line\nbreak' } },
      { kind: RECORD_EVENT_MESSAGE, event: { ...proceed.event, reason: 42 } },
      { kind: RECORD_EVENT_MESSAGE, event: { ...proceed.event, action: 'maybe' } },
      { kind: RECORD_EVENT_MESSAGE, event: { ...proceed.event, service: 'Not An Id!' } },
      { kind: RECORD_EVENT_MESSAGE, event: { ...proceed.event, url: 'x'.repeat(5000) } },
      { kind: RECORD_EVENT_MESSAGE, event: { ...proceed.event, host: 'web.whatsapp.com' } }, // url and host
      { kind: RECORD_EVENT_MESSAGE, event: { ...proceed.event, findings: ['personal-room'] } }, // findings on proceed
      { kind: RECORD_EVENT_MESSAGE, event: { type: 'navigation.warned', host: 'a.example', reason: 'why' } }, // reason off proceed
      { kind: RECORD_EVENT_MESSAGE, event: { type: 'navigation.warned', host: 'evil.example/path?q=1' } },
      { kind: RECORD_EVENT_MESSAGE, event: { type: 'navigation.warned', host: 'user@evil.example' } },
      { kind: RECORD_EVENT_MESSAGE, event: { type: 'link.checked', host: 'zoom.us' } }, // findings missing
      { kind: RECORD_EVENT_MESSAGE, event: { ...linkChecked.event, findings: ['ok', 'Bad Code'] } },
      { kind: RECORD_EVENT_MESSAGE, event: { ...linkChecked.event, findings: Array.from({ length: 33 }, () => 'x') } },
      { kind: RECORD_EVENT_MESSAGE, event: { ...linkChecked.event, findings: 'personal-room' } },
    ];
    for (const m of bad) {
      const r = accept(m, warningPage);
      expect(r, JSON.stringify(m)?.slice(0, 120)).toHaveProperty('error');
    }
    expect(accept({ ...proceed, extra: 1 }, warningPage)).toEqual({ error: 'unknown field "extra"' });
  });

  it('a URL that does not parse keeps no host and never echoes the input', () => {
    const d = accept(recordEventRequest({ type: 'navigation.redirected', url: 'not a url Jane Doe', service: 'zoom', action: 'allow' }), warningPage);
    expect(d).toMatchObject({ host: null, type: 'navigation.redirected' });
    expect(JSON.stringify(d)).not.toContain('Jane');
  });
});
