/** logs report: drill results per install (and user, when recorded), and lessons shown (docs/awareness.md). */
import { describe, expect, it } from 'vitest';
import { sealChain } from '../../../src/core/events/chain.ts';
import { renderReportHtml } from '../../../src/core/events/report-html.ts';
import { renderReportText } from '../../../src/core/events/report-text.ts';
import { SummaryBuilder } from '../../../src/core/events/summary-builder.ts';
import type { Summary } from '../../../src/core/events/summary.ts';
import type { EventDraft, EventRecord } from '../../../src/core/events/types.ts';

const base = { policyVersion: 'v2', policySource: 'managed', extensionVersion: '0.1.0', service: null, action: null } as const;

async function install(installId: string, events: Array<Partial<EventDraft> & Pick<EventDraft, 'ts' | 'type'>>): Promise<EventRecord[]> {
  return sealChain(events.map((e) => ({ ...base, host: null, installId, ...e }) as EventDraft));
}

function summaryOf(chains: readonly (readonly EventRecord[])[]): Summary {
  const b = new SummaryBuilder({});
  for (const c of chains) {
    const s = b.stage();
    for (const e of c) s.add(e);
    s.commit();
  }
  return { ...b.finish(), inputs: [], exclusions: [], conflicts: [], pinned: false, duplicates: 0 };
}

describe('drill results per install', () => {
  it('counts each drill per install and user, with first and last opening; lessons by id', async () => {
    const a = await install('install-a', [
      { ts: '2026-01-05T09:00:00.000Z', type: 'training.drill', host: 'zoom-us.drill-example.net', name: 'Q1 fake Zoom invite', user: 'ana@example.org' },
      { ts: '2026-01-06T09:00:00.000Z', type: 'training.drill', host: 'zoom-us.drill-example.net', name: 'Q1 fake Zoom invite', user: 'ana@example.org' },
      { ts: '2026-01-06T10:00:00.000Z', type: 'training.lesson', name: 'lookalike' },
    ]);
    const b = await install('install-b', [
      { ts: '2026-01-07T09:00:00.000Z', type: 'training.drill', host: 'intranet.example.org', name: 'Q1 calendar invite' },
      { ts: '2026-01-07T09:05:00.000Z', type: 'navigation.warned', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn' },
      { ts: '2026-01-07T09:06:00.000Z', type: 'training.lesson', name: 'consumer-app' },
    ]);
    const c = await install('install-c', [{ ts: '2026-01-08T09:00:00.000Z', type: 'navigation.warned', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn' }]);
    const s = summaryOf([a, b, c]);
    expect(s.drillResults.rows).toEqual([
      { key: 'Q1 fake Zoom invite\u0000install-a\u0000ana@example.org', drill: 'Q1 fake Zoom invite', installId: 'install-a', user: 'ana@example.org', count: 2, firstTs: '2026-01-05T09:00:00.000Z', lastTs: '2026-01-06T09:00:00.000Z' },
      { key: 'Q1 calendar invite\u0000install-b\u0000', drill: 'Q1 calendar invite', installId: 'install-b', count: 1, firstTs: '2026-01-07T09:00:00.000Z', lastTs: '2026-01-07T09:00:00.000Z' },
    ]);
    expect(s.drills.rows).toEqual([
      { key: 'Q1 fake Zoom invite', count: 2 },
      { key: 'Q1 calendar invite', count: 1 },
    ]);
    expect(s.lessons.rows.map((r) => r.key).sort()).toEqual(['consumer-app', 'lookalike']);

    const html = renderReportHtml(s, { generatedAt: '2026-01-09T00:00:00.000Z' });
    expect(html).toContain('Drill results, per install (and user, when recorded)');
    expect(html).toContain('ana@example.org');
    expect(html).toContain('2 of 3 installs in these logs opened a drill link.');
    const text = renderReportText(s, { generatedAt: '2026-01-09T00:00:00.000Z' });
    expect(text).toMatch(/Q1 fake Zoom invite\s+install-a\s+ana@example.org\s+2/);
    expect(text).toMatch(/Q1 calendar invite\s+install-b\s+1/);
  });
});
