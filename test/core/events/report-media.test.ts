/**
 * `logs report`: "Sites that used camera or microphone and are not sanctioned", by number of
 * installs (the 1.2 discover section).
 */
import { describe, expect, it } from 'vitest';
import { sealChain } from '../../../src/core/events/chain.ts';
import { renderReportHtml } from '../../../src/core/events/report-html.ts';
import { SummaryBuilder } from '../../../src/core/events/summary-builder.ts';
import type { Summary } from '../../../src/core/events/summary.ts';
import type { EventDraft, EventRecord } from '../../../src/core/events/types.ts';

const base = { policyVersion: 'v2', policySource: 'managed', extensionVersion: '0.1.0', service: null } as const;
const used = (installId: string, host: string, ts: string, findings: string[], type: EventDraft['type'] = 'media.used'): EventDraft =>
  ({ ...base, installId, ts, type, host, action: type === 'media.used' ? 'allow' : 'warn', findings, ...(type === 'media.proceeded' ? { reason: 'no other way' } : {}) }) as EventDraft;

/** Each chain an input that verified, as report-intake.ts feeds the builder. */
function summaryOf(chains: EventRecord[][]): Summary {
  const b = new SummaryBuilder();
  for (const c of chains) {
    const s = b.stage();
    for (const e of c) s.add(e);
    s.commit();
  }
  return { ...b.finish(), inputs: [], exclusions: [], conflicts: [], pinned: false, duplicates: 0 };
}

describe('sites that used camera or microphone and are not sanctioned', () => {
  it('by number of installs, then events; media.used and media.proceeded count, nothing else', async () => {
    const a = await sealChain([
      used('install-a', 'rooms.example.net', '2026-12-01T09:00:00.000Z', ['camera', 'microphone']),
      used('install-a', 'rooms.example.net', '2026-12-02T09:00:00.000Z', ['microphone']),
      used('install-a', 'calls.example.org', '2026-12-02T10:00:00.000Z', ['camera'], 'media.proceeded'),
      used('install-a', 'blocked.example', '2026-12-02T10:00:00.000Z', ['camera'], 'media.warned'),
    ]);
    const b = await sealChain([used('install-b', 'calls.example.org', '2026-12-03T09:00:00.000Z', ['screen']), used('install-c', 'calls.example.org', '2026-12-03T09:30:00.000Z', ['camera'])]);
    const s = summaryOf([a, b]);
    expect(s.mediaSites.rows).toEqual([
      { key: 'calls.example.org', count: 3, events: 3, kinds: ['camera', 'screen'], firstTs: '2026-12-02T10:00:00.000Z', lastTs: '2026-12-03T09:30:00.000Z' },
      { key: 'rooms.example.net', count: 1, events: 2, kinds: ['camera', 'microphone'], firstTs: '2026-12-01T09:00:00.000Z', lastTs: '2026-12-02T09:00:00.000Z' },
    ]);
    const html = renderReportHtml(s, { generatedAt: '2026-12-05T00:00:00.000Z' });
    expect(html).toContain('Sites that used camera or microphone and are not sanctioned');
    expect(html.indexOf('calls.example.org')).toBeLessThan(html.indexOf('rooms.example.net'));
  });

  it('an install is counted once per site across inputs (the same install exported twice)', async () => {
    const a = await sealChain([used('install-a', 'calls.example.org', '2026-12-02T10:00:00.000Z', ['camera'])]);
    const b = await sealChain([used('install-a', 'calls.example.org', '2026-12-03T10:00:00.000Z', ['camera'])], 2);
    expect(summaryOf([a, b]).mediaSites.rows).toMatchObject([{ key: 'calls.example.org', count: 1, events: 2 }]);
  });

  it('says so when there are none', () => {
    const html = renderReportHtml(summaryOf([]), { generatedAt: '2026-12-05T00:00:00.000Z' });
    expect(html).toContain('No capture on unsanctioned sites was recorded.');
  });
});
