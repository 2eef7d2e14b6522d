/** Shared test data for the event-log tests. */
import { sealChain, GENESIS } from '../../../src/core/events/chain.ts';
import type { EventDraft, EventRecord } from '../../../src/core/events/types.ts';

const base = { policyVersion: '2025-03-01', policySource: 'managed', extensionVersion: '0.1.0' } as const;

export function sampleDrafts(): EventDraft[] {
  return [
    { ...base, ts: '2025-03-01T08:00:00.000Z', type: 'policy.applied' },
    { ...base, ts: '2025-03-01T09:15:00.000Z', type: 'navigation.warned', host: 'www.whatsapp.com', service: 'whatsapp', action: 'warn' },
    { ...base, ts: '2025-03-01T09:15:30.000Z', type: 'navigation.proceeded', host: 'www.whatsapp.com', service: 'whatsapp', action: 'warn', reason: 'Patient has no other app' },
    { ...base, ts: '2025-03-01T10:00:00.000Z', type: 'navigation.blocked', host: 'facetime.apple.com', service: 'facetime', action: 'block' },
    { ...base, ts: '2025-03-02T11:00:00.000Z', type: 'link.checked', host: 'zoom.us', service: 'zoom', action: 'warn', findings: ['embedded-passcode', 'personal-room'] },
    { ...base, ts: '2025-03-02T11:05:00.000Z', type: 'navigation.redirected', host: 'zoom.us', service: 'zoom', action: 'allow' },
    { ...base, ts: '2025-03-02T12:00:00.000Z', type: 'schedule.checked', host: 'zoom.us', service: 'zoom', action: null, findings: [] },
    { ...base, ts: '2025-03-03T07:00:00.000Z', type: 'policy.invalid', policySource: 'local' },
    { ...base, ts: '2025-03-03T07:30:00.000Z', type: 'log.exported' },
    { ...base, ts: '2025-03-03T08:00:00.000Z', type: 'navigation.warned', host: 'www.whatsapp.com', service: 'whatsapp', action: 'warn' },
  ];
}

export function sampleChain(): Promise<EventRecord[]> {
  return sealChain(sampleDrafts(), 1, GENESIS);
}

/** n drafts cycling through the sample ones, one minute apart. */
export function manyDrafts(n: number): EventDraft[] {
  const s = sampleDrafts();
  const t0 = Date.parse('2025-01-01T00:00:00.000Z');
  return Array.from({ length: n }, (_, i) => ({ ...s[i % s.length]!, ts: new Date(t0 + i * 60_000).toISOString() }));
}
