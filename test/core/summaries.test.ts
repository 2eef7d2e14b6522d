import { describe, expect, it } from 'vitest';
import { bucketCounts } from '../../src/core/events/buckets.ts';
import { translator } from '../../src/core/i18n/format.ts';
import { policySummary } from '../../src/core/policy/summary.ts';
import { policySchema } from '../../src/core/policy/schema.ts';

describe('the chart’s buckets read from one day to a year', () => {
  const day = (d: string, count = 1) => ({ day: d, type: 'navigation.warned', count });
  it('one day is one bucket; a month is days, gaps included', () => {
    expect(bucketCounts([day('2025-03-01', 5)]).buckets).toEqual([{ start: '2025-03-01', byType: { 'navigation.warned': 5 } }]);
    const month = bucketCounts([day('2025-03-01'), day('2025-03-30')]);
    expect(month.unit).toBe('day');
    expect(month.buckets).toHaveLength(30);
  });
  it('half a year is weeks starting Monday; two years are months', () => {
    const half = bucketCounts([day('2025-01-01'), day('2025-06-30', 2)]);
    expect(half.unit).toBe('week');
    expect(half.buckets[0]!.start).toBe('2024-12-30');
    expect(half.buckets.length).toBeLessThanOrEqual(27);
    const years = bucketCounts([day('2024-01-15'), day('2025-12-01')]);
    expect(years.unit).toBe('month');
    expect(years.buckets).toHaveLength(24);
    expect(years.buckets.reduce((a, b) => a + (b.byType['navigation.warned'] ?? 0), 0)).toBe(2);
  });
});

describe('the policy summary (validate and the options page)', () => {
  const p = policySchema.parse({
    schemaVersion: 1,
    rules: [{ match: 'a.example', action: 'block' }],
    meetings: { sanctioned: { teams: { tenantIds: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] } } },
    incidentResponse: { contact: 'Privacy office', steps: ['End the call.'] },
  });
  it('says the same facts in every language, with the organisation’s own words as written', () => {
    const en = Object.fromEntries(policySummary(p, translator('en')).map((l) => [l.id, l.value]));
    expect(en.rules).toBe('1 (1 block, 0 warn, 0 allow)');
    expect(en.sanctioned).toBe('Teams (1 tenant)');
    expect(en.incidents).toBe('Privacy office — 1 step');
    const de = policySummary(p, translator('de'));
    expect(de.map((l) => l.id)).toEqual(policySummary(p, translator('en')).map((l) => l.id));
    expect(de.find((l) => l.id === 'rules')!.value).toBe('1 (1 sperren, 0 warnen, 0 erlauben)');
  });

  it('names categories, services and findings plainly in the reader’s language, never by their codes', () => {
    const q = policySchema.parse({ schemaVersion: 1, services: { telegram: 'block' }, meetings: { findingActions: { 'personal-room': 'block' } } });
    const de = Object.fromEntries(policySummary(q, translator('de')).map((l) => [l.id, l.value]));
    expect(de.categories).toBe('Videotelefonie für Privatanwender → warnen, Messenger für Privatanwender → warnen');
    expect(de.services).toBe('Telegram → sperren');
    expect(de.findings).toBe('Persönlicher Raum, für jede Besprechung wiederverwendet → sperren');
    for (const lang of ['en', 'es', 'fr', 'de'] as const) {
      const text = policySummary(q, translator(lang)).map((l) => l.value).join('\n');
      expect(text, lang).not.toMatch(/consumer-video|consumer-messaging|personal-room/);
    }
    // The command line gives IT the code too.
    expect(policySummary(q, translator('en'), { codes: true }).find((l) => l.id === 'categories')!.value).toContain('Consumer video calling (consumer-video) → warn');
  });
});
