import { describe, expect, it } from 'vitest';
import { decideDataCheck, decideProceed, RATE_LIMIT, RATE_WINDOW_MS, TICKET_LIFETIME_MS, underRateLimit, type DataTicket } from '../../../src/core/data-protection/decide.ts';
import type { DataScope } from '../../../src/core/data-protection/scope.ts';
import { parsePolicy } from '../../../src/core/policy/parse.ts';

const policy = (action: 'allow' | 'warn' | 'block') => {
  const r = parsePolicy({ schemaVersion: 1, dataProtection: { action, identifiers: ['us-ssn', 'nhs-number'], patterns: [{ name: 'MRN', regex: 'MRN\\d{7}' }] } });
  if (!r.ok) throw new Error('bad policy');
  return r.policy;
};
const scope: DataScope = { kind: 'consumer', service: 'whatsapp', name: 'WhatsApp', host: 'web.whatsapp.com' };

describe('the background’s decision on what a page reports', () => {
  it('warn and block come from the policy, with findings and channel only', () => {
    const d = decideDataCheck({ channel: 'paste', counts: { 'us-ssn': 3, 'pattern:MRN': 1 } }, scope, policy('warn'));
    expect(d).toEqual({
      action: 'warn',
      channel: 'paste',
      counts: { 'us-ssn': 3, 'pattern:MRN': 1 },
      event: { type: 'data.warned', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn', findings: ['us-ssn:3', 'pattern:MRN:1'], channel: 'paste' },
    });
    expect(decideDataCheck({ channel: 'upload', counts: { 'file-not-scanned': 1 } }, { kind: 'meeting', platform: 'zoom', host: 'other.zoom.us' }, policy('block'))).toMatchObject({
      action: 'block',
      event: { type: 'data.blocked', service: 'zoom', host: 'other.zoom.us', findings: ['file-not-scanned:1'], channel: 'upload' },
    });
  });
  it('refuses what the policy cannot have found, a bad channel or count, an empty report, an unchecked page', () => {
    const p = policy('warn');
    const error = (m: object, s: DataScope | null = scope) => 'error' in decideDataCheck(m, s, p);
    expect(error({ channel: 'paste', counts: { 'payment-card': 1 } })).toBe(true); // not enabled by this policy
    expect(error({ channel: 'paste', counts: { 'pattern:Other': 1 } })).toBe(true);
    expect(error({ channel: 'paste', counts: { 'us-ssn': 0 } })).toBe(true);
    expect(error({ channel: 'paste', counts: { 'us-ssn': 1.5 } })).toBe(true);
    expect(error({ channel: 'paste', counts: { 'us-ssn': 1e9 } })).toBe(true);
    expect(error({ channel: 'paste', counts: { 'us-ssn': '3' } })).toBe(true);
    expect(error({ channel: 'paste', counts: {} })).toBe(true);
    expect(error({ channel: 'paste', counts: [] })).toBe(true);
    expect(error({ channel: 'email', counts: { 'us-ssn': 1 } })).toBe(true);
    expect(error({ channel: 'paste', counts: { 'us-ssn': 1 } }, null)).toBe(true);
    expect('error' in decideDataCheck({ channel: 'paste', counts: { 'us-ssn': 1 } }, scope, policy('allow'))).toBe(true);
  });
  it('Continue: only with this frame’s ticket, fresh, once, with a reason; the event is the ticket’s, not the message’s', () => {
    const sender = { tabId: 4, frameId: 0, documentId: 'D1' };
    const ticket: DataTicket = { id: 't', sender, channel: 'paste', counts: { 'us-ssn': 2 }, host: 'web.whatsapp.com', service: 'whatsapp', issuedAt: 1000 };
    expect(decideProceed(ticket, sender, '  Patient asked\nfor it ', 2000)).toEqual({
      ok: true,
      event: { type: 'data.proceeded', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn', findings: ['us-ssn:2'], channel: 'paste', reason: 'Patient asked for it' },
    });
    expect(decideProceed(undefined, sender, 'a reason', 2000).ok).toBe(false);
    expect(decideProceed(ticket, { ...sender, frameId: 3 }, 'a reason', 2000).ok).toBe(false);
    expect(decideProceed(ticket, { ...sender, documentId: 'D2' }, 'a reason', 2000).ok).toBe(false);
    expect(decideProceed(ticket, { tabId: 5, frameId: 0, documentId: 'D1' }, 'a reason', 2000).ok).toBe(false);
    expect(decideProceed(ticket, sender, 'a reason', 1000 + TICKET_LIFETIME_MS + 1).ok).toBe(false);
    expect(decideProceed(ticket, sender, ' x ', 2000)).toEqual({ ok: false, error: 'Please type a reason of at least 3 characters.' });
    expect(decideProceed(ticket, sender, 42, 2000).ok).toBe(false);
  });
  it('a page that reports in a loop is held each time but writes at most RATE_LIMIT events per window', () => {
    const now = 10 * RATE_WINDOW_MS;
    expect(underRateLimit(Array(RATE_LIMIT - 1).fill(now - 1), now)).toBe(true);
    expect(underRateLimit(Array(RATE_LIMIT).fill(now - 1), now)).toBe(false);
    expect(underRateLimit(Array(RATE_LIMIT).fill(now - RATE_WINDOW_MS), now)).toBe(true);
  });
});
